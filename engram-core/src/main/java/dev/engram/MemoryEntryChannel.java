package dev.engram;

import dev.engram.source.ArchiveSource;
import dev.engram.io.ReadOnlyChannel;
import java.nio.ByteBuffer;

/**
 * Serves content already decoded and checked in memory. Like every entry channel it stops working
 * when its reader is closed. Not thread-safe.
 */
final class MemoryEntryChannel extends ReadOnlyChannel {
  private final ArchiveSource file;
  private byte[] content;

  MemoryEntryChannel(ArchiveSource file, byte[] content) {
    super(content.length, file.name());
    this.file = file;
    this.content = content;
  }

  @Override
  protected int readAt(ByteBuffer dst, long position) {
    if (!file.isOpen()) {
      throw new IllegalStateException("archive reader for " + file.name() + " is closed");
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
