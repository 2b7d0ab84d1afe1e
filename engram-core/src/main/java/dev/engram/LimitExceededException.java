package dev.engram;

/**
 * A read was refused because the archive claims more than a {@link ReaderOptions} limit allows:
 * too many entries, an entry too large or too highly compressed, or more content in all than the
 * reader will produce. The archive may be hostile (a decompression bomb) or merely larger than
 * the defaults expect; the message names the limit and the builder method that raises it.
 */
public class LimitExceededException extends EngramException {
  private static final long serialVersionUID = 1L;

  /** Name of the {@link ReaderOptions} limit, for example {@code "maxEntrySize"}. */
  private final String limit;

  /**
   * Creates an exception for one limit.
   *
   * @param limit the name of the limit
   * @param message what was refused, the limit's value, and how to raise it
   */
  public LimitExceededException(String limit, String message) {
    super(message);
    this.limit = limit;
  }

  /**
   * Returns which limit was exceeded.
   *
   * @return the name of the {@link ReaderOptions} limit, for example {@code "maxEntrySize"}
   */
  public String limit() {
    return limit;
  }
}
