package dev.engram.sqlite;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A temporary file SQLite asks the VFS for (sorter spills, temporary tables and indexes, statement
 * journals), kept in memory so that querying an archive never creates a file. Used by one SQLite
 * connection at a time, but locked anyway: the cost is nothing next to SQLite's own work.
 */
final class TempFile {
  private static final int CHUNK = 64 * 1024;

  private final List<byte[]> chunks = new ArrayList<>();
  private long size;

  synchronized long size() {
    return size;
  }

  /**
   * Reads into {@code dst}; past the end it zero-fills.
   *
   * @return how many bytes were inside the file
   */
  synchronized long read(long offset, MemorySegment dst) {
    long wanted = dst.byteSize();
    long available = Math.max(0, Math.min(wanted, size - offset));
    long done = 0;
    while (done < available) {
      long at = offset + done;
      byte[] chunk = chunks.get((int) (at / CHUNK));
      int inChunk = (int) (at % CHUNK);
      int n = (int) Math.min(available - done, CHUNK - inChunk);
      MemorySegment.copy(chunk, inChunk, dst, ValueLayout.JAVA_BYTE, done, n);
      done += n;
    }
    if (available < wanted) {
      dst.asSlice(available).fill((byte) 0);
    }
    return available;
  }

  synchronized void write(long offset, MemorySegment src) {
    long length = src.byteSize();
    long end = offset + length;
    while ((long) chunks.size() * CHUNK < end) {
      chunks.add(new byte[CHUNK]);
    }
    long done = 0;
    while (done < length) {
      long at = offset + done;
      byte[] chunk = chunks.get((int) (at / CHUNK));
      int inChunk = (int) (at % CHUNK);
      int n = (int) Math.min(length - done, CHUNK - inChunk);
      MemorySegment.copy(src, ValueLayout.JAVA_BYTE, done, chunk, inChunk, n);
      done += n;
    }
    size = Math.max(size, end);
  }

  synchronized void truncate(long newSize) {
    if (newSize >= size) {
      return;
    }
    int keep = (int) ((newSize + CHUNK - 1) / CHUNK);
    chunks.subList(keep, chunks.size()).clear();
    if (newSize % CHUNK != 0) {
      byte[] last = chunks.get(keep - 1);
      java.util.Arrays.fill(last, (int) (newSize % CHUNK), CHUNK, (byte) 0);
    }
    size = newSize;
  }

  synchronized void close() {
    chunks.clear();
    size = 0;
  }
}
