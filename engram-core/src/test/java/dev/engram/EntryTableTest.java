package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.engram.format.DirectoryEntries;
import dev.engram.format.DirectoryEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryTableTest {
  private static final List<String> PATHS = List.of("a.txt", "manifest.json", "dir/é.txt",
      "a.txt", "dir\\b.txt", "manifest.json", "z.bin");

  private static EntryTable table() {
    DirectoryEntries directory = new DirectoryEntries();
    long offset = 0;
    for (String path : PATHS) {
      int length = path.getBytes(StandardCharsets.UTF_8).length;
      directory.add(new DirectoryEntry(offset, 1, 1, 0, 0, CompressionMethod.NONE, 0, path,
          length));
      offset += 100;
    }
    return new EntryTable(directory);
  }

  @Test
  void scanningFindsTheLastEntryOfAPathAsTheIndexDoes() {
    EntryTable scanned = table();
    assertEquals(5, scanned.lastIndexOfScanning("manifest.json"));
    assertEquals(3, scanned.lastIndexOfScanning("a.txt"));
    assertEquals(2, scanned.lastIndexOfScanning("dir/é.txt"));
    assertEquals(-1, scanned.lastIndexOfScanning("dir/e.txt"));
    assertEquals(-1, scanned.lastIndexOfScanning("missing"));

    EntryTable indexed = table();
    for (String path : List.of("manifest.json", "a.txt", "dir/é.txt", "z.bin", "missing")) {
      assertEquals(scanned.lastIndexOfScanning(path), indexed.indexOf(path), path);
      // once the index is built, scanning asks it
      assertEquals(indexed.indexOf(path), indexed.lastIndexOfScanning(path), path);
    }
    // a lookup with '\' also finds the '/' path, and the stored '\' path itself
    assertEquals(2, indexed.indexOf("dir\\é.txt"));
    assertEquals(4, indexed.indexOf("dir\\b.txt"));
  }

  @Test
  void entriesAndPathsAreMadeOnAccessInDirectoryOrder() {
    EntryTable table = table();
    assertEquals(PATHS, table.paths());
    assertEquals(PATHS.size(), table.entries().size());
    assertEquals("dir/é.txt", table.entries().get(2).path());
    assertEquals(table.get(6), table.entries().get(6)); // equal, though made anew
    assertNotSame(table.get(6), table.entries().get(6));
    assertEquals(List.of("dir/é.txt"), table.pathsStartingWith("dir/"));
    assertThrows(UnsupportedOperationException.class, () -> table.entries().remove(0));
    assertThrows(IndexOutOfBoundsException.class, () -> table.paths().get(PATHS.size()));
  }
}
