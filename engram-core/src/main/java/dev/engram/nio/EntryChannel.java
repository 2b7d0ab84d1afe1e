package dev.engram.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over an entry, registered with its file system so that closing the file
 * system closes it. Reads go to the reader's channel, which decodes only the frames of a framed
 * entry that a read touches and checks the CRC32 when the content is read in order to its end.
 *
 * <p>Not thread-safe, like the reader's channel: each thread opens its own.
 */
final class EntryChannel implements SeekableByteChannel {
  private final SeekableByteChannel delegate;
  private final EngramFileSystem fileSystem;
  /** Set by the file system right after construction. */
  OpenResources.Link registration;
  private volatile boolean open = true;

  EntryChannel(SeekableByteChannel delegate, EngramFileSystem fileSystem) {
    this.delegate = delegate;
    this.fileSystem = fileSystem;
  }

  /** The reader's channel, for tests that count decoded frames. */
  SeekableByteChannel delegate() {
    return delegate;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    return delegate.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return delegate.position();
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    delegate.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return delegate.size();
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
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
      fileSystem.forget(registration);
      delegate.close();
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
