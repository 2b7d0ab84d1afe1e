package dev.engram.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Builds SQLite database files for tests, with sqlite-jdbc. */
final class TestDatabases {
  private TestDatabases() {}

  /**
   * A database with {@code books(id INTEGER PRIMARY KEY, title, author_id, year, body)}, {@code
   * authors(id, name)}, an index on year, and an FTS5 table over titles. Row i has title "Book
   * i", year 1900 + i % 120, author_id i % 50, and a body of about {@code bodySize} bytes.
   */
  static Path library(Path file, int rows, int bodySize) throws IOException, SQLException {
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
          book.setString(5, body(i, bodySize));
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
    return file;
  }

  /** Deterministic filler text for row {@code i}. */
  static String body(int i, int size) {
    StringBuilder text = new StringBuilder(size + 16);
    long x = i * 0x9E3779B97F4A7C15L + 1;
    while (text.length() < size) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      text.append("word").append(Math.floorMod(x, 997)).append(' ');
    }
    return text.substring(0, size);
  }

  /** Queries that exercise a point lookup, a range, an aggregate, a join, FTS5, JSON, windows. */
  static final List<String> QUERIES = List.of(
      "SELECT id, title, year FROM books WHERE id = 1234",
      "SELECT id, title FROM books WHERE id BETWEEN 500 AND 1499 ORDER BY id",
      "SELECT count(*), sum(year), avg(length(body)), max(title) FROM books",
      "SELECT a.name, count(*) FROM books b JOIN authors a ON a.id = b.author_id"
          + " WHERE b.year > 2000 GROUP BY a.name ORDER BY a.name",
      "SELECT title FROM titles WHERE titles MATCH 'book AND 77*' ORDER BY title LIMIT 20",
      "SELECT json_object('id', id, 'year', year) FROM books WHERE year = 1950 ORDER BY id"
          + " LIMIT 5",
      "SELECT id, year, rank() OVER (PARTITION BY year ORDER BY id DESC) FROM books"
          + " WHERE year IN (1901, 2001) ORDER BY year, id LIMIT 30",
      "SELECT year, count(*) FROM books GROUP BY year ORDER BY 2 DESC, 1 LIMIT 10");

  /** Every row of a query, as lists of column values. */
  static List<List<Object>> rows(Connection db, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<Object> row = new ArrayList<>(columns);
        for (int c = 1; c <= columns; c++) {
          row.add(result.getObject(c));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** The answers of {@link #QUERIES} on a database file, read natively. */
  static List<List<List<Object>>> expectedAnswers(Path file) throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      List<List<List<Object>>> answers = new ArrayList<>();
      for (String sql : QUERIES) {
        answers.add(rows(db, sql));
      }
      return answers;
    }
  }
}
