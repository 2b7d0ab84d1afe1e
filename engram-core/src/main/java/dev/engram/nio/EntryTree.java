package dev.engram.nio;

import dev.engram.ArchivePaths;
import dev.engram.EntryInfo;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * An archive's entries as a tree of files and the directories their names imply ({@code
 * a/b/c.txt} makes {@code a} and {@code a/b}), built once when a file system first needs it. A
 * read-only file system never changes it; a writable one changes it (files written, replaced,
 * deleted and moved, directories made) under its own lock, through which every lookup then goes.
 *
 * <p>Entries that cannot be a file of the tree are hidden, each with its reason: names that
 * {@link ArchivePaths#violation} refuses (they could escape the root), an entry followed later in
 * the directory by another of the same name (the later one wins, as {@link
 * dev.engram.ArchiveReader#entry} decides), and a file whose name other entries use as a
 * directory (the directory wins, so that no entry below it is lost). A stored {@code \} reads as
 * {@code /}, as extraction reads it; each file keeps its stored name for reading.
 *
 * <p>Only directories are indexed globally; each directory keeps its own children (see {@link
 * Children}), so building the tree of a sorted archive hashes no file name at all: at a hundred
 * thousand entries it costs a third of building one table of every path.
 *
 * <p>Thread-safe once built while nothing changes it; changes and the lookups beside them need
 * the writable file system's lock.
 */
final class EntryTree {
  static final String DUPLICATE = "a later entry has the same path";
  static final String SHADOWED_BY_DIRECTORY = "other entries use its path as a directory";

  /** A file or directory of the tree. */
  static final class Node {
    /** The absolute path: {@code /} for the root, else {@code /a/b} (no trailing {@code /}). */
    final String key;
    /** For a file of the archive as opened, its entry; null for a directory or staged file. */
    final EntryInfo entry;
    /** For a directory, its children; null for a file. */
    private final Children children;
    private final int order;
    /**
     * A staged file's size; a directory made by {@code createDirectory}: 0, else -1. Staged
     * files are content written through a writable file system, not yet in the archive.
     */
    private final long stagedSize;
    /** A staged file's time, or a created directory's; null otherwise. */
    private final Instant stagedTime;
    /** A directory's time, computed on first use (a benign race: every thread gets the same). */
    private volatile FileTime directoryTime;

    private Node(String key, EntryInfo entry, int order) {
      this(key, entry, order, entry == null, -1, null);
    }

    private Node(String key, EntryInfo entry, int order, boolean directory, long stagedSize,
        Instant stagedTime) {
      this.key = key;
      this.entry = entry;
      this.order = order;
      this.children = directory ? new Children() : null;
      this.stagedSize = stagedSize;
      this.stagedTime = stagedTime;
    }

    boolean isDirectory() {
      return children != null;
    }

    /** Says whether this is a file whose content is staged rather than an entry of the archive. */
    boolean isStaged() {
      return children == null && entry == null;
    }

    /** A file's size in bytes; 0 for a directory. */
    long size() {
      return children != null ? 0 : entry != null ? entry.uncompressedSize() : stagedSize;
    }

    /** A directory's children, in the archive's order. */
    List<Node> children() {
      return children.view;
    }

    /** The last name of the path: {@code ""} for the root. */
    String name() {
      return key.substring(key.lastIndexOf('/') + 1);
    }

    /**
     * A file's recorded time; a directory's is the latest of the files below it (the epoch for
     * an empty root) and of its creation, if a file system made it. Directories compute theirs
     * when first asked, not when the tree is built.
     */
    FileTime modifiedTime() {
      if (entry != null) {
        return FileTime.from(entry.modifiedTime());
      }
      if (children == null) {
        return FileTime.from(stagedTime);
      }
      FileTime time = directoryTime;
      if (time == null) {
        Instant latest = stagedTime != null ? stagedTime : Instant.EPOCH;
        for (Node child : children.list) {
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

  /**
   * A directory's children by path, in the order the archive first names them; a name replaced
   * by a later entry or by a directory keeps its place. While the names arrive in increasing
   * order (as writers that walk sorted folders add them) no name can repeat, so none is hashed:
   * lookups search the sorted list. The first name out of order builds a hash index, kept from
   * then on.
   */
  private static final class Children {
    /** Grows by doubling: a hundred files in a directory copy it 3 times, not 9 (by 1.5). */
    final NodeList list = new NodeList();
    final List<Node> view = Collections.unmodifiableList(list);
    /** Position of each child by path, or null while {@link #list} is sorted by path. */
    private Map<String, Integer> index;

    /** Adds a child, or returns the child that already has its path (and adds nothing). */
    Node putIfAbsent(Node child) {
      if (index == null) {
        int size = list.size();
        if (size == 0 || list.get(size - 1).key.compareTo(child.key) < 0) {
          list.add(child);
          return null;
        }
        index = new HashMap<>(Math.max(16, size * 2));
        for (int i = 0; i < size; i++) {
          index.put(list.get(i).key, i);
        }
      }
      Integer at = index.putIfAbsent(child.key, list.size());
      if (at != null) {
        return list.get(at);
      }
      list.add(child);
      return null;
    }

    /** Puts a child in the place of the one with its path, which must be there. */
    void replace(Node child) {
      list.set(position(child.key), child);
    }

    /**
     * Removes the child with a path, which must be there. The hash index, if any, is brought up
     * to date for the children after it: removing is linear in the directory's size.
     */
    void remove(String key) {
      int at = position(key);
      list.remove(at);
      if (index != null) {
        index.remove(key);
        for (int i = at; i < list.size(); i++) {
          index.put(list.get(i).key, i);
        }
      }
    }

    Node get(String key) {
      int at = position(key);
      return at < 0 ? null : list.get(at);
    }

    private int position(String key) {
      if (index != null) {
        Integer at = index.get(key);
        return at == null ? -1 : at;
      }
      int low = 0;
      int high = list.size() - 1;
      while (low <= high) {
        int middle = (low + high) >>> 1;
        int c = list.get(middle).key.compareTo(key);
        if (c < 0) {
          low = middle + 1;
        } else if (c > 0) {
          high = middle - 1;
        } else {
          return middle;
        }
      }
      return -1;
    }
  }

  /** A list of nodes that grows by doubling, from 8. */
  private static final class NodeList extends AbstractList<Node> implements RandomAccess {
    private Node[] nodes = new Node[8];
    private int size;

    @Override
    public boolean add(Node node) {
      if (size == nodes.length) {
        nodes = Arrays.copyOf(nodes, size * 2);
      }
      nodes[size++] = node;
      return true;
    }

    @Override
    public Node get(int index) {
      Objects.checkIndex(index, size);
      return nodes[index];
    }

    @Override
    public Node set(int index, Node node) {
      Objects.checkIndex(index, size);
      Node old = nodes[index];
      nodes[index] = node;
      return old;
    }

    @Override
    public Node remove(int index) {
      Objects.checkIndex(index, size);
      Node old = nodes[index];
      System.arraycopy(nodes, index + 1, nodes, index, size - index - 1);
      nodes[--size] = null;
      return old;
    }

    @Override
    public int size() {
      return size;
    }
  }

  private final Map<String, Node> directories;
  private final List<HiddenEntry> hidden;

  private EntryTree(Map<String, Node> directories, List<HiddenEntry> hidden) {
    this.directories = directories;
    this.hidden = hidden;
  }

  /** Builds the tree of entries listed in directory order. */
  static EntryTree of(List<EntryInfo> entries) {
    Builder builder = new Builder();
    for (int i = 0; i < entries.size(); i++) {
      builder.add(entries.get(i), i);
    }
    return builder.build();
  }

  /** The file or directory at an absolute, normalised path ({@code /} for the root), or null. */
  Node get(String absolutePath) {
    if (absolutePath.equals("/")) {
      return directories.get("/");
    }
    // directories are their parents' children too: one small lookup, whatever the node is
    Node parent = directories.get(parentKey(absolutePath));
    return parent == null ? null : parent.children.get(absolutePath);
  }

  private static String parentKey(String key) {
    int slash = key.lastIndexOf('/');
    return slash <= 0 ? "/" : key.substring(0, slash);
  }

  /** The entries that are not files of the tree, in directory order. */
  List<HiddenEntry> hidden() {
    return hidden;
  }

  // ---- changes, made by a writable file system under its lock (see the class comment)

  /**
   * Says why no file can be put at a path: a directory is there, or a file holds the place of
   * one of its parents.
   *
   * @return the reason, or null if a file may go there
   */
  String fileConflict(String key) {
    if (directories.containsKey(key)) {
      return "is a directory";
    }
    for (int slash = key.indexOf('/', 1); slash > 0; slash = key.indexOf('/', slash + 1)) {
      Node above = get(key.substring(0, slash));
      if (above != null && !above.isDirectory()) {
        return "its parent " + above.key + " is a file";
      }
    }
    return null;
  }

  /**
   * Puts a file at a path, in the place of the file there if any, with the parent directories it
   * implies. The path must have no {@linkplain #fileConflict conflict}.
   *
   * @param entry the entry of the archive as opened that the file reads, or null for staged
   *     content of {@code size} bytes written at {@code time}
   */
  Node putFile(String key, EntryInfo entry, long size, Instant time) {
    Node file = new Node(key, entry, -1, false, entry == null ? size : -1,
        entry == null ? time : null);
    Node parent = makeDirectory(parentKey(key), null);
    if (parent.children.get(key) != null) {
      parent.children.replace(file);
    } else {
      parent.children.putIfAbsent(file);
    }
    touched(parent);
    return file;
  }

  /** Makes a directory (with the parents it needs) or returns the one at the path. */
  Node makeDirectory(String key, Instant time) {
    Node directory = directories.get(key);
    if (directory != null) {
      return directory;
    }
    Node parent = makeDirectory(parentKey(key), null);
    directory = new Node(key, null, -1, true, 0, time);
    parent.children.putIfAbsent(directory);
    directories.put(key, directory);
    touched(parent);
    return directory;
  }

  /** Removes a file, or a directory with everything below it. */
  void remove(Node node) {
    Node parent = directories.get(parentKey(node.key));
    parent.children.remove(node.key);
    forgetDirectories(node);
    touched(parent);
  }

  private void forgetDirectories(Node node) {
    if (node.isDirectory()) {
      directories.remove(node.key);
      for (Node child : node.children.list) {
        forgetDirectories(child);
      }
    }
  }

  /**
   * Puts a copy of a node at another path (a directory with everything below it, empty
   * directories included); the path must be free and its parent a directory.
   */
  void copy(Node node, String key) {
    if (!node.isDirectory()) {
      putFile(key, node.entry, node.stagedSize, node.stagedTime);
      return;
    }
    makeDirectory(key, node.stagedTime);
    for (Node child : List.copyOf(node.children.list)) {
      copy(child, key + "/" + child.name());
    }
  }

  /** The files below a directory, depth first in listing order; the node itself if a file. */
  List<Node> files(Node node) {
    List<Node> files = new ArrayList<>();
    collectFiles(node, files);
    return files;
  }

  private static void collectFiles(Node node, List<Node> into) {
    if (!node.isDirectory()) {
      into.add(node);
      return;
    }
    for (Node child : node.children.list) {
      collectFiles(child, into);
    }
  }

  /** Forgets the times of a directory and those above it: what is below them changed. */
  private void touched(Node directory) {
    for (Node d = directory; ; d = directories.get(parentKey(d.key))) {
      d.directoryTime = null;
      if (d.key.equals("/")) {
        return;
      }
    }
  }

  private static final class Builder {
    private final Map<String, Node> directories = new HashMap<>();
    /** Hidden entries with their directory index, to be reported in directory order. */
    private final List<Map.Entry<Integer, HiddenEntry>> hidden = new ArrayList<>();
    private final Node root;
    /** The directory the last file went into: entries of one directory usually come together. */
    private Node lastDirectory;

    Builder() {
      root = new Node("/", null, -1);
      directories.put("/", root);
    }

    void add(EntryInfo entry, int order) {
      String stored = entry.path();
      // indexOf is vectorised, replace is not: most names have no backslash to replace
      String slashed = stored.indexOf('\\') < 0 ? stored : stored.replace('\\', '/');
      Optional<String> violation = ArchivePaths.violation(slashed);
      if (violation.isPresent()) {
        hide(stored, violation.get(), order);
        return;
      }
      String key = "/" + slashed;
      Node file = new Node(key, entry, order);
      Node parent = parentDirectory(key, order);
      Node existing = parent.children.putIfAbsent(file);
      if (existing == null) {
        return;
      }
      if (existing.isDirectory()) {
        hide(stored, SHADOWED_BY_DIRECTORY, order);
      } else {
        hide(existing.entry.path(), DUPLICATE, existing.order);
        parent.children.replace(file); // takes the earlier one's place
      }
    }

    /** The directory a new file goes into, without a lookup when it is the last one's. */
    private Node parentDirectory(String key, int order) {
      Node last = lastDirectory;
      if (last != null) {
        // the last directory is the parent if the key continues it with one more name; tested
        // with the vectorised indexOf rather than lastIndexOf, which is not
        int after = last == root ? 1 : last.key.length() + 1;
        if (key.length() > after && key.charAt(after - 1) == '/'
            && key.indexOf('/', after) < 0 && (last == root || key.startsWith(last.key))) {
          return last;
        }
      }
      int slash = key.lastIndexOf('/');
      lastDirectory = directory(slash == 0 ? "/" : key.substring(0, slash), order);
      return lastDirectory;
    }

    /** The directory at a key, made (with its parents) if new; replaces a file in its way. */
    private Node directory(String key, int order) {
      Node directory = directories.get(key);
      if (directory != null) {
        return directory;
      }
      Node parent = directory(parentKey(key), order);
      directory = new Node(key, null, order);
      Node file = parent.children.putIfAbsent(directory);
      if (file != null) {
        // a file came first with this name: the directory takes its place
        hide(file.entry.path(), SHADOWED_BY_DIRECTORY, file.order);
        parent.children.replace(directory);
      }
      directories.put(key, directory);
      return directory;
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
      return new EntryTree(directories, Collections.unmodifiableList(list));
    }
  }
}
