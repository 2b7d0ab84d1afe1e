package dev.engram.nio;

import dev.engram.ArchivePaths;
import dev.engram.EntryInfo;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An archive's entries as a tree of files and the directories their names imply ({@code
 * a/b/c.txt} makes {@code a} and {@code a/b}), built once when a file system opens and immutable
 * after that.
 *
 * <p>Entries that cannot be a file of the tree are hidden, each with its reason: names that
 * {@link ArchivePaths#violation} refuses (they could escape the root), an entry followed later in
 * the directory by another of the same name (the later one wins, as {@link
 * dev.engram.ArchiveReader#entry} decides), and a file whose name other entries use as a
 * directory (the directory wins, so that no entry below it is lost). A stored {@code \} reads as
 * {@code /}, as extraction reads it; each file keeps its stored name for reading.
 *
 * <p>Thread-safe once built.
 */
final class EntryTree {
  static final String DUPLICATE = "a later entry has the same path";
  static final String SHADOWED_BY_DIRECTORY = "other entries use its path as a directory";

  /** A file or directory of the tree. */
  static final class Node {
    /** The absolute path: {@code /} for the root, else {@code /a/b} (no trailing {@code /}). */
    final String key;
    /** For a file, its entry; null for a directory. */
    final EntryInfo entry;
    /** For a directory, its children in the order the directory first names them. */
    final List<Node> children;
    private final int order;
    /** Where this node is in its parent's children, so that replacing it costs no search. */
    private int slot;
    /** A directory's time, computed on first use (a benign race: every thread gets the same). */
    private volatile FileTime directoryTime;

    private Node(String key, EntryInfo entry, int order) {
      this.key = key;
      this.entry = entry;
      this.order = order;
      this.children = entry == null ? new ArrayList<>(4) : null;
    }

    boolean isDirectory() {
      return entry == null;
    }

    /** The last name of the path: {@code ""} for the root. */
    String name() {
      return key.substring(key.lastIndexOf('/') + 1);
    }

    /**
     * A file's recorded time; a directory's is the latest of the files below it (the epoch for
     * an empty root). Directories compute theirs when first asked, not when the tree is built.
     */
    FileTime modifiedTime() {
      if (entry != null) {
        return FileTime.from(entry.modifiedTime());
      }
      FileTime time = directoryTime;
      if (time == null) {
        Instant latest = Instant.EPOCH;
        for (Node child : children) {
          Instant t = child.entry != null ? child.entry.modifiedTime()
              : child.modifiedTime().toInstant();
          if (t.isAfter(latest)) {
            latest = t;
          }
        }
        time = FileTime.from(latest);
        directoryTime = time;
      }
      return time;
    }
  }

  private final Map<String, Node> nodes;
  private final List<HiddenEntry> hidden;
  private final int fileCount;

  private EntryTree(Map<String, Node> nodes, List<HiddenEntry> hidden, int fileCount) {
    this.nodes = nodes;
    this.hidden = hidden;
    this.fileCount = fileCount;
  }

  /** Builds the tree of entries listed in directory order. */
  static EntryTree of(List<EntryInfo> entries) {
    Builder builder = new Builder(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      builder.add(entries.get(i), i);
    }
    return builder.build();
  }

  /** The file or directory at an absolute, normalised path ({@code /} for the root), or null. */
  Node get(String absolutePath) {
    return nodes.get(absolutePath);
  }

  /** The entries that are not files of the tree, in directory order. */
  List<HiddenEntry> hidden() {
    return hidden;
  }

  int fileCount() {
    return fileCount;
  }

  private static final class Builder {
    private final Map<String, Node> nodes;
    /** Hidden entries with their directory index, to be reported in directory order. */
    private final List<Map.Entry<Integer, HiddenEntry>> hidden = new ArrayList<>();
    private final Node root;
    /** The directory the last file went into: entries of one directory usually come together. */
    private Node lastDirectory;
    private int fileCount;

    Builder(int expected) {
      nodes = new HashMap<>(Math.max(16, expected * 2));
      root = new Node("/", null, -1);
      nodes.put("/", root);
    }

    void add(EntryInfo entry, int order) {
      String stored = entry.path();
      Optional<String> violation = ArchivePaths.violation(stored);
      if (violation.isPresent()) {
        hide(stored, violation.get(), order);
        return;
      }
      String key = "/" + stored.replace('\\', '/');
      Node existing = nodes.get(key);
      if (existing != null && existing.isDirectory()) {
        hide(stored, SHADOWED_BY_DIRECTORY, order);
        return;
      }
      Node file = new Node(key, entry, order);
      if (existing != null) {
        hide(existing.entry.path(), DUPLICATE, existing.order);
        replace(nodes.get(parentKey(key)), existing, file);
        return;
      }
      append(parentDirectory(key, order), file);
      fileCount++;
    }

    /** The directory a new file goes into, without a lookup when it is the last one's. */
    private Node parentDirectory(String key, int order) {
      Node last = lastDirectory;
      int slash = key.lastIndexOf('/');
      if (last != null && (slash == 0 ? last == root
          : slash == last.key.length() && key.startsWith(last.key))) {
        return last;
      }
      lastDirectory = directory(slash == 0 ? "/" : key.substring(0, slash), order);
      return lastDirectory;
    }

    /** The directory at a key, made (with its parents) if new; replaces a file in its way. */
    private Node directory(String key, int order) {
      Node node = nodes.get(key);
      if (node != null && node.isDirectory()) {
        return node;
      }
      Node directory = new Node(key, null, order);
      Node parent = directory(parentKey(key), order);
      if (node == null) {
        append(parent, directory);
      } else {
        // a file came first with this name: the directory takes its place
        hide(node.entry.path(), SHADOWED_BY_DIRECTORY, node.order);
        replace(parent, node, directory);
        fileCount--;
      }
      return directory;
    }

    private void append(Node parent, Node child) {
      child.slot = parent.children.size();
      parent.children.add(child);
      nodes.put(child.key, child);
    }

    private void replace(Node parent, Node old, Node replacement) {
      replacement.slot = old.slot;
      parent.children.set(old.slot, replacement);
      nodes.put(replacement.key, replacement);
    }

    private static String parentKey(String key) {
      int slash = key.lastIndexOf('/');
      return slash == 0 ? "/" : key.substring(0, slash);
    }

    private void hide(String stored, String reason, int order) {
      hidden.add(Map.entry(order, new HiddenEntry(stored, reason)));
    }

    EntryTree build() {
      hidden.sort(Comparator.comparing(Map.Entry::getKey));
      List<HiddenEntry> list = new ArrayList<>(hidden.size());
      for (Map.Entry<Integer, HiddenEntry> h : hidden) {
        list.add(h.getValue());
      }
      return new EntryTree(nodes, Collections.unmodifiableList(list), fileCount);
    }
  }
}
