package dev.engram.frame;

import dev.engram.format.Framing;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded frames shared by every thread reading one archive, bounded by their total size and
 * evicted least recently used first. A point lookup in a large framed entry then decodes a frame
 * once, not once per reader or connection.
 *
 * <p>The cache is split into independently locked shards so that threads reading different
 * frames rarely wait for each other; each shard holds an equal share of the capacity. Two
 * threads that miss the same frame at the same moment may both decode it; the second result
 * replaces the first, which is harmless because both are the same bytes.
 *
 * <p>Thread-safe. Frames handed out must not be modified.
 */
public final class FrameCache {
  private static final int MAX_SHARDS = 16;

  private final long capacity;
  private final Shard[] shards;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();

  /**
   * Creates a cache.
   *
   * @param capacityBytes the most decoded bytes to keep; 0 keeps nothing
   * @throws IllegalArgumentException if {@code capacityBytes} is negative
   */
  public FrameCache(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("frame cache capacity is negative: " + capacityBytes);
    }
    this.capacity = capacityBytes;
    // a shard must hold at least one whole frame, or it could cache nothing
    int count = (int) Math.max(1, Math.min(MAX_SHARDS, capacityBytes / Framing.FRAME_SIZE));
    this.shards = new Shard[count];
    for (int i = 0; i < count; i++) {
      shards[i] = new Shard(capacityBytes / count);
    }
  }

  /**
   * Builds the key of one frame of one entry.
   *
   * @param entry the entry's index in the archive directory
   * @param frame the frame's number within the entry
   * @return the key
   */
  public static long key(int entry, int frame) {
    return (long) entry << 32 | (frame & 0xFFFFFFFFL);
  }

  /**
   * Returns a cached frame and marks it recently used.
   *
   * @param key from {@link #key}
   * @return the decoded frame, or null if it is not cached
   */
  public byte[] get(long key) {
    byte[] frame = shard(key).get(key);
    (frame != null ? hits : misses).incrementAndGet();
    return frame;
  }

  /**
   * Caches a decoded frame, evicting the least recently used frames of its shard to make room.
   * A frame larger than a shard's share of the capacity is not cached.
   *
   * @param key from {@link #key}
   * @param frame the decoded frame; the cache keeps the array itself
   */
  public void put(long key, byte[] frame) {
    int evicted = shard(key).put(key, frame);
    if (evicted > 0) {
      evictions.addAndGet(evicted);
    }
  }

  /**
   * Returns the capacity this cache was created with.
   *
   * @return bytes
   */
  public long capacity() {
    return capacity;
  }

  /**
   * Returns the decoded bytes held now.
   *
   * @return bytes
   */
  public long size() {
    long total = 0;
    for (Shard shard : shards) {
      total += shard.size();
    }
    return total;
  }

  /**
   * Returns how many lookups found their frame.
   *
   * @return hits since creation
   */
  public long hits() {
    return hits.get();
  }

  /**
   * Returns how many lookups did not find their frame.
   *
   * @return misses since creation
   */
  public long misses() {
    return misses.get();
  }

  /**
   * Returns how many cached frames were dropped to make room for others; {@link #clear()} and
   * replacing a frame do not count.
   *
   * @return evictions since creation
   */
  public long evictions() {
    return evictions.get();
  }

  /** Drops every cached frame, so that their memory can be reclaimed. */
  public void clear() {
    for (Shard shard : shards) {
      shard.clear();
    }
  }

  private Shard shard(long key) {
    long h = key * 0x9E3779B97F4A7C15L; // spreads consecutive frames over the shards
    return shards[(int) ((h >>> 40) % shards.length)];
  }

  /** One lock's worth of the cache: an access-ordered map with a byte budget. */
  private static final class Shard {
    private final long budget;
    private final LinkedHashMap<Long, byte[]> frames = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    Shard(long budget) {
      this.budget = budget;
    }

    synchronized byte[] get(long key) {
      return frames.get(key);
    }

    /** Caches a frame; returns how many frames it evicted. */
    synchronized int put(long key, byte[] frame) {
      if (frame.length > budget) {
        return 0;
      }
      byte[] old = frames.put(key, frame);
      bytes += frame.length - (old == null ? 0 : old.length);
      var eldest = frames.entrySet().iterator();
      int evicted = 0;
      while (bytes > budget) {
        Map.Entry<Long, byte[]> victim = eldest.next();
        bytes -= victim.getValue().length;
        eldest.remove();
        evicted++;
      }
      return evicted;
    }

    synchronized long size() {
      return bytes;
    }

    synchronized void clear() {
      frames.clear();
      bytes = 0;
    }
  }
}
