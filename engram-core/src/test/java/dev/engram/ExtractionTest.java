package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Extraction writes only inside its destination, atomically, and keeps what was stored. */
class ExtractionTest {
  private static final Instant TIME = Instant.parse("2023-04-05T06:07:08Z");

  @TempDir Path work;

  private Path destination() {
    return work.resolve("out");
  }

  /** Every file under a directory, symbolic links included, as sorted relative paths. */
  private static List<String> tree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString())
          .sorted().toList();
    }
  }

  @Test
  void extractAllWritesEveryEntryWithItsContentAndModifiedTime() throws IOException {
    Path archive = work.resolve("a.eng");
    byte[] big = TestData.text(200_000, 1);
    try (ArchiveWriter writer =
        ArchiveWriter.create(archive, WriterOptions.builder().modifiedTime(TIME).build())) {
      writer.addFile("readme.md", "hello".getBytes(StandardCharsets.UTF_8));
      writer.addFile("docs/deep/notes.txt", big);
      writer.addFile("docs/raw.bin", big, CompressionMethod.NONE);
      writer.addFile("empty.txt", new byte[0]);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      List<Path> written = reader.extractAll(destination());
      Path out = destination().toAbsolutePath();
      assertEquals(List.of(out.resolve("readme.md"), out.resolve("docs/deep/notes.txt"),
          out.resolve("docs/raw.bin"), out.resolve("empty.txt")), written);
    }
    assertEquals(List.of("docs", "docs/deep", "docs/deep/notes.txt", "docs/raw.bin", "empty.txt",
        "readme.md"), tree(destination()));
    assertArrayEquals(big, Files.readAllBytes(destination().resolve("docs/deep/notes.txt")));
    assertArrayEquals(big, Files.readAllBytes(destination().resolve("docs/raw.bin")));
    assertEquals(0, Files.size(destination().resolve("empty.txt")));
    for (String file : List.of("readme.md", "docs/deep/notes.txt", "empty.txt")) {
      assertEquals(FileTime.from(TIME), Files.getLastModifiedTime(destination().resolve(file)));
    }
  }

  @Test
  void hostileNamesStayListableAndReadableButAreNeverExtracted() throws IOException {
    Path outside = work.resolve("evil.txt");
    Path archive = new RawArchive()
        .stored("ok.txt", "fine".getBytes())
        .stored("../evil.txt", "escaped".getBytes())
        .stored("/tmp/absolute.txt", "absolute".getBytes())
        .stored("a/../../evil.txt", "escaped".getBytes())
        .stored("C:\\evil.txt", "drive".getBytes())
        .stored("ctrl\u0001.txt", "control".getBytes())
        .writeTo(work.resolve("hostile.eng"));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("ok.txt", "../evil.txt", "/tmp/absolute.txt", "a/../../evil.txt",
          "C:\\evil.txt", "ctrl\u0001.txt"), reader.list());
      assertArrayEquals("escaped".getBytes(), reader.read("../evil.txt"));
      assertArrayEquals("absolute".getBytes(), reader.read("/tmp/absolute.txt"));

      UnsafeEntryPathException all =
          assertThrows(UnsafeEntryPathException.class, () -> reader.extractAll(destination()));
      assertEquals("../evil.txt", all.entry());
      assertTrue(all.getMessage().endsWith(
          "entry \"../evil.txt\" is not extracted: it has a '..' component"), all.getMessage());
      assertEquals(List.of(), tree(destination()), "nothing is written when a name is unsafe");

      assertEquals(destination().toAbsolutePath().resolve("ok.txt"),
          reader.extract("ok.txt", destination()));
      for (String name : List.of("../evil.txt", "/tmp/absolute.txt", "a/../../evil.txt",
          "C:\\evil.txt", "ctrl\u0001.txt")) {
        UnsafeEntryPathException e = assertThrows(UnsafeEntryPathException.class,
            () -> reader.extract(name, destination()), name);
        assertEquals(name, e.entry());
      }
    }
    assertEquals(List.of("ok.txt"), tree(destination()));
    assertFalse(Files.exists(outside));
    assertFalse(Files.exists(Path.of("/tmp/absolute.txt")));
  }

  @Test
  void symbolicLinkInsideTheDestinationIsNeverFollowed() throws IOException {
    Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
    Path secret = Files.writeString(elsewhere.resolve("secret.txt"), "untouched");
    Files.createDirectories(destination());
    Files.createSymbolicLink(destination().resolve("linkdir"), elsewhere);
    Files.createSymbolicLink(destination().resolve("linkfile"), secret);
    Path archive = work.resolve("links.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("linkdir/secret.txt", "overwritten".getBytes());
      writer.addFile("linkfile", "replaced the link".getBytes());
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      UnsafeEntryPathException e = assertThrows(UnsafeEntryPathException.class,
          () -> reader.extract("linkdir/secret.txt", destination()));
      assertTrue(e.getMessage().contains("is a symbolic link, and extraction never follows one"),
          e.getMessage());
      reader.extract("linkfile", destination());
    }
    assertEquals("untouched", Files.readString(secret));
    Path replaced = destination().resolve("linkfile");
    assertFalse(Files.isSymbolicLink(replaced), "the link itself is replaced by the file");
    assertEquals("replaced the link", Files.readString(replaced));
    assertTrue(Files.isSymbolicLink(destination().resolve("linkdir")));
  }

  @Test
  void damagedEntryNeverReplacesTheExistingFileOrLeavesATemporaryOne() throws IOException {
    Path archive = work.resolve("damaged.eng");
    byte[] content = TestData.text(100_000, 4);
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("data.txt", content, CompressionMethod.NONE);
      writer.finish();
    }
    try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
      file.seek(64 + 41 + "data.txt".length() + 50_000); // inside the payload
      file.write('#' ^ content[50_000]);
    }
    Files.createDirectories(destination());
    Files.writeString(destination().resolve("data.txt"), "previous version");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertThrows(ChecksumMismatchException.class, () -> reader.extractAll(destination()));
    }
    assertEquals(List.of("data.txt"), tree(destination()), "no temporary file is left");
    assertEquals("previous version", Files.readString(destination().resolve("data.txt")));
  }

  @Test
  void fileThatAnotherEntryNeedsAsADirectoryIsRefusedBeforeWriting() throws IOException {
    Path archive = new RawArchive().stored("a", "file".getBytes()).stored("a/b", "x".getBytes())
        .writeTo(work.resolve("conflict.eng"));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      UnsafeEntryPathException e =
          assertThrows(UnsafeEntryPathException.class, () -> reader.extractAll(destination()));
      assertEquals("a/b", e.entry());
      assertTrue(e.getMessage().contains("needs \"a\" to be a directory"), e.getMessage());
    }
    assertEquals(List.of(), tree(destination()));
  }

  @Test
  void ofSeveralConflictsTheFirstEntryNeedingAFileAsADirectoryIsNamedWithItsNearestParent()
      throws IOException {
    Path archive = new RawArchive().stored("top.txt", "t".getBytes())
        .stored("x/y/z", "z".getBytes()).stored("x/y", "y".getBytes())
        .stored("x", "x".getBytes()).writeTo(work.resolve("conflicts.eng"));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      UnsafeEntryPathException e =
          assertThrows(UnsafeEntryPathException.class, () -> reader.extractAll(destination()));
      assertEquals("x/y/z", e.entry());
      assertTrue(e.getMessage().endsWith("entry \"x/y/z\" is not extracted: it needs \"x\" to be"
          + " a directory, but the archive also has a file of that name"), e.getMessage());
      // without the file "x", "x/y" is still one that "x/y/z" needs
      UnsafeEntryPathException deeper = assertThrows(UnsafeEntryPathException.class,
          () -> reader.extractAll(destination(), path -> !path.equals("x"), bytes -> { }));
      assertTrue(deeper.getMessage().contains("needs \"x/y\" to be a directory"),
          deeper.getMessage());
    }
    assertEquals(List.of(), tree(destination()));
  }

  @Test
  void theFilesWrittenAreListedInOrderInAnImmutableListThatOutlivesTheReader()
      throws IOException {
    Path archive = new RawArchive().stored("b.txt", "b".getBytes())
        .stored("dir/a.txt", "first".getBytes()).stored("skipped.log", "s".getBytes())
        .stored("dir/a.txt", "second".getBytes()).stored("dir/sub/c.txt", "c".getBytes())
        .writeTo(work.resolve("list.eng"));
    Path out = destination().toAbsolutePath();
    List<Path> expected =
        List.of(out.resolve("b.txt"), out.resolve("dir/a.txt"), out.resolve("dir/sub/c.txt"));
    List<Path> written;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      written = reader.extractAll(destination(), path -> !path.endsWith(".log"), bytes -> { });
    }
    // the duplicate path is written once, in the place of the entry lookups find: the last
    assertEquals(expected, written);
    assertEquals(written, expected);
    assertEquals(expected.hashCode(), written.hashCode());
    assertEquals(expected.toString(), written.toString());
    assertEquals(3, written.size());
    assertEquals(out.resolve("dir/a.txt"), written.get(1));
    assertEquals(List.of(out.resolve("dir/sub/c.txt")), written.subList(2, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> written.get(3));
    assertThrows(IndexOutOfBoundsException.class, () -> written.get(-1));
    assertThrows(UnsupportedOperationException.class, () -> written.add(out.resolve("x")));
    assertThrows(UnsupportedOperationException.class, () -> written.set(0, out.resolve("x")));
    assertThrows(UnsupportedOperationException.class, () -> written.remove(0));
    assertThrows(UnsupportedOperationException.class, written::clear);
    assertThrows(UnsupportedOperationException.class, () -> {
      var files = written.iterator();
      files.next();
      files.remove();
    });
    assertEquals(expected, written, "unchanged");
    assertEquals("second", Files.readString(destination().resolve("dir/a.txt")));
    assertEquals(List.of("b.txt", "dir", "dir/a.txt", "dir/sub", "dir/sub/c.txt"),
        tree(destination()));
  }

  @Test
  void namesThatDifferOnlyInBackslashesAreOneFileFromTheLastEntryInThePlaceOfTheFirst()
      throws IOException {
    Path archive = new RawArchive().stored("a/b.txt", "first".getBytes())
        .stored("z.txt", "z".getBytes()).stored("a\\b.txt", "second".getBytes())
        .writeTo(work.resolve("slashes.eng"));
    Path out = destination().toAbsolutePath();
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of(out.resolve("a/b.txt"), out.resolve("z.txt")),
          reader.extractAll(destination()));
    }
    assertEquals("second", Files.readString(destination().resolve("a/b.txt")));
    assertEquals(List.of("a", "a/b.txt", "z.txt"), tree(destination()));
  }

  @Test
  void selectingNothingWritesNothingAndListsNothing() throws IOException {
    Path archive = new RawArchive().stored("a.txt", "a".getBytes())
        .writeTo(work.resolve("none.eng"));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of(), reader.extractAll(destination(), path -> false, bytes -> { }));
    }
    assertEquals(List.of(), tree(destination()));
  }

  @Test
  void existingDirectoryAtATargetIsNotReplaced() throws IOException {
    Path archive = new RawArchive().stored("dir", "file".getBytes())
        .writeTo(work.resolve("dir.eng"));
    Files.createDirectories(destination().resolve("dir/inside"));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      FileSystemException e =
          assertThrows(FileSystemException.class, () -> reader.extractAll(destination()));
      assertTrue(e.getMessage().contains("cannot replace this directory"), e.getMessage());
    }
    assertEquals(List.of("dir", "dir/inside"), tree(destination()));
  }

  @Test
  void duplicatePathsExtractTheEntryLookupsFind() throws IOException {
    Path archive = new RawArchive().stored("d.txt", "first".getBytes())
        .stored("d.txt", "second".getBytes()).writeTo(work.resolve("dup.eng"));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(2, reader.entryCount());
      assertEquals(1, reader.extractAll(destination()).size());
    }
    assertEquals("second", Files.readString(destination().resolve("d.txt")));
  }

  @Test
  void moreDirectoriesThanStayOpenAreReopenedAsNeeded() throws IOException {
    int directories = 2 * OpenDirectories.CAPACITY + 1;
    Path archive = work.resolve("wide.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (int round = 0; round < 2; round++) { // each directory again once all were opened
        for (int d = 0; d < directories; d++) {
          writer.addFile("d" + d + "/sub/f" + round, ("d" + d + "f" + round).getBytes());
        }
      }
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().threads(2).build())) {
      assertEquals(2 * directories, reader.extractAll(destination()).size());
    }
    for (int d = 0; d < directories; d++) {
      for (int round = 0; round < 2; round++) {
        assertEquals("d" + d + "f" + round,
            Files.readString(destination().resolve("d" + d + "/sub/f" + round)));
      }
    }
    assertEquals(4 * directories, tree(destination()).size(), // d, d/sub and two files
        "nothing else, no temporary file or directory");
  }

  @ParameterizedTest
  @ValueSource(longs = {-1L, Long.MAX_VALUE, 253_402_300_800L})
  void unrepresentableModifiedTimeStillExtracts(long seconds) throws IOException {
    Path archive = new RawArchive().stored("t.txt", "x".getBytes(), seconds)
        .writeTo(work.resolve("time.eng"));
    Instant before = Instant.now().minusSeconds(5);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      reader.extract("t.txt", destination());
    }
    Path file = destination().resolve("t.txt");
    assertEquals("x", Files.readString(file));
    assertTrue(Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant()
        .isAfter(before), "left at the time of extraction");
  }
}
