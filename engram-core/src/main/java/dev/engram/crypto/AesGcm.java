package dev.engram.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM as the format uses it: a 12-byte nonce, a 16-byte tag, no associated data, stored
 * as {@code [nonce][ciphertext || tag]}. Whole messages go through the JDK's cipher; large
 * messages are decrypted by {@link Decryptor}, which streams in bounded memory and still checks
 * the tag before the caller may use any plaintext.
 *
 * <p>Thread-safe (stateless); {@link Encryptor} and {@link Decryptor} instances are not.
 */
public final class AesGcm {
  /** Bytes of a key. */
  public static final int KEY_BYTES = 32;
  /** Bytes of a nonce. */
  public static final int NONCE_BYTES = 12;
  /** Bytes of a tag. */
  public static final int TAG_BYTES = 16;
  /** Bytes a message grows by: nonce and tag. */
  public static final int OVERHEAD = NONCE_BYTES + TAG_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  private AesGcm() {}

  /**
   * Draws a random nonce.
   *
   * @return 12 random bytes
   */
  public static byte[] randomNonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /**
   * Encrypts a whole message.
   *
   * @param key 32 bytes
   * @param nonce 12 bytes, never used before with this key
   * @param plain plaintext
   * @param offset start of the plaintext
   * @param length plaintext size
   * @return {@code [nonce][ciphertext || tag]}, {@code length + 28} bytes
   */
  public static byte[] seal(byte[] key, byte[] nonce, byte[] plain, int offset, int length) {
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce);
      byte[] out = new byte[length + OVERHEAD];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      cipher.doFinal(plain, offset, length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts and authenticates a whole message.
   *
   * @param key 32 bytes
   * @param sealed {@code [nonce][ciphertext || tag]}
   * @param offset start of the message
   * @param length message size, at least 28
   * @return the plaintext, {@code length - 28} bytes
   * @throws AEADBadTagException if the message does not authenticate under this key
   */
  public static byte[] open(byte[] key, byte[] sealed, int offset, int length)
      throws AEADBadTagException {
    if (length < OVERHEAD) {
      throw new AEADBadTagException("a sealed message has at least 28 bytes, not " + length);
    }
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key,
          Arrays.copyOfRange(sealed, offset, offset + NONCE_BYTES));
      return cipher.doFinal(sealed, offset + NONCE_BYTES, length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(TAG_BYTES * 8, nonce));
    return cipher;
  }

  /**
   * Encrypts one message in pieces: feed the plaintext through {@link #update}, then {@link
   * #finish} returns the last ciphertext bytes and the tag. Not thread-safe.
   */
  public static final class Encryptor {
    private final Cipher cipher;

    /**
     * Starts a message.
     *
     * @param key 32 bytes
     * @param nonce 12 bytes, never used before with this key
     */
    public Encryptor(byte[] key, byte[] nonce) {
      try {
        this.cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM is not available", e);
      }
    }

    /**
     * Encrypts the next plaintext bytes.
     *
     * @param in plaintext
     * @param offset start
     * @param length size
     * @return the ciphertext produced (possibly empty)
     */
    public byte[] update(byte[] in, int offset, int length) {
      byte[] out = cipher.update(in, offset, length);
      return out == null ? new byte[0] : out;
    }

    /**
     * Ends the message.
     *
     * @return the remaining ciphertext followed by the 16-byte tag
     */
    public byte[] finish() {
      try {
        return cipher.doFinal();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM encryption failed", e);
      }
    }
  }

  /**
   * Decrypts one message in pieces, in bounded memory. The JDK's GCM cipher returns no plaintext
   * before the whole ciphertext is in; this class instead decrypts with AES-CTR from GCM's first
   * counter block, and computes the tag by passing the recovered plaintext through a GCM
   * <em>encryption</em> with the same key and nonce, which regenerates the same ciphertext.
   * {@link #verify} then compares the tags in constant time: plaintext handed out by {@link
   * #update} must not be used until it succeeds. Both ciphers are the JDK's hardware-accelerated
   * ones. Not thread-safe.
   */
  public static final class Decryptor {
    private final Cipher ctr;
    private final Cipher tagger;
    private byte[] scratch = new byte[0];

    /**
     * Starts a message.
     *
     * @param key 32 bytes
     * @param nonce the message's 12-byte nonce
     */
    public Decryptor(byte[] key, byte[] nonce) {
      if (nonce.length != NONCE_BYTES) {
        throw new IllegalArgumentException("a nonce has 12 bytes, not " + nonce.length);
      }
      try {
        // GCM encrypts with counter blocks nonce || 2, nonce || 3, ... (nonce || 1 masks the tag)
        byte[] counter = Arrays.copyOf(nonce, 16);
        counter[15] = 2;
        ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
        tagger = cipher(Cipher.ENCRYPT_MODE, key, nonce);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES is not available", e);
      }
    }

    /**
     * Decrypts the next ciphertext bytes (not the tag) into {@code out}.
     *
     * @param in ciphertext
     * @param offset start
     * @param length size
     * @param out receives exactly {@code length} bytes of not yet authenticated plaintext
     * @param outOffset where to write them
     */
    public void update(byte[] in, int offset, int length, byte[] out, int outOffset) {
      try {
        int n = ctr.update(in, offset, length, out, outOffset);
        if (n != length) {
          throw new IllegalStateException("AES-CTR returned " + n + " of " + length + " bytes");
        }
        if (scratch.length < length + TAG_BYTES) {
          scratch = new byte[length + TAG_BYTES];
        }
        tagger.update(out, outOffset, length, scratch, 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES failed", e);
      }
    }

    /**
     * Checks the message's tag.
     *
     * @param tag the 16 bytes stored after the ciphertext
     * @throws AEADBadTagException if the message does not authenticate
     */
    public void verify(byte[] tag) throws AEADBadTagException {
      byte[] expected;
      try {
        byte[] tail = tagger.doFinal();
        expected = Arrays.copyOfRange(tail, tail.length - TAG_BYTES, tail.length);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM failed", e);
      }
      if (!ConstantTime.equal(expected, tag)) {
        throw new AEADBadTagException("tag mismatch");
      }
    }
  }

  /** For tests: decrypts a whole message through {@link Decryptor}. */
  static byte[] openStreaming(byte[] key, byte[] sealed) throws AEADBadTagException {
    Decryptor decryptor = new Decryptor(key, Arrays.copyOf(sealed, NONCE_BYTES));
    int length = sealed.length - OVERHEAD;
    byte[] out = new byte[length];
    decryptor.update(sealed, NONCE_BYTES, length, out, 0);
    decryptor.verify(Arrays.copyOfRange(sealed, sealed.length - TAG_BYTES, sealed.length));
    return out;
  }

  /**
   * Overwrites a key or other secret held in an array with zeros.
   *
   * @param secret the array, or null
   */
  public static void wipe(byte[] secret) {
    if (secret != null) {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
