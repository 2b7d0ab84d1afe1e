package dev.engram.hadoop;

import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.fs.Path;

/**
 * Where a path of an {@code engram:} file system leads, by HAR's convention: the first component
 * that ends in {@code .eng} is an archive on the underlying file system, and what follows is a
 * path inside it. A path with no such component is a path of the underlying file system (a
 * directory that may hold archives).
 *
 * <p>Immutable and thread-safe.
 */
final class ArchivePath {
  static final String SUFFIX = ".eng";

  /** The path of the underlying file system: the archive, or the path itself if it has none. */
  private final Path underlying;
  /** The absolute path inside the archive ({@code /} for its root), or null outside archives. */
  private final String inner;

  private ArchivePath(Path underlying, String inner) {
    this.underlying = underlying;
    this.inner = inner;
  }

  /**
   * Splits the path part of an {@code engram:} path.
   *
   * @param path the absolute path of a qualified {@code engram:} path, as {@link URI#getPath()}
   *     gives it
   * @param underlyingUri the underlying file system's URI (its scheme and authority are used)
   */
  static ArchivePath of(String path, URI underlyingUri) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + path);
    }
    int start = 1;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      if (end - start > SUFFIX.length() && path.startsWith(SUFFIX, end - SUFFIX.length())) {
        String inner = end == path.length() ? "/" : path.substring(end);
        if (inner.length() > 1 && inner.endsWith("/")) {
          inner = inner.substring(0, inner.length() - 1);
        }
        return new ArchivePath(underlyingPath(underlyingUri, path.substring(0, end)), inner);
      }
      start = end + 1;
    }
    return new ArchivePath(underlyingPath(underlyingUri, path), null);
  }

  private static Path underlyingPath(URI underlyingUri, String path) {
    return new Path(underlyingUri.getScheme(), underlyingUri.getAuthority(), path);
  }

  /**
   * The URI of the file system an {@code engram:} authority names: {@code SCHEME-HOST[:PORT]}
   * stands for {@code SCHEME://HOST[:PORT]} ({@code hdfs-namenode:8020}, {@code s3a-bucket}), and
   * {@code SCHEME-} for {@code SCHEME:///} ({@code file-}). A null or empty authority means the
   * default file system, which the caller resolves.
   *
   * @throws IllegalArgumentException if the authority has no {@code -} or an empty scheme
   */
  static URI underlyingUri(String authority) {
    int dash = authority.indexOf('-');
    if (dash <= 0) {
      throw new IllegalArgumentException("engram://" + authority + "/: the authority must be"
          + " SCHEME-HOST[:PORT] naming the file system that holds the archives (engram://"
          + "hdfs-namenode:8020/..., engram://s3a-bucket/..., engram://file-/...), or empty"
          + " for the default file system (engram:///...)");
    }
    String scheme = authority.substring(0, dash);
    String host = authority.substring(dash + 1);
    try {
      return new URI(scheme, host.isEmpty() ? null : host, "/", null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("engram://" + authority + "/: " + scheme + "://" + host
          + " is not a file system URI (" + e.getMessage() + ")", e);
    }
  }

  /** Says whether the path is in an archive (its root included). */
  boolean inArchive() {
    return inner != null;
  }

  /** The archive (if {@link #inArchive()}), else the underlying path itself. */
  Path underlying() {
    return underlying;
  }

  /** The absolute path inside the archive; null outside archives. */
  String inner() {
    return inner;
  }

  @Override
  public String toString() {
    return inner == null ? underlying.toString() : underlying + "!" + inner;
  }
}
