package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ArchiveUpdate#create} (a new archive written at commit), and new content written
 * through the update's streams and channels.
 */
class ArchiveUpdateStreamsTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Path archive() throws IOException {
    Path archive = dir.resolve("a.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("old.txt", bytes("old content"));
      writer.addFile("keep.txt", bytes("kept"));
      writer.finish();
    }
    return archive;
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void createWritesTheNewArchiveOnlyAtCommit() throws IOException {
    Path archive = dir.resolve("new.eng");
    try (ArchiveUpdate update = ArchiveUpdate.create(archive, WriterOptions.defaults())) {
      update.write("a.txt", bytes("a"));
      try (OutputStream out = update.newOutputStream("dir/b.bin", CompressionMethod.LZ4)) {
        out.write(TestData.text(200_000, 3));
      }
      assertFalse(Files.exists(archive), "nothing is written before the commit");
      assertEquals(List.of("a.txt", "dir/b.bin"), update.list());
      assertTrue(update.original("a.txt").isEmpty());
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("a.txt", "dir/b.bin"), reader.list());
      assertArrayEquals(bytes("a"), reader.read("a.txt"));
      assertArrayEquals(TestData.text(200_000, 3), reader.read("dir/b.bin"));
      assertEquals(CompressionMethod.LZ4, reader.entry("dir/b.bin").orElseThrow().compression());
    }
    assertEquals(List.of(archive), files(), "no temporary file is left");
  }

  @Test
  void createWithNothingWrittenGivesAnEmptyArchive() throws IOException {
    Path archive = dir.resolve("empty.eng");
    try (ArchiveUpdate update = ArchiveUpdate.create(archive, WriterOptions.defaults())) {
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of(), reader.list());
    }
  }

  @Test
  void createWithoutACommitLeavesNoFile() throws IOException {
    Path archive = dir.resolve("new.eng");
    try (ArchiveUpdate update = ArchiveUpdate.create(archive, WriterOptions.defaults())) {
      update.write("a.txt", bytes("a"));
      try (OutputStream out = update.newOutputStream("b.txt", null)) {
        out.write(bytes("b"));
      }
    }
    assertEquals(List.of(), files());
  }

  @Test
  void createRefusesAnExistingFileAndNeverReplacesOneThatAppears() throws IOException {
    Path archive = archive();
    assertThrows(FileAlreadyExistsException.class,
        () -> ArchiveUpdate.create(archive, WriterOptions.defaults()));
    Path later = dir.resolve("later.eng");
    try (ArchiveUpdate update = ArchiveUpdate.create(later, WriterOptions.defaults())) {
      update.write("a.txt", bytes("a"));
      Files.write(later, bytes("someone else's"));
      ConcurrentUpdateException e = assertThrows(ConcurrentUpdateException.class, update::commit);
      assertTrue(e.getMessage().contains("later.eng"), e.getMessage());
    }
    assertArrayEquals(bytes("someone else's"), Files.readAllBytes(later));
    assertEquals(List.of(archive, later), files(), "no temporary file is left");
  }

  @Test
  void anOutputStreamsContentReplacesThePathWhenItCloses() throws IOException {
    Path archive = archive();
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      OutputStream out = update.newOutputStream("old.txt", null);
      out.write(bytes("new content, longer than before"));
      assertEquals(11, update.size("old.txt"), "the old content until the stream closes");
      assertThrows(IllegalStateException.class, update::commit, "a stream is still open");
      out.close();
      out.close(); // a second close changes nothing
      assertEquals(31, update.size("old.txt"));
      try (InputStream in = update.newInputStream("old.txt")) {
        assertArrayEquals(bytes("new content, longer than before"), in.readAllBytes());
      }
      assertTrue(update.original("old.txt").isEmpty());
      update.commit();
      assertThrows(IllegalStateException.class, () -> update.write("late.txt", bytes("x")),
          "a change after the commit would never be written");
      assertThrows(IllegalStateException.class, () -> update.delete("keep.txt"));
      assertThrows(IllegalStateException.class, () -> update.newOutputStream("late.txt", null));
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertArrayEquals(bytes("new content, longer than before"), reader.read("old.txt"));
      assertArrayEquals(bytes("kept"), reader.read("keep.txt"));
    }
    assertEquals(List.of(archive), files(), "the spooled file is deleted");
  }

  @Test
  void aChannelCanStartFromTheCurrentContentAndWriteAnywhere() throws IOException {
    Path archive = archive();
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      try (SeekableByteChannel channel = update.newByteChannel("old.txt", null, true)) {
        assertEquals(11, channel.size());
        channel.position(4).write(ByteBuffer.wrap(bytes("CONTENT")));
        channel.position(channel.size()).write(ByteBuffer.wrap(bytes("!")));
        ByteBuffer first = ByteBuffer.allocate(3);
        channel.position(0).read(first);
        assertArrayEquals(bytes("old"), first.array());
      }
      try (SeekableByteChannel channel = update.newByteChannel("fresh.txt", null, true)) {
        assertEquals(0, channel.size(), "a new path starts empty");
        channel.write(ByteBuffer.wrap(bytes("fresh")));
        channel.truncate(3);
      }
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertArrayEquals(bytes("old CONTENT!"), reader.read("old.txt"));
      assertArrayEquals(bytes("fre"), reader.read("fresh.txt"));
    }
  }

  @Test
  void closingTheUpdateDiscardsWhatIsStillBeingWritten() throws IOException {
    Path archive = archive();
    byte[] before = Files.readAllBytes(archive);
    SeekableByteChannel channel;
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      channel = update.newByteChannel("new.txt", null, false);
      channel.write(ByteBuffer.wrap(bytes("unfinished")));
      assertTrue(files().size() > 1, "the channel spools to a file next to the archive");
    }
    assertFalse(channel.isOpen());
    channel.close(); // after the update, closing does nothing
    assertArrayEquals(before, Files.readAllBytes(archive));
    assertEquals(List.of(archive), files(), "the spooled file is deleted");
  }

  @Test
  void writingAnInputStreamSpoolsItAndSizesAndTimesShowTheStagedView() throws IOException {
    Path archive = archive();
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      update.write("streamed.bin", new java.io.ByteArrayInputStream(TestData.random(70_000, 5)));
      assertEquals(70_000, update.size("streamed.bin"));
      assertEquals(4, update.size("keep.txt"));
      assertEquals(update.original("keep.txt").orElseThrow().modifiedTime(),
          update.lastModified("keep.txt"));
      assertThrows(java.nio.file.NoSuchFileException.class, () -> update.size("nothing"));
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertArrayEquals(TestData.random(70_000, 5), reader.read("streamed.bin"));
    }
  }
}
