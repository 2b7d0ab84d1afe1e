package dev.engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * Writes a real SQLite database for the mixed data: a table of books with text bodies and an
 * index, grown until the file reaches a size.
 */
final class SqliteDatabase {
  private static final int ROWS_PER_COMMIT = 20_000;

  private SqliteDatabase() {}

  /**
   * Creates the database.
   *
   * @param file where; must not exist
   * @param bytes the size to reach (the file ends up at most one commit of rows larger)
   * @param content where titles and bodies come from
   * @param random the source of choices
   * @return the file's size
   */
  static long create(Path file, long bytes, ContentBlocks content, SplittableRandom random)
      throws IOException, SQLException {
    Files.createDirectories(file.getParent());
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement statement = db.createStatement()) {
        statement.execute("PRAGMA journal_mode = OFF");
        statement.execute("PRAGMA synchronous = OFF");
        statement.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL,"
            + " author TEXT NOT NULL, year INTEGER NOT NULL, body TEXT NOT NULL)");
        statement.execute("CREATE INDEX books_year ON books(year)");
      }
      db.setAutoCommit(false);
      try (PreparedStatement insert = db.prepareStatement(
          "INSERT INTO books (title, author, year, body) VALUES (?, ?, ?, ?)")) {
        while (Files.size(file) < bytes) {
          for (int row = 0; row < ROWS_PER_COMMIT; row++) {
            insert.setString(1, content.sentence(random));
            insert.setString(2, "author " + random.nextInt(5000));
            insert.setInt(3, 1800 + random.nextInt(226));
            StringBuilder body = new StringBuilder();
            for (int sentences = 3 + random.nextInt(8); sentences > 0; sentences--) {
              body.append(content.sentence(random)).append(' ');
            }
            insert.setString(4, body.toString());
            insert.addBatch();
          }
          insert.executeBatch();
          db.commit();
        }
      }
    }
    return Files.size(file);
  }
}
