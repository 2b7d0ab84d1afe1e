package dev.engram.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A {@link FileChannel} over a writable file system's channels that are not file channels: a
 * file being written ({@link StagingChannel}) or staged content being read ({@link
 * StagedContentChannel}). Reads and writes at explicit positions move the channel's position and
 * put it back, under the channel's lock.
 *
 * <p>Thread-safe: operations are serialised.
 */
final class ChannelFileChannel extends FileChannel {
  private static final int TRANSFER_BUFFER = 64 * 1024;

  private final SeekableByteChannel channel;
  private final boolean writable;

  ChannelFileChannel(SeekableByteChannel channel, boolean writable) {
    this.channel = channel;
    this.writable = writable;
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    if (offset < 0 || length < 0 || offset > dsts.length - length) {
      throw new IndexOutOfBoundsException();
    }
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      if (!dsts[i].hasRemaining()) {
        continue;
      }
      int n = channel.read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public synchronized int read(ByteBuffer dst, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("negative position: " + at);
    }
    long saved = channel.position();
    try {
      channel.position(at);
      return channel.read(dst);
    } finally {
      channel.position(saved);
    }
  }

  @Override
  public synchronized int write(ByteBuffer src) throws IOException {
    return channel.write(src);
  }

  @Override
  public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    if (offset < 0 || length < 0 || offset > srcs.length - length) {
      throw new IndexOutOfBoundsException();
    }
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      while (srcs[i].hasRemaining()) {
        total += channel.write(srcs[i]);
      }
    }
    return total;
  }

  @Override
  public synchronized int write(ByteBuffer src, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("negative position: " + at);
    }
    long saved = channel.position();
    try {
      channel.position(at);
      return channel.write(src);
    } finally {
      channel.position(saved);
    }
  }

  @Override
  public synchronized long position() throws IOException {
    return channel.position();
  }

  @Override
  public synchronized FileChannel position(long newPosition) throws IOException {
    channel.position(newPosition);
    return this;
  }

  @Override
  public synchronized long size() throws IOException {
    return channel.size();
  }

  @Override
  public synchronized FileChannel truncate(long size) throws IOException {
    channel.truncate(size);
    if (channel.position() > size) {
      channel.position(size);
    }
    return this;
  }

  /** Does nothing: the content is written when the file system closes. */
  @Override
  public void force(boolean metaData) throws IOException {
    if (!isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }

  @Override
  public synchronized long transferTo(long at, long count, WritableByteChannel target)
      throws IOException {
    return transfer(this::read, at, count, target);
  }

  /** Reads at a position, as {@link FileChannel#read(ByteBuffer, long)}. */
  interface PositionalRead {
    int read(ByteBuffer dst, long at) throws IOException;
  }

  /**
   * Copies {@code count} bytes from a position (fewer at the end) to a channel, in pieces: the
   * {@code transferTo} of the file channels of this package.
   */
  static long transfer(PositionalRead source, long at, long count, WritableByteChannel target)
      throws IOException {
    if (at < 0 || count < 0) {
      throw new IllegalArgumentException("position " + at + " and count " + count
          + " must not be negative");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(TRANSFER_BUFFER, Math.max(1, count)));
    long done = 0;
    while (done < count) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      int n = source.read(buffer, at + done);
      if (n <= 0) {
        break;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        target.write(buffer);
      }
      done += n;
    }
    return done;
  }

  @Override
  public synchronized long transferFrom(ReadableByteChannel src, long at, long count)
      throws IOException {
    if (at < 0 || count < 0) {
      throw new IllegalArgumentException("position " + at + " and count " + count
          + " must not be negative");
    }
    if (!writable) {
      throw new NonWritableChannelException();
    }
    if (at > size()) {
      return 0;
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(TRANSFER_BUFFER, Math.max(1, count)));
    long done = 0;
    while (done < count) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      int n = src.read(buffer);
      if (n <= 0) {
        break;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        done += write(buffer, at + done);
      }
    }
    return done;
  }

  /**
   * Not supported: the content is a staged copy, not a region of the archive.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException {
    throw new UnsupportedOperationException("files of an engram archive cannot be mapped;"
        + " read them through the channel");
  }

  /**
   * Grants the lock at once: no one else can open this content.
   *
   * @throws NonWritableChannelException for an exclusive lock on a channel that cannot write
   */
  @Override
  public FileLock lock(long at, long size, boolean shared) throws IOException {
    if (!isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
    if (!shared && !writable) {
      throw new NonWritableChannelException();
    }
    return new GrantedLock(this, at, size, shared);
  }

  @Override
  public FileLock tryLock(long at, long size, boolean shared) throws IOException {
    return lock(at, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    channel.close();
  }
}
