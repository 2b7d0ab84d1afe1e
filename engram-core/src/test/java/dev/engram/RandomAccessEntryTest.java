package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.Framing;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thread-safe positional reads of every kind of entry, and the shared frame cache behind them. */
class RandomAccessEntryTest {
  private static final int FRAME = Framing.FRAME_SIZE;
  private static final long BIG = Framing.THRESHOLD + 5L * FRAME + 123;

  @TempDir static Path dir;
  private static Path archive;
  private static byte[] small;

  @BeforeAll
  static void writeArchive() throws IOException {
    archive = dir.resolve("random.eng");
    small = TestData.text(300_000, 5);
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("stored.txt", small, CompressionMethod.NONE);
      writer.addFile("block.txt", small, CompressionMethod.ZSTD);
      writer.addFile("empty.txt", new byte[0], CompressionMethod.LZ4);
      writer.addFile("big-lz4.bin", TestData.patternStream(BIG), CompressionMethod.LZ4);
      writer.addFile("big-zstd.bin", TestData.patternStream(BIG), CompressionMethod.ZSTD);
      writer.finish();
    }
  }

  @Test
  void everyKindOfEntryReadsTheRightBytesAnywhere() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (String path : List.of("stored.txt", "block.txt")) {
        RandomAccessEntry entry = reader.openRandomAccess(path);
        assertFalse(entry.isFramed(), path);
        assertEquals(small.length, entry.size());
        for (int p : new int[] {0, 1, 4095, 150_000, small.length - 4096}) {
          ByteBuffer buffer = ByteBuffer.allocate(4096);
          entry.readFully(p, buffer);
          assertEquals(ByteBuffer.wrap(small, p, 4096), buffer.flip(), path + " at " + p);
        }
      }
      for (String path : List.of("big-lz4.bin", "big-zstd.bin")) {
        RandomAccessEntry entry = reader.openRandomAccess(path);
        assertTrue(entry.isFramed(), path);
        assertEquals(BIG, entry.size());
        for (long p : new long[] {0, FRAME - 10, 400L * FRAME + 7, BIG - 3 * FRAME, BIG - 4096}) {
          assertPattern(entry, p, (int) Math.min(3 * FRAME, BIG - p));
        }
      }
    }
  }

  @Test
  void directBuffersAreFilledToo() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      ByteBuffer direct = ByteBuffer.allocateDirect(10_000);
      reader.openRandomAccess("big-lz4.bin").readFully(777_777, direct);
      direct.flip();
      for (int i = 0; i < 10_000; i++) {
        assertEquals(TestData.patternByte(777_777 + i), direct.get(i), "byte " + i);
      }
      direct.clear();
      reader.openRandomAccess("stored.txt").readFully(1000, direct);
      assertEquals(ByteBuffer.wrap(small, 1000, 10_000), direct.flip());
    }
  }

  @Test
  void readsStopAtTheEnd() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      RandomAccessEntry entry = reader.openRandomAccess("block.txt");
      ByteBuffer buffer = ByteBuffer.allocate(100);
      assertEquals(40, entry.read(small.length - 40, buffer));
      assertEquals(40, buffer.position());
      assertEquals(-1, entry.read(small.length, ByteBuffer.allocate(1)));
      assertEquals(0, entry.read(0, ByteBuffer.allocate(0)));
      EOFException eof = assertThrows(EOFException.class,
          () -> entry.readFully(small.length - 10, ByteBuffer.allocate(20)));
      assertTrue(eof.getMessage().contains("block.txt"), eof.getMessage());
      assertThrows(IllegalArgumentException.class, () -> entry.read(-1, ByteBuffer.allocate(1)));
      assertEquals(-1, reader.openRandomAccess("empty.txt").read(0, ByteBuffer.allocate(1)));
      assertEquals(-1, reader.openRandomAccess("big-zstd.bin").read(BIG, ByteBuffer.allocate(1)));
    }
  }

  @Test
  void framedReadsDecodeOnlyTheFramesTheyTouchAndShareThemThroughTheCache()
      throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      RandomAccessEntry first = reader.openRandomAccess("big-lz4.bin");
      assertPattern(first, 500L * FRAME + 100, 4096);
      assertEquals(1, first.framesDecoded());
      assertPattern(first, 500L * FRAME + 8000, 4096);
      assertEquals(1, first.framesDecoded(), "same frame again: from the cache");
      assertPattern(first, 601L * FRAME - 100, 4096); // straddles frames 600 and 601
      assertEquals(3, first.framesDecoded());

      RandomAccessEntry second = reader.openRandomAccess("big-lz4.bin");
      assertPattern(second, 500L * FRAME, 4096);
      assertEquals(0, second.framesDecoded(), "another view shares the reader's cache");
      assertTrue(reader.frameCacheStatistics().hits() >= 2);
      assertEquals(3L * FRAME, reader.frameCacheStatistics().sizeBytes());
    }
  }

  @Test
  void frameCacheStatisticsCountEachFrameLookupOfRandomReadsExactly() throws IOException {
    // one frame of capacity: a single shard, so which frame an insertion evicts is known
    ReaderOptions options = ReaderOptions.builder().frameCacheSize(FRAME).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      assertEquals(new FrameCacheStatistics(FRAME, 0, 0, 0, 0), reader.frameCacheStatistics());
      RandomAccessEntry entry = reader.openRandomAccess("big-zstd.bin");
      assertPattern(entry, 10L * FRAME + 5, 100); // frame 10: miss, cached
      assertPattern(entry, 10L * FRAME + 900, 100); // frame 10: hit
      assertPattern(entry, 12L * FRAME - 50, 100); // frames 11 and 12: misses, 10 and 11 evicted
      assertEquals(new FrameCacheStatistics(FRAME, FRAME, 1, 3, 2),
          reader.frameCacheStatistics());
    }
  }

  @Test
  void frameCacheStatisticsAreASnapshotThatLaterReadsDoNotChange() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      RandomAccessEntry entry = reader.openRandomAccess("big-lz4.bin");
      assertPattern(entry, 300L * FRAME, 100);
      FrameCacheStatistics before = reader.frameCacheStatistics();
      assertEquals(new FrameCacheStatistics(ReaderOptions.DEFAULT_FRAME_CACHE_SIZE, FRAME, 0, 1,
          0), before);
      assertPattern(entry, 300L * FRAME, 100);
      assertPattern(entry, 301L * FRAME, 100);
      assertEquals(new FrameCacheStatistics(ReaderOptions.DEFAULT_FRAME_CACHE_SIZE, FRAME, 0, 1,
          0), before, "the snapshot taken earlier");
      assertEquals(new FrameCacheStatistics(ReaderOptions.DEFAULT_FRAME_CACHE_SIZE, 2L * FRAME,
          1, 2, 0), reader.frameCacheStatistics());
    }
  }

  @Test
  void theReaderHandsOutNoPartOfItsFrameCacheOrOtherInternals() {
    for (Method method : ArchiveReader.class.getMethods()) {
      String type = method.getReturnType().getName();
      for (String internal : List.of("dev.engram.frame.", "dev.engram.codec.",
          "dev.engram.io.")) {
        assertFalse(type.startsWith(internal), method + " returns an internal " + type);
      }
    }
  }

  @Test
  void aZeroFrameCacheDecodesOnEveryRead() throws IOException {
    ReaderOptions options = ReaderOptions.builder().frameCacheSize(0).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      RandomAccessEntry entry = reader.openRandomAccess("big-zstd.bin");
      assertPattern(entry, 10L * FRAME, 100);
      assertPattern(entry, 10L * FRAME, 100);
      assertEquals(2, entry.framesDecoded());
    }
  }

  @Test
  void manyThreadsReadOneViewAtRandom() throws Exception {
    ReaderOptions options = ReaderOptions.builder().frameCacheSize(8L * FRAME).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      RandomAccessEntry framed = reader.openRandomAccess("big-lz4.bin");
      RandomAccessEntry block = reader.openRandomAccess("block.txt");
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          long seed = t;
          work.add(pool.submit(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < 400; i++) {
              assertPattern(framed, random.nextLong(BIG - 5000), 1 + random.nextInt(5000));
              int p = random.nextInt(small.length - 4096);
              ByteBuffer buffer = ByteBuffer.allocate(4096);
              block.readFully(p, buffer);
              assertEquals(ByteBuffer.wrap(small, p, 4096), buffer.flip());
            }
            return null;
          }));
        }
        for (Future<?> f : work) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      FrameCacheStatistics statistics = reader.frameCacheStatistics();
      assertTrue(statistics.sizeBytes() <= 8L * FRAME, statistics.toString());
    }
  }

  @Test
  void aDamagedFrameFailsTheReadsThatNeedItAndNoOthers() throws IOException {
    Path damaged = dir.resolve("damaged.eng");
    java.nio.file.Files.copy(archive, damaged);
    long frameStart;
    int frameLength;
    try (ArchiveReader reader = ArchiveReader.open(damaged);
        FileChannel file = FileChannel.open(damaged, StandardOpenOption.READ)) {
      long at = reader.entry("big-lz4.bin").orElseThrow().directoryEntry().payloadOffset()
          + Framing.PREFIX;
      ByteBuffer prefix = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (int k = 0; k < 42; k++) { // walk to frame 42
        file.read(prefix.clear(), at);
        at += Framing.PREFIX + prefix.getInt(0);
      }
      file.read(prefix.clear(), at);
      frameStart = at + Framing.PREFIX;
      frameLength = prefix.getInt(0);
    }
    try (FileChannel file = FileChannel.open(damaged, StandardOpenOption.WRITE)) {
      byte[] junk = new byte[frameLength];
      Arrays.fill(junk, (byte) 0xFF);
      file.write(ByteBuffer.wrap(junk), frameStart);
    }
    try (ArchiveReader reader = ArchiveReader.open(damaged)) {
      RandomAccessEntry entry = reader.openRandomAccess("big-lz4.bin");
      CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
          () -> entry.readFully(42L * FRAME + 10, ByteBuffer.allocate(10)));
      assertTrue(e.getMessage().contains("big-lz4.bin"), e.getMessage());
      assertTrue(e.getMessage().contains("frame 42"), e.getMessage());
      assertTrue(e.getMessage().contains(damaged.getFileName().toString()), e.getMessage());
      assertPattern(entry, 41L * FRAME, FRAME);
      assertPattern(entry, 43L * FRAME, FRAME);
    }
  }

  @Test
  void encryptedEntriesAreReadableWithTheKey() throws IOException {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 7);
    for (boolean segmented : new boolean[] {false, true}) {
      Path encrypted = dir.resolve("encrypted-" + segmented + ".eng");
      try (ArchiveWriter writer = ArchiveWriter.create(encrypted, WriterOptions.builder()
          .perFileEncryption(key).segmentedEncryption(segmented).build())) {
        writer.addFile("stored.txt", small, CompressionMethod.NONE);
        writer.addFile("block.txt", small, CompressionMethod.LZ4);
        if (segmented) { // engram-rs layouts of framed entries decrypt to a temporary file
          writer.addFile("big.bin", TestData.patternStream(BIG), CompressionMethod.ZSTD);
        }
        writer.finish();
      }
      try (ArchiveReader reader = ArchiveReader.open(encrypted,
          ReaderOptions.builder().key(key).build())) {
        for (String path : List.of("stored.txt", "block.txt")) {
          ByteBuffer buffer = ByteBuffer.allocate(4096);
          reader.openRandomAccess(path).readFully(12_345, buffer);
          assertEquals(ByteBuffer.wrap(small, 12_345, 4096), buffer.flip(), path);
        }
        if (segmented) {
          RandomAccessEntry big = reader.openRandomAccess("big.bin");
          assertTrue(big.isFramed());
          assertPattern(big, 700L * FRAME + 5, 2 * FRAME);
          assertEquals(3, big.framesDecoded());
        }
      }
      try (ArchiveReader reader = ArchiveReader.open(encrypted)) {
        assertThrows(KeyRequiredException.class, () -> reader.openRandomAccess("block.txt"));
      }
    }
  }

  @Test
  void viewsStopWorkingWhenTheReaderCloses() throws IOException {
    RandomAccessEntry framed;
    RandomAccessEntry block;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      framed = reader.openRandomAccess("big-lz4.bin");
      block = reader.openRandomAccess("block.txt");
      assertPattern(framed, 0, 100); // now cached
    }
    assertThrows(IllegalStateException.class, () -> framed.read(0, ByteBuffer.allocate(10)));
    assertThrows(IllegalStateException.class, () -> block.read(0, ByteBuffer.allocate(10)));
  }

  @Test
  void limitsApplyWhenAViewOpens() throws IOException {
    ReaderOptions options = ReaderOptions.builder().maxEntrySize(1 << 20).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      assertThrows(LimitExceededException.class, () -> reader.openRandomAccess("big-lz4.bin"));
      assertThrows(java.nio.file.NoSuchFileException.class,
          () -> reader.openRandomAccess("missing"));
    }
  }

  private static void assertPattern(RandomAccessEntry entry, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    entry.readFully(position, buffer);
    for (int i = 0; i < length; i++) {
      if (buffer.get(i) != TestData.patternByte(position + i)) {
        throw new AssertionError(entry + ": wrong byte at " + (position + i));
      }
    }
  }
}
