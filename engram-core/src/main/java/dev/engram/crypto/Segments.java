package dev.engram.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cipher of one segmented stream (an engram-java extension, see docs/FORMAT.md): a stream is
 * {@code [salt 16]} followed by segments {@code [u32 length][ciphertext][tag 16]}, each its own
 * AES-256-GCM message.
 *
 * <ul>
 *   <li>Key separation: the stream's key is HKDF-SHA256 of the archive key with the stream's
 *       random salt ({@code info = "engram segmented v1"}). The archive key itself never keys AES,
 *       and no two streams share a key (128-bit salts).
 *   <li>Nonces: segment {@code i} uses {@code [u32 i, big-endian][u8 last][7 zero bytes]}: unique
 *       within the stream by construction, so there is no random-nonce birthday bound. A stream
 *       holds at most 2^32 segments.
 *   <li>Binding: every segment authenticates the stream's associated data (the entry's path for a
 *       per-file stream, the whole header for an archive body). A segment moved to another index,
 *       another stream or another archive, a dropped or added last segment, all fail
 *       authentication.
 * </ul>
 *
 * <p>Thread-safe: every call uses its own {@link Cipher}.
 */
public final class Segments {
  /** Bytes of a stream's salt. */
  public static final int SALT_BYTES = 16;
  /** Bytes of a segment's clear length field. */
  public static final int LENGTH_BYTES = 4;
  /** Plaintext bytes per segment for contiguous data (framed entries use one frame instead). */
  public static final int SEGMENT_SIZE = 64 * 1024;
  /** Largest plaintext a segment may have; longer lengths are corruption. */
  public static final int MAX_SEGMENT = 1 << 20;
  /** Bytes a segment adds to its plaintext: the length field and the tag. */
  public static final int SEGMENT_OVERHEAD = LENGTH_BYTES + AesGcm.TAG_BYTES;

  private static final byte[] INFO = "engram segmented v1".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final byte[] associatedData;

  private Segments(byte[] streamKey, byte[] associatedData) {
    this.key = new SecretKeySpec(streamKey, "AES");
    this.associatedData = associatedData.clone();
    AesGcm.wipe(streamKey);
  }

  /**
   * Returns the cipher of a stream.
   *
   * @param archiveKey the archive's 32-byte key
   * @param salt the stream's 16-byte salt
   * @param associatedData what every segment is bound to
   * @return the stream's cipher
   */
  public static Segments of(byte[] archiveKey, byte[] salt, byte[] associatedData) {
    return new Segments(hkdf(archiveKey, salt, INFO), associatedData);
  }

  /**
   * Returns what an entry's segments are bound to: its path, so that a payload cannot be moved
   * to another entry.
   *
   * @param path the entry path as stored
   * @return the associated data
   */
  public static byte[] entryAssociatedData(String path) {
    return concat("engram entry\0", path.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Returns what a whole-archive body's segments are bound to: the archive's header, so that
   * none of its fields can be changed.
   *
   * @param header the 64 header bytes
   * @return the associated data
   */
  public static byte[] bodyAssociatedData(byte[] header) {
    return concat("engram body\0", header);
  }

  private static byte[] concat(String label, byte[] data) {
    byte[] prefix = label.getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(prefix, prefix.length + data.length);
    System.arraycopy(data, 0, out, prefix.length, data.length);
    return out;
  }

  /**
   * Draws a salt for a new stream.
   *
   * @return 16 random bytes
   */
  public static byte[] newSalt() {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return salt;
  }

  /**
   * Encrypts one segment.
   *
   * @param index the segment's position in the stream
   * @param last whether it is the stream's last segment
   * @param plain plaintext
   * @param offset start
   * @param length size, at most {@link #MAX_SEGMENT}
   * @return {@code ciphertext || tag}, {@code length + 16} bytes
   */
  public byte[] seal(long index, boolean last, byte[] plain, int offset, int length) {
    try {
      return cipher(Cipher.ENCRYPT_MODE, index, last).doFinal(plain, offset, length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts and authenticates one segment.
   *
   * @param index the segment's position in the stream
   * @param last whether it is the stream's last segment
   * @param sealed {@code ciphertext || tag}
   * @param offset start
   * @param length size, at least 16
   * @return the plaintext
   * @throws AEADBadTagException if the segment does not authenticate at this place
   */
  public byte[] open(long index, boolean last, byte[] sealed, int offset, int length)
      throws AEADBadTagException {
    try {
      return cipher(Cipher.DECRYPT_MODE, index, last).doFinal(sealed, offset, length);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  private Cipher cipher(int mode, long index, boolean last) throws GeneralSecurityException {
    if (index < 0 || index > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("a stream holds at most 2^32 segments: " + index);
    }
    byte[] nonce = new byte[AesGcm.NONCE_BYTES];
    nonce[0] = (byte) (index >>> 24);
    nonce[1] = (byte) (index >>> 16);
    nonce[2] = (byte) (index >>> 8);
    nonce[3] = (byte) index;
    nonce[4] = (byte) (last ? 1 : 0);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(AesGcm.TAG_BYTES * 8, nonce));
    cipher.updateAAD(associatedData);
    return cipher;
  }

  /** HKDF-SHA256 (RFC 5869) for one 32-byte output block. */
  static byte[] hkdf(byte[] inputKey, byte[] salt, byte[] info) {
    try {
      Mac extract = Mac.getInstance("HmacSHA256");
      extract.init(new SecretKeySpec(salt, "HmacSHA256"));
      byte[] pseudoRandomKey = extract.doFinal(inputKey);
      Mac expand = Mac.getInstance("HmacSHA256");
      expand.init(new SecretKeySpec(pseudoRandomKey, "HmacSHA256"));
      expand.update(info);
      expand.update((byte) 1);
      byte[] out = expand.doFinal();
      Arrays.fill(pseudoRandomKey, (byte) 0);
      return out;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
