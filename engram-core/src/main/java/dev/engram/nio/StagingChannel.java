package dev.engram.nio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A channel writing a file of a writable file system: the update's spooled channel (a private
 * temporary file), whose content becomes the file's when this channel closes, including when the
 * file system closes it. Registered with the file system.
 *
 * <p>{@link #asStream()} gives the stream {@code Files.newOutputStream} returns, whose buffer is
 * the channel's: closing the channel, as the file system does when it closes, writes it first.
 *
 * <p>For one thread at a time (its methods are synchronized, so that the file system may close
 * it from another).
 */
final class StagingChannel implements SeekableByteChannel {
  private final SeekableByteChannel spool;
  private final Staging staging;
  private final String key;
  private final boolean readable;
  private final boolean append;
  /** Set by the file system right after construction. */
  OpenResources.Link registration;
  private volatile boolean open = true;
  /** The buffer of the stream over this channel; null when there is none. */
  private ByteBuffer pending;

  StagingChannel(SeekableByteChannel spool, Staging staging, String key, boolean readable,
      boolean append) {
    this.spool = spool;
    this.staging = staging;
    this.key = key;
    this.readable = readable;
    this.append = append;
  }

  /** The tree key of the file being written. */
  String key() {
    return key;
  }

  /** A buffered stream writing through this channel, closed with it. */
  synchronized OutputStream asStream() {
    pending = ByteBuffer.allocate(1 << 16);
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        synchronized (StagingChannel.this) {
          ensureOpen();
          if (!pending.hasRemaining()) {
            flushPending();
          }
          pending.put((byte) b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        synchronized (StagingChannel.this) {
          ensureOpen();
          if (len > pending.remaining()) {
            flushPending();
          }
          if (len >= pending.capacity()) {
            ByteBuffer whole = ByteBuffer.wrap(b, off, len);
            while (whole.hasRemaining()) {
              StagingChannel.this.write(whole);
            }
          } else {
            pending.put(b, off, len);
          }
        }
      }

      @Override
      public void flush() throws IOException {
        synchronized (StagingChannel.this) {
          ensureOpen();
          flushPending();
        }
      }

      @Override
      public void close() throws IOException {
        StagingChannel.this.close();
      }
    };
  }

  private void flushPending() throws IOException {
    pending.flip();
    while (pending.hasRemaining()) {
      write(pending);
    }
    pending.clear();
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (!readable) {
      throw new NonReadableChannelException();
    }
    return spool.read(dst);
  }

  @Override
  public synchronized int write(ByteBuffer src) throws IOException {
    ensureOpen();
    if (append) {
      spool.position(spool.size());
    }
    return spool.write(src);
  }

  @Override
  public synchronized long position() throws IOException {
    ensureOpen();
    return spool.position();
  }

  @Override
  public synchronized SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    spool.position(newPosition);
    return this;
  }

  @Override
  public synchronized long size() throws IOException {
    ensureOpen();
    return spool.size();
  }

  @Override
  public synchronized SeekableByteChannel truncate(long size) throws IOException {
    ensureOpen();
    spool.truncate(size);
    return this;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Makes the content the file's, the stream's buffer included; a second close does nothing. */
  @Override
  public synchronized void close() throws IOException {
    if (!open) {
      return;
    }
    try {
      if (pending != null) {
        flushPending();
      }
    } finally {
      open = false;
      staging.finish(this, spool);
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
