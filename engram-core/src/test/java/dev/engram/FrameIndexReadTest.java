package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.DirectoryEntry;
import dev.engram.format.Framing;
import dev.engram.format.LocalEntryHeader;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The frame index in archives: one read finds a framed entry's frames, archives without one (or
 * with a damaged one) are read by walking the size prefixes, an index that lies never yields
 * wrong bytes, and verification reports a damaged index. The byte layout and engram-rs's view of
 * it: FormatBytesTest; payloads built by hand: frame/FrameIndexTest.
 */
class FrameIndexReadTest {
  /** 800 frames of 64 KiB that do not compress, so a walk reads each size prefix on its own. */
  private static final long BIG_SIZE = Framing.THRESHOLD;
  private static final int BIG_FRAMES = 800;
  private static final byte[] BLOCK = TestData.random(1 << 20, 41);
  /** A database in 1 KiB frames of varied text: 256 frames of different sizes. */
  private static final int DB_FRAME = 1024;
  private static final int DB_FRAMES = 256;
  private static final byte[] DATABASE =
      TestData.asDatabase(TestData.text(DB_FRAMES * DB_FRAME, 42));
  private static final byte[] KEY = new byte[32];

  @TempDir static Path shared;
  private static Path indexed;
  private static Path unindexed;
  private static byte[] database;
  /** The database's directory entry in {@link #database}. */
  private static DirectoryEntry databaseEntry;

  @TempDir Path dir;

  @BeforeAll
  static void writeArchives() throws IOException {
    indexed = writeBig("indexed.eng", WriterOptions.builder());
    unindexed = writeBig("unindexed.eng", WriterOptions.builder().frameIndex(false));
    database = Files.readAllBytes(writeDatabase(shared.resolve("db.eng"),
        WriterOptions.builder()));
    try (ArchiveReader reader = ArchiveReader.open(ArchiveSource.wrap(database, "db.eng"),
        ReaderOptions.defaults())) {
      databaseEntry = reader.entry("data.db").orElseThrow().directoryEntry();
    }
  }

  private static Path writeBig(String name, WriterOptions.Builder options) throws IOException {
    Path path = shared.resolve(name);
    try (ArchiveWriter writer = ArchiveWriter.create(path, options.build())) {
      writer.addFile("big.bin", TestData.cycle(BLOCK, BIG_SIZE), CompressionMethod.LZ4);
      writer.finish();
    }
    return path;
  }

  private static Path writeDatabase(Path path, WriterOptions.Builder options) throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(path,
        options.databaseFrameSize(DB_FRAME).build())) {
      writer.addFile("data.db", DATABASE, CompressionMethod.LZ4);
      writer.finish();
    }
    return path;
  }

  private static long indexLength(long frames) {
    return 4 * frames + 16;
  }

  private static String read(long position, long length) {
    return position + "+" + length;
  }

  // --- one read instead of a walk -------------------------------------------------------------

  @Test
  void openingAChannelFindsEveryFrameInOneReadOfTheIndex() throws IOException {
    CountingSource source = new CountingSource(ArchiveSource.open(indexed));
    try (ArchiveReader reader = ArchiveReader.open(source, ReaderOptions.defaults())) {
      DirectoryEntry entry = reader.entry("big.bin").orElseThrow().directoryEntry();
      source.clear();
      try (SeekableByteChannel channel = reader.openChannel("big.bin")) {
        assertEquals(List.of(
            read(entry.dataOffset(), LocalEntryHeader.sizeFor(7)),
            read(entry.payloadEnd() - indexLength(BIG_FRAMES), indexLength(BIG_FRAMES))),
            source.reads(), "the local header, then the whole index");
        ByteBuffer page = ByteBuffer.allocate(4096);
        channel.position(500L * Framing.FRAME_SIZE + 1000).read(page);
        assertEquals(3, source.reads().size(), "one frame, prefix and bytes in one read");
        assertArrayEquals(expectedBig(500L * Framing.FRAME_SIZE + 1000, 4096), page.array());
      }
    }
  }

  @Test
  void withoutTheIndexOpeningAChannelWalksEverySizePrefix() throws IOException {
    CountingSource source = new CountingSource(ArchiveSource.open(unindexed));
    try (ArchiveReader reader = ArchiveReader.open(source, ReaderOptions.defaults())) {
      DirectoryEntry entry = reader.entry("big.bin").orElseThrow().directoryEntry();
      source.clear();
      reader.openChannel("big.bin").close();
      List<String> reads = source.reads();
      // the local header, the index's place (no marker there), a 64 KiB window holding the
      // count and frame 0's prefix, then each later prefix on its own (frames exceed 64 KiB)
      assertEquals(2 + 1 + (BIG_FRAMES - 1), reads.size());
      assertEquals(read(entry.payloadEnd() - indexLength(BIG_FRAMES), indexLength(BIG_FRAMES)),
          reads.get(1));
      assertEquals(read(entry.payloadOffset(), 64 * 1024), reads.get(2));
    }
  }

  @Test
  void contentIsTheSameWithAndWithoutTheIndex() throws IOException {
    int expectedCrc = TestData.crc(TestData.cycle(BLOCK, BIG_SIZE));
    try (ArchiveReader with = ArchiveReader.open(indexed);
        ArchiveReader without = ArchiveReader.open(unindexed)) {
      EntryInfo a = with.entry("big.bin").orElseThrow();
      EntryInfo b = without.entry("big.bin").orElseThrow();
      assertEquals(expectedCrc, a.crc32());
      assertEquals(expectedCrc, b.crc32());
      assertEquals(indexLength(BIG_FRAMES), a.storedSize() - b.storedSize());
      for (ArchiveReader reader : List.of(with, without)) {
        assertEquals(expectedCrc, TestData.crc(reader.openStream("big.bin")), reader.name());
        try (SeekableByteChannel channel = reader.openChannel("big.bin")) {
          for (long at : new long[] {0, 65_535, 12_345_678, BIG_SIZE - 5000}) {
            ByteBuffer bytes = ByteBuffer.allocate(5000);
            channel.position(at).read(bytes);
            assertArrayEquals(expectedBig(at, 5000), bytes.array(), reader.name() + " at " + at);
          }
        }
        VerificationReport report = reader.verify(VerifyOptions.defaults());
        assertTrue(report.isIntact(), report.summary());
      }
    }
  }

  private static byte[] expectedBig(long position, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = BLOCK[(int) ((position + i) % BLOCK.length)];
    }
    return out;
  }

  @Test
  void databasesInExplicitFramesCarryTheIndexToo() throws IOException {
    CountingSource source = new CountingSource(ArchiveSource.wrap(database, "db.eng"));
    try (ArchiveReader reader = ArchiveReader.open(source, ReaderOptions.defaults())) {
      DirectoryEntry entry = reader.entry("data.db").orElseThrow().directoryEntry();
      source.clear();
      RandomAccessEntry pages = reader.openRandomAccess("data.db");
      assertEquals(List.of(
          read(entry.dataOffset(), LocalEntryHeader.sizeFor(7)),
          read(entry.payloadEnd() - indexLength(DB_FRAMES), indexLength(DB_FRAMES))),
          source.reads());
      ByteBuffer page = ByteBuffer.allocate(100);
      pages.readFully(200 * DB_FRAME + 10, page);
      assertEquals(ByteBuffer.wrap(DATABASE, 200 * DB_FRAME + 10, 100), page.flip());
      assertEquals(3, source.reads().size());
      assertArrayEquals(DATABASE, reader.read("data.db"));
    }
  }

  // --- which archives carry one ---------------------------------------------------------------

  @ParameterizedTest(name = "{0}, segmented {1}: index {2}")
  @CsvSource({
    "NONE, false, true",
    "PER_FILE, false, false", // one message, decrypted whole to a local file before use
    "ARCHIVE, false, false", // the same, for the whole body
    "PER_FILE, true, false", // one frame per segment: the segment lengths are the index
    "ARCHIVE, true, true", // plain payloads in a body whose segments are decrypted on demand
  })
  void theIndexIsWrittenWhereReadersReadFramesPieceByPiece(String mode, boolean segmented,
      boolean carriesIndex) throws IOException {
    long with = storedSize(mode, segmented, true);
    long without = storedSize(mode, segmented, false);
    assertEquals(carriesIndex ? indexLength(DB_FRAMES) : 0, with - without);
  }

  /** Writes the database with this encryption and reads it back; returns its stored size. */
  private long storedSize(String mode, boolean segmented, boolean frameIndex)
      throws IOException {
    WriterOptions.Builder options = WriterOptions.builder().frameIndex(frameIndex);
    if (mode.equals("PER_FILE")) {
      options.perFileEncryption(KEY).segmentedEncryption(segmented);
    } else if (mode.equals("ARCHIVE")) {
      options.archiveEncryption(KEY).segmentedEncryption(segmented);
    }
    Path path = writeDatabase(dir.resolve(mode + segmented + frameIndex + ".eng"), options);
    try (ArchiveReader reader = ArchiveReader.open(path,
        ReaderOptions.builder().key(KEY).build())) {
      assertArrayEquals(DATABASE, reader.read("data.db"));
      assertTrue(reader.verify(VerifyOptions.defaults()).isIntact());
      return reader.entry("data.db").orElseThrow().storedSize();
    }
  }

  @ParameterizedTest(name = "frameIndex({0})")
  @ValueSource(booleans = {true, false})
  void theIndexFollowsTheLastFrameOfADatabaseUnlessTurnedOff(boolean frameIndex)
      throws IOException {
    Path path = writeDatabase(dir.resolve("db.eng"),
        WriterOptions.builder().frameIndex(frameIndex));
    try (ArchiveReader reader = ArchiveReader.open(path)) {
      EntryInfo entry = reader.entry("data.db").orElseThrow();
      long frames = frameBytes(Files.readAllBytes(path), entry.directoryEntry());
      assertEquals(entry.storedSize() - (frameIndex ? indexLength(DB_FRAMES) : 0), frames);
    }
  }

  /** Walks the prefixes by hand; returns how many payload bytes the count and frames take. */
  private static long frameBytes(byte[] archive, DirectoryEntry entry) {
    ByteBuffer b = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
    int at = (int) entry.payloadOffset();
    int count = b.getInt(at);
    assertEquals(DB_FRAMES, count);
    at += 4;
    for (int k = 0; k < count; k++) {
      at += 4 + b.getInt(at);
    }
    return at - entry.payloadOffset();
  }

  // --- damaged and lying indexes --------------------------------------------------------------

  /** Changes the database archive, given the offset of its entry's index. */
  private interface Patch {
    void apply(ByteBuffer archive, int table);
  }

  /** The database archive with its index patched, opened from memory. */
  private static ArchiveReader patched(String name, Patch patch) throws IOException {
    byte[] bytes = database.clone();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    patch.apply(b, (int) (databaseEntry.payloadEnd() - indexLength(DB_FRAMES)));
    return ArchiveReader.open(ArchiveSource.wrap(bytes, name), ReaderOptions.defaults());
  }

  /** Recomputes the index's CRC32 after a patch, so that the index is consistent again. */
  private static void fixCrc(ByteBuffer archive, int table) {
    CRC32 crc = new CRC32();
    crc.update(archive.array(), table, 4 * DB_FRAMES + 4);
    archive.putInt(table + 4 * DB_FRAMES + 4, (int) crc.getValue());
  }

  private static String problemOf(VerificationReport report) {
    assertFalse(report.isIntact());
    return report.entries().get(0).problem();
  }

  @Test
  void aDamagedIndexIsReadAroundAndReportedByVerification() throws IOException {
    int[] crcs = new int[2];
    try (ArchiveReader reader = patched("bad-crc.eng", (b, table) -> {
      b.put(table + 12, (byte) (b.get(table + 12) ^ 1)); // frame 3's size; CRC kept
      crcs[0] = b.getInt(table + 4 * DB_FRAMES + 4);
      CRC32 crc = new CRC32();
      crc.update(b.array(), table, 4 * DB_FRAMES + 4);
      crcs[1] = (int) crc.getValue();
    })) {
      assertArrayEquals(DATABASE, reader.read("data.db"), "the prefixes locate every frame");
      ByteBuffer page = ByteBuffer.allocate(DB_FRAME);
      reader.openRandomAccess("data.db").readFully(3 * DB_FRAME, page);
      assertEquals(ByteBuffer.wrap(DATABASE, 3 * DB_FRAME, DB_FRAME), page.flip());
      assertEquals(String.format("entry 'data.db': damaged frame index: its CRC32 is %08x, but"
          + " its table gives %08x", crcs[0], crcs[1]),
          problemOf(reader.verify(VerifyOptions.defaults())));
    }
  }

  @Test
  void anIndexOfTheWrongFrameCountIsReadAroundAndReported() throws IOException {
    try (ArchiveReader reader = patched("count.eng", (b, table) -> {
      b.putInt(table + 4 * DB_FRAMES, DB_FRAMES - 1);
      fixCrc(b, table);
    })) {
      assertArrayEquals(DATABASE, reader.read("data.db"));
      assertEquals("entry 'data.db': damaged frame index: it counts 255 frames, not 256",
          problemOf(reader.verify(VerifyOptions.defaults())));
    }
  }

  @Test
  void anIndexWhoseSizesDoNotAddUpIsReadAroundAndReported() throws IOException {
    int[] size = new int[1];
    try (ArchiveReader reader = patched("sum.eng", (b, table) -> {
      size[0] = b.getInt(table + 4 * 10);
      b.putInt(table + 4 * 10, size[0] + 1);
      fixCrc(b, table);
    })) {
      assertArrayEquals(DATABASE, reader.read("data.db"));
      assertEquals("entry 'data.db': damaged frame index: it gives frame 10 " + (size[0] + 1)
          + " bytes, its size prefix " + size[0],
          problemOf(reader.verify(VerifyOptions.defaults())));
    }
  }

  @Test
  void anIndexThatLiesConsistentlyNeverYieldsWrongBytes() throws IOException {
    int[] sizes = new int[2];
    long[] prefix = new long[1];
    try (ArchiveReader reader = patched("lying.eng", (b, table) -> {
      // frames 3 and 4 swap sizes: the sum and the CRC stay right, two boundaries move
      sizes[0] = b.getInt(table + 12);
      sizes[1] = b.getInt(table + 16);
      b.putInt(table + 12, sizes[1]);
      b.putInt(table + 16, sizes[0]);
      fixCrc(b, table);
      prefix[0] = prefixOffset(b, 3);
    })) {
      assertNotEquals(sizes[0], sizes[1], "the test needs frames of different sizes");
      String lie = "entry 'data.db': frame 3 at offset " + prefix[0] + " claims " + sizes[0]
          + " bytes, but the frame index says " + sizes[1];
      RandomAccessEntry pages = reader.openRandomAccess("data.db");
      CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
          () -> pages.readFully(3 * DB_FRAME + 10, ByteBuffer.allocate(100)));
      assertEquals("lying.eng: " + lie, e.getMessage());
      for (int frame : new int[] {0, 2, 5, DB_FRAMES - 1}) {
        ByteBuffer page = ByteBuffer.allocate(DB_FRAME);
        pages.readFully((long) frame * DB_FRAME, page);
        assertEquals(ByteBuffer.wrap(DATABASE, frame * DB_FRAME, DB_FRAME), page.flip(),
            "frame " + frame + " is where the index says");
      }
      CorruptArchiveException whole =
          assertThrows(CorruptArchiveException.class, () -> reader.read("data.db"));
      assertEquals("lying.eng: " + lie, whole.getMessage());
      assertEquals(lie, problemOf(reader.verify(VerifyOptions.defaults())));
    }
  }

  /** Where frame {@code k}'s size prefix is in the database entry, found by walking. */
  private static long prefixOffset(ByteBuffer archive, int k) {
    long at = databaseEntry.payloadOffset() + 4;
    for (int j = 0; j < k; j++) {
      at += 4 + archive.getInt((int) at);
    }
    return at;
  }

  // --- archives engram-rs wrote ---------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"framed-lz4.eng", "framed-zstd.eng"})
  void engramRsFramedArchivesAreReadByWalkingTheirPrefixes(String fixture) throws IOException {
    Path file = CompatFixtures.require().resolve(fixture);
    CountingSource source = new CountingSource(ArchiveSource.open(file));
    try (ArchiveReader reader = ArchiveReader.open(source, ReaderOptions.defaults())) {
      EntryInfo big = reader.entry("big.bin").orElseThrow();
      long frames = Framing.frameCount(big.uncompressedSize());
      DirectoryEntry entry = big.directoryEntry();
      source.clear();
      try (InputStream in = reader.openStream("big.bin")) {
        assertEquals(big.crc32(), TestData.crc(in));
      }
      List<String> reads = source.reads();
      assertEquals(read(entry.payloadEnd() - indexLength(frames), indexLength(frames)),
          reads.get(1), "the index's place is looked at once");
      assertEquals(read(entry.payloadOffset(), 64 * 1024), reads.get(2), "then the walk");
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertTrue(report.isIntact(), report.summary());
    }
  }
}
