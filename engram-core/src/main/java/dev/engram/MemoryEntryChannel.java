package dev.engram;

import dev.engram.io.RandomAccessSource;
import dev.engram.io.ReadOnlyChannel;
import java.nio.ByteBuffer;

/**
 * Serves content already decoded and checked in memory. Like every entry channel it stops working
 * when its reader is closed. Not thread-safe.
 */
final class MemoryEntryChannel extends ReadOnlyChannel {
  private final RandomAccessSource file;
  private byte[] content;

  MemoryEntryChannel(RandomAccessSource file, byte[] content) {
    super(content.length, file.path());
    this.file = file;
    this.content = content;
  }

  @Override
  protected int readAt(ByteBuffer dst, long position) {
    if (file.isClosed()) {
      throw new IllegalStateException("archive reader for " + file.path() + " is closed");
    }
    int n = (int) Math.min(dst.remaining(), content.length - position);
    dst.put(content, (int) position, n);
    return n;
  }

  @Override
  protected void release() {
    content = null;
  }
}
