package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One million entries (the default {@link ReaderOptions#maxEntryCount()}, so no limit is lifted)
 * written, opened, listed, looked up, verified and partly extracted: a cost that grows faster
 * than the entry count anywhere on that path (the writer's duplicate check, the directory, the
 * path index, verification, extraction's selection) would show here as minutes. Each step's time
 * is printed, never asserted. {@code -Dengram.scale.entries=N} runs it with another count (to
 * compare, say, 100,000 with 1,000,000 by hand: each step took 3 to 7 times longer for 10 times
 * the entries, start-up costs included). Tagged {@code scale}, like the tests past 4 GiB.
 */
@Tag("scale")
class MillionEntriesTest {
  private static final int ENTRIES =
      Integer.getInteger("engram.scale.entries", ReaderOptions.DEFAULT_MAX_ENTRY_COUNT);
  private static final int PER_FOLDER = 1000;

  @TempDir Path dir;

  /** {@code d0123/f0123456.txt}: folders of {@link #PER_FOLDER} entries, in sorted order. */
  static String name(int i) {
    char[] name = "d0000/f0000000.txt".toCharArray();
    digits(name, 1, 4, i / PER_FOLDER);
    digits(name, 7, 7, i);
    return new String(name);
  }

  private static void digits(char[] into, int at, int count, int value) {
    for (int k = at + count - 1, v = value; k >= at; k--, v /= 10) {
      into[k] = (char) ('0' + v % 10);
    }
  }

  private static byte[] content(int i) {
    // a few bytes each, every one different: a lookup that finds the wrong entry fails
    return Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void writeOpenListLookUpVerifyAndExtract() throws Exception {
    Path archive = dir.resolve("million.eng");
    long start = System.nanoTime();
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (int i = 0; i < ENTRIES; i++) {
        writer.addFile(name(i), content(i));
      }
      assertEquals(ENTRIES, writer.entryCount());
      // the duplicate check still works at this size, and leaves the writer usable
      FileAlreadyExistsException duplicate = assertThrows(FileAlreadyExistsException.class,
          () -> writer.addFile(name(ENTRIES / 2), new byte[1]));
      assertTrue(duplicate.getMessage().contains(name(ENTRIES / 2)), duplicate.getMessage());
      writer.finish();
    }
    start = step("write", start);
    long size = Files.size(archive);
    assertTrue(size > (long) ENTRIES * 320, "the directory alone is 320 bytes an entry");

    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      start = step("open", start);
      assertEquals(ENTRIES, reader.entryCount());
      List<String> paths = reader.list();
      assertEquals(ENTRIES, paths.size());
      for (int i = 0; i < ENTRIES; i++) {
        if (!paths.get(i).equals(name(i))) {
          assertEquals(name(i), paths.get(i), "entry " + i + " in directory order");
        }
      }
      List<EntryInfo> entries = reader.entries();
      long previous = -1;
      for (EntryInfo entry : entries) {
        assertTrue(entry.payloadOffset() > previous, "offsets increase");
        previous = entry.payloadOffset();
      }
      start = step("list", start);

      // every entry by name, in an order unlike the directory's
      for (int k = 0; k < ENTRIES; k++) {
        int i = (int) ((k * 7_919L) % ENTRIES);
        EntryInfo entry = reader.entry(name(i)).orElseThrow();
        if (entry.uncompressedSize() != content(i).length) {
          assertEquals(content(i).length, entry.uncompressedSize(), name(i));
        }
      }
      assertFalse(reader.contains("d0000/missing.txt"));
      assertEquals(PER_FOLDER, reader.list("d0007/").size());
      start = step("look up every entry", start);

      for (int i = 0; i < ENTRIES; i += 997) {
        assertArrayEquals(content(i), reader.read(name(i)), name(i));
      }
      assertArrayEquals(content(ENTRIES - 1), reader.read(name(ENTRIES - 1)));
      start = step("read a sample", start);

      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertTrue(report.isIntact(), report.summary());
      assertEquals(ENTRIES, report.entries().size());
      // the report keeps every digest, across its pages: a sample checked against the content
      for (int i = 0; i < ENTRIES; i += 4_093) {
        VerificationReport.EntryCheck check = report.entries().get(i);
        assertEquals(name(i), check.path());
        assertEquals(content(i).length, check.size(), name(i));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(content(i))), check.sha256(), name(i));
      }
      start = step("verify", start);

      // extraction looks at every name to select the last folder, and writes only that
      String last = name(ENTRIES - 1).substring(0, 6);
      Path out = dir.resolve("out");
      List<Path> written = reader.extractAll(out, path -> path.startsWith(last), bytes -> { });
      int expected = ENTRIES - (ENTRIES - 1) / PER_FOLDER * PER_FOLDER;
      assertEquals(expected, written.size());
      assertArrayEquals(content(ENTRIES - 1), Files.readAllBytes(out.resolve(name(ENTRIES - 1))));
      step("extract one folder", start);
    }
  }

  private static long step(String what, long start) {
    long now = System.nanoTime();
    System.out.printf("MillionEntriesTest: %,d entries: %s in %,d ms%n", ENTRIES, what,
        (now - start) / 1_000_000);
    return now;
  }
}
