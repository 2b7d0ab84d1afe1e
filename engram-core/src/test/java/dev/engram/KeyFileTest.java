package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@link KeyFile}: 32 raw bytes or 64 hex digits, and nothing else. */
class KeyFileTest {
  private static final byte[] KEY = HexFormat.of().parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  @Test
  void rawBytesAndHexDigitsWithWhitespaceGiveTheKey() {
    byte[] raw = KEY.clone();
    byte[] parsed = KeyFile.parse(raw);
    assertArrayEquals(KEY, parsed);
    assertNotSame(raw, parsed);
    String hex = "  " + HexFormat.of().formatHex(KEY).toUpperCase() + "\n";
    assertArrayEquals(KEY, KeyFile.parse(hex.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void anythingElseIsRefusedSayingOnlyItsLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KeyFile.parse("not a key".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("9 bytes that are neither a 32-byte key nor 64 hex digits", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KeyFile.parse(
        "zz".repeat(32).getBytes(StandardCharsets.US_ASCII)));
    assertThrows(IllegalArgumentException.class, () -> KeyFile.parse(new byte[33]));
    assertThrows(IllegalArgumentException.class,
        () -> KeyFile.parse(new byte[KeyFile.MAX_SIZE + 1]));
  }
}
