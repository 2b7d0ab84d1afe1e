package dev.engram.io;

import dev.engram.CorruptArchiveException;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An archive held in an array, served without copying. Thread-safe: reads only read the array.
 */
public final class MemorySource implements ArchiveSource {
  /** Numbers the sources, so that each has a version of its own. */
  private static final AtomicLong SOURCES = new AtomicLong();

  private final byte[] bytes;
  private final String name;
  private final SourceIdentity identity;
  private volatile boolean closed;

  /**
   * Serves an array.
   *
   * @param bytes the archive's bytes; not copied
   * @param name what messages call it
   */
  public MemorySource(byte[] bytes, String name) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
    this.name = Objects.requireNonNull(name, "name");
    this.identity = new SourceIdentity(name, bytes.length,
        "memory-" + SOURCES.incrementAndGet());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public SourceIdentity identity() {
    return identity;
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws CorruptArchiveException {
    if (closed) {
      throw new IllegalStateException("archive " + name + " is closed");
    }
    if (position < 0 || position > bytes.length || dst.remaining() > bytes.length - position) {
      throw new CorruptArchiveException(name + ": data ends at " + bytes.length + ", needed "
          + dst.remaining() + " bytes at " + position);
    }
    dst.put(bytes, (int) position, dst.remaining());
  }

  /** Marks the source closed; the array is left to the garbage collector. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "MemorySource[" + name + ", " + bytes.length + " bytes]";
  }
}
