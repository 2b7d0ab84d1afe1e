package dev.engram.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference implementation's VFS tests, as acceptance: many threads, many databases, many
 * readers, many open/close cycles, with exact answers and nothing leaked.
 */
class ConcurrencyAcceptanceTest {
  /** Rows in each database: the answers tell the databases apart. */
  private static final Map<String, Integer> ROWS = Map.of("a.db", 3000, "b.db", 2000,
      "c.db", 1000);

  @TempDir static Path dir;
  private static Path archive;

  @BeforeAll
  static void buildArchive() throws Exception {
    archive = dir.resolve("three.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("a.db", TestDatabases.library(dir.resolve("a.db"), ROWS.get("a.db"), 300),
          CompressionMethod.LZ4);
      writer.addFile("b.db", TestDatabases.library(dir.resolve("b.db"), ROWS.get("b.db"), 300),
          CompressionMethod.ZSTD);
      writer.addFile("c.db", TestDatabases.library(dir.resolve("c.db"), ROWS.get("c.db"), 300),
          CompressionMethod.NONE);
      writer.finish();
    }
  }

  @Test
  void tenThreadsRunAThousandQueriesEachWithCorrectResults() throws Exception {
    try (VfsReader reader = VfsReader.open(archive)) {
      runConcurrently(10, thread -> {
        try (Connection db = reader.openDatabase("a.db")) {
          lookUpRandomRows(db, ROWS.get("a.db"), 1000, thread);
        }
      });
    }
  }

  @Test
  void threeDatabasesAreQueriedConcurrently() throws Exception {
    List<String> names = List.of("a.db", "b.db", "c.db");
    try (VfsReader reader = VfsReader.open(archive)) {
      runConcurrently(6, thread -> {
        String name = names.get(thread % 3);
        try (Connection db = reader.openDatabase(name)) {
          for (int i = 0; i < 50; i++) {
            assertEquals(List.of(List.of(ROWS.get(name))),
                TestDatabases.rows(db, "SELECT count(*) FROM books"), name);
            lookUpRandomRows(db, ROWS.get(name), 20, thread * 1000 + i);
          }
        }
      });
    }
  }

  @Test
  void fiveThreadsWithSeparateReadersOfOneArchive() throws Exception {
    runConcurrently(5, thread -> {
      try (VfsReader reader = VfsReader.open(archive);
          Connection db = reader.openDatabase("b.db")) {
        lookUpRandomRows(db, ROWS.get("b.db"), 500, thread);
      }
    });
  }

  @Test
  void tenThreadsListTheDatabasesAHundredTimesEach() throws Exception {
    try (VfsReader reader = VfsReader.open(archive)) {
      runConcurrently(10, thread -> {
        for (int i = 0; i < 100; i++) {
          assertEquals(List.of("a.db", "b.db", "c.db"), reader.listDatabases());
        }
      });
    }
  }

  @Test
  void aHundredOpenCloseCyclesLeakNoMemoryHandlesOrRegistrations() throws Exception {
    NativeVfs vfs = NativeVfs.get();
    cycle(); // warm up: classes, JIT, lazily opened files of the JVM itself
    long descriptors = openDescriptors();
    long images = DatabasePages.MemoryImage.LIVE_BYTES.get();
    int published = vfs.publishedCount();
    int files = vfs.openFileCount();
    for (int i = 0; i < 100; i++) {
      cycle();
    }
    assertEquals(images, DatabasePages.MemoryImage.LIVE_BYTES.get(), "native images");
    assertEquals(published, vfs.publishedCount(), "published databases");
    assertEquals(files, vfs.openFileCount(), "files open through the VFS");
    long after = openDescriptors();
    assertTrue(after <= descriptors + 3, "file descriptors: " + descriptors + " -> " + after);
  }

  private static void cycle() throws Exception {
    try (VfsReader reader = VfsReader.open(archive)) {
      for (String name : List.of("a.db", "c.db")) {
        try (Connection db = reader.openDatabase(name)) {
          assertEquals(List.of(List.of(ROWS.get(name))),
              TestDatabases.rows(db, "SELECT count(*) FROM books"));
        }
      }
      assertEquals(0, reader.openDatabaseCount());
    }
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Looks up random rows by primary key and checks every column that derives from the id. */
  private static void lookUpRandomRows(Connection db, int rows, int lookups, long seed)
      throws SQLException {
    SplittableRandom random = new SplittableRandom(seed);
    try (PreparedStatement query = db.prepareStatement(
        "SELECT b.title, b.year, a.name FROM books b JOIN authors a ON a.id = b.author_id"
            + " WHERE b.id = ?")) {
      for (int i = 0; i < lookups; i++) {
        int id = random.nextInt(rows);
        query.setInt(1, id);
        try (ResultSet row = query.executeQuery()) {
          assertTrue(row.next(), "row " + id);
          assertEquals("Book " + id, row.getString(1));
          assertEquals(1900 + id % 120, row.getInt(2));
          assertEquals("Author " + id % 50, row.getString(3));
        }
      }
    }
  }

  private interface Work {
    void run(int thread) throws Exception;
  }

  /** Runs {@code work} on {@code threads} threads released at once; rethrows the first failure. */
  private static void runConcurrently(int threads, Work work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Void>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Void> task = () -> {
          start.await();
          work.run(thread);
          return null;
        };
        results.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Void> result : results) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
