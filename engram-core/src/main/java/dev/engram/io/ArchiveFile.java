package dev.engram.io;

import dev.engram.CorruptArchiveException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * An archive file open for positional reads from many threads at once, without a lock: every
 * read is a {@code pread} at an explicit offset, so threads never share a file position.
 *
 * <p>A {@link FileChannel} is closed for everyone when any thread is interrupted during I/O on
 * it. A reader shared by a server's threads must not break because one request was cancelled, so
 * this class reopens the file (checking it is still the same file) and retries the reads of the
 * threads that were not interrupted; the interrupted thread gets an {@link
 * InterruptedIOException}.
 *
 * <p>Thread-safe.
 */
public final class ArchiveFile implements ArchiveSource {
  /**
   * Largest single read into a heap buffer. The JDK copies heap reads through a per-thread cached
   * direct buffer as large as the request; bounding the request bounds that hidden memory.
   */
  private static final int MAX_READ = 256 * 1024;
  /** Bytes per step of {@link #transferTo}. */
  private static final long TRANSFER_STEP = 8L << 20;

  private final Path path;
  private final String shownAs;
  /** The position byte 0 of the file stands for: 0, or where a decrypted body belongs. */
  private final long origin;
  private final boolean deleteOnClose;
  private final Object fileKey;
  private final long size;
  private final SourceIdentity identity;
  private volatile FileChannel channel;
  private volatile boolean closed;

  private ArchiveFile(Path path, String shownAs, long origin, boolean deleteOnClose,
      FileChannel channel, BasicFileAttributes attributes, long size) {
    this.path = path;
    this.shownAs = shownAs;
    this.origin = origin;
    this.deleteOnClose = deleteOnClose;
    this.channel = channel;
    this.fileKey = attributes.fileKey();
    this.size = size;
    this.identity = identityOf(path, attributes);
  }

  /**
   * Opens a file for reading, of any file system that offers a {@link FileChannel}.
   *
   * @param path the file
   * @return the open file
   * @throws UnsupportedOperationException if the path's file system offers no FileChannel
   * @throws IOException if it cannot be opened
   */
  public static ArchiveFile open(Path path) throws IOException {
    return open(path, path.toString(), 0, false);
  }

  /**
   * Opens a private temporary file that holds decrypted bytes belonging at {@code origin} of a
   * larger, virtual file: position {@code origin + i} reads the file's byte {@code i}. The file
   * is deleted when this is closed; messages name {@code shownAs}.
   *
   * @param file the temporary file
   * @param origin the virtual position of the file's first byte
   * @param shownAs the name of the archive the bytes belong to, for messages
   * @return the open file
   * @throws IOException if it cannot be opened
   */
  public static ArchiveFile openTemporary(Path file, long origin, String shownAs)
      throws IOException {
    return open(file, shownAs, origin, true);
  }

  private static ArchiveFile open(Path path, String shownAs, long origin,
      boolean deleteOnClose) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return new ArchiveFile(path, shownAs, origin, deleteOnClose, channel, attributes,
          origin + channel.size());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Returns the archive this file is, or belongs to: the name messages use (the path it was
   * opened with).
   *
   * @return the archive's name
   */
  @Override
  public String name() {
    return shownAs;
  }

  /**
   * Returns the file's URI, size, modified time and file key when it was opened.
   *
   * @return the identity
   */
  @Override
  public SourceIdentity identity() {
    return identity;
  }

  /**
   * Reads the file's attributes now.
   *
   * @return its current URI, size, modified time and file key
   * @throws java.nio.file.NoSuchFileException if the file is gone
   * @throws IOException if its attributes cannot be read
   */
  @Override
  public SourceIdentity currentIdentity() throws IOException {
    return identityOf(path, Files.readAttributes(path, BasicFileAttributes.class));
  }

  /** The identity of a file of any file system: its URI, size, modified time and file key. */
  static SourceIdentity identityOf(Path path, BasicFileAttributes attributes) {
    FileTime modified = attributes.lastModifiedTime();
    Object key = attributes.fileKey();
    return new SourceIdentity(path.toAbsolutePath().toUri().toString(), attributes.size(),
        "modified=" + modified + (key == null ? "" : ";key=" + key));
  }

  /**
   * Returns the end of the readable positions: the file's size when it was opened, plus its
   * origin.
   *
   * @return size in bytes
   */
  @Override
  public long size() {
    return size;
  }

  /**
   * Fills the remaining space of a buffer from a position.
   *
   * @param position absolute file offset
   * @param dst destination; filled from its position to its limit
   * @throws CorruptArchiveException if the file ends first (it was truncated while open)
   * @throws InterruptedIOException if this thread was interrupted
   * @throws IOException on an I/O error
   */
  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    if (position < origin) {
      throw new CorruptArchiveException(shownAs + ": position " + position
          + " lies before the decrypted data, which starts at " + origin);
    }
    int limit = dst.limit();
    try {
      long at = position - origin;
      while (dst.hasRemaining()) {
        if (!dst.isDirect() && dst.remaining() > MAX_READ) {
          dst.limit(dst.position() + MAX_READ);
        }
        int n = read(dst, at);
        dst.limit(limit);
        if (n < 0) {
          throw new CorruptArchiveException(shownAs + ": data ends at " + (origin + at)
              + ", needed " + dst.remaining() + " more bytes (was it truncated while open?)");
        }
        at += n;
      }
    } finally {
      dst.limit(limit);
    }
  }

  /**
   * Copies a region of the file to a channel without passing it through the Java heap (the
   * operating system copies it: {@code copy_file_range} or {@code sendfile} on Linux).
   *
   * @param position absolute file offset
   * @param count how many bytes
   * @param target where to write them, from its current position
   * @throws CorruptArchiveException if the file ends first
   * @throws InterruptedIOException if this thread was interrupted
   * @throws IOException on an I/O error
   */
  @Override
  public void transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    if (position < origin) {
      throw new CorruptArchiveException(shownAs + ": position " + position
          + " lies before the decrypted data, which starts at " + origin);
    }
    long at = position - origin;
    long end = at + count;
    while (at < end) {
      FileChannel current = channel;
      long n;
      try {
        // in steps, so that an interrupt is noticed
        n = current.transferTo(at, Math.min(end - at, TRANSFER_STEP), target);
      } catch (ClosedByInterruptException e) {
        throw interrupted(e);
      } catch (AsynchronousCloseException e) {
        reopenAfter(current);
        continue;
      } catch (ClosedChannelException e) {
        if (closed) {
          throw new IllegalStateException("archive " + shownAs + " is closed", e);
        }
        reopenAfter(current);
        continue;
      }
      if (n <= 0) {
        throw new CorruptArchiveException(shownAs + ": data ends at " + (origin + at)
            + ", needed " + (end - at) + " more bytes (was it truncated while open?)");
      }
      at += n;
    }
  }

  private int read(ByteBuffer dst, long position) throws IOException {
    while (true) {
      FileChannel current = channel;
      try {
        return current.read(dst, position);
      } catch (ClosedByInterruptException e) {
        // The next thread to read reopens the file; this one is still interrupted, and its
        // interrupt would close a reopened channel at once.
        throw interrupted(e);
      } catch (AsynchronousCloseException e) {
        // another thread's interrupt closed the shared channel: reopen and retry
        reopenAfter(current);
      } catch (ClosedChannelException e) {
        if (closed) {
          throw new IllegalStateException("archive " + shownAs + " is closed", e);
        }
        reopenAfter(current);
      }
    }
  }

  private synchronized void reopenAfter(FileChannel failed) throws IOException {
    if (closed) {
      throw new IllegalStateException("archive " + shownAs + " is closed");
    }
    if (channel != failed) {
      return; // another thread already reopened it
    }
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(null);
    }
    // Already closed, but a provider's wrapper may still hold resources: zipfs serves a
    // FileChannel on a temporary copy of the entry, deleted only when the wrapper is closed.
    failed.close();
    channel = Reopening.reopen(shownAs, () -> FileChannel.open(path, StandardOpenOption.READ),
        this::checkSameFile);
  }

  private void checkSameFile() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
    if (!Objects.equals(attributes.fileKey(), fileKey) || attributes.size() < size - origin) {
      throw new IOException(path + " was replaced or truncated while open; reopen the archive");
    }
  }

  private InterruptedIOException interrupted(Throwable cause) {
    return Reopening.interrupted(shownAs, cause);
  }

  /**
   * Says whether {@link #close()} has not been called yet.
   *
   * @return true until closed
   */
  @Override
  public boolean isOpen() {
    return !closed;
  }

  /**
   * Closes the file. Reads in progress or later fail with {@link IllegalStateException}.
   *
   * @throws IOException if closing fails
   */
  @Override
  public synchronized void close() throws IOException {
    closed = true;
    try {
      channel.close();
    } finally {
      if (deleteOnClose) {
        Files.deleteIfExists(path);
      }
    }
  }
}
