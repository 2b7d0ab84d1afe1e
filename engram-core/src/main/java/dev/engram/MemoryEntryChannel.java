package dev.engram;

import dev.engram.io.ReadOnlyChannel;
import java.nio.ByteBuffer;

/** Serves content already decoded and checked in memory. Not thread-safe. */
final class MemoryEntryChannel extends ReadOnlyChannel {
  private byte[] content;

  MemoryEntryChannel(byte[] content) {
    super(content.length, null);
    this.content = content;
  }

  @Override
  protected int readAt(ByteBuffer dst, long position) {
    int n = (int) Math.min(dst.remaining(), content.length - position);
    dst.put(content, (int) position, n);
    return n;
  }

  @Override
  protected void release() {
    content = null;
  }
}
