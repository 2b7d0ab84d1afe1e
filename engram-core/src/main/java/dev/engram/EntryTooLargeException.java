package dev.engram;

/**
 * An operation was asked to hold an entry that does not fit what it can return, for example
 * {@link ArchiveReader#read(String)} on an entry larger than a Java array. The entry itself is
 * fine: read it with {@link ArchiveReader#openStream(String)} or {@link
 * ArchiveReader#openChannel(String)}.
 */
public class EntryTooLargeException extends EngramException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the entry and the limit it exceeds.
   *
   * @param message the entry, its size and the limit
   */
  public EntryTooLargeException(String message) {
    super(message);
  }
}
