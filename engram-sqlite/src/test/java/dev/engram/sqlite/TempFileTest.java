package dev.engram.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class TempFileTest {
  private static final int CHUNK = 64 * 1024;

  @Test
  void writesAcrossChunkBoundariesReadBack() {
    TempFile file = new TempFile();
    byte[] data = bytes(3 * CHUNK + 17, 1);
    try (Arena arena = Arena.ofConfined()) {
      file.write(CHUNK - 5, MemorySegment.ofArray(data));
      assertEquals(CHUNK - 5 + data.length, file.size());
      MemorySegment back = arena.allocate(data.length);
      assertEquals(data.length, file.read(CHUNK - 5, back));
      assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));
      MemorySegment head = arena.allocate(CHUNK - 5);
      file.read(0, head);
      assertArrayEquals(new byte[CHUNK - 5], head.toArray(ValueLayout.JAVA_BYTE), "a hole");
    }
  }

  @Test
  void aReadPastTheEndIsShortAndZeroFilled() {
    TempFile file = new TempFile();
    file.write(0, MemorySegment.ofArray(bytes(100, 2)));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment dst = arena.allocate(300).fill((byte) 9);
      assertEquals(100, file.read(0, dst));
      assertArrayEquals(bytes(100, 2), dst.asSlice(0, 100).toArray(ValueLayout.JAVA_BYTE));
      assertArrayEquals(new byte[200], dst.asSlice(100).toArray(ValueLayout.JAVA_BYTE));
      MemorySegment beyond = arena.allocate(10).fill((byte) 9);
      assertEquals(0, file.read(5000, beyond));
      assertArrayEquals(new byte[10], beyond.toArray(ValueLayout.JAVA_BYTE));
    }
  }

  @Test
  void truncatedBytesReadAsZeroWhenTheFileGrowsAgain() {
    TempFile file = new TempFile();
    file.write(0, MemorySegment.ofArray(bytes(2 * CHUNK + 10, 3)));
    file.truncate(CHUNK + 7);
    assertEquals(CHUNK + 7, file.size());
    file.write(2 * CHUNK + 100, MemorySegment.ofArray(new byte[] {1}));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment gap = arena.allocate(2 * CHUNK + 100 - (CHUNK + 7));
      file.read(CHUNK + 7, gap);
      assertArrayEquals(new byte[(int) gap.byteSize()], gap.toArray(ValueLayout.JAVA_BYTE));
      MemorySegment kept = arena.allocate(CHUNK + 7);
      file.read(0, kept);
      byte[] expected = new byte[CHUNK + 7];
      System.arraycopy(bytes(2 * CHUNK + 10, 3), 0, expected, 0, expected.length);
      assertArrayEquals(expected, kept.toArray(ValueLayout.JAVA_BYTE));
    }
    file.truncate(0);
    assertEquals(0, file.size());
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }
}
