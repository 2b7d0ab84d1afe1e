package dev.engram.nio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over content a writable file system staged (a spooled temporary file, or
 * bytes): a stream of it, skipped forward to the position and opened again to go back. Skipping
 * a spooled file moves its position, so seeks cost no reading.
 *
 * <p>Not thread-safe: one thread each.
 */
final class StagedContentChannel implements SeekableByteChannel {
  /** Opens the content again, from its start. */
  interface Opener {
    InputStream open() throws IOException;
  }

  private final Opener opener;
  private final long size;
  private InputStream stream;
  /** Where {@link #stream} is. */
  private long streamPosition;
  private long position;
  private boolean open = true;

  StagedContentChannel(Opener opener, long size) throws IOException {
    this.opener = opener;
    this.size = size;
    this.stream = opener.open();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    if (position < streamPosition) {
      stream.close();
      stream = opener.open();
      streamPosition = 0;
    }
    while (streamPosition < position) {
      long skipped = stream.skip(position - streamPosition);
      if (skipped <= 0) {
        if (stream.read() < 0) {
          return -1;
        }
        skipped = 1;
      }
      streamPosition += skipped;
    }
    int n;
    if (dst.hasArray()) {
      n = stream.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) {
        dst.position(dst.position() + n);
      }
    } else {
      byte[] buffer = new byte[Math.min(dst.remaining(), 1 << 16)];
      n = stream.read(buffer);
      if (n > 0) {
        dst.put(buffer, 0, n);
      }
    }
    if (n > 0) {
      streamPosition += n;
      position += n;
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position: " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    if (open) {
      open = false;
      stream.close();
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
