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
 * of several entries with one path wins (as in engram-rs). Immutable and thread-safe.
 */
final class EntryTable {
  private final EntryInfo[] entries;
  private final List<EntryInfo> entryList;
  private final List<String> pathList;
  private final Map<String, Integer> byPath;

  EntryTable(DirectoryEntry[] directory) {
    entries = new EntryInfo[directory.length];
    String[] paths = new String[directory.length];
    Map<String, Integer> index = new HashMap<>(Math.max(16, directory.length * 4 / 3 + 1));
    for (int i = 0; i < directory.length; i++) {
      entries[i] = new EntryInfo(directory[i]);
      paths[i] = directory[i].path();
      index.put(paths[i], i);
    }
    entryList = Collections.unmodifiableList(Arrays.asList(entries));
    pathList = Collections.unmodifiableList(Arrays.asList(paths));
    byPath = index;
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

  /** The index of the entry lookups find for a path ({@code \} also tried as {@code /}), or -1. */
  int indexOf(String path) {
    Integer i = byPath.get(path);
    if (i == null && path.indexOf('\\') >= 0) {
      i = byPath.get(path.replace('\\', '/'));
    }
    return i == null ? -1 : i;
  }
}
