package dev.engram.frame;

import dev.engram.format.Framing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FrameCacheTest {
  private static final int FRAME = Framing.FRAME_SIZE;

  @Test
  void keepsNoMoreThanItsCapacity() {
    FrameCache cache = new FrameCache(16L * FRAME);
    for (int k = 0; k < 1000; k++) {
      cache.put(FrameCache.key(3, k), new byte[FRAME]);
      assertTrue(cache.size() <= 16L * FRAME, "size " + cache.size() + " after " + k);
    }
    assertTrue(cache.size() > 0);
  }

  @Test
  void evictsTheLeastRecentlyUsedFrameOfAShard() {
    FrameCache cache = new FrameCache(FRAME); // one shard, one frame
    byte[] first = new byte[FRAME];
    cache.put(FrameCache.key(0, 0), first);
    assertSame(first, cache.get(FrameCache.key(0, 0)));
    cache.put(FrameCache.key(0, 1), new byte[FRAME]);
    assertNull(cache.get(FrameCache.key(0, 0)));
    assertNotNull(cache.get(FrameCache.key(0, 1)));
    assertEquals(FRAME, cache.size());
    assertEquals(1, cache.evictions());
  }

  @Test
  void countsEvictionsButNotReplacementsOrClearing() {
    FrameCache cache = new FrameCache(2L * FRAME - 1); // a single shard
    cache.put(1, new byte[40_000]);
    cache.put(1, new byte[40_000]); // replaced, not evicted
    cache.put(2, new byte[40_000]);
    assertEquals(0, cache.evictions());
    cache.put(3, new byte[100_000]); // over budget: both others go
    assertEquals(2, cache.evictions());
    cache.put(4, new byte[2 * FRAME]); // larger than the shard: not cached, nothing evicted
    cache.clear();
    assertEquals(2, cache.evictions());
  }

  @Test
  void recentlyReadFramesSurviveNewOnes() {
    FrameCache cache = new FrameCache(2L * FRAME - 1); // under two frames: a single shard
    cache.put(1, new byte[40_000]);
    cache.put(2, new byte[40_000]);
    cache.put(3, new byte[40_000]);
    assertNotNull(cache.get(1)); // 1 is now the most recently used
    cache.put(4, new byte[40_000]); // over budget: the least recently used (2) goes
    assertNotNull(cache.get(1));
    assertNull(cache.get(2));
    assertNotNull(cache.get(3));
    assertNotNull(cache.get(4));
    assertEquals(120_000, cache.size());
  }

  @Test
  void zeroCapacityCachesNothing() {
    FrameCache cache = new FrameCache(0);
    cache.put(1, new byte[1]);
    assertNull(cache.get(1));
    assertEquals(0, cache.size());
    assertEquals(1, cache.misses());
  }

  @Test
  void countsHitsAndMisses() {
    FrameCache cache = new FrameCache(1 << 20);
    cache.get(7);
    cache.put(7, new byte[5]);
    cache.get(7);
    cache.get(7);
    assertEquals(2, cache.hits());
    assertEquals(1, cache.misses());
  }

  @Test
  void keysOfDifferentEntriesAndFramesDiffer() {
    assertTrue(FrameCache.key(1, 0) != FrameCache.key(0, 1));
    assertEquals(FrameCache.key(2, -1), FrameCache.key(2, -1));
    assertTrue(FrameCache.key(0, -1) != FrameCache.key(1, 0));
  }

  @Test
  void clearEmptiesTheCache() {
    FrameCache cache = new FrameCache(1 << 20);
    cache.put(1, new byte[100]);
    cache.clear();
    assertNull(cache.get(1));
    assertEquals(0, cache.size());
  }

  @Test
  void negativeCapacityIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new FrameCache(-1));
  }

  @Test
  void staysWithinCapacityUnderConcurrentUse() throws Exception {
    long capacity = 32L * FRAME;
    FrameCache cache = new FrameCache(capacity);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        work.add(pool.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            long key = FrameCache.key(thread % 3, (i * 31 + thread) % 200);
            byte[] frame = cache.get(key);
            if (frame == null) {
              frame = new byte[FRAME];
              frame[0] = (byte) key;
              cache.put(key, frame);
            }
            assertEquals((byte) key, frame[0]);
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(cache.size() <= capacity, "size " + cache.size());
    assertEquals(8 * 5_000, cache.hits() + cache.misses());
  }
}
