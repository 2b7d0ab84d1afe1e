package dev.engram;

/**
 * An {@link ArchiveUpdate} could not commit because of someone else: another update holds the
 * archive's lock, or the archive was changed, replaced or deleted since the update opened it.
 * Nothing was written; opening the archive again and redoing the changes may succeed.
 */
public class ConcurrentUpdateException extends EngramException {
  /**
   * Makes the exception.
   *
   * @param message what happened
   */
  public ConcurrentUpdateException(String message) {
    super(message);
  }
}
