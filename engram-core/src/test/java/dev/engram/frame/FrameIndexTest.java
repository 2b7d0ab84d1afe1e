package dev.engram.frame;

import dev.engram.format.Framing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.CompressionMethod;
import dev.engram.CorruptArchiveException;
import dev.engram.codec.Codec;
import dev.engram.codec.Codecs;
import dev.engram.io.ArchiveFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The frame walk on payloads built by hand, including layouts no archive could reach. */
class FrameIndexTest {
  private static final long SIZE = Framing.THRESHOLD + 1000; // 801 frames, the last one short
  private static final Codec LZ4 = Codecs.of(CompressionMethod.LZ4);

  @TempDir Path dir;

  /** {@code [count][size][frame]...} for SIZE zero bytes, with {@code extra} bytes appended. */
  private static byte[] payload(int extra) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long frames = Framing.frameCount(SIZE);
    out.writeBytes(u32(frames));
    byte[] encoded = new byte[LZ4.maxCompressedLength(Framing.FRAME_SIZE)];
    for (long k = 0; k < frames; k++) {
      int length = Framing.frameLength(SIZE, k, Framing.FRAME_SIZE);
      int n = LZ4.compress(new byte[length], 0, length, encoded, 0, 0);
      out.writeBytes(u32(n));
      out.write(encoded, 0, n);
    }
    out.writeBytes(new byte[extra]);
    return out.toByteArray();
  }

  private static byte[] u32(long value) {
    return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16),
        (byte) (value >>> 24)};
  }

  private FrameIndex index(byte[] payload) throws IOException {
    Path file = dir.resolve("payload.bin");
    Files.write(file, payload);
    try (ArchiveFile archive = ArchiveFile.open(file)) {
      return FrameIndex.build(archive, 0, payload.length, SIZE, Framing.FRAME_SIZE, LZ4,
          "big.bin");
    }
  }

  @Test
  void wellFormedPayloadIndexesEveryFrame() throws IOException {
    byte[] payload = payload(0);
    FrameIndex index = index(payload);
    assertEquals(801, index.frameCount());
    assertEquals(1000, index.frameLength(800));
    assertEquals(payload.length, index.encodedOffset(800) + index.encodedLength(800));
  }

  @Test
  void bytesAfterTheLastFrameAreCorruption() {
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> index(payload(7)));
    assertEquals("entry 'big.bin': 7 stray bytes follow the last frame", e.getMessage());
  }

  @Test
  void frameSmallerThanTheCodecCanEncodeIsCorruption() {
    byte[] payload = payload(0);
    // frame 0: prefix at 4; claim 10 bytes for 65,536 bytes of LZ4 output (it needs 260)
    byte[] patched = Arrays.copyOf(payload, payload.length);
    System.arraycopy(u32(10), 0, patched, 4, 4);
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> index(patched));
    assertTrue(e.getMessage().startsWith("entry 'big.bin': frame 0 at offset 4 claims 10 bytes"
        + " (possible: 260 to "), e.getMessage());
  }

  @Test
  void frameCountThatDoesNotMatchTheSizeIsCorruption() {
    byte[] patched = payload(0);
    System.arraycopy(u32(800), 0, patched, 0, 4);
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> index(patched));
    assertEquals("entry 'big.bin': frame count is 800 but 52429800 bytes need 801 frames of 65536",
        e.getMessage());
  }
}
