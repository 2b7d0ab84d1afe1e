package dev.engram.source;

import dev.engram.CorruptArchiveException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The last bytes of a remote archive, kept by the {@link ArchiveSource} that fetched them when
 * it opened (a suffix range request, such as {@code Range: bytes=-65536}, gives the archive's
 * size with them): they hold the end record and usually the directory, so the reads that open
 * the archive cost no further request. {@link #readFully} serves a read from them, and fetches
 * only the part before them, in one call. For implementations of remote sources (engram-core's
 * HTTP source, engram-s3). Immutable and thread-safe.
 */
public final class KeptTail {
  /** Fetches a range, filling the buffer from its position to its limit (one request). */
  @FunctionalInterface
  public interface RangeFetcher {
    /**
     * Fetches the bytes at a position.
     *
     * @param position where to start
     * @param dst filled from its position to its limit
     * @throws IOException if fetching fails
     */
    void fetch(long position, ByteBuffer dst) throws IOException;
  }

  private final String name;
  private final long size;
  private final ByteBuffer tail;
  private final long tailStart;

  /**
   * Keeps the last bytes of an archive.
   *
   * @param name what messages call the archive
   * @param size the archive's size
   * @param tail its last bytes, from the buffer's position to its limit (copied: the buffer may
   *     change afterwards)
   * @throws IllegalArgumentException if the tail is longer than the archive
   */
  public KeptTail(String name, long size, ByteBuffer tail) {
    this.name = Objects.requireNonNull(name, "name");
    if (tail.remaining() > size) {
      throw new IllegalArgumentException(
          "a tail of " + tail.remaining() + " bytes is longer than the archive's " + size);
    }
    ByteBuffer copy = ByteBuffer.allocate(tail.remaining());
    copy.put(tail.duplicate()).flip();
    this.size = size;
    this.tail = copy.asReadOnlyBuffer();
    this.tailStart = size - copy.capacity();
  }

  /**
   * Returns where the kept bytes start.
   *
   * @return the archive's size minus the tail's length
   */
  public long start() {
    return tailStart;
  }

  /**
   * Fills a buffer with the archive's bytes from a position: what lies in the tail from it, the
   * part before the tail with one call of {@code fetcher}.
   *
   * @param position where to start, from 0
   * @param dst destination; filled from its position to its limit
   * @param fetcher fetches the part before the tail, if the read has one
   * @throws CorruptArchiveException if the range goes past the archive's end
   * @throws IOException if fetching fails
   */
  public void readFully(long position, ByteBuffer dst, RangeFetcher fetcher) throws IOException {
    if (position < 0 || position > size || dst.remaining() > size - position) {
      throw new CorruptArchiveException(name + ": data ends at " + size + ", needed "
          + dst.remaining() + " bytes at " + position);
    }
    if (!dst.hasRemaining()) {
      return;
    }
    long end = position + dst.remaining();
    if (position < tailStart) {
      int fetched = (int) (Math.min(end, tailStart) - position);
      ByteBuffer head = dst.duplicate();
      head.limit(head.position() + fetched);
      fetcher.fetch(position, head);
      dst.position(dst.position() + fetched);
      position += fetched;
    }
    if (dst.hasRemaining()) {
      int at = (int) (position - tailStart);
      dst.put(tail.duplicate().position(at).limit(at + dst.remaining()));
    }
  }
}
