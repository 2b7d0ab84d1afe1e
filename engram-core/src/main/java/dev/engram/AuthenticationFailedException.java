package dev.engram;

/**
 * Encrypted data did not authenticate: the key (or passphrase) is wrong, or the ciphertext, nonce
 * or tag was changed. AES-GCM cannot tell the two apart, and no byte of the data is returned.
 */
public class AuthenticationFailedException extends EngramException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming what did not authenticate.
   *
   * @param message the entry or archive, and the likely causes
   */
  public AuthenticationFailedException(String message) {
    super(message);
  }
}
