package dev.engram.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;

/**
 * A stream over an entry, registered with its file system so that closing the file system closes
 * it. Reads go to the reader's stream, which checks the CRC32 at the end.
 *
 * <p>Not thread-safe.
 */
final class EntryInputStream extends InputStream {
  private final InputStream delegate;
  private final EngramFileSystem fileSystem;
  /** Set by the file system right after construction. */
  OpenResources.Link registration;
  private volatile boolean open = true;

  EntryInputStream(InputStream delegate, EngramFileSystem fileSystem) {
    this.delegate = delegate;
    this.fileSystem = fileSystem;
  }

  @Override
  public int read() throws IOException {
    ensureOpen();
    return delegate.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    return delegate.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    ensureOpen();
    return delegate.skip(n);
  }

  @Override
  public int available() throws IOException {
    ensureOpen();
    return delegate.available();
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    ensureOpen();
    return delegate.transferTo(out);
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
