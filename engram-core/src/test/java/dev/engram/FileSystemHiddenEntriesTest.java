package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.nio.EngramFileSystem;
import dev.engram.nio.HiddenEntry;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries the {@code engram:} file system does not show as files: names that could escape the
 * root, duplicates, and files in the way of implied directories. None of them becomes a path;
 * each is reported with its reason.
 */
class FileSystemHiddenEntriesTest {
  @TempDir Path work;

  private static List<String> walk(EngramFileSystem fs) throws IOException {
    try (Stream<Path> paths = Files.walk(fs.getPath("/"))) {
      return paths.map(Path::toString).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void namesThatCouldEscapeTheRootAreHiddenWithTheirReason() throws IOException {
    Path archive = new RawArchive()
        .stored("ok.txt", "fine".getBytes())
        .stored("../evil.txt", "escaped".getBytes())
        .stored("/tmp/absolute.txt", "absolute".getBytes())
        .stored("a/../../evil.txt", "escaped".getBytes())
        .stored("C:\\evil.txt", "drive".getBytes())
        .stored("ctrl\u0001.txt", "control".getBytes())
        .stored("dir/./x.txt", "dot".getBytes())
        .stored("dir//y.txt", "empty component".getBytes())
        .stored("win\\sub\\z.txt", "backslashes".getBytes())
        .writeTo(work.resolve("hostile.eng"));
    try (EngramFileSystem fs = (EngramFileSystem) FileSystems.newFileSystem(archive)) {
      assertEquals(List.of("/", "/ok.txt", "/win", "/win/sub", "/win/sub/z.txt"), walk(fs));
      assertArrayEquals("backslashes".getBytes(),
          Files.readAllBytes(fs.getPath("/win/sub/z.txt")));
      assertEquals(List.of(
          new HiddenEntry("../evil.txt", "it has a '..' component"),
          new HiddenEntry("/tmp/absolute.txt", "it is absolute"),
          new HiddenEntry("a/../../evil.txt", "it has a '..' component"),
          new HiddenEntry("C:\\evil.txt", "it starts with a drive letter"),
          new HiddenEntry("ctrl\u0001.txt", "it contains the control character U+0001"),
          new HiddenEntry("dir/./x.txt", "it has a '.' component"),
          new HiddenEntry("dir//y.txt", "it has an empty component")), fs.hiddenEntries());
      // a path that spells a hidden name resolves inside the root, to nothing
      assertFalse(Files.exists(fs.getPath("../evil.txt")));
      assertFalse(Files.exists(fs.getPath("/tmp/absolute.txt")));
      assertFalse(Files.exists(fs.getPath("/evil.txt")));
      assertFalse(Files.exists(fs.getPath("/dir")));
    }
  }

  @Test
  void aLaterEntryOfTheSameNameWinsAsInTheReader() throws IOException {
    Path archive = new RawArchive().stored("d.txt", "first".getBytes())
        .stored("e.txt", "other".getBytes())
        .stored("d.txt", "second".getBytes()).writeTo(work.resolve("dup.eng"));
    try (EngramFileSystem fs = (EngramFileSystem) FileSystems.newFileSystem(archive);
        ArchiveReader reader = ArchiveReader.open(archive)) {
      assertArrayEquals(reader.read("d.txt"), Files.readAllBytes(fs.getPath("/d.txt")));
      assertArrayEquals("second".getBytes(), Files.readAllBytes(fs.getPath("/d.txt")));
      assertEquals(List.of("/", "/d.txt", "/e.txt"), walk(fs));
      assertEquals(List.of(new HiddenEntry("d.txt", "a later entry has the same path")),
          fs.hiddenEntries());
    }
  }

  @Test
  void aFileInTheWayOfADirectoryIsHiddenWhicheverComesFirst() throws IOException {
    Path fileFirst = new RawArchive().stored("a", "file".getBytes())
        .stored("a/b", "x".getBytes()).writeTo(work.resolve("file-first.eng"));
    Path fileLast = new RawArchive().stored("a/b", "x".getBytes())
        .stored("a", "file".getBytes()).writeTo(work.resolve("file-last.eng"));
    for (Path archive : List.of(fileFirst, fileLast)) {
      try (EngramFileSystem fs = (EngramFileSystem) FileSystems.newFileSystem(archive)) {
        assertTrue(Files.isDirectory(fs.getPath("/a")), archive.toString());
        assertArrayEquals("x".getBytes(), Files.readAllBytes(fs.getPath("/a/b")));
        assertEquals(List.of("/", "/a", "/a/b"), walk(fs));
        assertEquals(List.of(new HiddenEntry("a", "other entries use its path as a directory")),
            fs.hiddenEntries());
      }
    }
  }

  /**
   * Random names in random order, with repeats and names that are also directories: the file
   * system shows what a simple model says (every proper prefix of a valid name is a directory;
   * of the other names, the last entry wins), whether a directory's names arrived sorted (no
   * index) or not (hashed).
   */
  @Test
  void randomArchivesShowWhatTheModelSays() throws IOException {
    java.util.Random random = new java.util.Random(16);
    String[] parts = {"a", "b", "c", "d.txt", "..", "e"};
    for (int round = 0; round < 40; round++) {
      RawArchive raw = new RawArchive();
      java.util.Map<String, byte[]> lastContent = new java.util.HashMap<>();
      java.util.Set<String> directories = new java.util.TreeSet<>(List.of("/"));
      int count = 1 + random.nextInt(30);
      boolean sorted = round % 2 == 0;
      List<String> names = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        StringBuilder name = new StringBuilder();
        int depth = 1 + random.nextInt(3);
        for (int d = 0; d < depth; d++) {
          name.append(d == 0 ? "" : "/").append(parts[random.nextInt(parts.length)]);
        }
        names.add(name.toString());
      }
      if (sorted) {
        java.util.Collections.sort(names);
      }
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        byte[] content = (name + " #" + i).getBytes();
        raw.stored(name, content);
        if (ArchivePaths.violation(name).isEmpty()) {
          lastContent.put("/" + name, content);
          for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            directories.add("/" + name.substring(0, slash));
          }
        }
      }
      java.util.Set<String> expected = new java.util.TreeSet<>(directories);
      lastContent.keySet().stream().filter(k -> !directories.contains(k)).forEach(expected::add);
      Path archive = raw.writeTo(work.resolve("random-" + round + ".eng"));
      try (EngramFileSystem fs = (EngramFileSystem) FileSystems.newFileSystem(archive)) {
        assertEquals(List.copyOf(expected), walk(fs), names.toString());
        for (String path : expected) {
          Path p = fs.getPath(path);
          assertEquals(directories.contains(path), Files.isDirectory(p), path);
          if (!directories.contains(path)) {
            assertArrayEquals(lastContent.get(path), Files.readAllBytes(p), path);
          }
        }
        assertFalse(Files.exists(fs.getPath("/zzz")));
        assertFalse(Files.exists(fs.getPath("/a/zzz")));
        long shown = expected.size() - directories.size();
        assertEquals(count - shown, fs.hiddenEntries().size(), names.toString());
      }
    }
  }
}
