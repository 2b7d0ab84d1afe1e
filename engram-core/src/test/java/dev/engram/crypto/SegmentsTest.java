package dev.engram.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.engram.AuthenticationFailedException;
import dev.engram.io.ArchiveFile;
import dev.engram.io.ArchiveOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Segmented streams on their own: key derivation, segment boundaries, binding. */
class SegmentsTest {
  private static final byte[] KEY = new byte[32];
  private static final byte[] AAD = "bound to this".getBytes();

  @TempDir Path dir;

  @Test
  void hkdfMatchesRfc5869TestCase1() {
    byte[] ikm = new byte[22];
    java.util.Arrays.fill(ikm, (byte) 0x0b);
    byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c");
    byte[] info = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
        HexFormat.of().formatHex(Segments.hkdf(ikm, salt, info)));
  }

  private Path stream(byte[] plain) throws IOException {
    Path file = dir.resolve("stream-" + plain.length);
    try (ArchiveOutput out = ArchiveOutput.open(Files.createFile(file))) {
      SegmentedWriter writer = SegmentedWriter.begin(KEY, AAD, out);
      for (int i = 0; i < plain.length; i += 10_007) { // pieces unrelated to segment size
        writer.write(plain, i, Math.min(10_007, plain.length - i));
      }
      long size = writer.finish();
      assertEquals(SegmentedWriter.streamSize(plain.length), size);
      out.flush();
    }
    return file;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65535, 65536, 65537, 131072, 200_000})
  void everyBoundaryRoundTripsAndReadsAtAnyPosition(int size) throws IOException {
    byte[] plain = new byte[size];
    new Random(size).nextBytes(plain);
    Path file = stream(plain);
    try (ArchiveFile archive = ArchiveFile.open(file)) {
      LongAdder decrypted = new LongAdder();
      SegmentedSource source =
          SegmentedSource.open(archive, 0, archive.size(), KEY, AAD, 100, "test", decrypted);
      assertEquals(Math.max(1, (size + 65535) / 65536), source.segmentCount());
      assertEquals(100 + size, source.size());
      byte[] all = new byte[size];
      source.readFully(100, all, 0, size);
      assertArrayEquals(plain, all);
      if (size > 2) {
        byte[] middle = new byte[2];
        source.readFully(100 + size / 2, middle, 0, 2);
        assertArrayEquals(java.util.Arrays.copyOfRange(plain, size / 2, size / 2 + 2), middle);
      }
    }
  }

  @Test
  void otherAssociatedDataOrKeyFailsAtOpen() throws IOException {
    Path file = stream(new byte[100_000]);
    try (ArchiveFile archive = ArchiveFile.open(file)) {
      assertThrows(AuthenticationFailedException.class, () -> SegmentedSource.open(archive, 0,
          archive.size(), KEY, "other".getBytes(), 0, "test", new LongAdder()));
      byte[] otherKey = KEY.clone();
      otherKey[0] = 1;
      assertThrows(AuthenticationFailedException.class, () -> SegmentedSource.open(archive, 0,
          archive.size(), otherKey, AAD, 0, "test", new LongAdder()));
    }
  }
}
