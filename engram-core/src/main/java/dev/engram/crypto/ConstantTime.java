package dev.engram.crypto;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The one comparison of bytes that decide authenticity or hold secrets: authentication tags,
 * keys, SHA-256 hashes a manifest vouches for, trusted signing keys. Each comparison takes the
 * same time wherever the first differing byte lies (no early exit), through {@link
 * MessageDigest#isEqual}, which compares every byte whatever it finds (its time depends only on
 * the length of its second argument). Lengths are not secret here: arrays of different lengths
 * are unequal without further ado.
 *
 * <p>{@code SecurityComparisonsTest} lists every place that must compare through this class, and
 * fails when one of them calls an early-exit comparison ({@code Arrays.equals}, {@code
 * String.equals}, ...) instead; docs/SECURITY.md, "Timing". Thread-safe (stateless).
 */
public final class ConstantTime {
  private ConstantTime() {}

  /**
   * Says whether two arrays hold the same bytes, in time that depends only on their lengths.
   *
   * @param a one array, or null
   * @param b the other, or null
   * @return true when both are null, or both hold the same bytes
   */
  public static boolean equal(byte[] a, byte[] b) {
    if (a == null || b == null) {
      return a == b;
    }
    return MessageDigest.isEqual(a, b);
  }

  /**
   * Says whether two hexadecimal strings denote the same bytes (either case), comparing the
   * decoded bytes in constant time.
   *
   * @param a hex digits, or null
   * @param b hex digits, or null
   * @return true when both are valid hex of the same bytes; false when either is null or not
   *     hex
   */
  public static boolean equalHex(String a, String b) {
    byte[] x = decode(a);
    byte[] y = decode(b);
    return x != null && y != null && MessageDigest.isEqual(x, y);
  }

  private static byte[] decode(String hex) {
    if (hex == null || hex.length() % 2 != 0) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
