package dev.engram;

/**
 * Extraction refused an entry whose path could write outside the destination directory, or
 * through a symbolic link inside it: an absolute path, a {@code ..} component, control characters,
 * and the other names {@link ArchivePaths} forbids. The archive itself stays readable: the entry
 * can still be read by its exact name.
 */
public class UnsafeEntryPathException extends EngramException {
  private static final long serialVersionUID = 1L;

  /** The entry's path as stored. */
  private final String entry;

  /**
   * Creates an exception for one entry.
   *
   * @param entry the entry's path as stored
   * @param message why it is not extracted
   */
  public UnsafeEntryPathException(String entry, String message) {
    super(message);
    this.entry = entry;
  }

  /**
   * Returns the entry that was not extracted.
   *
   * @return its path as stored
   */
  public String entry() {
    return entry;
  }
}
