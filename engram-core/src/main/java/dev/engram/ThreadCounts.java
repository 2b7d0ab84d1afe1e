package dev.engram;

/**
 * The one rule for how many threads a reader or a writer uses: {@link ReaderOptions#threads()}
 * and {@link WriterOptions#threads()} both count the calling thread, default to one per available
 * processor and accept at most {@link #MAX}.
 */
final class ThreadCounts {
  /** Most threads a reader or writer may use, whatever the machine. */
  static final int MAX = 256;

  private ThreadCounts() {}

  /**
   * Returns the default thread count: one per processor available to the JVM, capped at {@link
   * #MAX} so that a default is always a count the builders accept.
   */
  static int byDefault() {
    return Math.min(MAX, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Checks a requested thread count.
   *
   * @throws IllegalArgumentException if {@code count} is outside 1 to {@link #MAX}
   */
  static int check(int count) {
    if (count < 1 || count > MAX) {
      throw new IllegalArgumentException("thread count " + count + " is outside 1.." + MAX);
    }
    return count;
  }
}
