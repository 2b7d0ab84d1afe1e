package dev.engram.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.EntryInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteException;

class DatabaseSnapshotsTest {
  @TempDir Path dir;

  @Test
  void aLiveWalDatabaseIsArchivedWithEveryCommittedRowInRollbackMode() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("odd name ?%"));
    Path live = folder.resolve("live.db");
    Path archive = dir.resolve("snap.eng");
    Instant modified = Instant.parse("2024-05-06T07:08:09Z");
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + live);
        Statement s = writer.createStatement()) {
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("PRAGMA wal_autocheckpoint = 0"); // committed rows stay in the -wal file
      s.execute("CREATE TABLE t(x)");
      s.execute("INSERT INTO t VALUES (1), (2), (3)");
      s.execute("INSERT INTO t VALUES (4)");
      assertTrue(Files.size(folder.resolve("live.db-wal")) > 0, "rows are in the WAL");
      Files.setLastModifiedTime(live, FileTime.from(modified));

      try (ArchiveWriter archiveWriter = ArchiveWriter.create(archive)) {
        DatabaseSnapshots.add(archiveWriter, "live.db", live, CompressionMethod.LZ4);
        DatabaseSnapshots.add(archiveWriter, "auto.db", live);
        archiveWriter.finish();
      }
      s.execute("INSERT INTO t VALUES (100)"); // the writer goes on; the snapshot is taken
    }
    try (VfsReader reader = VfsReader.open(archive)) {
      EntryInfo entry = reader.archive().entry("live.db").orElseThrow();
      assertEquals(modified, entry.modifiedTime());
      byte[] header = reader.archive().read("live.db");
      assertEquals(1, header[18], "rollback-journal write version");
      assertEquals(1, header[19], "rollback-journal read version");
      for (String path : List.of("live.db", "auto.db")) {
        try (Connection db = reader.openDatabase(path)) {
          assertEquals(List.of(List.of(10)), TestDatabases.rows(db, "SELECT sum(x) FROM t"));
        }
      }
    }
    assertTrue(Set.of("live.db", "live.db-shm", "live.db-wal").containsAll(names(folder)),
        "nothing left beside the database: " + names(folder));
    assertTrue(names(Path.of(System.getProperty("java.io.tmpdir"))).stream()
        .noneMatch(name -> name.startsWith("engram-snapshot-")), "temporary copies deleted");
  }

  @Test
  void aFileThatIsNotADatabaseIsRefused() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.db"), "just text, long enough to look"
        + " like something".repeat(20), StandardCharsets.UTF_8);
    Path archive = dir.resolve("refused.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      assertThrows(SQLiteException.class, () -> DatabaseSnapshots.add(writer, "n.db", text));
      assertThrows(NoSuchFileException.class,
          () -> DatabaseSnapshots.add(writer, "m.db", dir.resolve("missing.db")));
      writer.finish();
    }
    assertTrue(Files.notExists(dir.resolve("missing.db")), "a missing database is not created");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(0, reader.entryCount());
    }
  }

  private static Set<String> names(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
