package dev.engram.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.EntryInfo;
import dev.engram.testing.SparseArchives;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite VFS past 4 GiB, twice over: the databases' pages lie beyond 2^32 in the archive (a
 * hole in front, {@link SparseArchives}), one stored (read straight from the archive's offsets)
 * and one framed; and the framed one is itself larger than 4 GiB, with a table whose pages lie
 * beyond 2^32 inside the database, so SQLite asks for offsets that do not fit in 32 bits. That
 * database is sparse: made with a 64 KiB page size, its table's root page is moved to page 65,538
 * by copying it there and pointing the schema at it ({@code writable_schema}); the pages between
 * are zeros nobody reads, and the writer gets them from a stream, not from the file's hole.
 */
@Tag("scale")
class Beyond4GibDatabaseTest {
  private static final long FOUR_GIB = 1L << 32;
  private static final int PAGE = 65536;
  private static final long FAR_PAGE = FOUR_GIB / PAGE + 2;
  /** Pages in use before the hole: the schema, the first root of {@code far}, {@code near}. */
  private static final int HEAD_PAGES = 3;

  @TempDir Path dir;

  @Test
  void queriesReadPagesBeyond4GibInTheArchiveAndInTheDatabase() throws Exception {
    long start = System.nanoTime();
    Path library = TestDatabases.library(dir.resolve("library.db"), 2000, 300);
    List<List<List<Object>>> expected = TestDatabases.expectedAnswers(library);
    Path far = farDatabase(dir.resolve("far.db"));
    assertTrue(Files.size(far) > FOUR_GIB);
    start = step("databases made", start);

    Path plain = dir.resolve("plain.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(plain)) {
      writer.addFile("library.db", library, CompressionMethod.NONE);
      // its content as a stream: reading the hole from the file would cost as much as writing it
      writer.addFile("far.db", farContent(far), CompressionMethod.LZ4);
      writer.finish();
    }
    Files.delete(far);
    Path archive = SparseArchives.withGap(plain, dir.resolve("beyond.eng"), FOUR_GIB);
    Files.delete(plain);
    start = step("archive written", start);

    try (VfsReader reader = VfsReader.open(archive)) {
      for (EntryInfo entry : reader.archive().entries()) {
        assertTrue(entry.payloadOffset() > FOUR_GIB, entry.toString());
      }
      EntryInfo farEntry = reader.archive().entry("far.db").orElseThrow();
      assertTrue(farEntry.isFramed() && farEntry.uncompressedSize() > FOUR_GIB);
      try (Connection db = reader.openDatabase("library.db")) {
        for (int q = 0; q < TestDatabases.QUERIES.size(); q++) {
          assertEquals(expected.get(q), TestDatabases.rows(db, TestDatabases.QUERIES.get(q)),
              TestDatabases.QUERIES.get(q));
        }
      }
      try (Connection db = reader.openDatabase("far.db")) {
        assertEquals(List.of(List.of("far " + FAR_PAGE), List.of("near 3")), TestDatabases.rows(
            db, "SELECT name || ' ' || rootpage FROM sqlite_schema ORDER BY name"));
        assertEquals(List.of(List.of("2000 0 1999 1999000")), TestDatabases.rows(db,
            "SELECT count(*) || ' ' || min(id) || ' ' || max(id) || ' ' || sum(id) FROM far"));
        assertEquals(List.of(List.of("far 1234")),
            TestDatabases.rows(db, "SELECT note FROM far WHERE id = 1234"));
        assertEquals(List.of(List.of("near 7")),
            TestDatabases.rows(db, "SELECT note FROM near WHERE id = 7"));
      }
    }
    step("queries answered", start);
  }

  private static long step(String what, long start) {
    long now = System.nanoTime();
    System.out.printf("Beyond4GibDatabaseTest: %s in %,d ms%n", what, (now - start) / 1_000_000);
    return now;
  }

  /** The content of {@link #farDatabase}: its first pages, zeros, its last page. */
  private static InputStream farContent(Path far) throws IOException {
    byte[] head = new byte[HEAD_PAGES * PAGE];
    byte[] last = new byte[PAGE];
    try (RandomAccessFile raw = new RandomAccessFile(far.toFile(), "r")) {
      assertEquals(FAR_PAGE * PAGE, raw.length());
      raw.readFully(head);
      raw.seek((FAR_PAGE - 1) * PAGE);
      raw.readFully(last);
    }
    long zeros = (FAR_PAGE - 1 - HEAD_PAGES) * PAGE;
    return new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(head),
        SparseArchives.zeros(zeros), new ByteArrayInputStream(last))));
  }

  /**
   * A database of more than 4 GiB on disk but a few pages in use: table {@code far} (2,000 rows,
   * one leaf page) at page {@link #FAR_PAGE}, table {@code near} (10 rows) at page 3.
   */
  private static Path farDatabase(Path file) throws IOException, SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = db.createStatement()) {
      s.execute("PRAGMA page_size = " + PAGE);
      s.execute("PRAGMA journal_mode = DELETE");
      s.execute("CREATE TABLE far(id INTEGER PRIMARY KEY, note TEXT)");
      s.execute("CREATE TABLE near(id INTEGER PRIMARY KEY, note TEXT)");
      db.setAutoCommit(false);
      try (PreparedStatement insert = db.prepareStatement("INSERT INTO far VALUES (?, ?)")) {
        for (int i = 0; i < 2000; i++) {
          insert.setInt(1, i);
          insert.setString(2, "far " + i);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)"
          + " INSERT INTO near SELECT i, 'near ' || i FROM n");
      db.commit();
    }
    assertEquals(HEAD_PAGES * PAGE, Files.size(file), "pages 1 to 3 before the hole");
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] root = new byte[PAGE];
      raw.seek(PAGE);
      raw.readFully(root);
      raw.seek((FAR_PAGE - 1) * PAGE);
      raw.write(root);
      // the header's page count no longer matches its change counter, so SQLite takes the file's
      // size (and records it again when the schema changes)
      raw.seek(92);
      raw.writeInt(-1);
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = db.createStatement()) {
      s.execute("PRAGMA writable_schema = ON");
      s.execute("UPDATE sqlite_schema SET rootpage = " + FAR_PAGE + " WHERE name = 'far'");
    }
    return file;
  }
}
