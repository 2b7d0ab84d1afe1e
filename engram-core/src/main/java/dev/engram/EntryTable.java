package dev.engram;

import dev.engram.format.DirectoryEntries;
import dev.engram.format.PathIndex;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An archive's entries as listed and looked up: in directory order, and by path, where the last
 * of several entries with one path wins (as in engram-rs). Held compactly ({@link
 * DirectoryEntries}): an {@link EntryInfo}, or a path string, is made when asked for, so a reader
 * of a million entries holds no object per entry. Thread-safe: immutable but for the lookup
 * index, made once under a lock on first use.
 */
final class EntryTable {
  private final DirectoryEntries directory;
  private final List<EntryInfo> entryList = new Entries();
  private final List<String> pathList = new Paths();
  /**
   * Entry index by path, built on the first lookup: a reader that only lists (or an {@code
   * engram:} file system, which keeps its own tree) never pays for hashing every path.
   */
  private volatile PathIndex byPath;

  EntryTable(DirectoryEntries directory) {
    this.directory = directory;
  }

  private PathIndex byPath() {
    PathIndex index = byPath;
    if (index == null) {
      synchronized (this) {
        index = byPath;
        if (index == null) {
          index = new PathIndex(directory); // a later entry of the same path wins
          byPath = index;
        }
      }
    }
    return index;
  }

  int size() {
    return directory.size();
  }

  /** The directory itself, which never changes once read. */
  DirectoryEntries directory() {
    return directory;
  }

  /** Returns an entry, made anew (equal to every other made for that index). */
  EntryInfo get(int index) {
    return new EntryInfo(directory.get(index));
  }

  /** The entries in directory order: an immutable list whose elements are made on access. */
  List<EntryInfo> entries() {
    return entryList;
  }

  /** The paths in directory order: an immutable list whose elements are made on access. */
  List<String> paths() {
    return pathList;
  }

  List<String> pathsStartingWith(String prefix) {
    List<String> matching = new ArrayList<>();
    for (int i = 0; i < directory.size(); i++) {
      String path = directory.path(i);
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
    byte[] wanted = path.getBytes(StandardCharsets.UTF_8); // compared as stored, not decoded
    for (int i = directory.size() - 1; i >= 0; i--) {
      if (directory.pathEquals(i, wanted)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the entry lookups find for a path ({@code \} also tried as {@code /}), or -1. */
  int indexOf(String path) {
    PathIndex index = byPath();
    int i = index.indexOf(path);
    if (i < 0 && path.indexOf('\\') >= 0) {
      i = index.indexOf(path.replace('\\', '/'));
    }
    return i;
  }

  private final class Entries extends AbstractList<EntryInfo> implements RandomAccess {
    @Override
    public EntryInfo get(int index) {
      return EntryTable.this.get(index);
    }

    @Override
    public int size() {
      return directory.size();
    }
  }

  private final class Paths extends AbstractList<String> implements RandomAccess {
    @Override
    public String get(int index) {
      return directory.path(index);
    }

    @Override
    public int size() {
      return directory.size();
    }
  }
}
