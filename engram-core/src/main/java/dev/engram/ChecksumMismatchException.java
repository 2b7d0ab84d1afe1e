package dev.engram;

/**
 * An entry's content does not match the CRC32 its directory entry records: the payload was
 * damaged after it was written.
 */
public class ChecksumMismatchException extends CorruptArchiveException {
  private static final long serialVersionUID = 1L;

  /** Path of the damaged entry. */
  private final String entry;
  /** CRC32 the archive records. */
  private final int expected;
  /** CRC32 of the content as read. */
  private final int actual;

  /**
   * Creates an exception for one entry.
   *
   * @param entry the entry's path
   * @param expected the CRC32 the archive records
   * @param actual the CRC32 of the content as read
   */
  public ChecksumMismatchException(String entry, int expected, int actual) {
    super(String.format("entry '%s': CRC32 mismatch: archive records %08x, content gives %08x",
        entry, expected, actual));
    this.entry = entry;
    this.expected = expected;
    this.actual = actual;
  }

  /**
   * Returns the entry whose content is damaged.
   *
   * @return the entry's path
   */
  public String entry() {
    return entry;
  }

  /**
   * Returns the CRC32 the archive records.
   *
   * @return the recorded CRC32
   */
  public int expected() {
    return expected;
  }

  /**
   * Returns the CRC32 of the content as read.
   *
   * @return the computed CRC32
   */
  public int actual() {
    return actual;
  }
}
