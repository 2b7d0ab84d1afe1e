package dev.engram.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link ContentRange}: the one reading of a {@code Content-Range} header. */
class ContentRangeTest {
  @Test
  void readsARangeOfAKnownSize() {
    ContentRange range = ContentRange.parse(" bytes 100-199/1000 ").orElseThrow();
    assertEquals(new ContentRange(100, 199, 1000), range);
    assertEquals(100, range.length());
    assertEquals("bytes 100-199/1000", range.toString());
    assertEquals(Optional.of(new ContentRange(0, 0, 1)), ContentRange.parse("bytes 0-0/1"));
  }

  @Test
  void anythingElseIsNotARange() {
    for (String value : new String[] {"", "bytes */1000", "bytes 0-99/*", "bytes 5-4/10",
        "bytes 0-10/10", "items 0-9/10", "bytes=0-9/10", "bytes 0-9/10, 20-29/40",
        "bytes 0-9/1234567890123456789"}) {
      assertEquals(Optional.empty(), ContentRange.parse(value), value);
    }
    assertThrows(IllegalArgumentException.class, () -> new ContentRange(-1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ContentRange(0, 1, 1));
  }
}
