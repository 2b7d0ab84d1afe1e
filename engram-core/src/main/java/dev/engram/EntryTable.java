package dev.engram;

import dev.engram.format.DirectoryEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An archive's entries as listed and looked up: in directory order, and by path, where the last
 * of several entries with one path wins (as in engram-rs). Thread-safe: immutable but for the
 * lookup index, made once under a lock on first use.
 */
final class EntryTable {
  private final EntryInfo[] entries;
  private final List<EntryInfo> entryList;
  private final List<String> pathList;
  /**
   * Entry index by path, built on the first lookup: a reader that only lists (or an {@code
   * engram:} file system, which keeps its own tree) never pays for hashing every path.
   */
  private volatile Map<String, Integer> byPath;

  EntryTable(DirectoryEntry[] directory) {
    entries = new EntryInfo[directory.length];
    String[] paths = new String[directory.length];
    for (int i = 0; i < directory.length; i++) {
      entries[i] = new EntryInfo(directory[i]);
      paths[i] = directory[i].path();
    }
    entryList = Collections.unmodifiableList(Arrays.asList(entries));
    pathList = Collections.unmodifiableList(Arrays.asList(paths));
  }

  private Map<String, Integer> byPath() {
    Map<String, Integer> index = byPath;
    if (index == null) {
      synchronized (this) {
        index = byPath;
        if (index == null) {
          index = new HashMap<>(Math.max(16, entries.length * 4 / 3 + 1));
          for (int i = 0; i < entries.length; i++) {
            index.put(pathList.get(i), i); // a later entry of the same path wins
          }
          byPath = index;
        }
      }
    }
    return index;
  }

  int size() {
    return entries.length;
  }

  EntryInfo get(int index) {
    return entries[index];
  }

  List<EntryInfo> entries() {
    return entryList;
  }

  List<String> paths() {
    return pathList;
  }

  List<String> pathsStartingWith(String prefix) {
    List<String> matching = new ArrayList<>();
    for (String path : pathList) {
      if (path.startsWith(prefix)) {
        matching.add(path);
      }
    }
    return matching;
  }

  /**
   * The index of the last entry with exactly this path, or -1, found without building the path
   * index when it is not built yet: one lookup (the manifest, which writers put last) in an
   * archive of a million entries need not hash them all. The same entry {@link #indexOf} finds
   * for a path without {@code \}.
   */
  int lastIndexOfScanning(String path) {
    if (byPath != null) {
      return indexOf(path);
    }
    for (int i = entries.length - 1; i >= 0; i--) {
      if (pathList.get(i).equals(path)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the entry lookups find for a path ({@code \} also tried as {@code /}), or -1. */
  int indexOf(String path) {
    Map<String, Integer> index = byPath();
    Integer i = index.get(path);
    if (i == null && path.indexOf('\\') >= 0) {
      i = index.get(path.replace('\\', '/'));
    }
    return i == null ? -1 : i;
  }
}
