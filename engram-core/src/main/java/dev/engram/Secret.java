package dev.engram;

import java.util.Arrays;

/**
 * A raw key or a passphrase held by options: copied in, handed out as copies the caller wipes,
 * and wiped by {@link #destroy()}. Thread-safe for reading; {@code destroy} races with nothing
 * worse than a copy of zeros, which then fails authentication.
 */
final class Secret {
  /** No key and no passphrase. */
  static final Secret NONE = new Secret(null, null, "options");

  private final byte[] key;
  private final char[] passphrase;
  private final String owner;
  private volatile boolean destroyed;

  private Secret(byte[] key, char[] passphrase, String owner) {
    this.key = key;
    this.passphrase = passphrase;
    this.owner = owner;
  }

  /** Holds a copy of a 32-byte key. */
  static Secret key(byte[] key32, String owner) {
    if (key32.length != 32) {
      throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + key32.length);
    }
    return new Secret(key32.clone(), null, owner);
  }

  /** Holds a copy of a passphrase. */
  static Secret passphrase(char[] phrase, String owner) {
    if (phrase.length == 0) {
      throw new IllegalArgumentException("the passphrase is empty");
    }
    return new Secret(null, phrase.clone(), owner);
  }

  /** A holder of copies of the same secret, for another options object. */
  Secret copy(String newOwner) {
    return new Secret(key == null ? null : key.clone(),
        passphrase == null ? null : passphrase.clone(), newOwner);
  }

  boolean isPresent() {
    return key != null || passphrase != null;
  }

  boolean isPassphrase() {
    return passphrase != null;
  }

  /** A copy of the raw key, or null; the caller wipes it. */
  byte[] key() {
    ensureNotDestroyed();
    return key == null ? null : key.clone();
  }

  /** A copy of the passphrase, or null; the caller wipes it. */
  char[] passphrase() {
    ensureNotDestroyed();
    return passphrase == null ? null : passphrase.clone();
  }

  /**
   * Hands a copy of the key to {@code key}, or of the passphrase to {@code passphrase} (each
   * copies what it keeps), then wipes that copy; does nothing when neither is held.
   */
  void supply(java.util.function.Consumer<byte[]> key,
      java.util.function.Consumer<char[]> passphrase) {
    byte[] k = key();
    char[] p = passphrase();
    try {
      if (k != null) {
        key.accept(k);
      } else if (p != null) {
        passphrase.accept(p);
      }
    } finally {
      if (k != null) {
        Arrays.fill(k, (byte) 0);
      }
      if (p != null) {
        Arrays.fill(p, '\0');
      }
    }
  }

  void destroy() {
    destroyed = true;
    if (key != null) {
      Arrays.fill(key, (byte) 0);
    }
    if (passphrase != null) {
      Arrays.fill(passphrase, '\0');
    }
  }

  boolean isDestroyed() {
    return destroyed;
  }

  private void ensureNotDestroyed() {
    if (destroyed) {
      throw new IllegalStateException("these " + owner + " were destroyed: their key is wiped");
    }
  }

  /** Names what is held, never its value: {@code "key"}, {@code "passphrase"} or {@code ""}. */
  @Override
  public String toString() {
    return key != null ? "key" : passphrase != null ? "passphrase" : "";
  }
}
