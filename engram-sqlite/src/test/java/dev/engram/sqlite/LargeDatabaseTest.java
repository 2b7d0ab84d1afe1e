package dev.engram.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.ChecksumMismatchException;
import dev.engram.CompressionMethod;
import dev.engram.CorruptArchiveException;
import dev.engram.EngramException;
import dev.engram.ReaderOptions;
import dev.engram.WriterOptions;
import dev.engram.format.Framing;
import dev.engram.format.Header;
import dev.engram.format.LocalEntryHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A database of more than 50 MiB, stored framed: queries decode only the frames their pages are
 * in, through a bounded cache; a damaged frame fails only the queries that need it.
 */
class LargeDatabaseTest {
  private static final int ROWS = 56_000;

  @TempDir static Path dir;
  private static Path database;
  private static List<List<List<Object>>> expected;

  @BeforeAll
  static void buildDatabase() throws Exception {
    database = TestDatabases.library(dir.resolve("large.db"), ROWS, 1000);
    assertTrue(Files.size(database) >= Framing.THRESHOLD, "large enough to be framed");
    expected = TestDatabases.expectedAnswers(database);
  }

  private static Path archive(CompressionMethod method) throws IOException {
    Path archive = dir.resolve("large-" + method + ".eng");
    if (!Files.exists(archive)) {
      try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
        writer.addFile("large.db", database, method);
        writer.finish();
      }
    }
    return archive;
  }

  @ParameterizedTest
  @EnumSource(value = CompressionMethod.class, names = {"LZ4", "ZSTD"})
  void framedDatabasesAnswerAsTheOriginalFileDoes(CompressionMethod method) throws Exception {
    try (VfsReader reader = VfsReader.open(archive(method))) {
      assertTrue(reader.archive().entry("large.db").orElseThrow().isFramed());
      try (Connection db = reader.openDatabase("large.db")) {
        for (int q = 0; q < TestDatabases.QUERIES.size(); q++) {
          assertEquals(expected.get(q), TestDatabases.rows(db, TestDatabases.QUERIES.get(q)),
              TestDatabases.QUERIES.get(q));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionMethod.class, names = {"LZ4", "ZSTD"})
  void aPointLookupDecodesAFewFramesNotTheDatabase(CompressionMethod method) throws Exception {
    try (VfsReader reader = VfsReader.open(archive(method));
        Connection db = reader.openDatabase("large.db")) {
      long frames = Framing.frameCount(reader.archive().entry("large.db").orElseThrow()
          .uncompressedSize());
      assertEquals(List.of(List.of("Book 41234")),
          TestDatabases.rows(db, "SELECT title FROM books WHERE id = 41234"));
      long decoded = reader.archive().frameCacheStatistics().misses();
      assertTrue(decoded >= 1 && decoded <= 8, decoded + " of " + frames + " frames decoded");
      assertEquals(List.of(List.of("Book 17")),
          TestDatabases.rows(db, "SELECT title FROM books WHERE id = 17"));
      assertTrue(reader.archive().frameCacheStatistics().misses() <= decoded + 4);
    }
  }

  @Test
  void aSegmentEncryptedDatabaseDecryptsOnlyTheFramesItReads() throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x33);
    Path archive = dir.resolve("large-encrypted.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, WriterOptions.builder()
        .perFileEncryption(key).segmentedEncryption(true).build())) {
      writer.addFile("large.db", database, CompressionMethod.LZ4);
      writer.finish();
    }
    // every temporary file a reader makes goes to its temporary directory: a private one here,
    // so that other processes' files in the system's do not count
    Path temporary = Files.createDirectories(dir.resolve("private-tmp"));
    try (VfsReader reader = VfsReader.open(archive,
            ReaderOptions.builder().key(key).temporaryDirectory(temporary).build());
        Connection db = reader.openDatabase("large.db")) {
      assertEquals(List.of(List.of("Book 41234")),
          TestDatabases.rows(db, "SELECT title FROM books WHERE id = 41234"));
      long decoded = reader.archive().frameCacheStatistics().misses();
      assertTrue(decoded >= 1 && decoded <= 8, decoded + " frames decoded");
      assertEquals(expected.get(3), TestDatabases.rows(db, TestDatabases.QUERIES.get(3)));
      assertEquals(Set.of(), listing(temporary), "nothing decrypted to a temporary file");
    }
  }

  private static Set<String> listing(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionMethod.class, names = {"LZ4", "ZSTD"})
  void smallExplicitFramesServeAPointLookupFromAFewKilobytes(CompressionMethod method)
      throws Exception {
    Path archive = dir.resolve("small-frames-" + method + ".eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().databaseFrameSize(4096).build())) {
      writer.addFile("large.db", database, method);
      writer.finish();
    }
    try (VfsReader reader = VfsReader.open(archive);
        Connection db = reader.openDatabase("large.db")) {
      assertEquals(4096, reader.archive().entry("large.db").orElseThrow().frameSize());
      assertEquals(List.of(List.of("Book 41234")),
          TestDatabases.rows(db, "SELECT title FROM books WHERE id = 41234"));
      long decoded = reader.archive().frameCacheStatistics().misses();
      assertTrue(decoded >= 1 && decoded <= 8, decoded + " frames of 4 KiB decoded");
      assertTrue(reader.archive().frameCacheStatistics().sizeBytes() <= decoded * 4096);
      for (int q = 0; q < TestDatabases.QUERIES.size(); q++) {
        assertEquals(expected.get(q), TestDatabases.rows(db, TestDatabases.QUERIES.get(q)),
            TestDatabases.QUERIES.get(q));
      }
    }
  }

  @Test
  void aSmallDatabaseInExplicitFramesIsReadInPlaceNotDecodedWhole() throws Exception {
    Path small = TestDatabases.library(dir.resolve("small-framed.db"), 2000, 200);
    Path archive = dir.resolve("small-framed.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().databaseFrameSize(4096).build())) {
      writer.addFile("small.db", small, CompressionMethod.ZSTD);
      writer.finish();
    }
    long images = DatabasePages.MemoryImage.LIVE_BYTES.get();
    try (VfsReader reader = VfsReader.open(archive);
        Connection db = reader.openDatabase("small.db")) {
      assertEquals(images, DatabasePages.MemoryImage.LIVE_BYTES.get(), "no whole image");
      assertEquals(List.of(List.of("Book 1999")),
          TestDatabases.rows(db, "SELECT title FROM books WHERE id = 1999"));
      assertTrue(reader.archive().frameCacheStatistics().misses() <= 8);
    }
  }

  @Test
  void aSmallFrameCacheBoundsMemoryAndStillAnswers() throws Exception {
    long cache = 1 << 20;
    ReaderOptions options = ReaderOptions.builder().frameCacheSize(cache).build();
    try (VfsReader reader = VfsReader.open(archive(CompressionMethod.LZ4), options);
        Connection db = reader.openDatabase("large.db")) {
      assertEquals(expected.get(2), TestDatabases.rows(db, TestDatabases.QUERIES.get(2)));
      assertTrue(reader.archive().frameCacheStatistics().sizeBytes() <= cache);
    }
  }

  @Test
  void aDamagedFrameFailsTheQueriesThatReadItWithAnIoError() throws Exception {
    Path damaged = dir.resolve("damaged.eng");
    Files.copy(archive(CompressionMethod.ZSTD), damaged);
    int frame = 600;
    smash(damaged, frame);
    try (VfsReader reader = VfsReader.open(damaged);
        Connection db = reader.openDatabase("large.db")) {
      // the schema and the first rows are far from frame 600
      assertEquals(List.of(List.of("Book 3")),
          TestDatabases.rows(db, "SELECT title FROM books WHERE id = 3"));
      SQLiteException e = assertThrows(SQLiteException.class,
          () -> TestDatabases.rows(db, "SELECT sum(length(body)) FROM books"));
      assertEquals(SQLiteErrorCode.SQLITE_IOERR.code, e.getResultCode().code & 0xFF,
          e.getMessage());
      // the connection stays usable for pages that are intact
      assertEquals(List.of(List.of("Book 4")),
          TestDatabases.rows(db, "SELECT title FROM books WHERE id = 4"));
    }
  }

  @Test
  void aDamagedSmallDatabaseIsRefusedWhenOpened() throws Exception {
    // decoded whole, so its CRC32 is checked before any connection sees it
    Path small = TestDatabases.library(dir.resolve("small.db"), 500, 100);
    Path lz4Damaged = dir.resolve("small-lz4-damaged.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(lz4Damaged)) {
      writer.addFile("small.db", small, CompressionMethod.LZ4);
      writer.finish();
    }
    long lz4Payload = Header.SIZE + LocalEntryHeader.sizeFor("small.db".length());
    try (FileChannel file = FileChannel.open(lz4Damaged, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      byte[] junk = new byte[64];
      Arrays.fill(junk, (byte) 0x7F);
      file.write(ByteBuffer.wrap(junk), lz4Payload + 1000);
    }
    try (VfsReader reader = VfsReader.open(lz4Damaged)) {
      EngramException e = assertThrows(EngramException.class,
          () -> reader.openDatabase("small.db"));
      assertTrue(e instanceof CorruptArchiveException || e instanceof ChecksumMismatchException,
          e.toString());
      assertTrue(e.getMessage().contains("small.db"), e.getMessage());
      assertEquals(0, reader.openDatabaseCount());
    }
  }

  /** Overwrites frame {@code k} of the archive's only entry with 0xFF bytes. */
  private static void smash(Path archive, int k) throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertTrue(reader.entries().size() == 1);
    }
    long at = Header.SIZE + LocalEntryHeader.sizeFor(
        "large.db".getBytes(StandardCharsets.UTF_8).length) + Framing.PREFIX;
    try (FileChannel file = FileChannel.open(archive, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer prefix = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < k; i++) {
        file.read(prefix.clear(), at);
        at += Framing.PREFIX + prefix.getInt(0);
      }
      file.read(prefix.clear(), at);
      byte[] junk = new byte[prefix.getInt(0)];
      Arrays.fill(junk, (byte) 0xFF);
      file.write(ByteBuffer.wrap(junk), at + Framing.PREFIX);
    }
  }
}
