package dev.engram.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the heap an object retains: heap in use after full collections, before it is made and
 * while it is still reachable. Run with {@code -Xms} equal to {@code -Xmx} so that the heap does
 * not resize in between.
 */
final class HeapMeter {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  /** Makes the object to measure. */
  @FunctionalInterface
  interface Maker {
    AutoCloseable make() throws Exception;
  }

  private HeapMeter() {}

  /** Returns the median, over 3 tries, of the bytes the made object retains; closes it after. */
  static long retainedBytes(Maker maker) throws Exception {
    List<Double> tries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long before = usedAfterGc();
      AutoCloseable made = maker.make();
      long after = usedAfterGc();
      Reference.reachabilityFence(made);
      made.close();
      tries.add((double) (after - before));
    }
    return (long) Rounds.median(tries);
  }

  /**
   * The heap a {@link String} of {@code length} Latin-1 characters takes with compressed
   * references: a 24-byte object and a byte array of a 16-byte header plus the bytes, each
   * rounded up to 8 bytes.
   */
  static long stringBytes(int length) {
    return 24 + ((16 + length + 7) & ~7L);
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }
}
