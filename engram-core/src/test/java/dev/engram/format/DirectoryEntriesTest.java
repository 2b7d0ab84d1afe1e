package dev.engram.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.engram.CompressionMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DirectoryEntriesTest {
  private static DirectoryEntry entry(int i, String path) {
    CompressionMethod method = CompressionMethod.values()[i % CompressionMethod.values().length];
    boolean explicit = method != CompressionMethod.NONE && i % 7 == 0;
    return new DirectoryEntry(1L << 33 | i * 1000L, (1L << 40) + i, (1L << 35) + 3L * i,
        0x9E3779B9 * i, (1L << 34) + i, method, explicit ? 10 + i % 7 : i % 3, path,
        path.getBytes(StandardCharsets.UTF_8).length, explicit);
  }

  private static String path(Random random, int i) {
    // ASCII, accented, CJK and supplementary characters; up to the format's 255 bytes
    String[] parts = {"a", "é", "日本", "\uD83D\uDE00", "dir/", "x"};
    StringBuilder b = new StringBuilder().append(i).append('/');
    int target = random.nextInt(60);
    while (b.toString().getBytes(StandardCharsets.UTF_8).length < target) {
      b.append(parts[random.nextInt(parts.length)]);
    }
    return i % 1000 == 0 ? "p".repeat(255 - String.valueOf(i).length() - 1) + "/" + i
        : b.toString();
  }

  @Test
  void everyFieldComesBackAcrossPagesForAWriterAndAReader() {
    Random random = new Random(20);
    List<DirectoryEntry> expected = new ArrayList<>();
    int count = DirectoryEntries.PAGE * 3 + 17;
    for (int i = 0; i < count; i++) {
      expected.add(entry(i, path(random, i)));
    }
    DirectoryEntries growing = new DirectoryEntries();
    DirectoryEntries sized = new DirectoryEntries(count);
    for (DirectoryEntry e : expected) {
      growing.add(e);
      sized.add(e);
    }
    for (DirectoryEntries entries : List.of(growing, sized)) {
      assertEquals(count, entries.size());
      for (int i = 0; i < count; i++) {
        DirectoryEntry e = expected.get(i);
        assertEquals(e, entries.get(i));
        assertEquals(e.path(), entries.path(i));
        assertEquals(e.dataOffset(), entries.dataOffset(i));
        assertEquals(e.payloadEnd(), entries.payloadEnd(i));
      }
    }
  }

  @Test
  void outOfRangeIndexIsRefused() {
    DirectoryEntries entries = new DirectoryEntries();
    entries.add(entry(1, "a"));
    assertThrows(IndexOutOfBoundsException.class, () -> entries.get(1));
    assertThrows(IndexOutOfBoundsException.class, () -> entries.path(-1));
  }

  @Test
  void pathLengthThatIsNotTheUtf8LengthIsRefused() {
    DirectoryEntry wrong = new DirectoryEntry(0, 1, 1, 0, 0, CompressionMethod.NONE, 0, "é", 1);
    assertThrows(IllegalArgumentException.class, () -> new DirectoryEntries().add(wrong));
  }

  @Test
  void indexFindsTheLastEntryOfAPathAndNothingElse() {
    DirectoryEntries entries = new DirectoryEntries();
    PathIndex index = new PathIndex(entries);
    int count = 50_000;
    for (int i = 0; i < count; i++) {
      entries.add(entry(i, "dir/" + (i % 20_000) + ".txt"));
      index.add(i);
    }
    for (int n = 0; n < 20_000; n++) {
      // 0 to 9,999 were added three times, the rest twice: the last wins
      int last = n < 10_000 ? 40_000 + n : 20_000 + n;
      assertEquals(last, index.indexOf("dir/" + n + ".txt"), "dir/" + n);
    }
    assertEquals(-1, index.indexOf("dir/20000.txt"));
    assertEquals(-1, index.indexOf("dir/1.tx"));
    assertEquals(-1, index.indexOf(""));
    // an index made over a complete directory finds the same
    PathIndex built = new PathIndex(entries);
    for (int n = 0; n < 20_000; n += 7) {
      assertEquals(index.indexOf("dir/" + n + ".txt"), built.indexOf("dir/" + n + ".txt"));
    }
  }

  @Test
  void indexComparesBytesNotHashes() {
    // "Aa" and "BB" share String.hashCode; the index must still tell them apart
    DirectoryEntries entries = new DirectoryEntries();
    entries.add(entry(0, "Aa"));
    entries.add(entry(1, "BB"));
    entries.add(entry(2, "日本"));
    PathIndex index = new PathIndex(entries);
    assertEquals(0, index.indexOf("Aa"));
    assertEquals(1, index.indexOf("BB"));
    assertEquals(2, index.indexOf("日本"));
    assertEquals(-1, index.indexOf("日"));
  }
}
