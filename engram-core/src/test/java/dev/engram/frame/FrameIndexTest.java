package dev.engram.frame;

import dev.engram.format.Framing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.CompressionMethod;
import dev.engram.CorruptArchiveException;
import dev.engram.codec.Codec;
import dev.engram.codec.Codecs;
import dev.engram.CountingSource;
import dev.engram.io.ArchiveFile;
import dev.engram.source.ArchiveSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frame indexes of payloads built by hand, including layouts no archive could reach: the walk of
 * the size prefixes, and the frame index (FORMAT.md, "Frame index") built here from its
 * description, sound and damaged.
 */
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

  // --- the frame index ------------------------------------------------------------------------

  /** Small frames, each compressing differently: 65 frames, the last one of 100 bytes. */
  private static final int SMALL_FRAME = 1024;
  private static final long SMALL_SIZE = 64 * SMALL_FRAME + 100;
  private static final int SMALL_FRAMES = 65;
  private static final byte[] MARKER = {'E', 'N', 'G', 'F', 'I', 'D', 'X', 1};

  /** The encoded size of each small frame, as {@link #smallFrames()} writes them. */
  private static int[] smallSizes() {
    int[] sizes = new int[SMALL_FRAMES];
    byte[] encoded = new byte[LZ4.maxCompressedLength(SMALL_FRAME)];
    for (int k = 0; k < SMALL_FRAMES; k++) {
      byte[] content = frameContent(k);
      sizes[k] = LZ4.compress(content, 0, content.length, encoded, 0, 0);
    }
    return sizes;
  }

  /** Frame k: random letters from an alphabet of 4 to 11, so frames compress differently. */
  private static byte[] frameContent(int k) {
    byte[] content = new byte[Framing.frameLength(SMALL_SIZE, k, SMALL_FRAME)];
    Random random = new Random(k);
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) ('a' + random.nextInt(4 + k % 8));
    }
    return content;
  }

  /** {@code [count][size][frame]...} of the small frames, without an index. */
  private static byte[] smallFrames() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(u32(SMALL_FRAMES));
    byte[] encoded = new byte[LZ4.maxCompressedLength(SMALL_FRAME)];
    for (int k = 0; k < SMALL_FRAMES; k++) {
      byte[] content = frameContent(k);
      int n = LZ4.compress(content, 0, content.length, encoded, 0, 0);
      out.writeBytes(u32(n));
      out.write(encoded, 0, n);
    }
    return out.toByteArray();
  }

  /** A frame index as FORMAT.md describes it: sizes, count, CRC32 of both, marker. */
  private static byte[] index(int[] sizes, long count) {
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    for (int size : sizes) {
      table.writeBytes(u32(size));
    }
    table.writeBytes(u32(count));
    CRC32 crc = new CRC32();
    crc.update(table.toByteArray());
    table.writeBytes(u32(crc.getValue()));
    table.writeBytes(MARKER);
    return table.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] withIndex(int[] sizes, long count) {
    return concat(smallFrames(), index(sizes, count));
  }

  private static FrameIndex smallIndex(ArchiveSource source, long storedSize) throws IOException {
    return FrameIndex.build(source, 0, storedSize, SMALL_SIZE, SMALL_FRAME, LZ4, "data.db");
  }

  private static FrameIndex smallIndex(byte[] payload) throws IOException {
    return smallIndex(ArchiveSource.wrap(payload, "payload"), payload.length);
  }

  /** Every frame of an index is where the walk of the plain frames finds it. */
  private static void assertSamePositions(FrameIndex walked, FrameIndex index) {
    assertEquals(walked.frameCount(), index.frameCount());
    for (int k = 0; k < walked.frameCount(); k++) {
      assertEquals(walked.encodedOffset(k), index.encodedOffset(k), "frame " + k);
      assertEquals(walked.encodedLength(k), index.encodedLength(k), "frame " + k);
    }
  }

  @Test
  void anIndexGivesEveryFrameInOneReadOfThePayloadsTail() throws IOException {
    byte[] payload = withIndex(smallSizes(), SMALL_FRAMES);
    int indexLength = 4 * SMALL_FRAMES + 16;
    CountingSource source = new CountingSource(ArchiveSource.wrap(payload, "payload"));
    FrameIndex index = smallIndex(source, payload.length);
    assertEquals(List.of((payload.length - indexLength) + "+" + indexLength), source.reads());
    assertTrue(index.fromTable());
    assertEquals(Optional.empty(), index.tableDamage());
    FrameIndex walked = smallIndex(smallFrames());
    assertFalse(walked.fromTable());
    assertSamePositions(walked, index);
  }

  @Test
  void everyFrameReadFromAnIndexDecodesToItsContent() throws IOException {
    byte[] payload = withIndex(smallSizes(), SMALL_FRAMES);
    ArchiveSource source = ArchiveSource.wrap(payload, "payload");
    FrameIndex index = smallIndex(source, payload.length);
    byte[] scratch = new byte[index.scratchLength(LZ4)];
    for (int k = 0; k < SMALL_FRAMES; k++) {
      byte[] frame = new byte[index.frameLength(k)];
      FramedContent.decode(source, index, LZ4, "data.db", k, scratch, frame);
      assertArrayEquals(frameContent(k), frame, "frame " + k);
    }
  }

  @Test
  void aConsistentIndexThatLiesAboutBoundariesFailsTheFramesItMisplaces() throws IOException {
    int[] sizes = smallSizes();
    assertNotEquals(sizes[3], sizes[4], "the test needs frames of different sizes");
    int[] swapped = sizes.clone();
    swapped[3] = sizes[4];
    swapped[4] = sizes[3];
    byte[] payload = concat(smallFrames(), index(swapped, SMALL_FRAMES));
    ArchiveSource source = ArchiveSource.wrap(payload, "payload");
    FrameIndex index = smallIndex(source, payload.length);
    assertTrue(index.fromTable(), "the table is consistent: same sum, right CRC");
    byte[] scratch = new byte[index.scratchLength(LZ4)];
    long prefix3 = index.encodedOffset(3) - 4;
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
        () -> index.readFrame(source, 3, scratch));
    assertEquals("entry 'data.db': frame 3 at offset " + prefix3 + " claims " + sizes[3]
        + " bytes, but the frame index says " + sizes[4], e.getMessage());
    assertThrows(CorruptArchiveException.class, () -> index.readFrame(source, 4, scratch));
    for (int k : new int[] {0, 2, 5, SMALL_FRAMES - 1}) {
      byte[] frame = new byte[index.frameLength(k)];
      FramedContent.decode(source, index, LZ4, "data.db", k, scratch, frame);
      assertArrayEquals(frameContent(k), frame, "frame " + k + " lies where the index says");
    }
  }

  @Test
  void aWrongLeadingFrameCountUnderASoundIndexFailsFrameZero() throws IOException {
    byte[] payload = withIndex(smallSizes(), SMALL_FRAMES);
    System.arraycopy(u32(SMALL_FRAMES + 1), 0, payload, 0, 4);
    ArchiveSource source = ArchiveSource.wrap(payload, "payload");
    FrameIndex index = smallIndex(source, payload.length);
    byte[] scratch = new byte[index.scratchLength(LZ4)];
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
        () -> index.readFrame(source, 0, scratch));
    assertEquals("entry 'data.db': frame count is 66 but 65636 bytes need 65 frames of 1024",
        e.getMessage());
    assertEquals(4, index.readFrame(source, 1, scratch), "frame 1: its size prefix only");
  }

  static Stream<Arguments> damagedIndexes() {
    int[] sizes = smallSizes();
    int[] oneMore = sizes.clone();
    oneMore[3]++;
    int[] zero = sizes.clone();
    zero[7] = 0;
    byte[] badCrc = withIndex(sizes, SMALL_FRAMES);
    badCrc[badCrc.length - 16 - 4 * SMALL_FRAMES + 12] ^= 1; // frame 3's size, CRC kept
    byte[] badMarker = withIndex(sizes, SMALL_FRAMES);
    badMarker[badMarker.length - 1] = 2;
    long crc = crc(Arrays.copyOf(index(sizes, SMALL_FRAMES), 4 * SMALL_FRAMES + 4));
    return Stream.of(
        Arguments.of("bad CRC", badCrc, String.format("its CRC32 is %08x, but its table gives"
            + " %08x", crc, crc(Arrays.copyOfRange(badCrc, badCrc.length - 16
            - 4 * SMALL_FRAMES, badCrc.length - 12)))),
        Arguments.of("wrong count", withIndex(sizes, SMALL_FRAMES - 1),
            "it counts 64 frames, not 65"),
        Arguments.of("sizes that do not sum", withIndex(oneMore, SMALL_FRAMES),
            "it gives frame 3 " + oneMore[3] + " bytes, its size prefix " + sizes[3]),
        Arguments.of("size impossible for the codec", withIndex(zero, SMALL_FRAMES),
            "it gives frame 7 0 bytes, its size prefix " + sizes[7]),
        Arguments.of("damaged marker", badMarker,
            "its last 8 bytes are not the frame index marker"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damagedIndexes")
  void aDamagedIndexIsWalkedAroundAndRecorded(String damage, byte[] payload, String reason)
      throws IOException {
    FrameIndex index = smallIndex(payload);
    assertFalse(index.fromTable());
    assertEquals(Optional.of("entry 'data.db': damaged frame index: " + reason),
        index.tableDamage());
    assertSamePositions(smallIndex(smallFrames()), index);
  }

  @Test
  void aMarkerAfterATruncatedTableIsStrayBytes() throws IOException {
    byte[] index = index(smallSizes(), SMALL_FRAMES);
    byte[] payload = concat(smallFrames(), Arrays.copyOfRange(index, 4, index.length));
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> smallIndex(payload));
    assertEquals("entry 'data.db': " + (index.length - 4) + " stray bytes follow the last frame",
        e.getMessage());
  }

  @Test
  void aPayloadThatEndsLikeAnIndexByChanceIsWalkedWithoutComplaint() throws IOException {
    // engram-rs's payloads end with the last frame; these bytes only look like a marker
    byte[] payload = smallFrames();
    System.arraycopy(MARKER, 0, payload, payload.length - MARKER.length, MARKER.length);
    FrameIndex index = smallIndex(payload);
    assertFalse(index.fromTable());
    assertEquals(Optional.empty(), index.tableDamage());
    assertSamePositions(smallIndex(smallFrames()), index);
  }

  private static long crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }
}
