package dev.engram;

/**
 * The archive is well formed but uses something this version of the library cannot read: a newer
 * major format version, an unknown compression method, a reserved encryption mode or flag, or an
 * encryption mode whose support is not available.
 */
public class UnsupportedArchiveException extends EngramException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the unsupported feature.
   *
   * @param message which feature, and where it was found
   */
  public UnsupportedArchiveException(String message) {
    super(message);
  }
}
