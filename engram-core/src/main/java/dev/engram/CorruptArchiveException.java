package dev.engram;

/**
 * The archive is damaged or was not written by a conforming writer: a signature, size, offset or
 * checksum does not match what the format requires. The message says which structure and where.
 */
public class CorruptArchiveException extends EngramException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception describing the damage.
   *
   * @param message what is wrong and where
   */
  public CorruptArchiveException(String message) {
    super(message);
  }

  /**
   * Creates an exception describing the damage, with the failure that revealed it.
   *
   * @param message what is wrong and where
   * @param cause the underlying failure, for example a decoder error
   */
  public CorruptArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
