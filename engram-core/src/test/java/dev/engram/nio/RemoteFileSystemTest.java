package dev.engram.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveWriter;
import dev.engram.WriterOptions;
import dev.engram.remote.TestHttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engram: file system over an archive on a real HTTP server on 127.0.0.1. */
class RemoteFileSystemTest {
  @TempDir static Path dir;
  private static TestHttpServer server;
  private static byte[] database;

  @BeforeAll
  static void serveArchive() throws Exception {
    Path served = Files.createDirectories(dir.resolve("served"));
    database = EngramFileSystemTest.database(300_000);
    try (ArchiveWriter writer = ArchiveWriter.create(served.resolve("docs.eng"),
        WriterOptions.builder().databaseFrameSize(4096).build())) {
      writer.addFile("README.md", "# docs\n".getBytes(UTF_8));
      writer.addFile("a/b/sp ace!#.txt", EngramFileSystemTest.text(10_000, 1));
      writer.addFile("data/catalog.db", database);
      writer.finish();
    }
    server = TestHttpServer.start(served);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  private static URI archiveUri() {
    return URI.create("engram:" + server.uri("/files/docs.eng"));
  }

  @Test
  void aRemoteArchiveIsAFileSystemThatWalksAndReadsLikeTheFile() throws IOException {
    server.reset();
    try (FileSystem fs = FileSystems.newFileSystem(archiveUri(), Map.of())) {
      assertEquals(1, server.requests(), "opening: " + server.log());
      try (Stream<Path> walk = Files.walk(fs.getPath("/"))) {
        assertEquals(List.of("/", "/README.md", "/a", "/a/b", "/a/b/sp ace!#.txt", "/data",
            "/data/catalog.db"), walk.map(Path::toString).sorted().toList());
      }
      assertEquals("# docs\n", Files.readString(fs.getPath("/README.md")));
      assertArrayEquals(EngramFileSystemTest.text(10_000, 1),
          Files.readAllBytes(fs.getPath("/a/b/sp ace!#.txt")));
      try (SeekableByteChannel channel = Files.newByteChannel(fs.getPath("/data/catalog.db"))) {
        ByteBuffer page = ByteBuffer.allocate(4096);
        channel.position(200_000).read(page);
        assertArrayEquals(Arrays.copyOfRange(database, 200_000, 204_096), page.array());
      }
      assertThrows(NoSuchFileException.class, () -> Files.size(fs.getPath("/missing")));
    }
  }

  @Test
  void pathsOfARemoteArchiveRoundTripThroughTheirUris() throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(archiveUri(), Map.of())) {
      Path odd = fs.getPath("/a/b/sp ace!#.txt");
      URI uri = odd.toUri();
      assertTrue(uri.toString().startsWith(archiveUri() + "!/a/b/sp%20ace%21%23.txt"),
          uri.toString());
      assertEquals(odd, Path.of(uri));
      assertSame(fs, FileSystems.getFileSystem(archiveUri()));
      assertThrows(FileSystemAlreadyExistsException.class,
          () -> FileSystems.newFileSystem(archiveUri(), Map.of()));
    }
    assertThrows(FileSystemNotFoundException.class,
        () -> FileSystems.getFileSystem(archiveUri()));
  }

  @Test
  void aMissingRemoteArchiveIsNoSuchFileAndRegistersNothing() {
    URI missing = URI.create("engram:" + server.uri("/files/missing.eng"));
    assertThrows(NoSuchFileException.class, () -> FileSystems.newFileSystem(missing, Map.of()));
    assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(missing));
  }
}
