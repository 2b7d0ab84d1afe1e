package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ReaderOptions limits: legitimate data reads with the defaults, bombs and lies do not. */
class LimitsTest {
  @TempDir Path dir;

  private Path write(String name, Entry... entries) throws IOException {
    Path archive = dir.resolve(name);
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (Entry e : entries) {
        if (e.method == null) {
          writer.addFile(e.path, e.content);
        } else {
          writer.addFile(e.path, e.content, e.method);
        }
      }
      writer.finish();
    }
    return archive;
  }

  private record Entry(String path, byte[] content, CompressionMethod method) {}

  private static Entry entry(String path, byte[] content) {
    return new Entry(path, content, null);
  }

  private static Entry entry(String path, byte[] content, CompressionMethod method) {
    return new Entry(path, content, method);
  }

  @Test
  void referenceHighlyCompressibleCasesReadWithDefaultLimits() throws IOException {
    // engram-rs's own "legitimate highly compressible data" tests, plus the same data in zstd
    byte[] tenMibZeros = new byte[10 << 20];
    List<Entry> entries = new ArrayList<>();
    entries.add(entry("zeros.bin", tenMibZeros));
    entries.add(entry("zeros.txt", tenMibZeros, CompressionMethod.ZSTD));
    for (int i = 0; i < 10; i++) {
      byte[] same = new byte[1 << 20];
      java.util.Arrays.fill(same, (byte) i);
      entries.add(entry("file" + i + ".bin", same));
    }
    Path archive = write("legit.eng", entries.toArray(Entry[]::new));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo zstd = reader.entry("zeros.txt").orElseThrow();
      assertTrue(zstd.uncompressedSize() / zstd.storedSize() > 20_000,
          "10 MiB of zeros compress more than 20,000 : 1 with zstd: " + zstd);
      assertArrayEquals(tenMibZeros, reader.read("zeros.bin"));
      assertArrayEquals(tenMibZeros, reader.read("zeros.txt"));
      for (int i = 0; i < 10; i++) {
        assertEquals(1 << 20, reader.read("file" + i + ".bin").length);
      }
    }
  }

  @Test
  void referenceFiftyMibFramedFileReadsWithDefaultLimits() throws IOException {
    Path archive = dir.resolve("large.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("large.bin", TestData.repeated((byte) 0xAB, 50L << 20));
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertTrue(reader.entry("large.bin").orElseThrow().isFramed());
      byte[] content = reader.read("large.bin");
      assertEquals(50 << 20, content.length);
      assertEquals((byte) 0xAB, content[content.length - 1]);
    }
  }

  @Test
  void hugeZstdFrameOfZerosExceedsTheDefaultRatioUntilRaised() throws IOException {
    long size = 100L << 20; // above the 64 MiB grace size; zstd frames of zeros: ~3,450 : 1
    Path archive = dir.resolve("bomb.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("zeros.txt", TestData.repeated((byte) 0, size), CompressionMethod.ZSTD);
      writer.addFile("small.txt", new byte[] {1, 2, 3});
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("zeros.txt", "small.txt"), reader.list()); // still lists
      LimitExceededException e =
          assertThrows(LimitExceededException.class, () -> reader.openStream("zeros.txt"));
      assertEquals("maxCompressionRatio", e.limit());
      assertTrue(e.getMessage().contains("entry 'zeros.txt' expands "), e.getMessage());
      assertTrue(e.getMessage().contains("more than maxCompressionRatio 1000 : 1 for entries"
          + " over 67108864 bytes (64 MiB)"), e.getMessage());
      assertTrue(e.getMessage().contains("ReaderOptions.builder().maxCompressionRatio(...)"));
      assertTrue(e.getMessage().startsWith(archive.toString()), e.getMessage());
      assertThrows(LimitExceededException.class, () -> reader.read("zeros.txt"));
      assertThrows(LimitExceededException.class, () -> reader.openChannel("zeros.txt"));
      assertArrayEquals(new byte[] {1, 2, 3}, reader.read("small.txt"));
    }
    ReaderOptions trusting = ReaderOptions.builder().maxCompressionRatio(10_000).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, trusting);
        InputStream in = reader.openStream("zeros.txt")) {
      assertEquals(size, in.transferTo(java.io.OutputStream.nullOutputStream()));
    }
  }

  @Test
  void entryLargerThanMaxEntrySizeIsRefusedOthersRead() throws IOException {
    Path archive = write("sizes.eng", entry("small.bin", new byte[500]),
        entry("large.bin", new byte[2000]));
    ReaderOptions options = ReaderOptions.builder().maxEntrySize(1000).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      assertEquals(500, reader.read("small.bin").length);
      LimitExceededException e =
          assertThrows(LimitExceededException.class, () -> reader.read("large.bin"));
      assertEquals("maxEntrySize", e.limit());
      assertTrue(e.getMessage().endsWith("entry 'large.bin' is 2000 bytes (2.0 KiB), more than"
          + " maxEntrySize (1000 bytes); if you trust this archive, raise it with"
          + " ReaderOptions.builder().maxEntrySize(...)"), e.getMessage());
    }
  }

  @Test
  void totalBytesCountEachEntryOnceSoRereadingIsFree() throws IOException {
    Path archive = write("total.eng", entry("a", new byte[4000]), entry("b", new byte[4000]),
        entry("c", new byte[4000]));
    ReaderOptions options = ReaderOptions.builder().maxTotalBytes(10_000).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      for (int i = 0; i < 100; i++) {
        reader.read("a"); // 4,000 counted once
      }
      reader.read("b"); // 8,000
      LimitExceededException e = assertThrows(LimitExceededException.class, () -> reader.read("c"));
      assertEquals("maxTotalBytes", e.limit());
      assertTrue(e.getMessage().contains("reading entry 'c' (4000 bytes (3.9 KiB)) would take this"
          + " reader past maxTotalBytes (10000 bytes (9.8 KiB); 8000 bytes (7.8 KiB) already"
          + " read)"), e.getMessage());
      // a refused entry is not counted: what was read stays readable, c stays refused
      reader.read("a");
      reader.read("b");
      assertThrows(LimitExceededException.class, () -> reader.openStream("c"));
    }
  }

  @Test
  void totalBytesBudgetIsExactUnderConcurrentReads() throws Exception {
    int entries = 16;
    List<Entry> list = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      list.add(entry("e" + i, new byte[1000]));
    }
    Path archive = write("budget.eng", list.toArray(Entry[]::new));
    ReaderOptions options = ReaderOptions.builder().maxTotalBytes(entries * 1000L - 1).build();
    ExecutorService pool = Executors.newFixedThreadPool(entries);
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < entries; i++) {
        String path = "e" + i;
        results.add(pool.submit(() -> {
          try {
            reader.read(path);
            return true;
          } catch (LimitExceededException e) {
            return false;
          }
        }));
      }
      int refused = 0;
      for (Future<Boolean> result : results) {
        refused += result.get() ? 0 : 1;
      }
      assertEquals(1, refused, "exactly the entry that crosses the budget is refused");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void moreEntriesThanMaxEntryCountFailOpen() throws IOException {
    List<Entry> list = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      list.add(entry("e" + i, new byte[] {(byte) i}));
    }
    Path archive = write("count.eng", list.toArray(Entry[]::new));
    LimitExceededException e = assertThrows(LimitExceededException.class,
        () -> ArchiveReader.open(archive, ReaderOptions.builder().maxEntryCount(9).build()));
    assertEquals("maxEntryCount", e.limit());
    assertTrue(e.getMessage().endsWith("the archive has 10 entries, more than maxEntryCount (9);"
        + " if you trust this archive, raise it with ReaderOptions.builder().maxEntryCount(...)"),
        e.getMessage());
    try (ArchiveReader reader =
        ArchiveReader.open(archive, ReaderOptions.builder().maxEntryCount(10).build())) {
      assertEquals(10, reader.entryCount());
    }
  }

  @Test
  void liftLimitsRemovesEveryLimit() {
    ReaderOptions lifted = ReaderOptions.builder().maxEntrySize(1).liftLimits().build();
    assertEquals(Integer.MAX_VALUE, lifted.maxEntryCount());
    assertEquals(Long.MAX_VALUE, lifted.maxEntrySize());
    assertEquals(Long.MAX_VALUE, lifted.maxTotalBytes());
    assertEquals(Long.MAX_VALUE, lifted.maxCompressionRatio());
    ReaderOptions defaults = ReaderOptions.defaults();
    assertEquals(1_000_000, defaults.maxEntryCount());
    assertEquals(64L << 30, defaults.maxEntrySize());
    assertEquals(1L << 40, defaults.maxTotalBytes());
    assertEquals(1000, defaults.maxCompressionRatio());
    assertEquals(64L << 20, defaults.ratioGraceSize());
    assertThrows(IllegalArgumentException.class, () -> ReaderOptions.builder().maxEntrySize(0));
    assertThrows(IllegalArgumentException.class, () -> ReaderOptions.builder().maxTotalBytes(0));
    assertThrows(IllegalArgumentException.class,
        () -> ReaderOptions.builder().maxCompressionRatio(0));
    assertThrows(IllegalArgumentException.class, () -> ReaderOptions.builder().maxEntryCount(0));
    assertThrows(IllegalArgumentException.class, () -> ReaderOptions.builder().ratioGraceSize(-1));
  }
}
