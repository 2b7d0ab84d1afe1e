package dev.engram.source;

import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * Opens archives at URIs of schemes engram-core does not read itself: the service that {@link
 * ArchiveSource#open(URI, RemoteOptions)} (and so {@link dev.engram.ArchiveReader#open(URI)})
 * looks for with {@link java.util.ServiceLoader} for any scheme other than {@code file}, {@code
 * http} and {@code https}. A module such as {@code engram-s3} ({@code s3://bucket/key}) declares
 * {@code provides dev.engram.source.ArchiveSourceProvider with ...} in its module descriptor, or
 * lists its class in {@code META-INF/services/dev.engram.source.ArchiveSourceProvider} for the
 * class path.
 *
 * <p>Providers are looked up through the class loader of engram-core and the calling thread's
 * context class loader, at each open of an unknown scheme. An implementation needs a public
 * constructor without arguments, and must be thread-safe; the sources it opens must meet the
 * contract of {@link ArchiveSource} (thread-safe positional reads, a stable identity).
 */
public interface ArchiveSourceProvider {
  /**
   * Returns the URI schemes this provider opens, in lower case, such as {@code s3}.
   *
   * @return the schemes, not empty
   */
  Set<String> schemes();

  /**
   * Opens the archive at a URI of one of {@link #schemes()}. The source's {@link
   * ArchiveSource#name()} must not reveal credentials or signatures the URI may carry.
   *
   * @param uri the archive's URI
   * @param options timeouts, retries and the like, to honour where they apply
   * @return the open source, which the caller closes
   * @throws java.nio.file.NoSuchFileException if there is no archive at the URI
   * @throws java.nio.file.AccessDeniedException if reading it is not allowed
   * @throws IllegalArgumentException if the URI is malformed for this scheme
   * @throws IOException if it cannot be opened
   */
  ArchiveSource open(URI uri, RemoteOptions options) throws IOException;
}
