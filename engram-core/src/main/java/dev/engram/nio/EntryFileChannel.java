package dev.engram.nio;

import dev.engram.RandomAccessEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only {@link FileChannel} over an entry, for libraries that open files with {@code
 * FileChannel.open} (Lucene's directories, for example). Reads at explicit positions go through a
 * {@link RandomAccessEntry}, so many threads read one channel at once without a lock, and a
 * framed entry decodes only the frames a read touches (through the reader's shared frame cache).
 * A read at a position does not check the CRC32, which covers the whole content.
 *
 * <p>Thread-safe: positional reads run in parallel; reads at the channel's position are
 * serialised, as {@link FileChannel} specifies.
 */
final class EntryFileChannel extends FileChannel {
  private final RandomAccessEntry entry;
  private final EngramFileSystem fileSystem;
  /** Set by the file system right after construction. */
  OpenResources.Link registration;
  private final Object positionLock = new Object();
  private long position;

  EntryFileChannel(RandomAccessEntry entry, EngramFileSystem fileSystem) {
    this.entry = entry;
    this.fileSystem = fileSystem;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    synchronized (positionLock) {
      ensureOpen();
      int n = entry.read(position, dst);
      if (n > 0) {
        position += n;
      }
      return n;
    }
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    if (offset < 0 || length < 0 || offset > dsts.length - length) {
      throw new IndexOutOfBoundsException();
    }
    synchronized (positionLock) {
      ensureOpen();
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        if (!dsts[i].hasRemaining()) {
          continue;
        }
        int n = entry.read(position, dsts[i]);
        if (n < 0) {
          return total == 0 ? -1 : total;
        }
        position += n;
        total += n;
        if (dsts[i].hasRemaining()) {
          break;
        }
      }
      return total;
    }
  }

  @Override
  public int read(ByteBuffer dst, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("negative position: " + at);
    }
    ensureOpen();
    return entry.read(at, dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long at) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    synchronized (positionLock) {
      ensureOpen();
      return position;
    }
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position: " + newPosition);
    }
    synchronized (positionLock) {
      ensureOpen();
      position = newPosition;
      return this;
    }
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return entry.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  /** Does nothing: there is nothing to write back. */
  @Override
  public void force(boolean metaData) throws IOException {
    ensureOpen();
  }

  @Override
  public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
    ensureOpen();
    return ChannelFileChannel.transfer((dst, from) -> entry.read(from, dst), at, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  /**
   * Not supported: an entry's content is decoded, not a region of a file that could be mapped.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException {
    ensureOpen();
    throw new UnsupportedOperationException("entries of an engram archive cannot be mapped;"
        + " read them through the channel");
  }

  /**
   * Grants a shared lock, which nothing can contend with in a read-only file system; an
   * exclusive lock needs a channel open for writing.
   *
   * @throws NonWritableChannelException if {@code shared} is false
   */
  @Override
  public FileLock lock(long at, long size, boolean shared) throws IOException {
    ensureOpen();
    if (!shared) {
      throw new NonWritableChannelException();
    }
    return new GrantedLock(this, at, size, true);
  }

  @Override
  public FileLock tryLock(long at, long size, boolean shared) throws IOException {
    return lock(at, size, shared);
  }

  @Override
  protected void implCloseChannel() {
    fileSystem.forget(registration);
  }

  private void ensureOpen() throws IOException {
    if (!isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }
}
