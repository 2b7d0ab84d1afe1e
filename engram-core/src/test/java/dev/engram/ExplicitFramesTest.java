package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.DirectoryEntry;
import dev.engram.format.Framing;
import dev.engram.format.Header;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The explicit frame size extension: databases written in small frames, read back exactly and at
 * random, recorded so that other readers refuse them, and validated on the way in.
 */
class ExplicitFramesTest {
  private static final byte[] SQLITE = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  /** Offsets in a directory entry and a local header. */
  private static final int CENT_METHOD = 40;
  private static final int CENT_FLAGS = 41;
  private static final int LOCA_FLAGS = 33;

  @TempDir Path dir;

  /** Content that starts like a SQLite database, then follows the test pattern. */
  private static byte[] database(int size) {
    byte[] content = TestData.pattern(size);
    System.arraycopy(SQLITE, 0, content, 0, Math.min(SQLITE.length, size));
    return content;
  }

  private static WriterOptions frames(int size) {
    return WriterOptions.builder().databaseFrameSize(size).build();
  }

  @ParameterizedTest(name = "{0} bytes, {1}, frames of {2}")
  @CsvSource({
    "300000, LZ4, 4096",
    "300000, ZSTD, 4096",
    "262144, LZ4, 1024", // an exact multiple: no short last frame
    "262145, ZSTD, 16384",
    "100, LZ4, 65536", // one short frame
    "16, ZSTD, 4096", // the header alone
  })
  void databasesRoundTripInTheirOwnFrameSize(int size, CompressionMethod method, int frameSize)
      throws IOException {
    byte[] content = database(size);
    Path archive = dir.resolve("db.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, frames(frameSize))) {
      writer.addFile("data.db", content, method);
      writer.addFile("notes.txt", TestData.text(100_000, 1), method);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo entry = reader.entry("data.db").orElseThrow();
      assertTrue(entry.isFramed());
      assertEquals(frameSize, entry.frameSize());
      assertEquals(method, entry.compression());
      assertArrayEquals(content, reader.read("data.db"));
      assertEquals(0, reader.entry("notes.txt").orElseThrow().frameSize(), "not a database");
      assertArrayEquals(TestData.text(100_000, 1), reader.read("notes.txt"));

      RandomAccessEntry pages = reader.openRandomAccess("data.db");
      int at = size / 2;
      ByteBuffer page = ByteBuffer.allocate(Math.min(100, size - at));
      pages.readFully(at, page);
      assertEquals(ByteBuffer.wrap(content, at, page.capacity()), page.flip());
      assertEquals(1, pages.framesDecoded(), "one small frame for a small read");
      try (SeekableByteChannel channel = reader.openChannel("data.db")) {
        ByteBuffer tail = ByteBuffer.allocate(Math.min(5000, size));
        channel.position(size - tail.capacity()).read(tail);
        assertEquals(ByteBuffer.wrap(content, size - tail.capacity(), tail.capacity()),
            tail.flip());
      }
      assertTrue(reader.verify(VerifyOptions.defaults()).isIntact());
    }
  }

  @Test
  void theHeaderAndTheEntryRecordTheExtension() throws IOException {
    Path archive = dir.resolve("bytes.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, frames(4096))) {
      writer.addFile("a.db", database(50_000), CompressionMethod.LZ4);
      writer.addFile("b.db", database(50_000), CompressionMethod.ZSTD);
      writer.finish();
    }
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(archive))
        .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(Header.VERSION_MINOR_EXPLICIT_FRAMES, bytes.getShort(10));
    assertEquals(Header.FLAG_EXPLICIT_FRAMES, bytes.getInt(40));
    long directory = bytes.getLong(16);
    assertEquals(0x11, bytes.get((int) directory + CENT_METHOD));
    assertEquals(12, bytes.get((int) directory + CENT_FLAGS));
    assertEquals(0x12, bytes.get((int) directory + DirectoryEntry.SIZE + CENT_METHOD));
    assertEquals(0x11, bytes.get(Header.SIZE + 32), "local header method");
    assertEquals(12, bytes.get(Header.SIZE + LOCA_FLAGS), "local header frame size");
  }

  @Test
  void withoutDatabasesTheArchiveStaysInTheBaseFormat() throws IOException {
    Path archive = dir.resolve("plain.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, frames(4096))) {
      writer.addFile("data.db", database(50_000), CompressionMethod.NONE); // not compressed
      writer.addFile("fake.db", TestData.text(50_000, 2), CompressionMethod.LZ4); // no header
      writer.finish();
    }
    byte[] bytes = Files.readAllBytes(archive);
    assertEquals(0, bytes[10], "minor version");
    assertEquals(0, bytes[40], "flags");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertFalse(reader.entry("data.db").orElseThrow().isFramed());
      assertFalse(reader.entry("fake.db").orElseThrow().isFramed());
    }
  }

  @Test
  void streamsAndFilesGetExplicitFramesToo() throws IOException {
    byte[] content = database(700_000);
    Path source = Files.write(dir.resolve("source.db"), content);
    long bigSize = Framing.THRESHOLD + 12_345;
    Path archive = dir.resolve("streams.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, frames(16384))) {
      writer.addFile("from-stream.db", new ByteArrayInputStream(content));
      writer.addFile("from-file.db", source);
      InputStream big = new SequenceInputStream(new ByteArrayInputStream(SQLITE),
          TestData.patternStream(bigSize - SQLITE.length));
      writer.addFile("big.db", big, CompressionMethod.LZ4);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (String path : new String[] {"from-stream.db", "from-file.db", "big.db"}) {
        assertEquals(16384, reader.entry(path).orElseThrow().frameSize(), path);
      }
      assertArrayEquals(content, reader.read("from-stream.db"));
      assertArrayEquals(content, reader.read("from-file.db"));
      RandomAccessEntry big = reader.openRandomAccess("big.db");
      ByteBuffer page = ByteBuffer.allocate(4096);
      big.readFully(bigSize - 10_000, page);
      for (int i = 0; i < 4096; i++) {
        assertEquals(TestData.patternByte(bigSize - 10_000 - SQLITE.length + i), page.get(i));
      }
      assertTrue(big.framesDecoded() <= 2);
      assertTrue(reader.verify(VerifyOptions.defaults()).isIntact());
    }
  }

  @ParameterizedTest(name = "segmented {0}")
  @CsvSource({"false", "true"})
  void encryptedDatabasesKeepTheirFrames(boolean segmented) throws IOException {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 9);
    byte[] content = database(200_000);
    Path archive = dir.resolve("enc.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, WriterOptions.builder()
        .perFileEncryption(key).segmentedEncryption(segmented).databaseFrameSize(4096)
        .build())) {
      writer.addFile("data.db", content, CompressionMethod.ZSTD);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().key(key).build())) {
      assertEquals(4096, reader.entry("data.db").orElseThrow().frameSize());
      assertArrayEquals(content, reader.read("data.db"));
      ByteBuffer page = ByteBuffer.allocate(4096);
      reader.openRandomAccess("data.db").readFully(8192, page);
      assertEquals(ByteBuffer.wrap(content, 8192, 4096), page.flip());
    }
  }

  @Test
  void onlyPowersOfTwoFrom1KiBTo64KiBAreFrameSizes() {
    for (int bad : new int[] {-1, 1, 512, 3000, 4097, 131072}) {
      assertThrows(IllegalArgumentException.class,
          () -> WriterOptions.builder().databaseFrameSize(bad), "" + bad);
    }
    for (int good : new int[] {0, 1024, 2048, 4096, 65536}) {
      assertEquals(good, WriterOptions.builder().databaseFrameSize(good).build()
          .databaseFrameSize());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "frame size exponent 9, 41, 9, explicit frame size 2^9 is not 2^10 to 2^16",
    "frame size exponent 17, 41, 17, explicit frame size 2^17 is not 2^10 to 2^16",
    "explicit frames of stored content, 40, 16, asks for explicit frames of uncompressed content",
  })
  void impossibleExplicitFramesAreCorrupt(String name, int field, int value, String message)
      throws IOException {
    Path archive = written();
    patch(archive, directoryOffset(archive) + field, value);
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
        () -> ArchiveReader.open(archive).close());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void anExplicitlyFramedEntryNeedsTheHeaderFlag() throws IOException {
    Path archive = written();
    patch(archive, 40, 0); // the header flags; bytes 0-11 (under the CRC) stay as they were
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
        () -> ArchiveReader.open(archive).close());
    assertTrue(e.getMessage().contains("explicit frame size, which the header does not declare"),
        e.getMessage());
  }

  @Test
  void theLocalHeaderMustAgreeOnTheFrameSize() throws IOException {
    Path archive = written();
    patch(archive, Header.SIZE + LOCA_FLAGS, 13);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
          () -> reader.read("data.db"));
      assertTrue(e.getMessage().contains("frame size exponent is 13 there, 12 in the directory"),
          e.getMessage());
    }
  }

  /** An archive whose only entry, data.db, has LZ4 frames of 4 KiB. */
  private Path written() throws IOException {
    Path archive = dir.resolve("one.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, frames(4096))) {
      writer.addFile("data.db", database(40_000), CompressionMethod.LZ4);
      writer.finish();
    }
    return archive;
  }

  private static long directoryOffset(Path archive) throws IOException {
    try (FileChannel file = FileChannel.open(archive)) {
      ByteBuffer offset = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      file.read(offset, 16);
      return offset.getLong(0);
    }
  }

  private static void patch(Path archive, long at, int value) throws IOException {
    try (FileChannel file = FileChannel.open(archive, StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.wrap(new byte[] {(byte) value}), at);
    }
  }
}
