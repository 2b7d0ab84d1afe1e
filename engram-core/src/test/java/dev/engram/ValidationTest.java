package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.codec.Codecs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every check {@link ArchiveReader#open} and the reads make, each proven with a hand-corrupted
 * copy of a small valid archive: the bytes are patched at the offsets FORMAT.md gives. Each test
 * asserts the exception type and that the message names the archive, the structure and the
 * offset or entry.
 *
 * <p>The {@code @Timeout} is only a guard that turns a hang into a failure; no test asserts speed.
 */
@Timeout(120)
class ValidationTest {
  // Header fields (FORMAT.md "Header").
  private static final int H_MAJOR = 8;
  private static final int H_MINOR = 10;
  private static final int H_CRC = 12;
  private static final int H_DIR_OFFSET = 16;
  private static final int H_DIR_SIZE = 24;
  private static final int H_COUNT = 32;
  private static final int H_FLAGS = 40;
  // End record fields, relative to the file size minus 64.
  private static final int E_MAJOR = 4;
  private static final int E_MINOR = 6;
  private static final int E_DIR_OFFSET = 8;
  private static final int E_DIR_SIZE = 16;
  private static final int E_COUNT = 24;
  // Central directory entry fields, relative to the entry.
  private static final int C_DATA_OFFSET = 4;
  private static final int C_SIZE = 12;
  private static final int C_STORED = 20;
  private static final int C_CRC = 28;
  private static final int C_METHOD = 40;
  private static final int C_PATH_LENGTH = 42;
  private static final int C_PATH = 44;
  // Local header fields, relative to the data offset.
  private static final int L_SIZE = 4;
  private static final int L_STORED = 12;
  private static final int L_CRC = 20;
  private static final int L_METHOD = 32;
  private static final int L_PATH_LENGTH = 34;
  private static final int L_PATH = 40;

  private static final Instant MODIFIED = Instant.ofEpochSecond(1_700_000_000L);

  /** The three entries of the small archive, in directory order. */
  private static final String[] PATHS = {"a.txt", "b.bin", "c.json"};
  private static final byte[][] CONTENTS = {
      TestData.text(100, 11), TestData.text(4_096, 12), TestData.text(20_000, 13)};
  private static final CompressionMethod[] METHODS = {
      CompressionMethod.NONE, CompressionMethod.LZ4, CompressionMethod.ZSTD};

  private static final String FRAMED = "big.bin";
  private static final long FRAMED_SIZE = 52_428_800L;
  private static final int FRAMES = 800;
  private static final String AFTER = "after.txt";
  private static final byte[] AFTER_CONTENT = TestData.text(50, 14);

  @TempDir
  static Path shared;

  /** Three entries, one per method. */
  private static byte[] small;
  /** One 10-byte stored entry "x": the smallest archive with a directory entry. */
  private static byte[] tiny;
  /**
   * A framed LZ4 entry followed by a small stored one; built by the first test that needs it.
   * Written without a frame index, as engram-rs writes it, so that reads walk (and check) the
   * size prefixes; the same damage under an index: FrameIndexReadTest.
   */
  private static byte[] framed;

  @TempDir
  Path dir;

  @BeforeAll
  static void writeArchives() throws IOException {
    WriterOptions options = WriterOptions.builder().modifiedTime(MODIFIED).build();
    Path smallPath = shared.resolve("small.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(smallPath, options)) {
      for (int i = 0; i < PATHS.length; i++) {
        writer.addFile(PATHS[i], CONTENTS[i], METHODS[i]);
      }
      writer.finish();
    }
    small = Files.readAllBytes(smallPath);
    Path tinyPath = shared.resolve("tiny.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(tinyPath, options)) {
      writer.addFile("x", TestData.text(10, 15), CompressionMethod.NONE);
      writer.finish();
    }
    tiny = Files.readAllBytes(tinyPath);
  }

  private static synchronized byte[] framed() throws IOException {
    if (framed == null) {
      Path path = shared.resolve("framed.eng");
      try (ArchiveWriter writer = ArchiveWriter.create(path,
          WriterOptions.builder().frameIndex(false).build())) {
        writer.addFile(FRAMED, TestData.patternStream(FRAMED_SIZE), CompressionMethod.LZ4);
        writer.addFile(AFTER, AFTER_CONTENT, CompressionMethod.NONE);
        writer.finish();
      }
      framed = Files.readAllBytes(path);
    }
    return framed;
  }

  // --- baselines ------------------------------------------------------------------------------

  @Test
  void smallArchiveOpensAndReadsAsWritten() throws IOException {
    assertEquals(64 + 3 * 320 + 64 + 3 * 41 + 5 + 5 + 6 + stored(small, 0) + stored(small, 1)
        + stored(small, 2), small.length);
    try (ArchiveReader reader = ArchiveReader.open(patch(small).write("small.eng"))) {
      assertEquals(List.of(PATHS), reader.list());
      for (int i = 0; i < PATHS.length; i++) {
        assertEquals(METHODS[i], reader.entry(PATHS[i]).orElseThrow().compression(), PATHS[i]);
        assertArrayEquals(CONTENTS[i], reader.read(PATHS[i]), PATHS[i]);
      }
    }
    assertEquals(64 + 41 + 1 + 10 + 320 + 64, tiny.length);
  }

  // --- header ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "magic byte {0} changed")
  @ValueSource(ints = {0, 1, 3, 4, 7})
  void wrongMagicFailsWithCorruptArchiveException(int index) throws IOException {
    Path archive = patch(small).u8(index, small[index] ^ 0x40).write("magic.eng");
    CorruptArchiveException e = openFails(CorruptArchiveException.class, archive,
        "not an Engram archive", "header magic is", "expected 89 45 4E 47 0D 0A 1A 0A");
    assertFalse(e instanceof ChecksumMismatchException);
  }

  @ParameterizedTest(name = "major version {0}")
  @ValueSource(ints = {2, 0, 0xFFFF})
  void majorVersionOtherThanOneIsUnsupported(int major) throws IOException {
    Path archive = patch(small).u16(H_MAJOR, major).u16(small.length - 64 + E_MAJOR, major)
        .headerCrc().write("major.eng");
    openFails(UnsupportedArchiveException.class, archive,
        "format version " + major + ".0 is not supported");
  }

  @Test
  void majorVersionTwoWithoutHeaderCrcIsUnsupported() throws IOException {
    Path archive = patch(small).u16(H_MAJOR, 2).u32(H_CRC, 0).write("major-nocrc.eng");
    openFails(UnsupportedArchiveException.class, archive, "format version 2.0 is not supported");
  }

  @Test
  void wrongNonZeroHeaderCrcIsCorrupt() throws IOException {
    long recorded = u32(small, H_CRC);
    assertTrue(recorded != 0, "this project's writer records the header CRC");
    long wrong = recorded ^ 0x0100_0000L;
    Path archive = patch(small).u32(H_CRC, wrong).write("crc.eng");
    openFails(CorruptArchiveException.class, archive, "header CRC32 mismatch",
        String.format("recorded %08x", wrong), String.format("give %08x", recorded));
  }

  @Test
  void headerBytesChangedUnderTheirCrcAreCorrupt() throws IOException {
    // minor version 1 in both header and end record, but the header CRC not updated
    Path archive = patch(small).u16(H_MINOR, 1).u16(small.length - 64 + E_MINOR, 1)
        .write("crc-stale.eng");
    openFails(CorruptArchiveException.class, archive, "header CRC32 mismatch");
  }

  @Test
  void headerCrcZeroIsAcceptedAsNotRecorded() throws IOException {
    Path archive = patch(small).u32(H_CRC, 0).withoutHeaderCopy().write("crc-zero.eng");
    assertReadsAsWritten(archive);
  }

  @Test
  void higherMinorVersionIsAccepted() throws IOException {
    Path archive = patch(small).u16(H_MINOR, 7).u16(small.length - 64 + E_MINOR, 7).headerCrc()
        .write("minor.eng");
    assertReadsAsWritten(archive);
  }

  @Test
  void encryptionModeThreeIsUnsupported() throws IOException {
    Path archive = patch(small).u32(H_FLAGS, 3).write("mode3.eng");
    openFails(UnsupportedArchiveException.class, archive, "encryption mode 3", "reserved");
  }

  @ParameterizedTest(name = "flags {0}")
  @ValueSource(longs = {0x20, 0x100, 0x8000_0000L, 0x26})
  void reservedHeaderFlagBitIsUnsupported(long flags) throws IOException {
    Path archive = patch(small).u32(H_FLAGS, flags).write("flags.eng");
    openFails(UnsupportedArchiveException.class, archive,
        String.format("header flags %08x", flags), "reserved bits");
  }

  @Test
  void passphraseFlagWithoutAnEncryptionModeIsCorrupt() throws IOException {
    Path archive = patch(small).u32(H_FLAGS, 0x4).write("flags.eng");
    openFails(CorruptArchiveException.class, archive,
        "header flags mark a passphrase, but no encryption mode");
  }

  @Test
  void segmentedFlagWithoutAnEncryptionModeIsCorrupt() throws IOException {
    Path archive = patch(small).u32(H_FLAGS, 0x8).write("flags.eng");
    openFails(CorruptArchiveException.class, archive,
        "header flags mark segmented encryption, but no encryption mode");
  }

  // --- end record -----------------------------------------------------------------------------

  @Test
  void endRecordWithWrongSignatureIsCorrupt() throws IOException {
    int end = small.length - 64;
    Path archive = patch(small).u8(end + 3, 'X').write("endr.eng");
    openFails(CorruptArchiveException.class, archive,
        "end record at offset " + end + " has signature 'ENDX', expected 'ENDR'");
  }

  static Stream<Arguments> endRecordDisagreements() {
    // which side is patched, field, offset in that structure, width, new value, end/header shown
    return Stream.of(
        Arguments.of("end", "version major", E_MAJOR, 2, 2L),
        Arguments.of("end", "version minor", E_MINOR, 2, 1L),
        Arguments.of("end", "directory offset", E_DIR_OFFSET, 8, -320L),
        Arguments.of("end", "directory size", E_DIR_SIZE, 8, 640L),
        Arguments.of("end", "entry count", E_COUNT, 4, 2L),
        Arguments.of("header", "directory offset", H_DIR_OFFSET, 8, -320L),
        Arguments.of("header", "directory size", H_DIR_SIZE, 8, 1280L),
        Arguments.of("header", "entry count", H_COUNT, 4, 4L));
  }

  @ParameterizedTest(name = "{1} changed in the {0}")
  @MethodSource("endRecordDisagreements")
  void endRecordDisagreeingWithHeaderIsCorrupt(String side, String field, int offset, int width,
      long value) throws IOException {
    long directory = u64(small, H_DIR_OFFSET);
    // a negative value here means "relative to the directory offset"
    long patched = value < 0 ? directory + value : value;
    long original;
    Patch p = patch(small);
    if (side.equals("end")) {
      original = get(small, small.length - 64 + offset, width);
      p.put(small.length - 64 + offset, patched, width);
    } else {
      original = get(small, offset, width);
      p.put(offset, patched, width);
    }
    long inEnd = side.equals("end") ? patched : original;
    long inHeader = side.equals("end") ? original : patched;
    openFails(CorruptArchiveException.class, p.write("disagree.eng"),
        "end record disagrees with the header: " + field + " is " + inEnd
            + " in the end record, " + inHeader + " in the header");
  }

  // --- directory bounds -----------------------------------------------------------------------

  @ParameterizedTest(name = "count {0}, size {1}")
  @MethodSource
  void directorySizeNotEntryCountTimes320IsCorrupt(long count, long size) throws IOException {
    int end = small.length - 64;
    Path archive = patch(small).u32(H_COUNT, count).u32(end + E_COUNT, count)
        .u64(H_DIR_SIZE, size).u64(end + E_DIR_SIZE, size).write("dirsize.eng");
    openFails(CorruptArchiveException.class, archive, "directory size is " + size + " bytes but "
        + count + " entries need " + count * 320);
  }

  static Stream<Arguments> directorySizeNotEntryCountTimes320IsCorrupt() {
    return Stream.of(Arguments.of(3L, 640L), Arguments.of(3L, 961L), Arguments.of(3L, 0L),
        Arguments.of(2L, 960L), Arguments.of(0L, 960L));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0", "63", "overlapping the end record", "at the end record",
      "at the file end", "far past the end", "2^63-1"})
  void directoryOffsetOutsideItsRegionIsCorrupt(String where) throws IOException {
    long end = small.length - 64;
    long offset = switch (where) {
      case "0" -> 0;
      case "63" -> 63;
      case "overlapping the end record" -> end - 960 + 1;
      case "at the end record" -> end;
      case "at the file end" -> small.length;
      case "far past the end" -> 1L << 40;
      case "2^63-1" -> Long.MAX_VALUE;
      default -> throw new AssertionError(where);
    };
    Path archive = patch(small).u64(H_DIR_OFFSET, offset).u64(end + E_DIR_OFFSET, offset)
        .write("diroffset.eng");
    openFails(CorruptArchiveException.class, archive, "directory at offset " + offset
        + " (960 bytes) does not lie between the header and the end record at " + end);
  }

  @Test
  void directoryOffsetBeyondTwoToThe63IsCorrupt() throws IOException {
    long end = small.length - 64;
    Path archive = patch(small).u64(H_DIR_OFFSET, -1).u64(end + E_DIR_OFFSET, -1)
        .write("diroffset-neg.eng");
    openFails(CorruptArchiveException.class, archive,
        "header directory offset 18446744073709551615", "beyond 2^63");
  }

  @Test
  void directoryOffsetNotAtTheDirectoryFailsOnTheFirstCentSignature() throws IOException {
    long end = small.length - 64;
    long offset = u64(small, H_DIR_OFFSET) - 8;
    Path archive = patch(small).u64(H_DIR_OFFSET, offset).u64(end + E_DIR_OFFSET, offset)
        .write("diroffset-shift.eng");
    openFails(CorruptArchiveException.class, archive,
        "directory entry 0 (offset " + offset + "): signature is", "expected 'CENT'");
  }

  @ParameterizedTest(name = "{0} entries claimed")
  @ValueSource(longs = {4_000_000_000L, 0xFFFF_FFFFL, 0x8000_0000L})
  void headerClaimingBillionsOfEntriesFailsFast(long count) throws IOException {
    int end = small.length - 64;
    // count alone: the directory size no longer fits the count
    Path countOnly = patch(small).u32(H_COUNT, count).u32(end + E_COUNT, count)
        .write("count.eng");
    openFails(CorruptArchiveException.class, countOnly,
        "directory size is 960 bytes but " + count + " entries need " + count * 320);
    // count and size consistent: the directory cannot fit in the file
    Path consistent = patch(small).u32(H_COUNT, count).u32(end + E_COUNT, count)
        .u64(H_DIR_SIZE, count * 320).u64(end + E_DIR_SIZE, count * 320).write("count2.eng");
    openFails(CorruptArchiveException.class, consistent,
        "(" + count * 320 + " bytes) does not lie between the header and the end record");
  }

  // --- directory entries ----------------------------------------------------------------------

  @Test
  void brokenCentSignatureInSecondOfThreeEntriesIsCorrupt() throws IOException {
    long at = cent(small, 1);
    Path archive = patch(small).u8(at + 3, 'X').write("cent.eng");
    openFails(CorruptArchiveException.class, archive,
        "directory entry 1 (offset " + at + "): signature is 'CENX', expected 'CENT'");
  }

  @ParameterizedTest(name = "path length {0}")
  @ValueSource(ints = {256, 300, 0xFFFF})
  void pathLengthOver255IsCorrupt(int length) throws IOException {
    long at = cent(small, 1);
    Path archive = patch(small).u16(at + C_PATH_LENGTH, length).write("pathlen.eng");
    openFails(CorruptArchiveException.class, archive,
        "directory entry 1 (offset " + at + "): path length " + length + " exceeds 255 bytes");
  }

  @ParameterizedTest(name = "path bytes {0}")
  @ValueSource(strings = {"ff", "80", "612fc3", "c0af", "eda080", "f4908080", "fe"})
  void invalidUtf8PathIsCorrupt(String hex) throws IOException {
    byte[] path = HexFormat.of().parseHex(hex);
    long at = cent(small, 2);
    Path archive = patch(small).bytes(at + C_PATH, new byte[256])
        .bytes(at + C_PATH, path).u16(at + C_PATH_LENGTH, path.length).write("utf8.eng");
    openFails(CorruptArchiveException.class, archive,
        "directory entry 2 (offset " + at + "): path is not valid UTF-8: "
            + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(path));
  }

  @ParameterizedTest(name = "method {0}")
  @ValueSource(ints = {3, 4, 0x13, 0x20, 0x7F, 0xFF})
  void unknownCompressionMethodIsUnsupported(int method) throws IOException {
    Path archive = patch(small).u8(cent(small, 1) + C_METHOD, method).write("method.eng");
    openFails(UnsupportedArchiveException.class, archive,
        "'b.bin': compression method " + method + " is not supported");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0", "63", "at the directory", "just before the directory",
      "at the end record", "past the end", "2^63-1"})
  void dataOffsetOutsideTheDataRegionIsCorrupt(String where) throws IOException {
    long directory = u64(small, H_DIR_OFFSET);
    long offset = switch (where) {
      case "0" -> 0;
      case "63" -> 63;
      case "at the directory" -> directory;
      case "just before the directory" -> directory - 10; // the local header cannot fit
      case "at the end record" -> small.length - 64;
      case "past the end" -> small.length + 1000L;
      case "2^63-1" -> Long.MAX_VALUE;
      default -> throw new AssertionError(where);
    };
    Path archive = patch(small).u64(cent(small, 1) + C_DATA_OFFSET, offset).write("data.eng");
    openFails(CorruptArchiveException.class, archive, "directory entry 1 'b.bin': local header at"
        + " offset " + offset + " with " + stored(small, 1) + " stored bytes does not lie inside"
        + " the data region [64, " + directory + ")");
  }

  @ParameterizedTest(name = "{0} = 2^64-1")
  @ValueSource(ints = {C_DATA_OFFSET, C_SIZE, C_STORED})
  void directoryOffsetOrSizeBeyondTwoToThe63IsCorrupt(int field) throws IOException {
    Path archive = patch(small).u64(cent(small, 1) + field, -1).write("neg.eng");
    openFails(CorruptArchiveException.class, archive, "directory entry 1 (offset "
        + cent(small, 1) + ") 'b.bin'", "18446744073709551615", "is beyond 2^63");
  }

  @ParameterizedTest(name = "entry {0}")
  @ValueSource(ints = {0, 1, 2})
  void storedSizeOverrunningIntoTheDirectoryIsCorrupt(int index) throws IOException {
    long directory = u64(small, H_DIR_OFFSET);
    long overrun = directory - payload(small, index) + 1;
    // a stored entry's sizes must agree, so for it both are raised
    Patch p = patch(small).u64(cent(small, index) + C_STORED, overrun);
    if (index == 0) {
      p.u64(cent(small, index) + C_SIZE, overrun);
    }
    openFails(CorruptArchiveException.class, p.write("overrun.eng"), "directory entry " + index
        + " '" + PATHS[index] + "': local header at offset " + u64(small, cent(small, index) + 4)
        + " with " + overrun + " stored bytes does not lie inside the data region");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"stored size - 1", "stored size + 1", "size - 1", "size + 1"})
  void storedEntryWhoseStoredSizeDiffersFromItsSizeIsCorrupt(String change) throws IOException {
    long at = cent(small, 0);
    long size = CONTENTS[0].length;
    long storedSize = size;
    switch (change) {
      case "stored size - 1" -> storedSize = size - 1;
      case "stored size + 1" -> storedSize = size + 1;
      case "size - 1" -> size = size - 1;
      case "size + 1" -> size = size + 1;
      default -> throw new AssertionError(change);
    }
    Path archive = patch(small).u64(at + C_SIZE, size).u64(at + C_STORED, storedSize)
        .write("stored.eng");
    openFails(CorruptArchiveException.class, archive, "directory entry 0 'a.txt': stored"
        + " uncompressed, but its stored size " + storedSize + " differs from its size " + size);
  }

  @Test
  void unframedLz4EntryClaimingMoreStoredBytesThanTheCodecCanProduceIsCorrupt()
      throws IOException {
    int bound = Codecs.of(CompressionMethod.LZ4).maxCompressedLength(CONTENTS[1].length);
    int least = Codecs.of(CompressionMethod.LZ4).minCompressedLength(CONTENTS[1].length);
    long claimed = bound + 1L;
    assertTrue(payload(small, 1) + claimed <= u64(small, H_DIR_OFFSET),
        "the claim stays inside the data region, so only the codec bound can reject it");
    Path archive = patch(small).u64(cent(small, 1) + C_STORED, claimed)
        .u64(loca(small, 1) + L_STORED, claimed).write("bound.eng");
    openFails(CorruptArchiveException.class, archive, "directory entry 1 'b.bin': " + claimed
        + " stored bytes cannot be LZ4 data for 4096 bytes (it needs " + least + " to " + bound
        + ")");
  }

  @ParameterizedTest(name = "entry {0}, size {1}")
  @MethodSource
  void unframedCompressedEntryWhoseStoredSizeExceedsTheCodecBoundForItsSizeIsCorrupt(int index,
      long size) throws IOException {
    CompressionMethod method = METHODS[index];
    int bound = Codecs.of(method).maxCompressedLength((int) size);
    int least = Codecs.of(method).minCompressedLength((int) size);
    assertTrue(stored(small, index) > bound);
    Path archive = patch(small).u64(cent(small, index) + C_SIZE, size).write("bound2.eng");
    openFails(CorruptArchiveException.class, archive, "directory entry " + index + " '"
        + PATHS[index] + "': " + stored(small, index) + " stored bytes cannot be " + method
        + " data for " + size + " bytes (it needs " + least + " to " + bound + ")");
  }

  static Stream<Arguments> unframedCompressedEntryWhoseStoredSizeExceedsTheCodecBoundForItsSizeIsCorrupt() {
    return Stream.of(Arguments.of(1, 0L), Arguments.of(1, 1L), Arguments.of(1, 100L),
        Arguments.of(2, 0L), Arguments.of(2, 1L), Arguments.of(2, 100L));
  }

  @ParameterizedTest(name = "method {0}, size {1}")
  @MethodSource
  void hugeClaimedSizeInATinyArchiveFailsFastAtOpen(int method, long size) throws IOException {
    long at = cent(tiny, 0);
    Path archive = patch(tiny).u64(at + C_SIZE, size).u8(at + C_METHOD, method).write("huge.eng");
    CorruptArchiveException e = openFails(CorruptArchiveException.class, archive,
        "directory entry 0 'x': ");
    if (method == 0) {
      assertMessageContains(e, "stored size 10 differs from its size " + size);
    } else {
      assertMessageContains(e, "10 stored bytes cannot hold the");
    }
  }

  static Stream<Arguments> hugeClaimedSizeInATinyArchiveFailsFastAtOpen() {
    List<Arguments> cases = new ArrayList<>();
    for (int method : new int[] {0, 1, 2}) {
      // the last sizes are where ceil(size / 65536) would overflow a long if computed naively
      for (long size : new long[] {FRAMED_SIZE, 1L << 32, 1L << 40, 1L << 62,
          Long.MAX_VALUE - 65_535, Long.MAX_VALUE - 65_534, Long.MAX_VALUE}) {
        cases.add(Arguments.of(method, size));
      }
    }
    return cases.stream();
  }

  // --- local headers (checked at read time) ---------------------------------------------------

  @ParameterizedTest(name = "entry {0}")
  @ValueSource(ints = {0, 1, 2})
  void brokenLocaSignatureFailsEveryReadOfThatEntry(int index) throws IOException {
    long at = loca(small, index);
    Path archive = patch(small).u8(at + 3, 'X').write("loca.eng");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (EngramException e : everyReadFails(reader, PATHS[index])) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertFalse(e instanceof ChecksumMismatchException);
        assertMessageContains(e, "loca.eng", "local header at offset " + at
            + ": signature is 'LOCX', expected 'LOCA'");
      }
      assertOthersRead(reader, index);
    }
  }

  static Stream<Arguments> localHeaderDisagreements() {
    List<Arguments> cases = new ArrayList<>();
    for (int index = 0; index < 3; index++) {
      for (String field : new String[] {"path", "uncompressed size", "stored size", "CRC32",
          "compression method"}) {
        cases.add(Arguments.of(field, index));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} of entry {1}")
  @MethodSource("localHeaderDisagreements")
  void localHeaderDisagreeingWithDirectoryFailsEveryReadOfThatEntry(String field, int index)
      throws IOException {
    long at = loca(small, index);
    long size = CONTENTS[index].length;
    long storedSize = stored(small, index);
    int crc = TestData.crc(CONTENTS[index]);
    int method = METHODS[index].id();
    Patch p = patch(small);
    String expected = switch (field) {
      case "path" -> {
        p.u8(at + L_PATH, Character.toUpperCase(PATHS[index].charAt(0)));
        yield "names '" + PATHS[index].toUpperCase().charAt(0) + PATHS[index].substring(1)
            + "' instead";
      }
      case "uncompressed size" -> {
        p.u64(at + L_SIZE, size + 1);
        yield "uncompressed size is " + (size + 1) + " there, " + size + " in the directory";
      }
      case "stored size" -> {
        p.u64(at + L_STORED, storedSize - 1);
        yield "stored size is " + (storedSize - 1) + " there, " + storedSize + " in the directory";
      }
      case "CRC32" -> {
        p.u32(at + L_CRC, (crc ^ 0x8000) & 0xFFFF_FFFFL);
        yield String.format("CRC32 is %08x there, %08x in the directory", crc ^ 0x8000, crc);
      }
      case "compression method" -> {
        int other = (method + 1) % 3;
        p.u8(at + L_METHOD, other);
        yield "compression method is " + other + " there, " + method + " in the directory";
      }
      default -> throw new AssertionError(field);
    };
    try (ArchiveReader reader = ArchiveReader.open(p.write("disagree.eng"))) {
      for (EngramException e : everyReadFails(reader, PATHS[index])) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertFalse(e instanceof ChecksumMismatchException);
        assertMessageContains(e, "disagree.eng",
            "entry '" + PATHS[index] + "': local header at offset " + at, expected);
      }
      assertOthersRead(reader, index);
    }
  }

  @Test
  void localHeaderPathLengthLongerThanTheDirectorysFailsEveryRead() throws IOException {
    long at = loca(small, 1);
    Path archive = patch(small).u16(at + L_PATH_LENGTH, 200).write("locapath.eng");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (EngramException e : everyReadFails(reader, "b.bin")) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertMessageContains(e, "local header at offset " + at, "path of 200 bytes");
      }
      assertOthersRead(reader, 1);
    }
  }

  @Test
  void localHeaderPathWithoutTerminatingZeroFailsEveryRead() throws IOException {
    long at = loca(small, 1);
    Path archive = patch(small).u8(at + L_PATH + 5, '!').write("locazero.eng");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (EngramException e : everyReadFails(reader, "b.bin")) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertMessageContains(e, "local header at offset " + at, "not terminated by a zero byte");
      }
      assertOthersRead(reader, 1);
    }
  }

  @Test
  void dataOffsetPointingAtAnotherEntrysDataIsRefusedAtOpenAsOverlap() throws IOException {
    // b.bin and a.txt have paths of the same length: the bounds hold, but the entries overlap
    Path archive = patch(small).u64(cent(small, 1) + C_DATA_OFFSET, loca(small, 0))
        .write("aliased.eng");
    openFails(CorruptArchiveException.class, archive, "entries 'a.txt' (offset " + loca(small, 0)
        + " to ", "and 'b.bin' (offset " + loca(small, 0) + ") overlap");
  }

  // --- decoding -------------------------------------------------------------------------------

  @ParameterizedTest(name = "entry {0}, size {1}")
  @MethodSource
  void decodedLengthDifferentFromRecordedSizeFailsEveryRead(int index, int delta)
      throws IOException {
    long size = CONTENTS[index].length + delta;
    Path archive = patch(small).u64(cent(small, index) + C_SIZE, size)
        .u64(loca(small, index) + L_SIZE, size).write("length.eng");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (EngramException e : everyReadFails(reader, PATHS[index])) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertFalse(e instanceof ChecksumMismatchException, e.getMessage());
        assertMessageContains(e, "length.eng", "entry '" + PATHS[index] + "'",
            index == 1 ? "LZ4" : "Zstandard", "expected " + size);
      }
      assertOthersRead(reader, index);
    }
  }

  static Stream<Arguments> decodedLengthDifferentFromRecordedSizeFailsEveryRead() {
    return Stream.of(Arguments.of(1, -1), Arguments.of(1, +1), Arguments.of(1, -100),
        Arguments.of(2, -1), Arguments.of(2, +1), Arguments.of(2, +100));
  }

  @ParameterizedTest(name = "size {0}")
  @ValueSource(ints = {-1, +1})
  void lz4BlockDecodingToAnotherLengthThanItsPrefixFailsEveryRead(int delta) throws IOException {
    // sizes in directory, local header and the block's own prefix all agree; the block does not
    long size = CONTENTS[1].length + delta;
    Path archive = patch(small).u64(cent(small, 1) + C_SIZE, size)
        .u64(loca(small, 1) + L_SIZE, size).u32(payload(small, 1), size).write("lz4len.eng");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (EngramException e : everyReadFails(reader, "b.bin")) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertFalse(e instanceof ChecksumMismatchException, e.getMessage());
        assertMessageContains(e, "lz4len.eng", "entry 'b.bin'", "LZ4 block");
        if (delta > 0) {
          assertMessageContains(e, "decodes to 4096 bytes, expected 4097");
        }
      }
      assertOthersRead(reader, 1);
    }
  }

  @ParameterizedTest(name = "entry {0}")
  @ValueSource(ints = {0, 1, 2})
  void crcMismatchFailsEveryReadWithChecksumMismatchException(int index) throws IOException {
    int actual = TestData.crc(CONTENTS[index]);
    int recorded = actual ^ 0x0001_0000;
    Path archive = patch(small).u32(cent(small, index) + C_CRC, recorded & 0xFFFF_FFFFL)
        .u32(loca(small, index) + L_CRC, recorded & 0xFFFF_FFFFL).write("crcm.eng");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (EngramException e : everyReadFails(reader, PATHS[index])) {
        ChecksumMismatchException mismatch = assertInstanceOf(ChecksumMismatchException.class, e);
        assertEquals(PATHS[index], mismatch.entry());
        assertEquals(recorded, mismatch.expected());
        assertEquals(actual, mismatch.actual());
        assertMessageContains(e, "crcm.eng", "entry '" + PATHS[index] + "': CRC32 mismatch",
            String.format("records %08x", recorded), String.format("gives %08x", actual));
      }
      assertOthersRead(reader, index);
    }
  }

  @Test
  void missingEntryIsNoSuchFileExceptionNotEngramException() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(patch(small).write("missing.eng"))) {
      List<Executable> reads = List.of(() -> reader.read("nope.txt"),
          () -> reader.openStream("nope.txt").close(),
          () -> reader.openChannel("nope.txt").close());
      for (Executable read : reads) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, read);
        assertFalse(EngramException.class.isInstance(e));
        assertEquals("nope.txt", e.getFile());
        assertMessageContains(e, "missing.eng");
      }
      assertFalse(reader.contains("nope.txt"));
      assertTrue(reader.entry("nope.txt").isEmpty());
    }
  }

  // --- framed entries -------------------------------------------------------------------------

  @Test
  void framedArchiveOpensAndReadsAsWritten() throws IOException {
    byte[] archive = framed();
    assertEquals(FRAMES, u32(archive, payload(archive, 0)));
    try (ArchiveReader reader = ArchiveReader.open(patch(archive).write("framed.eng"))) {
      EntryInfo info = reader.entry(FRAMED).orElseThrow();
      assertTrue(info.isFramed());
      assertEquals(CompressionMethod.LZ4, info.compression());
      assertEquals(FRAMED_SIZE, info.uncompressedSize());
      assertEquals(FRAMED_SIZE, reader.read(FRAMED).length); // CRC checked by read
      assertFramesReadCorrectly(reader, 0, 9, 10, 11, 400, FRAMES - 1);
      assertArrayEquals(AFTER_CONTENT, reader.read(AFTER));
    }
  }

  @ParameterizedTest(name = "frame count {0}")
  @ValueSource(longs = {FRAMES + 1, FRAMES - 1, 0, 0xFFFF_FFFFL})
  void framedEntryWithWrongFrameCountFailsEveryRead(long count) throws IOException {
    byte[] archive = framed();
    Path path = patch(archive).u32(payload(archive, 0), count).write("count.eng");
    try (ArchiveReader reader = ArchiveReader.open(path)) {
      for (EngramException e : everyReadFails(reader, FRAMED)) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertMessageContains(e, "count.eng", "entry 'big.bin': frame count is " + count
            + " but 52428800 bytes need 800 frames of 65536");
      }
      assertArrayEquals(AFTER_CONTENT, reader.read(AFTER));
    }
  }

  @ParameterizedTest(name = "frame {0}")
  @ValueSource(ints = {0, 5, FRAMES - 1})
  void framedEntryWithZeroFrameSizeFailsEveryRead(int frame) throws IOException {
    byte[] archive = framed();
    long at = frameStarts(archive)[frame];
    Path path = patch(archive).u32(at, 0).write("zero.eng");
    try (ArchiveReader reader = ArchiveReader.open(path)) {
      for (EngramException e : everyReadFails(reader, FRAMED)) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertMessageContains(e, "zero.eng",
            "entry 'big.bin': frame " + frame + " at offset " + at + " claims 0 bytes");
      }
      assertArrayEquals(AFTER_CONTENT, reader.read(AFTER));
    }
  }

  @ParameterizedTest(name = "frame {0}")
  @ValueSource(ints = {0, 5, FRAMES - 1})
  void framedEntryWithFrameSizePastThePayloadEndFailsEveryRead(int frame) throws IOException {
    byte[] archive = framed();
    long[] starts = frameStarts(archive);
    long end = payload(archive, 0) + stored(archive, 0);
    long claim = end - starts[frame] - 4 + 1; // one byte more than the payload holds
    Path path = patch(archive).u32(starts[frame], claim).write("past.eng");
    try (ArchiveReader reader = ArchiveReader.open(path)) {
      for (EngramException e : everyReadFails(reader, FRAMED)) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertMessageContains(e, "past.eng", "entry 'big.bin': frame " + frame + " at offset "
            + starts[frame] + " claims " + claim + " bytes");
      }
      assertArrayEquals(AFTER_CONTENT, reader.read(AFTER));
    }
  }

  @ParameterizedTest(name = "stored size +{0}")
  @ValueSource(ints = {+1, +4, +5})
  void framedEntryWhoseStoredSizeReachesIntoTheNextEntryIsRefusedAtOpen(int delta)
      throws IOException {
    byte[] archive = framed();
    long storedSize = stored(archive, 0) + delta;
    // the payload is followed by after.txt, so a larger stored size stays inside the data region
    // and only the overlap check can see it (stray bytes after the last frame: FrameIndexTest)
    Path path = patch(archive).u64(cent(archive, 0) + C_STORED, storedSize)
        .u64(loca(archive, 0) + L_STORED, storedSize).write("stray.eng");
    openFails(CorruptArchiveException.class, path, "entries 'big.bin' (offset ",
        "and 'after.txt' (offset " + loca(archive, 1) + ") overlap");
  }

  @Test
  void framedEntryWithACutLastFrameFailsEveryRead() throws IOException {
    byte[] archive = framed();
    long storedSize = stored(archive, 0) - 1;
    Path path = patch(archive).u64(cent(archive, 0) + C_STORED, storedSize)
        .u64(loca(archive, 0) + L_STORED, storedSize).write("cut.eng");
    long lastFrame = frameStarts(archive)[FRAMES - 1];
    try (ArchiveReader reader = ArchiveReader.open(path)) {
      for (EngramException e : everyReadFails(reader, FRAMED)) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertMessageContains(e, "cut.eng", "entry 'big.bin': ",
            "frame " + (FRAMES - 1) + " at offset " + lastFrame + " claims");
      }
      assertArrayEquals(AFTER_CONTENT, reader.read(AFTER));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"flipped bytes", "block overwritten"})
  void garbageInsideOneFrameFailsWholeReadsButNotReadsOfOtherFrames(String damage)
      throws IOException {
    byte[] archive = framed();
    int frame = 10;
    long[] starts = frameStarts(archive);
    int block = (int) starts[frame] + 4; // the frame's LZ4 block: u32 length, raw LZ4
    int length = (int) u32(archive, starts[frame]);
    Patch p = patch(archive);
    if (damage.equals("flipped bytes")) {
      for (int i = 0; i < 6; i++) {
        p.u8(block + length / 2 + i, archive[block + length / 2 + i] ^ 0x33);
      }
    } else {
      byte[] garbage = new byte[length - 4];
      java.util.Arrays.fill(garbage, (byte) 0xFF);
      p.bytes(block + 4, garbage);
    }
    try (ArchiveReader reader = ArchiveReader.open(p.write("frame.eng"))) {
      for (EngramException e : everyReadFails(reader, FRAMED)) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertMessageContains(e, "frame.eng", "entry 'big.bin'");
        if (!(e instanceof ChecksumMismatchException)) {
          assertMessageContains(e, "frame 10 at offset " + starts[frame]);
        }
      }
      assertFramesReadCorrectly(reader, 0, 1, 9, 11, 12, 400, FRAMES - 1);
      if (damage.equals("block overwritten")) {
        try (SeekableByteChannel channel = reader.openChannel(FRAMED)) {
          channel.position(10L * 65_536 + 100);
          CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
              () -> channel.read(ByteBuffer.allocate(100)));
          assertMessageContains(e, "frame.eng", "entry 'big.bin': frame 10 at offset "
              + starts[frame], "LZ4");
        }
      }
      assertArrayEquals(AFTER_CONTENT, reader.read(AFTER));
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Reads positions inside the given frames through one channel, in an order that skips. */
  private static void assertFramesReadCorrectly(ArchiveReader reader, int... frames)
      throws IOException {
    try (SeekableByteChannel channel = reader.openChannel(FRAMED)) {
      for (int k = frames.length - 1; k >= 0; k--) {
        for (int offsetInFrame : new int[] {0, 12_345, 65_536 - 200}) {
          long position = (long) frames[k] * 65_536 + offsetInFrame;
          ByteBuffer buffer = ByteBuffer.allocate(200);
          channel.position(position);
          while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // keep reading inside the frame
          }
          for (int i = 0; i < 200; i++) {
            assertEquals(TestData.patternByte(position + i), buffer.get(i),
                "byte " + (position + i));
          }
        }
      }
    }
  }

  /** open must throw exactly this type (a subclass would be another kind of error). */
  private static <T extends EngramException> T openFails(Class<T> type, Path archive,
      String... parts) {
    EngramException e = assertThrows(EngramException.class, () -> ArchiveReader.open(archive));
    assertEquals(type, e.getClass(), () -> "exception: " + e);
    assertEquals(archive.toString(), e.archive());
    assertMessageContains(e, archive.getFileName().toString());
    assertMessageContains(e, parts);
    return type.cast(e);
  }

  /** read, openStream read to end, openChannel read to end: each must throw. */
  private static List<EngramException> everyReadFails(ArchiveReader reader, String path) {
    List<EngramException> failures = new ArrayList<>();
    failures.add(assertThrows(EngramException.class, () -> reader.read(path)));
    failures.add(assertThrows(EngramException.class, () -> {
      try (InputStream in = reader.openStream(path)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }));
    failures.add(assertThrows(EngramException.class, () -> {
      try (SeekableByteChannel channel = reader.openChannel(path)) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (channel.read(buffer) >= 0) {
          buffer.clear();
        }
      }
    }));
    for (EngramException e : failures) {
      assertEquals(reader.name(), e.archive(), () -> "archive of " + e);
    }
    return failures;
  }

  private static void assertOthersRead(ArchiveReader reader, int damaged) throws IOException {
    for (int i = 0; i < PATHS.length; i++) {
      if (i != damaged) {
        assertArrayEquals(CONTENTS[i], reader.read(PATHS[i]), PATHS[i]);
      }
    }
  }

  private static void assertReadsAsWritten(Path archive) throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (int i = 0; i < PATHS.length; i++) {
        assertArrayEquals(CONTENTS[i], reader.read(PATHS[i]), PATHS[i]);
      }
    }
  }

  private static void assertMessageContains(Exception e, String... parts) {
    String message = e.getMessage();
    for (String part : parts) {
      assertTrue(message != null && message.contains(part),
          () -> "message should contain \"" + part + "\": " + message);
    }
  }

  // --- layout, read straight from the bytes per FORMAT.md -------------------------------------

  private static long cent(byte[] archive, int index) {
    return u64(archive, H_DIR_OFFSET) + 320L * index;
  }

  private static long loca(byte[] archive, int index) {
    return u64(archive, cent(archive, index) + C_DATA_OFFSET);
  }

  private static long payload(byte[] archive, int index) {
    int pathLength = (int) get(archive, cent(archive, index) + C_PATH_LENGTH, 2);
    return loca(archive, index) + 40 + pathLength + 1;
  }

  private static long stored(byte[] archive, int index) {
    return u64(archive, cent(archive, index) + C_STORED);
  }

  /** Offsets of each frame's size prefix in the framed entry (entry 0). */
  private static long[] frameStarts(byte[] archive) {
    long at = payload(archive, 0);
    int count = (int) u32(archive, at);
    long[] starts = new long[count];
    at += 4;
    for (int k = 0; k < count; k++) {
      starts[k] = at;
      at += 4 + u32(archive, at);
    }
    assertEquals(payload(archive, 0) + stored(archive, 0), at);
    return starts;
  }

  private static long u32(byte[] b, long at) {
    return get(b, at, 4);
  }

  private static long u64(byte[] b, long at) {
    return get(b, at, 8);
  }

  /** Little-endian, {@code width} bytes at {@code at}. */
  private static long get(byte[] b, long at, int width) {
    long value = 0;
    for (int i = width - 1; i >= 0; i--) {
      value = value << 8 | (b[(int) at + i] & 0xFF);
    }
    return value;
  }

  private Patch patch(byte[] original) {
    return new Patch(original);
  }

  /** A copy of an archive being damaged: little-endian writes at absolute offsets. */
  private final class Patch {
    private final byte[] bytes;

    Patch(byte[] original) {
      bytes = original.clone();
    }

    Patch put(long at, long value, int width) {
      for (int i = 0; i < width; i++) {
        bytes[(int) at + i] = (byte) (value >>> (8 * i));
      }
      return this;
    }

    Patch u8(long at, int value) {
      return put(at, value, 1);
    }

    Patch u16(long at, int value) {
      return put(at, value, 2);
    }

    Patch u32(long at, long value) {
      return put(at, value, 4);
    }

    Patch u64(long at, long value) {
      return put(at, value, 8);
    }

    Patch bytes(long at, byte[] value) {
      System.arraycopy(value, 0, bytes, (int) at, value.length);
      return this;
    }

    /** Zeros the end record's copy of the header and its CRC32, as engram-rs writes them. */
    Patch withoutHeaderCopy() {
      Arrays.fill(bytes, bytes.length - 36, bytes.length, (byte) 0);
      return this;
    }

    /** Records the CRC32 of header bytes 0..11, as this project's writer does. */
    Patch headerCrc() {
      CRC32 crc = new CRC32();
      crc.update(bytes, 0, 12);
      return u32(H_CRC, crc.getValue());
    }

    Path write(String name) throws IOException {
      return Files.write(dir.resolve(name), bytes);
    }
  }
}
