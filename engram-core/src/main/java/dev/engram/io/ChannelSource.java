package dev.engram.io;

import dev.engram.CorruptArchiveException;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An archive on a file system that offers no {@link java.nio.channels.FileChannel}, only {@link
 * Files#newByteChannel}: a {@link SeekableByteChannel} whose one position all threads would share.
 * Reads are therefore serialised: each sets the position and reads under a lock, in pieces of at
 * most 256 KiB so that a large read does not keep the other threads waiting for all of it.
 *
 * <p>Like {@link ArchiveFile}, a thread interrupted while reading gets an {@link
 * InterruptedIOException} and does not break the source for the others: if the interrupt closed
 * the channel, the next read reopens the file (checking that it is still the same file: the same
 * size, modified time and file key) and goes on.
 *
 * <p>Thread-safe.
 */
public final class ChannelSource implements ArchiveSource {
  /** Largest read made under the lock; also bounds a hidden per-thread direct buffer. */
  private static final int MAX_READ = 256 * 1024;

  private final Path path;
  private final String name;
  private final long size;
  private final SourceIdentity identity;
  /** Held for every positioned read of {@link #channel}, which has one position for all. */
  private final ReentrantLock lock = new ReentrantLock();
  private volatile SeekableByteChannel channel;
  private volatile boolean closed;

  private ChannelSource(Path path, SeekableByteChannel channel, BasicFileAttributes attributes,
      long size) {
    this.path = path;
    this.name = path.toString();
    this.channel = channel;
    this.size = size;
    this.identity = ArchiveFile.identityOf(path, attributes);
  }

  /**
   * Opens a file of any file system for reading.
   *
   * @param path the file
   * @return the open source
   * @throws UnsupportedOperationException if the file system's byte channels cannot seek
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws IOException if it cannot be opened
   */
  public static ChannelSource open(Path path) throws IOException {
    SeekableByteChannel channel = Files.newByteChannel(path, StandardOpenOption.READ);
    try {
      try {
        channel.position(0);
      } catch (UnsupportedOperationException e) {
        // The jrt file system's byte channels are such: reading at a position would mean
        // reopening and skipping, which no archive reader wants.
        throw new UnsupportedOperationException(path + ": its file system offers no FileChannel,"
            + " and its byte channels cannot move to a position", e);
      }
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return new ChannelSource(path, channel, attributes, channel.size());
    } catch (IOException | RuntimeException e) {
      Cleanup.closeAfter(e, channel);
      throw e;
    }
  }

  /**
   * Returns the path the file was opened with, which messages name.
   *
   * @return the archive's name
   */
  @Override
  public String name() {
    return name;
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
    return ArchiveFile.identityOf(path, Files.readAttributes(path, BasicFileAttributes.class));
  }

  /**
   * Returns the file's size when it was opened.
   *
   * @return size in bytes
   */
  @Override
  public long size() {
    return size;
  }

  /**
   * Fills the remaining space of a buffer from a position, one piece at a time under the lock.
   *
   * @param position absolute file offset
   * @param dst destination; filled from its position to its limit
   * @throws CorruptArchiveException if the file ends first (it was truncated while open)
   * @throws InterruptedIOException if this thread was interrupted
   * @throws IllegalStateException if the source is closed
   * @throws IOException on an I/O error, or if the file was replaced while a reopen was needed
   */
  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    int limit = dst.limit();
    try {
      long at = position;
      while (dst.hasRemaining()) {
        dst.limit(dst.position() + Math.min(dst.remaining(), MAX_READ));
        int n = read(dst, at);
        dst.limit(limit);
        if (n < 0) {
          throw new CorruptArchiveException(name + ": data ends at " + at + ", needed "
              + dst.remaining() + " more bytes (was it truncated while open?)");
        }
        at += n;
      }
    } finally {
      dst.limit(limit);
    }
  }

  private int read(ByteBuffer dst, long position) throws IOException {
    // An interruptible channel would close itself for everyone at once: fail this thread alone.
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(null);
    }
    try {
      lock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // kept set, as a closed-by-interrupt channel keeps it
      throw interrupted(e);
    }
    try {
      while (true) {
        if (closed) {
          throw new IllegalStateException("archive " + name + " is closed");
        }
        SeekableByteChannel current = channel;
        try {
          return current.position(position).read(dst);
        } catch (ClosedByInterruptException e) {
          // The next thread to read reopens the file; this one is still interrupted, and its
          // interrupt would close a reopened channel at once.
          throw interrupted(e);
        } catch (ClosedChannelException e) {
          if (closed) {
            throw new IllegalStateException("archive " + name + " is closed", e);
          }
          // an interrupt of the thread that read before this one closed the channel
          reopen();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Replaces the closed {@link #channel}; called under {@link #lock}, in step with close(). */
  private synchronized void reopen() throws IOException {
    if (closed) {
      throw new IllegalStateException("archive " + name + " is closed");
    }
    // already closed, but a provider's wrapper may still hold resources (zipfs: a temporary copy)
    channel.close();
    channel = Reopening.reopen(name, () -> Files.newByteChannel(path, StandardOpenOption.READ),
        this::checkSameFile);
  }

  /** Stricter than ArchiveFile's check: many file systems have no file key to compare. */
  private void checkSameFile() throws IOException {
    SourceIdentity now = currentIdentity();
    if (!now.equals(identity)) {
      throw new IOException(name + " was replaced or changed while open (now " + now + ", was "
          + identity + "); reopen the archive");
    }
  }

  private InterruptedIOException interrupted(Throwable cause) {
    return Reopening.interrupted(name, cause);
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
   * Closes the file. A read in progress is ended (with {@link IllegalStateException}, or with
   * {@link InterruptedIOException} where the provider interrupts the reading thread); later reads
   * fail with {@link IllegalStateException}.
   *
   * @throws IOException if closing fails
   */
  @Override
  public synchronized void close() throws IOException {
    closed = true;
    channel.close();
  }
}
