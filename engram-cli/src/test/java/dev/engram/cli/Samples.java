package dev.engram.cli;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import dev.engram.manifest.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Folders to pack in tests. */
final class Samples {
  private Samples() {}

  /**
   * A small library: {@code README.md}, {@code notes/a.md}, {@code notes/b.md}, {@code
   * data/shelves.json} and {@code catalog.db} (authors(id, name); books(id, title, author_id,
   * year) with 100 books).
   */
  static Path library(Path parent) throws IOException {
    Path root = Files.createDirectories(parent.resolve("library"));
    Files.writeString(root.resolve("README.md"), "# Library\n");
    Files.createDirectories(root.resolve("notes"));
    Files.writeString(root.resolve("notes/a.md"), "alpha\n");
    Files.writeString(root.resolve("notes/b.md"), "beta\n".repeat(2000));
    Files.createDirectories(root.resolve("data"));
    Files.writeString(root.resolve("data/shelves.json"), "{\"shelves\": 3}\n");
    database(root.resolve("catalog.db"));
    return root;
  }

  static void database(Path file) throws IOException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = db.createStatement()) {
      s.execute("CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT)");
      s.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, author_id INTEGER,"
          + " year INTEGER)");
      s.execute("INSERT INTO authors VALUES (1, 'Ada'), (2, 'Grace, \"Amazing\"')");
      s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
          + " INSERT INTO books SELECT i, 'Book ' || i, 1 + i % 2, 1900 + i FROM n");
    } catch (SQLException e) {
      throw new IOException(e);
    }
  }

  /**
   * A folder of text files: {@code files} is path, content, path, content... Every file gets the
   * same modified time, {@code 2023-11-14T22:13:20Z}, so that tests control times.
   */
  static Path folder(Path parent, String name, String... files) throws IOException {
    Path root = Files.createDirectories(parent.resolve(name));
    for (int i = 0; i < files.length; i += 2) {
      Path file = root.resolve(files[i]);
      Files.createDirectories(file.getParent());
      Files.writeString(file, files[i + 1]);
      Files.setLastModifiedTime(file, TIME);
    }
    return root;
  }

  /** The modified time {@link #folder} gives files. */
  static final FileTime TIME = FileTime.from(Instant.ofEpochSecond(1_700_000_000L));

  /** Every entry of an archive but its manifest, by path, as UTF-8 text, in directory order. */
  static Map<String, String> entries(Path archive, ReaderOptions options) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      for (String path : reader.list()) {
        if (!path.equals(Manifest.ENTRY_NAME)) {
          entries.put(path, new String(reader.read(path), StandardCharsets.UTF_8));
        }
      }
    }
    return entries;
  }

  static Map<String, String> entries(Path archive) throws IOException {
    return entries(archive, ReaderOptions.defaults());
  }

  static String text(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
