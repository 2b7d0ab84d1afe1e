package dev.engram.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.Objects;

/**
 * A path in an {@link EngramFileSystem}: {@code /}-separated names, absolute when it starts with
 * the one root {@code /}. The string form is kept without repeated or trailing separators, so two
 * paths are equal exactly when their strings are. Operations are lexical, as the {@link Path}
 * contract asks; only {@link #toRealPath} consults the archive.
 *
 * <p>Immutable and thread-safe.
 */
final class EngramPath implements Path {
  private final EngramFileSystem fileSystem;
  /** Normalised separators: no {@code //}, no trailing {@code /} except the root itself. */
  private final String path;
  /** Start of each name; computed on first use (a benign race: every thread computes the same). */
  private volatile int[] offsets;
  /**
   * The node of the archive's tree this path names, when a directory listing made it: walks then
   * read attributes without a lookup. Null for paths made from strings.
   */
  private final EntryTree.Node node;

  /** Makes a path of a string whose separators are already clean (see {@link #of}). */
  private EngramPath(EngramFileSystem fileSystem, String path) {
    this(fileSystem, path, null);
  }

  private EngramPath(EngramFileSystem fileSystem, String path, EntryTree.Node node) {
    this.fileSystem = fileSystem;
    this.path = path;
    this.node = node;
  }

  /** The path of a node of the file system's tree: its key, which is absolute and normal. */
  static EngramPath ofNode(EngramFileSystem fileSystem, EntryTree.Node node) {
    return new EngramPath(fileSystem, node.key, node);
  }

  /** The node this path was made for, or null if it was made from a string. */
  EntryTree.Node node() {
    return node;
  }

  /**
   * Makes a path from a string as a user wrote it: repeated separators collapse and a trailing
   * one is dropped.
   *
   * @throws InvalidPathException if the string holds a NUL character
   */
  static EngramPath of(EngramFileSystem fileSystem, String input) {
    int nul = input.indexOf('\0');
    if (nul >= 0) {
      throw new InvalidPathException(input, "NUL character not allowed", nul);
    }
    return new EngramPath(fileSystem, cleanSeparators(input));
  }

  /** Makes a path of a string known to be clean: an entry name or a root-relative path. */
  static EngramPath ofClean(EngramFileSystem fileSystem, String cleanPath) {
    return new EngramPath(fileSystem, cleanPath);
  }

  private static String cleanSeparators(String input) {
    int n = input.length();
    boolean clean = !(n > 1 && input.charAt(n - 1) == '/') && !input.contains("//");
    if (clean) {
      return input;
    }
    StringBuilder sb = new StringBuilder(n);
    char previous = 0;
    for (int i = 0; i < n; i++) {
      char c = input.charAt(i);
      if (c == '/' && previous == '/') {
        continue;
      }
      sb.append(c);
      previous = c;
    }
    if (sb.length() > 1 && sb.charAt(sb.length() - 1) == '/') {
      sb.setLength(sb.length() - 1);
    }
    return sb.toString();
  }

  /** The path as a string with clean separators. */
  String pathString() {
    return path;
  }

  /**
   * The absolute, normalised form of this path as a string: the key of the archive's tree. An
   * absolute path without {@code .} or {@code ..} names, what walks and listings make, is its own
   * key, so looking it up allocates nothing.
   */
  String treeKey() {
    if (isAbsolute() && !hasDotNames(path)) {
      return path;
    }
    return ((EngramPath) toAbsolutePath()).normalizeString();
  }

  /** Says whether a name of the path is {@code .} or {@code ..}, without splitting it. */
  private static boolean hasDotNames(String p) {
    int n = p.length();
    for (int i = 0; i < n; i++) {
      if (p.charAt(i) == '.' && (i == 0 || p.charAt(i - 1) == '/')) {
        int end = i + 1 < n && p.charAt(i + 1) == '.' ? i + 2 : i + 1;
        if (end == n || p.charAt(end) == '/') {
          return true;
        }
      }
    }
    return false;
  }

  private int[] offsets() {
    int[] result = offsets;
    if (result == null) {
      if (path.isEmpty()) {
        result = new int[] {0}; // the empty path has one, empty, name
      } else {
        int count = 0;
        for (int i = 0; i < path.length(); i++) {
          if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
            count++;
          }
        }
        result = new int[count];
        int k = 0;
        for (int i = 0; i < path.length(); i++) {
          if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
            result[k++] = i;
          }
        }
      }
      offsets = result;
    }
    return result;
  }

  private String nameAt(int index) {
    int[] o = offsets();
    int end = index + 1 < o.length ? o[index + 1] - 1 : path.length();
    return path.substring(o[index], end);
  }

  @Override
  public EngramFileSystem getFileSystem() {
    return fileSystem;
  }

  @Override
  public boolean isAbsolute() {
    return path.startsWith("/");
  }

  @Override
  public Path getRoot() {
    return isAbsolute() ? fileSystem.root() : null;
  }

  @Override
  public Path getFileName() {
    int count = getNameCount();
    if (count == 0) {
      return null;
    }
    if (count == 1 && !isAbsolute()) {
      return this;
    }
    return new EngramPath(fileSystem, nameAt(count - 1));
  }

  @Override
  public Path getParent() {
    int count = getNameCount();
    if (count == 0 || (count == 1 && !isAbsolute())) {
      return null;
    }
    if (count == 1) {
      return fileSystem.root();
    }
    return new EngramPath(fileSystem, path.substring(0, offsets()[count - 1] - 1));
  }

  @Override
  public int getNameCount() {
    return offsets().length;
  }

  @Override
  public Path getName(int index) {
    if (index < 0 || index >= getNameCount()) {
      throw new IllegalArgumentException("name index " + index + " is outside 0.."
          + (getNameCount() - 1) + " of " + path);
    }
    return new EngramPath(fileSystem, nameAt(index));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    int count = getNameCount();
    if (beginIndex < 0 || beginIndex >= count || endIndex > count || beginIndex >= endIndex) {
      throw new IllegalArgumentException("subpath(" + beginIndex + ", " + endIndex + ") of "
          + path + ", which has " + count + " names");
    }
    int[] o = offsets();
    int end = endIndex < count ? o[endIndex] - 1 : path.length();
    return new EngramPath(fileSystem, path.substring(o[beginIndex], end));
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(Objects.requireNonNull(other, "other") instanceof EngramPath)) {
      return false;
    }
    EngramPath that = (EngramPath) other;
    if (that.fileSystem != fileSystem || that.isAbsolute() != isAbsolute()) {
      return false;
    }
    if (that.path.isEmpty()) {
      return path.isEmpty();
    }
    int count = that.getNameCount();
    if (count > getNameCount()) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      if (!nameAt(i).equals(that.nameAt(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(Objects.requireNonNull(other, "other") instanceof EngramPath)) {
      return false;
    }
    EngramPath that = (EngramPath) other;
    if (that.fileSystem != fileSystem) {
      return false;
    }
    if (that.isAbsolute()) {
      return that.path.equals(path);
    }
    if (that.path.isEmpty()) {
      return path.isEmpty();
    }
    int count = getNameCount();
    int thatCount = that.getNameCount();
    if (thatCount > count || (path.isEmpty())) {
      return false;
    }
    for (int i = 1; i <= thatCount; i++) {
      if (!nameAt(count - i).equals(that.nameAt(thatCount - i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Path normalize() {
    String normal = normalizeString();
    return normal.equals(path) ? this : new EngramPath(fileSystem, normal);
  }

  /** Removes {@code .} names and each {@code ..} with the name before it, lexically. */
  private String normalizeString() {
    if (!hasDotNames(path)) {
      return path;
    }
    int count = getNameCount();
    String[] kept = new String[count];
    int size = 0;
    for (int i = 0; i < count; i++) {
      String name = nameAt(i);
      if (name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (size > 0 && !kept[size - 1].equals("..")) {
          size--;
          continue;
        }
        if (isAbsolute()) {
          continue; // "/.." is "/"
        }
      }
      kept[size++] = name;
    }
    String joined = String.join("/", Arrays.asList(kept).subList(0, size));
    return isAbsolute() ? "/" + joined : joined;
  }

  @Override
  public Path resolve(Path other) {
    EngramPath that = checkPath(other);
    if (that.isAbsolute()) {
      return that;
    }
    if (that.path.isEmpty()) {
      return this;
    }
    if (path.isEmpty()) {
      return that;
    }
    return new EngramPath(fileSystem, path.equals("/") ? "/" + that.path : path + "/" + that.path);
  }

  @Override
  public Path relativize(Path other) {
    EngramPath that = checkPath(other);
    if (that.equals(this)) {
      return new EngramPath(fileSystem, "");
    }
    if (path.isEmpty()) {
      return that;
    }
    if (isAbsolute() != that.isAbsolute()) {
      throw new IllegalArgumentException("cannot relativize " + that + " against " + this
          + ": one is absolute and the other is not");
    }
    int count = getNameCount();
    int thatCount = that.path.isEmpty() ? 0 : that.getNameCount();
    int common = 0;
    while (common < Math.min(count, thatCount) && nameAt(common).equals(that.nameAt(common))) {
      common++;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = common; i < count; i++) {
      sb.append(sb.length() == 0 ? ".." : "/..");
    }
    if (common < thatCount) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(that.path, that.offsets()[common], that.path.length());
    }
    return new EngramPath(fileSystem, sb.toString());
  }

  @Override
  public URI toUri() {
    return ArchiveUris.entryUri(fileSystem.archiveUri(), ((EngramPath) toAbsolutePath()).path);
  }

  @Override
  public Path toAbsolutePath() {
    if (isAbsolute()) {
      return this;
    }
    return new EngramPath(fileSystem, path.isEmpty() ? "/" : "/" + path);
  }

  /**
   * Returns the absolute, normalised path, after checking that it names a file or directory of
   * the archive. There are no links, so {@code options} change nothing.
   *
   * @throws java.nio.file.NoSuchFileException if nothing in the archive has this path
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    EngramPath real = (EngramPath) toAbsolutePath().normalize();
    fileSystem.require(real);
    return real;
  }

  /** Not supported: an archive's content never changes under a file system. */
  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events,
      WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("an engram file system cannot be watched");
  }

  /** Compares by Unicode code point, the order of the names' UTF-8 bytes (as jdk.zipfs does). */
  @Override
  public int compareTo(Path other) {
    EngramPath that = (EngramPath) Objects.requireNonNull(other, "other");
    int i = 0;
    int j = 0;
    while (i < path.length() && j < that.path.length()) {
      int a = path.codePointAt(i);
      int b = that.path.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Integer.compare(path.length() - i, that.path.length() - j);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EngramPath
        && ((EngramPath) other).fileSystem == fileSystem
        && ((EngramPath) other).path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return path;
  }

  private EngramPath checkPath(Path other) {
    Objects.requireNonNull(other, "other");
    if (!(other instanceof EngramPath)) {
      throw new ProviderMismatchException("not a path of an engram file system: " + other);
    }
    return (EngramPath) other;
  }
}
