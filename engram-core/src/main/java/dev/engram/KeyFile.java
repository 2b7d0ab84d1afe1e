package dev.engram;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The format of a key file, as the {@code engram} command and engram-hadoop read it: the 32 bytes
 * of an AES-256 key, or those bytes as 64 hex digits (surrounding whitespace, such as a final
 * newline, allowed). One parser for every place that reads one; where the bytes come from is the
 * caller's.
 *
 * <p>Stateless and thread-safe.
 */
public final class KeyFile {
  /** The largest key file read, in bytes: anything longer is not a key file. */
  public static final int MAX_SIZE = 1024;

  private KeyFile() {}

  /**
   * Parses a key file's contents.
   *
   * @param contents the file's bytes (not changed; wipe them after)
   * @return a new array with the 32-byte key, for the caller to wipe
   * @throws IllegalArgumentException if the contents are neither 32 bytes nor 64 hex digits; the
   *     message says how many bytes there were, never what they are
   */
  public static byte[] parse(byte[] contents) {
    Objects.requireNonNull(contents, "contents");
    if (contents.length == 32) {
      return contents.clone();
    }
    if (contents.length <= MAX_SIZE) {
      String text = new String(contents, StandardCharsets.US_ASCII).strip();
      if (text.length() == 64) {
        try {
          return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
          // reported below
        }
      }
    }
    throw new IllegalArgumentException(contents.length
        + " bytes that are neither a 32-byte key nor 64 hex digits");
  }
}
