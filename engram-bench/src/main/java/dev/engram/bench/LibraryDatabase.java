package dev.engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database of engram-sqlite's benchmark (issue 6, {@code scripts/bench-sqlite}): the same
 * schema and rows as its test generator ({@code TestDatabases.library(file, rows, 1000)} in
 * engram-sqlite's tests, which this module cannot use: test classes are not built for it), so the
 * same file for the same size; a copy kept in step with it by hand. {@code books(id INTEGER
 * PRIMARY KEY, title, author_id, year, body)} with a body of 1,000 bytes, {@code authors(id,
 * name)} (50), an index on year, an FTS5 table over titles.
 */
final class LibraryDatabase {
  /** Bytes of database per row, indexes included: rows for a size are {@code size / 1420}. */
  private static final int BYTES_PER_ROW = 1420;
  private static final int BODY_SIZE = 1000;

  private LibraryDatabase() {}

  /** How many rows a database of about {@code mib} MiB has. */
  static int rows(long mib) {
    return (int) (mib * 1024 * 1024 / BYTES_PER_ROW);
  }

  /**
   * Writes the database of about {@code mib} MiB. Row i has title "Book i", year 1900 + i % 120,
   * author_id i % 50, and a deterministic body.
   *
   * @param file where; replaced if it exists
   * @param mib the size, in MiB
   */
  static void create(Path file, long mib) throws IOException, SQLException {
    int rows = rows(mib);
    Files.deleteIfExists(file);
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      db.setAutoCommit(false);
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode = DELETE");
        s.execute("CREATE TABLE authors(id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
        s.execute("CREATE TABLE books(id INTEGER PRIMARY KEY, title TEXT NOT NULL,"
            + " author_id INTEGER NOT NULL REFERENCES authors(id), year INTEGER, body TEXT)");
        s.execute("CREATE INDEX books_year ON books(year)");
        s.execute("CREATE VIRTUAL TABLE titles USING fts5(title)");
      }
      try (PreparedStatement author = db.prepareStatement("INSERT INTO authors VALUES (?, ?)")) {
        for (int i = 0; i < 50; i++) {
          author.setInt(1, i);
          author.setString(2, "Author " + i);
          author.addBatch();
        }
        author.executeBatch();
      }
      try (PreparedStatement book = db.prepareStatement(
              "INSERT INTO books VALUES (?, ?, ?, ?, ?)");
          PreparedStatement title = db.prepareStatement("INSERT INTO titles VALUES (?)")) {
        for (int i = 0; i < rows; i++) {
          book.setInt(1, i);
          book.setString(2, "Book " + i);
          book.setInt(3, i % 50);
          book.setInt(4, 1900 + i % 120);
          book.setString(5, body(i));
          book.addBatch();
          title.setString(1, "Book " + i);
          title.addBatch();
          if (i % 1000 == 999) {
            book.executeBatch();
            title.executeBatch();
          }
        }
        book.executeBatch();
        title.executeBatch();
      }
      db.commit();
    }
  }

  /** Row i's body: {@code word<n> } filler from an xorshift sequence, cut to 1,000 bytes. */
  private static String body(int i) {
    StringBuilder text = new StringBuilder(BODY_SIZE + 16);
    long x = i * 0x9E3779B97F4A7C15L + 1;
    while (text.length() < BODY_SIZE) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      text.append("word").append(Math.floorMod(x, 997)).append(' ');
    }
    return text.substring(0, BODY_SIZE);
  }
}
