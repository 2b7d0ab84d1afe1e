package dev.engram.nio;

import dev.engram.CompressionMethod;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes of one node of an {@link EntryTree}, and the one place that reads them by name
 * ({@code "basic:size,lastModifiedTime"}, {@code "engram:*"}). Immutable and thread-safe.
 */
final class EntryAttributes implements EngramFileAttributes {
  static final String BASIC = "basic";
  static final String ENGRAM = "engram";
  private static final List<String> BASIC_NAMES = List.of("lastModifiedTime", "lastAccessTime",
      "creationTime", "size", "isRegularFile", "isDirectory", "isSymbolicLink", "isOther",
      "fileKey");
  private static final List<String> ENGRAM_NAMES = List.of("entryName", "compression",
      "storedSize", "crc32", "framed", "frameSize", "encrypted");

  private final EntryTree.Node node;
  private final boolean encrypted;
  /** The time when taken as a snapshot (a writable file system's tree changes), else null. */
  private final FileTime time;

  /**
   * The attributes of a node of a tree that never changes; a directory's time is computed when
   * first asked.
   */
  EntryAttributes(EntryTree.Node node, boolean encrypted) {
    this(node, encrypted, false);
  }

  /**
   * The attributes of a node; {@code snapshot} computes the time now, for a node of a tree that
   * changes (the caller holds its lock).
   */
  EntryAttributes(EntryTree.Node node, boolean encrypted, boolean snapshot) {
    this.node = node;
    this.encrypted = encrypted && !node.isDirectory();
    this.time = snapshot ? node.modifiedTime() : null;
  }

  @Override
  public FileTime lastModifiedTime() {
    return time != null ? time : node.modifiedTime();
  }

  @Override
  public FileTime lastAccessTime() {
    return lastModifiedTime();
  }

  @Override
  public FileTime creationTime() {
    return lastModifiedTime();
  }

  @Override
  public boolean isRegularFile() {
    return !node.isDirectory();
  }

  @Override
  public boolean isDirectory() {
    return node.isDirectory();
  }

  @Override
  public boolean isSymbolicLink() {
    return false;
  }

  @Override
  public boolean isOther() {
    return false;
  }

  @Override
  public long size() {
    return node.size();
  }

  @Override
  public Object fileKey() {
    return null;
  }

  @Override
  public Optional<String> entryName() {
    return node.entry == null ? Optional.empty() : Optional.of(node.entry.path());
  }

  @Override
  public CompressionMethod compression() {
    return node.entry == null ? CompressionMethod.NONE : node.entry.compression();
  }

  @Override
  public long storedSize() {
    return node.entry == null ? 0 : node.entry.storedSize();
  }

  @Override
  public int crc32() {
    return node.entry == null ? 0 : node.entry.crc32();
  }

  @Override
  public boolean isFramed() {
    return node.entry != null && node.entry.isFramed();
  }

  @Override
  public int frameSize() {
    return isFramed() ? node.entry.frameSize() : 0;
  }

  @Override
  public boolean isEncrypted() {
    return encrypted;
  }

  /**
   * Reads attributes by name, as {@link java.nio.file.Files#readAttributes(java.nio.file.Path,
   * String, java.nio.file.LinkOption...)} asks: {@code [view:]name[,name...]} or {@code
   * [view:]*}; the view is {@code basic} unless named, and {@code engram} includes the basic names.
   *
   * @throws UnsupportedOperationException if the view is neither {@code basic} nor {@code engram}
   * @throws IllegalArgumentException if a name is not an attribute of the view
   */
  Map<String, Object> read(String attributes) {
    int colon = attributes.indexOf(':');
    String view = colon < 0 ? BASIC : attributes.substring(0, colon);
    String names = colon < 0 ? attributes : attributes.substring(colon + 1);
    boolean engram = view.equals(ENGRAM);
    if (!engram && !view.equals(BASIC)) {
      throw new UnsupportedOperationException("view '" + view + "' is not available; an engram"
          + " file system has the views 'basic' and 'engram'");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    for (String name : names.split(",", -1)) {
      if (name.equals("*")) {
        BASIC_NAMES.forEach(n -> result.put(n, value(n)));
        if (engram) {
          ENGRAM_NAMES.forEach(n -> result.put(n, value(n)));
        }
      } else if (BASIC_NAMES.contains(name) || (engram && ENGRAM_NAMES.contains(name))) {
        result.put(name, value(name));
      } else {
        throw new IllegalArgumentException("'" + name + "' is not an attribute of the '" + view
            + "' view");
      }
    }
    return result;
  }

  private Object value(String name) {
    switch (name) {
      case "lastModifiedTime": return lastModifiedTime();
      case "lastAccessTime": return lastAccessTime();
      case "creationTime": return creationTime();
      case "size": return size();
      case "isRegularFile": return isRegularFile();
      case "isDirectory": return isDirectory();
      case "isSymbolicLink": return isSymbolicLink();
      case "isOther": return isOther();
      case "fileKey": return fileKey();
      case "entryName": return entryName().orElse(null);
      case "compression": return compression();
      case "storedSize": return storedSize();
      case "crc32": return crc32();
      case "framed": return isFramed();
      case "frameSize": return frameSize();
      case "encrypted": return isEncrypted();
      default: throw new AssertionError(name);
    }
  }
}
