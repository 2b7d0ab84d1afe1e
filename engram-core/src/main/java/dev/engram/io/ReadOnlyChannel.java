package dev.engram.io;

import dev.engram.EngramException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * Base of the read-only channels over one entry's content: keeps the position, the size and the
 * open state, and refuses writes. Subclasses only serve reads at a position.
 *
 * <p>Not thread-safe: use one channel per thread (channels are cheap).
 */
public abstract class ReadOnlyChannel implements SeekableByteChannel {
  private final long size;
  private final String archive;
  private long position;
  private boolean open = true;

  /**
   * Creates a channel over content of a given size.
   *
   * @param size content size in bytes
   * @param archive the archive the content comes from, named in error messages; may be null
   */
  protected ReadOnlyChannel(long size, String archive) {
    this.size = size;
    this.archive = archive;
  }

  /**
   * Reads content at a position into a buffer.
   *
   * @param dst destination, with at least one byte remaining
   * @param position content offset, less than {@link #size()}
   * @return number of bytes read, at least 1
   * @throws IOException on an I/O error or corrupt data
   */
  protected abstract int readAt(ByteBuffer dst, long position) throws IOException;

  /**
   * Releases what the subclass holds. Called once, by {@link #close()}.
   *
   * @throws IOException if releasing fails
   */
  protected void release() throws IOException {}

  @Override
  public final int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int n;
    try {
      n = readAt(dst, position);
    } catch (EngramException e) {
      throw archive == null ? e : e.initArchive(archive);
    }
    position += n;
    return n;
  }

  /** Always throws: entry channels are read-only. */
  @Override
  public final int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public final long position() throws IOException {
    ensureOpen();
    return position;
  }

  /**
   * Sets the position; a position at or past the end makes the next read return -1.
   *
   * @throws IllegalArgumentException if the position is negative
   */
  @Override
  public final SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public final long size() throws IOException {
    ensureOpen();
    return size;
  }

  /** Always throws: entry channels are read-only. */
  @Override
  public final SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public final boolean isOpen() {
    return open;
  }

  @Override
  public final void close() throws IOException {
    if (open) {
      open = false;
      release();
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
