package dev.engram.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds entries of a {@link DirectoryEntries} by path: an open-addressing table of entry numbers
 * that compares the stored UTF-8 bytes, 8 to 16 bytes an entry where a {@code HashMap<String,
 * Integer>} takes 60 and a string per path besides. Where several entries share a path, the one
 * added last is found (as engram-rs resolves duplicates).
 *
 * <p>Not thread-safe while entries are added; safe to read from several threads once complete
 * and published safely.
 */
public final class PathIndex {
  /** The largest table: an int array of 4 GiB, more than any directory a JVM holds needs. */
  private static final int MAX_SLOTS = 1 << 30;

  private final DirectoryEntries entries;
  /** Entry number + 1 at each slot, 0 where empty; a power of two long, at most half full. */
  private int[] slots;
  private int used;

  /**
   * Indexes every entry of a directory; call {@link #add} for each entry added to it afterwards.
   *
   * @param entries the directory
   */
  public PathIndex(DirectoryEntries entries) {
    this.entries = entries;
    slots = new int[capacityFor(entries.size())];
    for (int i = 0; i < entries.size(); i++) {
      add(i);
    }
  }

  /**
   * Indexes entry {@code index} of the directory; an entry indexed before with the same path is
   * no longer found.
   *
   * @param index the entry's position in the directory
   * @throws IndexOutOfBoundsException if the directory has no such entry
   */
  public void add(int index) {
    if ((used + 1) * 2L > slots.length && slots.length < MAX_SLOTS) {
      grow();
    } else if (used + 1 == slots.length) {
      throw new IllegalStateException("a path index holds at most " + used + " paths");
    }
    int mask = slots.length - 1;
    for (int slot = entries.pathHash(index) & mask; ; slot = (slot + 1) & mask) {
      int held = slots[slot] - 1;
      if (held < 0) {
        slots[slot] = index + 1;
        used++;
        return;
      }
      if (entries.samePath(held, index)) {
        slots[slot] = index + 1;
        return;
      }
    }
  }

  /**
   * Returns the position of the last entry added with exactly this path.
   *
   * @param path the path
   * @return its position, or -1 if no entry has that path
   */
  public int indexOf(String path) {
    byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
    int mask = slots.length - 1;
    for (int slot = DirectoryEntries.hash(bytes) & mask; ; slot = (slot + 1) & mask) {
      int held = slots[slot] - 1;
      if (held < 0) {
        return -1;
      }
      if (entries.pathEquals(held, bytes)) {
        return held;
      }
    }
  }

  private void grow() {
    int[] old = slots;
    slots = new int[old.length * 2];
    int mask = slots.length - 1;
    for (int held : old) {
      if (held != 0) {
        int slot = entries.pathHash(held - 1) & mask;
        while (slots[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = held;
      }
    }
  }

  private static int capacityFor(int count) {
    // at most half full: few probes, and room for a writer's first entries
    long wanted = Math.max(16, (long) count * 2);
    return (int) Math.min(MAX_SLOTS, Long.highestOneBit(wanted - 1) << 1);
  }
}
