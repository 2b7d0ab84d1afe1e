package dev.engram.format;

/** Compares and formats the signatures and bytes that error messages show. */
final class Hex {
  private Hex() {}

  /** Says whether {@code bytes} hold {@code expected} at {@code offset}. */
  static boolean matches(byte[] bytes, int offset, byte[] expected) {
    return java.util.Arrays.equals(bytes, offset, offset + expected.length, expected, 0,
        expected.length);
  }

  static String of(byte[] bytes, int offset, int length) {
    StringBuilder sb = new StringBuilder(length * 3);
    for (int i = 0; i < length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02X", bytes[offset + i] & 0xFF));
    }
    return sb.toString();
  }

  /** Shows a 4-byte signature as text when printable, else as hex. */
  static String signature(byte[] bytes, int offset) {
    boolean printable = true;
    for (int i = 0; i < 4; i++) {
      int c = bytes[offset + i] & 0xFF;
      printable &= c >= 0x20 && c < 0x7F;
    }
    return printable
        ? "'" + new String(bytes, offset, 4, java.nio.charset.StandardCharsets.US_ASCII) + "'"
        : of(bytes, offset, 4);
  }
}
