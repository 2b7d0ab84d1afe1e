package dev.engram.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.KeyRequiredException;
import dev.engram.ReaderOptions;
import dev.engram.WriterOptions;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Databases of every storage kind queried in place: answers, read-only, listing, lifetimes. */
class VfsReaderTest {
  @TempDir static Path dir;
  private static Path database;
  private static Path archive;
  private static byte[] databaseBytes;
  private static List<List<List<Object>>> expected;

  private static final List<String> DATABASES = List.of("data/lib-lz4.db",
      "data/lib-zstd.sqlite", "lib-stored.sqlite3", "blob.bin", "fake.db", "empty.db",
      "UPPER.DB");

  @BeforeAll
  static void buildArchive() throws Exception {
    database = TestDatabases.library(dir.resolve("library.db"), 3000, 200);
    databaseBytes = Files.readAllBytes(database);
    expected = TestDatabases.expectedAnswers(database);
    archive = dir.resolve("mixed.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("notes.txt", "not a database".getBytes(StandardCharsets.UTF_8));
      writer.addFile("data/lib-lz4.db", database, CompressionMethod.LZ4);
      writer.addFile("data/lib-zstd.sqlite", database, CompressionMethod.ZSTD);
      writer.addFile("lib-stored.sqlite3", database, CompressionMethod.NONE);
      writer.addFile("blob.bin", databaseBytes, CompressionMethod.ZSTD);
      writer.addFile("fake.db", "SQLite format 2, honest".getBytes(StandardCharsets.UTF_8));
      writer.addFile("empty.db", new byte[0]);
      writer.addFile("UPPER.DB", database, CompressionMethod.LZ4);
      writer.addFile("pages.bin", new byte[4096]); // database-sized, but no header
      writer.finish();
    }
  }

  @Test
  void databasesAreReadInPlaceOnThisPlatform() throws IOException {
    try (VfsReader reader = VfsReader.open(archive)) {
      assertTrue(reader.isInPlace(), "the VFS shim is built and loadable on linux-x86_64");
    }
  }

  @Test
  void listDatabasesFindsDatabaseNamesAndDatabaseHeaders() throws IOException {
    try (VfsReader reader = VfsReader.open(archive)) {
      assertEquals(DATABASES, reader.listDatabases());
      assertSame(reader.listDatabases(), reader.listDatabases(), "computed once");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"data/lib-lz4.db", "data/lib-zstd.sqlite", "lib-stored.sqlite3",
      "blob.bin", "UPPER.DB"})
  void everyStorageKindAnswersAsTheOriginalFileDoes(String path) throws Exception {
    try (VfsReader reader = VfsReader.open(archive); Connection db = reader.openDatabase(path)) {
      for (int q = 0; q < TestDatabases.QUERIES.size(); q++) {
        assertEquals(expected.get(q), TestDatabases.rows(db, TestDatabases.QUERIES.get(q)),
            TestDatabases.QUERIES.get(q));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"data/lib-lz4.db", "lib-stored.sqlite3", "blob.bin"})
  void anArchiveThatIsNotAFileIsQueriedInPlace(String path) throws Exception {
    ArchiveSource inMemory = ArchiveSource.wrap(Files.readAllBytes(archive), "memory:mixed.eng");
    try (ArchiveReader archive = ArchiveReader.open(inMemory, ReaderOptions.defaults());
        VfsReader reader = VfsReader.of(archive); Connection db = reader.openDatabase(path)) {
      assertTrue(reader.isInPlace());
      for (int q = 0; q < TestDatabases.QUERIES.size(); q++) {
        assertEquals(expected.get(q), TestDatabases.rows(db, TestDatabases.QUERIES.get(q)),
            TestDatabases.QUERIES.get(q));
      }
    }
    assertFalse(inMemory.isOpen(), "closing the archive reader closes its source");
  }

  @Test
  void theAnswersAreNotEmpty() {
    for (List<List<Object>> answer : expected) {
      assertFalse(answer.isEmpty());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"INSERT INTO authors VALUES (999, 'x')",
      "UPDATE books SET year = 0 WHERE id = 1", "DELETE FROM books",
      "CREATE TABLE more(x)", "DROP TABLE authors", "CREATE INDEX i ON books(title)",
      "INSERT INTO titles VALUES ('new')"})
  void everyWriteFailsWithSqlitesReadOnlyError(String sql) throws Exception {
    for (boolean inPlace : new boolean[] {true, false}) {
      try (ArchiveReader archiveReader = ArchiveReader.open(archive);
          VfsReader reader = inPlace ? VfsReader.of(archiveReader)
              : VfsReader.withoutVfs(archiveReader);
          Connection db = reader.openDatabase("data/lib-zstd.sqlite");
          Statement statement = db.createStatement()) {
        SQLiteException e = assertThrows(SQLiteException.class, () -> statement.execute(sql));
        assertEquals(SQLiteErrorCode.SQLITE_READONLY.code, e.getResultCode().code & 0xFF,
            (inPlace ? "in place: " : "copy: ") + e.getMessage());
        assertEquals(3000, TestDatabases.rows(db, "SELECT count(*) FROM books").get(0).get(0));
      }
    }
    assertArrayEquals(databaseBytes, readEntry("data/lib-zstd.sqlite"), "archive unchanged");
  }

  @Test
  void anEntryThatIsNotADatabaseIsRefusedByName() throws IOException {
    try (VfsReader reader = VfsReader.open(archive)) {
      for (String path : List.of("fake.db", "notes.txt", "pages.bin")) {
        SQLiteException e = assertThrows(SQLiteException.class, () -> reader.openDatabase(path));
        assertEquals(SQLiteErrorCode.SQLITE_NOTADB, e.getResultCode());
        assertTrue(e.getMessage().contains(path), e.getMessage());
        assertTrue(e.getMessage().contains("mixed.eng"), e.getMessage());
      }
      NoSuchFileException missing = assertThrows(NoSuchFileException.class,
          () -> reader.openDatabase("nothing.db"));
      assertTrue(missing.getMessage().contains("nothing.db"), missing.getMessage());
      assertEquals(0, reader.openDatabaseCount(), "failed opens hold nothing");
    }
  }

  @Test
  void anEmptyEntryIsAnEmptyDatabase() throws Exception {
    try (VfsReader reader = VfsReader.open(archive);
        Connection db = reader.openDatabase("empty.db")) {
      assertEquals(List.of(List.of(0)),
          TestDatabases.rows(db, "SELECT count(*) FROM sqlite_master"));
    }
  }

  @Test
  void connectionsToOneDatabaseShareItsPagesUntilTheLastCloses() throws Exception {
    NativeVfs vfs = NativeVfs.get();
    long imagesBefore = DatabasePages.MemoryImage.LIVE_BYTES.get();
    int publishedBefore = vfs.publishedCount();
    try (VfsReader reader = VfsReader.open(archive)) {
      Connection a = reader.openDatabase("data/lib-lz4.db");
      Connection b = reader.openDatabase("data/lib-lz4.db");
      Connection c = reader.openDatabase("data/lib-zstd.sqlite");
      assertEquals(2, reader.openDatabaseCount());
      assertEquals(2L * databaseBytes.length,
          DatabasePages.MemoryImage.LIVE_BYTES.get() - imagesBefore, "one image per database");
      a.close();
      assertEquals(expected.get(0), TestDatabases.rows(b, TestDatabases.QUERIES.get(0)));
      b.close();
      assertEquals(1, reader.openDatabaseCount());
      c.close();
      assertEquals(0, reader.openDatabaseCount());
    }
    assertEquals(imagesBefore, DatabasePages.MemoryImage.LIVE_BYTES.get(), "images freed");
    assertEquals(publishedBefore, vfs.publishedCount());
  }

  @Test
  void closingTheReaderFailsLaterReadsWithAnIoError() throws Exception {
    long imagesBefore = DatabasePages.MemoryImage.LIVE_BYTES.get();
    VfsReader reader = VfsReader.open(archive, ReaderOptions.builder().build());
    Connection stored = reader.openDatabase("lib-stored.sqlite3");
    Connection image = reader.openDatabase("data/lib-lz4.db");
    reader.close();
    for (Connection db : List.of(stored, image)) {
      // a query that needs pages not yet cached by SQLite
      SQLiteException e = assertThrows(SQLiteException.class,
          () -> TestDatabases.rows(db, "SELECT sum(length(body)) FROM books"));
      assertEquals(SQLiteErrorCode.SQLITE_IOERR.code, e.getResultCode().code & 0xFF,
          e.getMessage());
      db.close();
    }
    assertEquals(imagesBefore, DatabasePages.MemoryImage.LIVE_BYTES.get(), "images freed");
    assertThrows(IllegalStateException.class, () -> reader.openDatabase("data/lib-lz4.db"));
    assertThrows(IllegalStateException.class, reader::listDatabases);
  }

  @Test
  void aReaderOfASharedArchiveReaderLeavesItOpen() throws Exception {
    try (ArchiveReader archiveReader = ArchiveReader.open(archive)) {
      try (VfsReader reader = VfsReader.of(archiveReader)) {
        assertSame(archiveReader, reader.archive());
      }
      assertEquals(databaseBytes.length, archiveReader.read("blob.bin").length);
    }
  }

  @Test
  void aDataSourceHandsOutConnections() throws Exception {
    try (VfsReader reader = VfsReader.open(archive)) {
      DataSource source = reader.dataSource("data/lib-zstd.sqlite");
      try (Connection a = source.getConnection(); Connection b = source.getConnection("u", "p")) {
        assertEquals(expected.get(2), TestDatabases.rows(a, TestDatabases.QUERIES.get(2)));
        assertEquals(expected.get(3), TestDatabases.rows(b, TestDatabases.QUERIES.get(3)));
      }
      assertTrue(source.isWrapperFor(DataSource.class));
      assertSame(source, source.unwrap(DataSource.class));
      assertThrows(SQLException.class, () -> source.unwrap(String.class));
      assertThrows(IllegalArgumentException.class, () -> reader.dataSource("missing.db"));
      SQLException notADatabase = assertThrows(SQLException.class,
          () -> reader.dataSource("notes.txt").getConnection());
      assertTrue(notADatabase.getMessage().contains("notes.txt"));
    }
  }

  @Test
  void withoutTheVfsEachConnectionGetsAnInMemoryCopy() throws Exception {
    try (ArchiveReader archiveReader = ArchiveReader.open(archive);
        VfsReader reader = VfsReader.withoutVfs(archiveReader)) {
      assertFalse(reader.isInPlace());
      assertEquals(DATABASES, reader.listDatabases());
      for (String path : List.of("data/lib-lz4.db", "lib-stored.sqlite3")) {
        try (Connection db = reader.openDatabase(path)) {
          for (int q = 0; q < TestDatabases.QUERIES.size(); q++) {
            assertEquals(expected.get(q), TestDatabases.rows(db, TestDatabases.QUERIES.get(q)));
          }
        }
      }
      SQLiteException e = assertThrows(SQLiteException.class,
          () -> reader.openDatabase("fake.db"));
      assertEquals(SQLiteErrorCode.SQLITE_NOTADB, e.getResultCode());
    }
  }

  @Test
  void queryingCreatesNoFileAnywhere() throws Exception {
    try (VfsReader warm = VfsReader.open(archive)) {
      warm.isInPlace(); // loads sqlite-jdbc and the shim before the snapshot
    }
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    Set<String> tempBefore = listing(temp);
    Set<String> archiveDirBefore = listing(archive.getParent());
    long temporaryFilesBefore = NativeVfs.get().temporaryFilesOpened();
    try (VfsReader reader = VfsReader.open(archive)) {
      reader.listDatabases();
      for (String path : List.of("data/lib-lz4.db", "lib-stored.sqlite3")) {
        try (Connection db = reader.openDatabase(path); Statement s = db.createStatement()) {
          for (String sql : TestDatabases.QUERIES) {
            TestDatabases.rows(db, sql);
          }
          // temporary files through the VFS: a temp table and a sort bigger than the caches
          s.execute("PRAGMA temp_store = FILE");
          s.execute("PRAGMA cache_size = 10");
          s.execute("PRAGMA temp.cache_size = 10");
          s.execute("CREATE TEMP TABLE picked AS SELECT id, body FROM books WHERE id % 3 = 0");
          List<List<Object>> sorted = TestDatabases.rows(db, "SELECT a.id, b.id FROM books a,"
              + " books b WHERE b.id < 10 ORDER BY b.body || a.body DESC, a.id, b.id LIMIT 3");
          assertEquals(3, sorted.size());
          assertEquals(List.of(List.of(1000)),
              TestDatabases.rows(db, "SELECT count(*) FROM picked"));
          List<List<Object>> grouped = TestDatabases.rows(db,
              "SELECT substr(body, 1, 6) AS k, count(*) FROM books GROUP BY k ORDER BY k");
          assertFalse(grouped.isEmpty());
        }
      }
    }
    assertTrue(NativeVfs.get().temporaryFilesOpened() > temporaryFilesBefore,
        "SQLite used temporary files, in memory");
    assertEquals(tempBefore, listing(temp), "temporary directory");
    assertEquals(archiveDirBefore, listing(archive.getParent()), "the archive's directory");
  }

  @Test
  void temporaryFilesGiveTheSameAnswersAsSqlitesMemory() throws Exception {
    String sql = "SELECT a.author_id, sum(b.id), count(*) FROM books a, books b"
        + " WHERE b.id < 20 GROUP BY a.author_id || b.body ORDER BY 2, 1, 3";
    List<List<Object>> direct;
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database)) {
      direct = TestDatabases.rows(db, sql);
    }
    try (VfsReader reader = VfsReader.open(archive);
        Connection db = reader.openDatabase("data/lib-zstd.sqlite");
        Statement s = db.createStatement()) {
      s.execute("PRAGMA temp_store = FILE");
      s.execute("PRAGMA cache_size = 5");
      long temporaryFilesBefore = NativeVfs.get().temporaryFilesOpened();
      assertEquals(direct, TestDatabases.rows(db, sql));
      assertTrue(NativeVfs.get().temporaryFilesOpened() > temporaryFilesBefore,
          "the sort spilled to temporary files");
    }
  }

  @Test
  void aDatabaseLeftInWalModeIsReadable() throws Exception {
    Path wal = dir.resolve("wal.db");
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + wal);
        Statement s = db.createStatement()) {
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("CREATE TABLE t(x)");
      s.execute("INSERT INTO t VALUES (1), (2), (3)");
    } // the last connection checkpoints: the rows are in the file, whose header says WAL
    byte[] bytes = Files.readAllBytes(wal);
    assertEquals(2, bytes[18], "WAL mode in the header");
    Path walArchive = dir.resolve("wal.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(walArchive)) {
      writer.addFile("wal.db", bytes, CompressionMethod.LZ4);
      writer.finish();
    }
    try (ArchiveReader archiveReader = ArchiveReader.open(walArchive)) {
      for (VfsReader reader : List.of(VfsReader.of(archiveReader),
          VfsReader.withoutVfs(archiveReader))) {
        try (reader; Connection db = reader.openDatabase("wal.db")) {
          assertEquals(List.of(List.of(6)), TestDatabases.rows(db, "SELECT sum(x) FROM t"),
              reader.toString());
        }
      }
    }
  }

  @Test
  void encryptedDatabasesAreQueryableWithTheKey() throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x5A);
    Path encrypted = dir.resolve("encrypted.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(encrypted,
        WriterOptions.builder().perFileEncryption(key).build())) {
      writer.addFile("lib.db", database, CompressionMethod.ZSTD);
      writer.addFile("raw.db", database, CompressionMethod.NONE);
      writer.finish();
    }
    try (VfsReader reader = VfsReader.open(encrypted, ReaderOptions.builder().key(key).build())) {
      for (String path : List.of("lib.db", "raw.db")) {
        try (Connection db = reader.openDatabase(path)) {
          assertEquals(expected.get(3), TestDatabases.rows(db, TestDatabases.QUERIES.get(3)));
        }
      }
    }
    try (VfsReader reader = VfsReader.open(encrypted)) {
      assertEquals(List.of("lib.db", "raw.db"), reader.listDatabases());
      assertThrows(KeyRequiredException.class, () -> reader.openDatabase("lib.db"));
    }
  }

  private static byte[] readEntry(String path) throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      return reader.read(path);
    }
  }

  private static Set<String> listing(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void theDataSourceOfAClosedReaderFailsWithAnSqlException() throws Exception {
    VfsReader reader = VfsReader.open(archive);
    DataSource source = reader.dataSource("blob.bin");
    reader.close();
    SQLException e = assertThrows(SQLException.class, source::getConnection);
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }
}
