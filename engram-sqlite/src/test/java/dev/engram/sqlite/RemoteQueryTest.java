package dev.engram.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.ReaderOptions;
import dev.engram.WriterOptions;
import dev.engram.remote.TestHttpServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL over a database in an archive on a real HTTP server on 127.0.0.1: the answers of the
 * local file, and the requests a cold query costs.
 */
class RemoteQueryTest {
  @TempDir static Path dir;
  private static TestHttpServer server;
  private static Path database;
  private static URI url;

  @BeforeAll
  static void serveArchive() throws Exception {
    database = TestDatabases.library(dir.resolve("library.db"), 20_000, 400);
    Path served = Files.createDirectories(dir.resolve("served"));
    try (ArchiveWriter writer = ArchiveWriter.create(served.resolve("library.eng"),
        WriterOptions.builder().databaseFrameSize(4096).build())) {
      writer.addFile("README.md", "# library\n".getBytes());
      writer.addFile("library.db", database, CompressionMethod.ZSTD);
      writer.finish();
    }
    server = TestHttpServer.start(served);
    url = server.uri("/files/library.eng");
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void everyQueryAnswersOverHttpAsOnTheLocalFile() throws Exception {
    List<List<List<Object>>> expected = TestDatabases.expectedAnswers(database);
    try (VfsReader reader = VfsReader.open(url, ReaderOptions.defaults());
        Connection db = reader.openDatabase("library.db")) {
      for (int i = 0; i < TestDatabases.QUERIES.size(); i++) {
        assertEquals(expected.get(i), TestDatabases.rows(db, TestDatabases.QUERIES.get(i)),
            TestDatabases.QUERIES.get(i));
      }
    }
  }

  @Test
  void aColdPointLookupFetchesAFewBlocksNotTheDatabase() throws Exception {
    long databaseSize = Files.size(database);
    server.reset();
    try (VfsReader reader = VfsReader.open(url, ReaderOptions.defaults());
        Connection db = reader.openDatabase("library.db")) {
      assertEquals("[[1234, Book 1234, " + (1900 + 1234 % 120) + "]]",
          TestDatabases.rows(db, "SELECT id, title, year FROM books WHERE id = 1234")
              .toString());
    }
    // open (the last 64 KiB), the entry's first block (local header, SQLite's page 1), the
    // frame index, and the B-tree's pages down to the row: each a request of a block or two
    // (measured: 5 requests, 265,618 bytes of a 10 MB database)
    assertEquals(5, server.requests(), server.log().toString());
    assertTrue(server.bodyBytes() < 300_000, server.bodyBytes() + " bytes of a "
        + databaseSize + "-byte database: " + server.log());
  }
}
