package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WriterBehaviourTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void aFileLongerThanItsSizeSaidIsPackedWhole(int threads) throws IOException {
    Path cmdline = Path.of("/proc/self/cmdline"); // Linux: size 0, content the JVM's arguments
    assumeTrue(Files.isReadable(cmdline) && Files.size(cmdline) == 0);
    byte[] expected = Files.readAllBytes(cmdline);
    assertTrue(expected.length > 0);
    Path archive = dir.resolve("grown.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().threads(threads).build())) {
      writer.addFile("cmdline.txt", cmdline);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertArrayEquals(expected, reader.read("cmdline.txt"));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void filesOfKnownSizeReadWholeKeepTheirOwnBytes(int threads) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("in"));
    int files = 300;
    for (int i = 0; i < files; i++) {
      Files.write(folder.resolve("f" + i + (i % 2 == 0 ? ".txt" : ".bin")),
          TestData.text(3_000 + (i * 7_919) % 70_000, i));
    }
    Path archive = dir.resolve("many.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().threads(threads).build())) {
      for (int i = 0; i < files; i++) {
        String name = "f" + i + (i % 2 == 0 ? ".txt" : ".bin");
        writer.addFile(name, folder.resolve(name));
      }
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (int i = 0; i < files; i++) {
        assertArrayEquals(TestData.text(3_000 + (i * 7_919) % 70_000, i),
            reader.read("f" + i + (i % 2 == 0 ? ".txt" : ".bin")), "f" + i);
      }
    }
  }

  private Path archive() {
    return dir.resolve("out.eng");
  }

  private List<Path> directoryListing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void duplicatePathIsRefusedAndTheFirstContentKept() throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("a/b.txt", new byte[] {1});
      FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
          () -> writer.addFile("a\\b.txt", new byte[] {2}));
      assertTrue(e.getMessage().contains("a/b.txt"), e.getMessage());
      writer.addFile("c.txt", new byte[] {3});
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(List.of("a/b.txt", "c.txt"), reader.list());
      assertArrayEquals(new byte[] {1}, reader.read("a/b.txt"));
    }
  }

  @Test
  void pathsUpTo255Utf8BytesAreAcceptedAndLongerOnesRefused() throws IOException {
    String exactly255 = "日".repeat(85); // 3 bytes each
    String bytes256 = "a" + exactly255;
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile(exactly255, new byte[] {1});
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> writer.addFile(bytes256, new byte[] {2}));
      assertTrue(e.getMessage().contains("256 bytes"), e.getMessage());
      assertTrue(e.getMessage().contains(bytes256), e.getMessage());
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(List.of(exactly255), reader.list());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/etc/passwd", "C:\\x", "C:x", "\\\\server\\share", "a//b", "a/./b",
      "../x", "a/..", "a/", "a\u0000b", "tab\there", "\ud800"})
  void unsafePathsAreRefusedWithTheirReason(String path) throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> writer.addFile(path, new byte[] {1}));
      assertTrue(e.getMessage().startsWith("invalid entry path \""), e.getMessage());
      assertTrue(e.getMessage().contains("\": it "), e.getMessage());
      assertEquals(0, writer.entryCount());
    }
  }

  @Test
  void backslashesBecomeSlashes() throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("dir\\sub\\file.txt", new byte[] {1});
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(List.of("dir/sub/file.txt"), reader.list());
    }
  }

  @Test
  void finishTwiceAndAddAfterFinishAreIllegalStates() throws IOException {
    ArchiveWriter writer = ArchiveWriter.create(archive());
    writer.addFile("a", new byte[] {1});
    writer.finish();
    assertThrows(IllegalStateException.class, writer::finish);
    assertThrows(IllegalStateException.class, () -> writer.addFile("b", new byte[] {2}));
    writer.close(); // no-op after finish
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(List.of("a"), reader.list());
    }
  }

  @Test
  void closeWithoutFinishLeavesNothingBehind() throws IOException {
    ArchiveWriter writer = ArchiveWriter.create(archive());
    writer.addFile("a.txt", TestData.text(100_000, 1));
    writer.close();
    assertEquals(List.of(), directoryListing());
    assertThrows(IllegalStateException.class, () -> writer.addFile("b", new byte[] {1}));
    assertThrows(IllegalStateException.class, writer::finish);
  }

  @Test
  void existingTargetIsUntouchedUntilFinishThenReplaced() throws IOException {
    byte[] previous = "previous content".getBytes();
    Files.write(archive(), previous);
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("new.txt", TestData.text(50_000, 2));
      assertArrayEquals(previous, Files.readAllBytes(archive()));
    }
    assertArrayEquals(previous, Files.readAllBytes(archive()), "abandoned writer changed target");

    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("new.txt", new byte[] {9});
      assertArrayEquals(previous, Files.readAllBytes(archive()));
      writer.finish();
    }
    assertEquals(List.of(archive()), directoryListing());
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(List.of("new.txt"), reader.list());
    }
  }

  @Test
  void failingSourceLeavesTheArchiveAsItWasAndTheWriterUsable() throws IOException {
    byte[] first = TestData.text(10_000, 1);
    byte[] last = TestData.text(10_000, 2);
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("first.txt", first);
      for (CompressionMethod method : CompressionMethod.values()) {
        IOException e = assertThrows(IOException.class,
            () -> writer.addFile("broken.txt", TestData.failingAfter(70_000_000), method));
        assertEquals("source failed", e.getMessage());
      }
      assertThrows(java.nio.file.NoSuchFileException.class,
          () -> writer.addFile("missing.txt", dir.resolve("no-such-file")));
      writer.addFile("broken.txt", last);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(List.of("first.txt", "broken.txt"), reader.list());
      assertArrayEquals(first, reader.read("first.txt"));
      assertArrayEquals(last, reader.read("broken.txt"));
    }
  }

  @Test
  void directoryTargetIsRefused() {
    FileSystemException e =
        assertThrows(FileSystemException.class, () -> ArchiveWriter.create(dir));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
  }

  @Test
  void optionsRejectValuesTheFormatCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> WriterOptions.builder().zstdLevel(23));
    assertThrows(IllegalArgumentException.class, () -> WriterOptions.builder().zstdLevel(-8));
    assertThrows(IllegalArgumentException.class,
        () -> WriterOptions.builder().modifiedTime(Instant.parse("1969-12-31T23:59:59Z")));
    assertThrows(IllegalArgumentException.class,
        () -> ReaderOptions.builder().channelFrameCache(0));
    assertEquals(6, WriterOptions.defaults().zstdLevel());
  }

  @Test
  void zstdLevelIsApplied() throws IOException {
    byte[] content = TestData.text(1_000_000, 3);
    long fast = storedSizeAtLevel(content, 1);
    long strong = storedSizeAtLevel(content, 19);
    assertTrue(strong < fast, "level 19 stored " + strong + " bytes, level 1 stored " + fast);
  }

  private long storedSizeAtLevel(byte[] content, int level) throws IOException {
    Path target = dir.resolve("level-" + level + ".eng");
    try (ArchiveWriter writer =
        ArchiveWriter.create(target, WriterOptions.builder().zstdLevel(level).build())) {
      writer.addFile("text.txt", content, CompressionMethod.ZSTD);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(target)) {
      assertArrayEquals(content, reader.read("text.txt"));
      return reader.entry("text.txt").orElseThrow().storedSize();
    }
  }

  @Test
  void manyEntriesWriteAndReadBack() throws IOException {
    int count = 10_000;
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      for (int i = 0; i < count; i++) {
        writer.addFile("files/" + i + ".txt", ("content " + i).getBytes());
      }
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(count, reader.entryCount());
      for (int i = 0; i < count; i += 997) {
        assertArrayEquals(("content " + i).getBytes(), reader.read("files/" + i + ".txt"));
      }
    }
  }

  /** A stream that yields text and then fails. */
  @Test
  void abandonedWriterNeverLeavesAnOpenableArchive() throws IOException {
    ArchiveWriter writer = ArchiveWriter.create(archive());
    writer.addFile("a.txt", new ByteArrayInputStream(TestData.text(5000, 1)));
    writer.close();
    assertFalse(Files.exists(archive()));
  }
}
