package dev.engram;

import dev.engram.format.DirectoryEntry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Applies a reader's {@link ReaderOptions} limits. Every read of an entry's content passes {@link
 * #admit} first, which decides from the directory's claims alone, before anything is allocated.
 * Thread-safe (lock-free).
 */
final class ReadLimits {
  private final ReaderOptions options;
  /** Content charged against {@link ReaderOptions#maxTotalBytes()} so far. */
  private final AtomicLong charged = new AtomicLong();
  /** One bit per entry: set once its size has been charged. */
  private final AtomicLongArray chargedEntries;

  ReadLimits(ReaderOptions options, int entryCount) {
    this.options = options;
    this.chargedEntries = new AtomicLongArray((entryCount + 63) / 64);
  }

  /** Refuses an entry count above {@link ReaderOptions#maxEntryCount()}, before any indexing. */
  static void checkEntryCount(long count, ReaderOptions options) throws LimitExceededException {
    if (count > options.maxEntryCount()) {
      throw new LimitExceededException("maxEntryCount", "the archive has " + count
          + " entries, more than maxEntryCount (" + options.maxEntryCount() + ")"
          + howToRaise("maxEntryCount"));
    }
  }

  /**
   * Checks an entry against the size and ratio limits and charges its size, once, against the
   * total.
   */
  void admit(int index, DirectoryEntry entry) throws LimitExceededException {
    long size = entry.uncompressedSize();
    if (size > options.maxEntrySize()) {
      throw new LimitExceededException("maxEntrySize", "entry '" + entry.path() + "' is "
          + bytes(size) + ", more than maxEntrySize (" + bytes(options.maxEntrySize()) + ")"
          + howToRaise("maxEntrySize"));
    }
    if (entry.method() != CompressionMethod.NONE && size > options.ratioGraceSize()) {
      double ratio = size / (double) Math.max(1, entry.storedSize());
      if (ratio > options.maxCompressionRatio()) {
        throw new LimitExceededException("maxCompressionRatio", String.format(
            "entry '%s' expands %.0f : 1 (%s from %d stored bytes), more than maxCompressionRatio"
                + " %d : 1 for entries over %s%s",
            entry.path(), ratio, bytes(size), entry.storedSize(), options.maxCompressionRatio(),
            bytes(options.ratioGraceSize()), howToRaise("maxCompressionRatio")));
      }
    }
    charge(index, entry);
  }

  private void charge(int index, DirectoryEntry entry) throws LimitExceededException {
    int word = index >>> 6;
    long bit = 1L << index;
    long bits;
    do {
      bits = chargedEntries.get(word);
      if ((bits & bit) != 0) {
        return; // already counted: reading an entry again is free
      }
    } while (!chargedEntries.compareAndSet(word, bits, bits | bit));

    long size = entry.uncompressedSize();
    while (true) {
      long before = charged.get();
      long after = before + size;
      if (after < 0 || after > options.maxTotalBytes()) {
        uncharge(word, bit);
        throw new LimitExceededException("maxTotalBytes", "reading entry '" + entry.path() + "' ("
            + bytes(size) + ") would take this reader past maxTotalBytes ("
            + bytes(options.maxTotalBytes()) + "; " + bytes(before) + " already read)"
            + howToRaise("maxTotalBytes"));
      }
      if (charged.compareAndSet(before, after)) {
        return;
      }
    }
  }

  private void uncharge(int word, long bit) {
    long bits;
    do {
      bits = chargedEntries.get(word);
    } while (!chargedEntries.compareAndSet(word, bits, bits & ~bit));
  }

  private static String howToRaise(String limit) {
    return "; if you trust this archive, raise it with ReaderOptions.builder()." + limit + "(...)";
  }

  /** Bytes with a binary-unit approximation, for messages: {@code 68719476736 bytes (64 GiB)}. */
  static String bytes(long n) {
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (n < 1024) {
      return n + " bytes";
    }
    double value = n;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    String approx = value == Math.rint(value)
        ? String.format("%.0f %s", value, units[unit])
        : String.format("%.1f %s", value, units[unit]);
    return n + " bytes (" + approx + ")";
  }
}
