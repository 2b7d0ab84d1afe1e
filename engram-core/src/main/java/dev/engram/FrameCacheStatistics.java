package dev.engram;

/**
 * A snapshot of the frame cache that an {@link ArchiveReader}'s {@link RandomAccessEntry} views
 * share, from {@link ArchiveReader#frameCacheStatistics()}. Immutable: later reads do not change
 * it; ask the reader again for newer values. Each value is read at the moment of the call, so
 * under concurrent reads they may be a few lookups apart from each other.
 *
 * <p>Only random-access reads ({@link ArchiveReader#openRandomAccess}, and so SQLite queries)
 * look frames up in this cache: each frame a read touches is one hit or one miss, and a miss
 * decodes the frame.
 *
 * @param capacityBytes the most decoded bytes the cache keeps ({@link
 *     ReaderOptions#frameCacheSize()})
 * @param sizeBytes the decoded bytes it held at the time of the snapshot
 * @param hits lookups that found their frame in the cache, since the reader opened
 * @param misses lookups that did not (each decoded its frame), since the reader opened
 * @param evictions frames dropped to make room for others, since the reader opened
 */
public record FrameCacheStatistics(
    long capacityBytes, long sizeBytes, long hits, long misses, long evictions) {

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if a value is negative
   */
  public FrameCacheStatistics {
    if (capacityBytes < 0 || sizeBytes < 0 || hits < 0 || misses < 0 || evictions < 0) {
      throw new IllegalArgumentException("frame cache statistics must not be negative: capacity "
          + capacityBytes + ", size " + sizeBytes + ", hits " + hits + ", misses " + misses
          + ", evictions " + evictions);
    }
  }
}
