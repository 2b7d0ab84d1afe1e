package dev.engram.source;

import dev.engram.io.ArchiveFile;
import dev.engram.io.ChannelSource;
import dev.engram.io.MemorySource;
import dev.engram.io.Transfers;
import dev.engram.remote.UriSources;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The bytes of an archive, read at explicit positions: a local file, an array in memory, or
 * anything else that can serve ranges (a web server, object storage, a distributed file system).
 * {@link dev.engram.ArchiveReader#open(ArchiveSource, dev.engram.ReaderOptions)} reads any of
 * them.
 *
 * <p>A source has a fixed {@link #size()}, learned when it was opened, and an {@link
 * #identity()} that says which version of the bytes it serves, so that caches can key on it and
 * a reader can tell that the archive was changed under it ({@link #currentIdentity()}). Its
 * {@link #name()} appears in every message about the archive.
 *
 * <p>Implementations must be safe for use by any number of threads at once: a reader shared by a
 * server's threads reads through one source without locking. A reader owns the source it was
 * opened with and closes it when the reader is closed (or when opening fails).
 */
public interface ArchiveSource extends Closeable {
  /**
   * Opens a file of any installed file system provider: a local file, an entry of a zip file
   * system, a file of an in-memory file system. Where the provider offers a {@link
   * java.nio.channels.FileChannel} (the default file system does), reads are positional ({@code
   * pread} on a local file) and take no lock; otherwise they go through {@link
   * java.nio.file.Files#newByteChannel}, whose one position makes them take turns.
   *
   * <p>A thread interrupted during a read gets an {@link java.io.InterruptedIOException} and, as
   * far as the provider allows, does not break the file for the other threads. Some providers do
   * not allow it: a zip file system (jdk.zipfs) closes its zip file for good when an interrupt
   * hits its own I/O, as when it opens an entry (again, after an interrupt closed the entry's
   * FileChannel); Jimfs interrupts every thread that reads a FileChannel an interrupt closes.
   *
   * @param file the archive file
   * @return the source, to be closed (or handed to a reader that closes it)
   * @throws UnsupportedOperationException if the file's file system can read neither through a
   *     FileChannel nor at a position of a byte channel
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws IOException if it cannot be opened
   */
  static ArchiveSource open(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    try {
      return ArchiveFile.open(file);
    } catch (UnsupportedOperationException e) {
      return ChannelSource.open(file); // the provider has no FileChannel
    }
  }

  /**
   * Opens the archive at a URI: a local file ({@code file:}), a web server ({@code http:}, {@code
   * https:}), or any scheme an installed {@link ArchiveSourceProvider} opens (such as {@code s3:}
   * from the module {@code engram-s3}).
   *
   * <p>Over HTTP, opening sends one request, for the archive's last 64 KiB (a suffix range, which
   * gives the size too), and keeps those bytes: reads that fall in them, such as the end record
   * and a small directory, need no further request; every other read is one range request. The
   * first answer's {@code ETag} (else its {@code Last-Modified}) pins the version: every later
   * answer must carry the same, or the read fails with an {@link IOException} saying that the
   * archive changed, never with bytes of two versions. The server must honour {@code Range}
   * (unless the archive is at most 64 KiB, which then arrives whole). Redirects are followed up to
   * {@link RemoteOptions#maxRedirects()}, never from {@code https} to {@code http}; later reads
   * go to where the redirects led, and back to the URI given if that location is refused (an
   * expired signed URL). Messages name the URI without user information, query or fragment, where
   * credentials and signatures live; user information is sent as HTTP Basic authentication.
   *
   * @param uri the archive's absolute URI
   * @param options timeouts, retries, TLS trust and headers for remote schemes ({@code file:}
   *     ignores them)
   * @return the open source, to be closed (or handed to a reader that closes it)
   * @throws IllegalArgumentException if the URI is not absolute, or is malformed for its scheme
   * @throws UnsupportedOperationException if no installed module reads the URI's scheme (the
   *     message names the scheme and, where known, the module that would)
   * @throws java.nio.file.NoSuchFileException if nothing is there (HTTP 404 or 410)
   * @throws java.nio.file.AccessDeniedException if reading it is refused (HTTP 401 or 403)
   * @throws javax.net.ssl.SSLException if the server's certificate is not trusted, or TLS fails
   * @throws java.io.InterruptedIOException if this thread was interrupted
   * @throws dev.engram.CorruptArchiveException if the resource is empty
   * @throws IOException if it cannot be read: a server that ignores range requests for a resource
   *     above 64 KiB, an answer that is malformed, or failures that persisted through every retry
   */
  static ArchiveSource open(URI uri, RemoteOptions options) throws IOException {
    return UriSources.open(Objects.requireNonNull(uri, "uri"),
        Objects.requireNonNull(options, "options"));
  }

  /**
   * Serves an array as an archive, without copying it: the caller must not change the array
   * while the source is in use. Each call makes a source with an identity of its own.
   *
   * @param bytes the archive's bytes
   * @param name what messages call it
   * @return the source; closing it only marks it closed
   */
  static ArchiveSource wrap(byte[] bytes, String name) {
    return new MemorySource(Objects.requireNonNull(bytes, "bytes"),
        Objects.requireNonNull(name, "name"));
  }

  /**
   * Returns what messages call this archive: a file's path, a URL.
   *
   * @return the name
   */
  String name();

  /**
   * Returns which bytes this source serves: where from and which version, as found when it was
   * opened.
   *
   * @return the identity
   */
  SourceIdentity identity();

  /**
   * Asks the storage which version it holds now. Comparing the result with {@link #identity()}
   * tells whether the archive was changed (rewritten, replaced, truncated) since the source was
   * opened. A source that cannot tell returns {@link #identity()}.
   *
   * @return the identity the storage reports now
   * @throws java.nio.file.NoSuchFileException if the archive is gone
   * @throws IOException if the storage cannot be asked
   */
  default SourceIdentity currentIdentity() throws IOException {
    return identity();
  }

  /**
   * Says whether each read of this source costs a round trip to another machine (a web server,
   * object storage), unlike a local file or an array. A reader on a remote source takes the
   * archive's header from the copy an engram-java archive keeps in its end record, so that the
   * archive's last bytes (the directory included, when it is small) open it in one request.
   *
   * @return true for a remote source; false (the default) for any other
   */
  default boolean isRemote() {
    return false;
  }

  /**
   * Returns the number of bytes, fixed when the source was opened.
   *
   * @return the size in bytes
   */
  long size();

  /**
   * Says whether the source can still be read: false once {@link #close()} was called.
   *
   * @return true until closed
   */
  boolean isOpen();

  /**
   * Fills the remaining space of a buffer with the bytes starting at a position. Safe to call
   * from any number of threads at once.
   *
   * @param position where to start, from 0
   * @param dst destination; filled from its position to its limit
   * @throws dev.engram.CorruptArchiveException if the bytes end before the buffer is full
   * @throws dev.engram.EngramException if the bytes are damaged or do not authenticate (for a
   *     source that decrypts)
   * @throws java.io.InterruptedIOException if this thread was interrupted
   * @throws IllegalStateException if the source is closed
   * @throws IOException if reading fails
   */
  void readFully(long position, ByteBuffer dst) throws IOException;

  /**
   * Reads exactly {@code length} bytes starting at a position into an array.
   *
   * @param position where to start, from 0
   * @param dst destination array
   * @param offset where to start writing in {@code dst}
   * @param length number of bytes
   * @throws dev.engram.CorruptArchiveException if the bytes end first
   * @throws IndexOutOfBoundsException if offset and length do not fit {@code dst}
   * @throws IllegalStateException if the source is closed
   * @throws IOException if reading fails
   */
  default void readFully(long position, byte[] dst, int offset, int length) throws IOException {
    readFully(position, ByteBuffer.wrap(dst, offset, length));
  }

  /**
   * Writes {@code count} bytes starting at a position to a channel. Sources that can copy
   * without passing the bytes through the Java heap (a local file to a local file: {@code
   * copy_file_range} or {@code sendfile}) override this; the default reads in 64 KiB pieces.
   *
   * @param position where to start, from 0
   * @param count how many bytes
   * @param target where to write them, from its current position
   * @throws dev.engram.CorruptArchiveException if the bytes end first
   * @throws IllegalArgumentException if the position or count is negative
   * @throws IllegalStateException if the source is closed
   * @throws IOException if reading or writing fails
   */
  default void transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    Transfers.inPieces(this, position, count, target, 64 * 1024);
  }
}
