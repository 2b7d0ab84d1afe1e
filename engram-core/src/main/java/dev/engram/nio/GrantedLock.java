package dev.engram.nio;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/**
 * A lock on a channel of an engram file system, granted at once: no other process can open the
 * channel's content (an entry, or a private temporary file), so there is nothing to contend
 * with. Valid until released or until its channel closes. Thread-safe.
 */
final class GrantedLock extends FileLock {
  private volatile boolean released;

  GrantedLock(FileChannel channel, long position, long size, boolean shared) {
    super(channel, position, size, shared);
  }

  @Override
  public boolean isValid() {
    return !released && channel().isOpen();
  }

  @Override
  public void release() throws IOException {
    if (!channel().isOpen()) {
      throw new ClosedChannelException();
    }
    released = true;
  }
}
