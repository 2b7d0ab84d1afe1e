package dev.engram.sqlite;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Adds consistent copies of live SQLite databases to archives.
 *
 * <p>Copying a database file as it lies on disk is wrong when it is in WAL mode (committed
 * transactions may still be in its {@code -wal} file, which the archive would miss) or has a hot
 * journal (the file holds a half-written transaction). A snapshot asks SQLite instead: {@code
 * VACUUM INTO} writes one transaction-consistent, compacted copy, switched to rollback-journal
 * mode so that the archived file is complete on its own, and that copy is what the archive gets.
 * Other connections may keep writing meanwhile.
 *
 * <p>The copy is a temporary file, deleted when the entry is written. The database is opened as
 * any SQLite connection would open it, so a hot journal left by a crash is rolled back first.
 *
 * <p>Thread-safe (stateless); the writer itself is single-threaded.
 */
public final class DatabaseSnapshots {
  private DatabaseSnapshots() {}

  /**
   * Adds a consistent copy of a database, compressed with the writer's automatic choice. The
   * entry's modified time is the database file's.
   *
   * @param writer the archive being written
   * @param path the entry path
   * @param database the live database file
   * @throws NoSuchFileException if the database does not exist
   * @throws SQLException if it is not a SQLite database, or SQLite cannot copy it
   * @throws IllegalArgumentException if the path breaks the archive path policy
   * @throws java.nio.file.FileAlreadyExistsException if the archive already has the path
   * @throws IOException if the copy or the archive cannot be written
   */
  public static void add(ArchiveWriter writer, String path, Path database)
      throws IOException, SQLException {
    add(writer, path, database, null);
  }

  /**
   * Adds a consistent copy of a database with a chosen compression. The entry's modified time is
   * the database file's.
   *
   * @param writer the archive being written
   * @param path the entry path
   * @param database the live database file
   * @param method the compression; {@code null} for the writer's automatic choice
   * @throws NoSuchFileException if the database does not exist
   * @throws SQLException if it is not a SQLite database, or SQLite cannot copy it
   * @throws IllegalArgumentException if the path breaks the archive path policy
   * @throws java.nio.file.FileAlreadyExistsException if the archive already has the path
   * @throws IOException if the copy or the archive cannot be written
   */
  public static void add(ArchiveWriter writer, String path, Path database,
      CompressionMethod method) throws IOException, SQLException {
    if (!Files.isRegularFile(database)) {
      throw new NoSuchFileException(database.toString(), null, "no database file");
    }
    Path copy = Files.createTempFile("engram-snapshot-", ".db");
    try {
      snapshot(database, copy);
      Files.setLastModifiedTime(copy, Files.getLastModifiedTime(database));
      if (method == null) {
        writer.addFile(path, copy);
      } else {
        writer.addFile(path, copy, method);
      }
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /** A JDBC URL for any file name: a {@code file:} URI, so that {@code ?} and {@code %} are data. */
  private static String url(Path file) {
    return "jdbc:sqlite:" + file.toAbsolutePath().toUri();
  }

  /** Writes a consistent rollback-journal copy of {@code database} to the empty file {@code copy}. */
  private static void snapshot(Path database, Path copy) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setOpenMode(org.sqlite.SQLiteOpenMode.READWRITE); // never CREATE a missing file
    config.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE);
    try (Connection source = config.createConnection(url(database));
        PreparedStatement vacuum = source.prepareStatement("VACUUM INTO ?")) {
      vacuum.setString(1, copy.toString());
      vacuum.execute();
    }
    try (Connection copied = config.createConnection(url(copy));
        Statement statement = copied.createStatement()) {
      statement.execute("PRAGMA journal_mode = DELETE");
    }
  }
}
