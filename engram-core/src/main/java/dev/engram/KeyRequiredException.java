package dev.engram;

/**
 * The archive, or the entry being read, is encrypted and no key or passphrase was given. Give one
 * with {@link ReaderOptions.Builder#key(byte[])} or {@link ReaderOptions.Builder#passphrase}.
 */
public class KeyRequiredException extends EngramException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming what needs a key.
   *
   * @param message what is encrypted, and how to give a key
   */
  public KeyRequiredException(String message) {
    super(message);
  }
}
