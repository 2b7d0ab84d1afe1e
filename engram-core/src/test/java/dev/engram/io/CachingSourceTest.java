package dev.engram.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.CorruptArchiveException;
import dev.engram.ReaderOptions;
import dev.engram.WriterOptions;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block cache in front of slow sources: what it fetches, when, and how often. */
class CachingSourceTest {
  private static final int BLOCK = CachingSource.BLOCK_SIZE;

  /** A source over an array that records every read and can be made to fail or wait. */
  private static final class RecordingSource implements ArchiveSource {
    final byte[] bytes;
    final List<long[]> reads = new ArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    volatile CountDownLatch gate;
    volatile boolean closed;

    RecordingSource(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String name() {
      return "recorded";
    }

    @Override
    public SourceIdentity identity() {
      return new SourceIdentity("recorded", bytes.length, "1");
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public boolean isOpen() {
      return !closed;
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
      synchronized (reads) {
        reads.add(new long[] {position, dst.remaining()});
      }
      CountDownLatch wait = gate;
      if (wait != null) {
        try {
          wait.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted in the test's source");
        }
      }
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("the test's source failed");
      }
      if (position < 0 || position + dst.remaining() > bytes.length) {
        throw new CorruptArchiveException("data ends at " + bytes.length);
      }
      dst.put(bytes, (int) position, dst.remaining());
    }

    List<long[]> reads() {
      synchronized (reads) {
        return new ArrayList<>(reads);
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static byte[] data(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static byte[] read(ArchiveSource source, long position, int length)
      throws IOException {
    byte[] out = new byte[length];
    source.readFully(position, ByteBuffer.wrap(out));
    return out;
  }

  private static byte[] slice(byte[] bytes, long position, int length) {
    return Arrays.copyOfRange(bytes, (int) position, (int) position + length);
  }

  @Test
  void randomReadsReturnExactlyTheSourcesBytes() throws IOException {
    byte[] bytes = data(3 * 1024 * 1024 + 123);
    try (CachingSource cache =
        CachingSource.over(new RecordingSource(bytes), 4L * BLOCK, Runnable::run)) {
      Random random = new Random(5);
      for (int i = 0; i < 2000; i++) {
        long position = random.nextInt(bytes.length);
        int length = random.nextInt((int) Math.min(BLOCK * 3, bytes.length - position) + 1);
        assertArrayEquals(slice(bytes, position, length), read(cache, position, length),
            "read of " + length + " at " + position);
      }
    }
  }

  @Test
  void aCachedBlockIsNotFetchedAgain() throws IOException {
    RecordingSource source = new RecordingSource(data(10 * BLOCK));
    try (CachingSource cache = CachingSource.over(source, 8L * BLOCK, null)) {
      read(cache, 5 * BLOCK + 10, 100);
      read(cache, 5 * BLOCK + 500, 4000);
      read(cache, 5 * BLOCK, BLOCK);
      assertEquals(1, source.reads().size());
      assertArrayEquals(new long[] {5L * BLOCK, BLOCK}, source.reads().get(0));
    }
  }

  @Test
  void adjacentMissingBlocksAreFetchedInOneRequest() throws IOException {
    RecordingSource source = new RecordingSource(data(10 * BLOCK));
    try (CachingSource cache = CachingSource.over(source, 8L * BLOCK, null)) {
      read(cache, BLOCK + 7, 2 * BLOCK);
      assertEquals(1, source.reads().size());
      assertArrayEquals(new long[] {BLOCK, 3L * BLOCK}, source.reads().get(0));
      assertEquals(1, cache.requests());
      assertEquals(3L * BLOCK, cache.bytesFetched());
    }
  }

  @Test
  void aReadFetchesOnlyTheRunsItLacks() throws IOException {
    RecordingSource source = new RecordingSource(data(10 * BLOCK));
    try (CachingSource cache = CachingSource.over(source, 32L * BLOCK, null)) {
      read(cache, 2L * BLOCK, 1);
      read(cache, 0, 5 * BLOCK);
      List<long[]> reads = source.reads();
      assertEquals(3, reads.size());
      assertArrayEquals(new long[] {0, 2L * BLOCK}, reads.get(1));
      assertArrayEquals(new long[] {3L * BLOCK, 2L * BLOCK}, reads.get(2));
    }
  }

  @Test
  void blocksEndAtTheArchivesEndSoTheFirstIsTheShortOne() throws IOException {
    byte[] bytes = data(2 * BLOCK + 100);
    RecordingSource source = new RecordingSource(bytes);
    try (CachingSource cache = CachingSource.over(source, 8L * BLOCK, null)) {
      assertArrayEquals(slice(bytes, 2L * BLOCK + 90, 10), read(cache, 2L * BLOCK + 90, 10));
      assertArrayEquals(slice(bytes, 10, 10), read(cache, 10, 10));
      assertArrayEquals(new long[] {BLOCK + 100, BLOCK}, source.reads().get(0),
          "the last block: the archive's last 64 KiB");
      assertArrayEquals(new long[] {0, 100}, source.reads().get(1), "the first block");
    }
  }

  @Test
  void leastRecentlyUsedBlocksLeaveFirstAndTheCapacityHolds() throws IOException {
    RecordingSource source = new RecordingSource(data(20 * BLOCK));
    try (CachingSource cache = CachingSource.over(source, 4L * BLOCK, null)) {
      for (int b : new int[] {0, 5, 10, 15}) { // far apart: no stream, no read-ahead
        read(cache, (long) b * BLOCK, 1);
      }
      read(cache, 0, 1); // block 0 is now the most recently used
      read(cache, 19L * BLOCK, 1); // a fifth block: block 5, the least recent, leaves
      assertEquals(5, source.reads().size());
      read(cache, 0, 1);
      read(cache, 10L * BLOCK, 1);
      read(cache, 15L * BLOCK, 1);
      assertEquals(5, source.reads().size(), "blocks 0, 10 and 15 stayed");
      read(cache, 5L * BLOCK, 1);
      assertEquals(6, source.reads().size(), "block 5 was evicted");
    }
  }

  @Test
  void sequentialReadsFetchAheadInGrowingWindows() throws IOException {
    byte[] bytes = data(40 * 1024 * 1024);
    RecordingSource source = new RecordingSource(bytes);
    try (CachingSource cache = CachingSource.over(source, 64L << 20, Runnable::run)) {
      for (long position = 0; position < bytes.length; position += 4096) {
        assertArrayEquals(slice(bytes, position, 4096), read(cache, position, 4096));
      }
    }
    List<long[]> reads = source.reads();
    // read-ahead was scheduled before the read's own block was fetched: on this executor, that
    // means it ran first
    reads.sort(java.util.Comparator.comparingLong(r -> r[0]));
    long total = 0;
    long expectedPosition = 0;
    for (long[] read : reads) {
      assertEquals(expectedPosition, read[0], "requests cover the bytes, none twice");
      expectedPosition += read[1];
      total += read[1];
      assertTrue(read[1] <= 8 << 20, "no request over 8 MiB");
    }
    assertEquals(bytes.length, total);
    List<Long> sizes = reads.stream().map(r -> r[1]).toList();
    assertEquals(List.of((long) BLOCK, (long) BLOCK, (long) BLOCK), sizes.subList(0, 3),
        "the first three blocks, before the stream reads ahead: " + sizes);
    assertTrue(sizes.contains(1L << 20) && sizes.contains(8L << 20), sizes.toString());
    assertTrue(reads.size() <= 12, reads.size() + " requests for 40 MiB: " + sizes);
  }

  @Test
  void twoReadsInARowFetchNothingAheadAndAThirdBlockStartsTheReadAhead() throws IOException {
    RecordingSource source = new RecordingSource(data(64 * BLOCK));
    try (CachingSource cache = CachingSource.over(source, 64L << 20, Runnable::run)) {
      // a small read across two frames of a framed entry (or an entry's local header, then its
      // first frame): two reads, the second where the first ended, and nothing more to come
      read(cache, 100, 60_000);
      read(cache, 60_100, 30_000);
      assertEquals(2, source.reads().size(), "the two blocks the reads need, nothing ahead");
      assertEquals(2L * BLOCK, cache.bytesFetched());
      read(cache, 90_100, 60_000); // into a third block: a stream, fetched ahead
      List<Long> sizes = source.reads().stream().map(r -> r[1]).toList();
      assertEquals(List.of((long) BLOCK, (long) BLOCK), sizes.subList(0, 2));
      assertTrue(sizes.subList(2, sizes.size()).contains(1L << 20), sizes.toString());
    }
  }

  @Test
  void aWalkOfFarApartSmallReadsIsSeenAsSequential() throws IOException {
    // a frame index walk: 4-byte prefixes 30 KiB apart
    byte[] bytes = data(32 * 1024 * 1024);
    RecordingSource source = new RecordingSource(bytes);
    try (CachingSource cache = CachingSource.over(source, 64L << 20, Runnable::run)) {
      for (long position = 0; position + 4 <= bytes.length; position += 30_000) {
        read(cache, position, 4);
      }
    }
    assertTrue(source.reads().size() <= 10,
        source.reads().size() + " requests for 1,118 reads");
  }

  @Test
  void randomReadsDoNotFetchAhead() throws IOException {
    RecordingSource source = new RecordingSource(data(64 * 1024 * 1024));
    try (CachingSource cache = CachingSource.over(source, 64L << 20, Runnable::run)) {
      Random random = new Random(3);
      for (int i = 0; i < 50; i++) {
        read(cache, (long) random.nextInt(1024) * BLOCK + 100, 4096);
      }
      assertEquals(cache.requests() * BLOCK, cache.bytesFetched());
      assertTrue(cache.requests() <= 50);
    }
  }

  @Test
  void readsLargerThanAQuarterOfTheCacheGoStraightToTheSource() throws IOException {
    byte[] bytes = data(20 * BLOCK);
    RecordingSource source = new RecordingSource(bytes);
    try (CachingSource cache = CachingSource.over(source, 8L * BLOCK, null)) {
      assertArrayEquals(slice(bytes, 100, 3 * BLOCK), read(cache, 100, 3 * BLOCK));
      assertArrayEquals(slice(bytes, 100, 3 * BLOCK), read(cache, 100, 3 * BLOCK));
      assertEquals(2, source.reads().size());
      assertArrayEquals(new long[] {100, 3L * BLOCK}, source.reads().get(1));
    }
  }

  @Test
  void threadsThatNeedTheSameBlockFetchItOnce() throws Exception {
    byte[] bytes = data(4 * BLOCK);
    RecordingSource source = new RecordingSource(bytes);
    source.gate = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (CachingSource cache = CachingSource.over(source, 4L * BLOCK, null)) {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int offset = i * 100;
        results.add(threads.submit(() -> read(cache, BLOCK + offset, 50)));
      }
      while (source.reads().isEmpty()) {
        Thread.sleep(1);
      }
      // however late a thread comes, it finds the block: pending until the gate opens, then cached
      Thread.sleep(20);
      source.gate.countDown();
      for (int i = 0; i < 8; i++) {
        assertArrayEquals(slice(bytes, BLOCK + i * 100, 50), results.get(i).get(10,
            TimeUnit.SECONDS));
      }
      assertEquals(1, source.reads().size());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aFailedFetchFailsTheReadAndIsAskedAgainNextTime() throws IOException {
    byte[] bytes = data(4 * BLOCK);
    RecordingSource source = new RecordingSource(bytes);
    source.failuresLeft.set(1);
    try (CachingSource cache = CachingSource.over(source, 4L * BLOCK, null)) {
      IOException e = assertThrows(IOException.class, () -> read(cache, 10, 10));
      assertEquals("the test's source failed", e.getMessage());
      assertArrayEquals(slice(bytes, 10, 10), read(cache, 10, 10));
      assertEquals(2, source.reads().size());
    }
  }

  @Test
  void aFailedFetchOfTheFirstRunStillCompletesTheOthers() throws Exception {
    byte[] bytes = data(8 * BLOCK);
    RecordingSource source = new RecordingSource(bytes);
    try (CachingSource cache = CachingSource.over(source, 32L * BLOCK, null)) {
      read(cache, 2L * BLOCK, 1); // blocks 0-1 and 3-4 are then two runs
      source.failuresLeft.set(1);
      assertThrows(IOException.class, () -> read(cache, 0, 5 * BLOCK - 1));
      // block 3's run was never fetched: it must not wait forever for it
      assertArrayEquals(slice(bytes, 3L * BLOCK, 10), read(cache, 3L * BLOCK, 10));
    }
  }

  @Test
  void anInterruptedFetchDoesNotFailAThreadThatWasNotInterrupted() throws Exception {
    byte[] bytes = data(4 * BLOCK);
    RecordingSource source = new RecordingSource(bytes);
    source.gate = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (CachingSource cache = CachingSource.over(source, 4L * BLOCK, null)) {
      Thread[] fetcher = new Thread[1];
      Future<byte[]> first = threads.submit(() -> {
        fetcher[0] = Thread.currentThread();
        return read(cache, 0, 10);
      });
      while (source.reads().isEmpty()) {
        Thread.sleep(1);
      }
      Future<byte[]> second = threads.submit(() -> read(cache, 20, 10));
      Thread.sleep(50); // the second waits for the block the first is fetching
      source.gate = null; // later fetches pass
      fetcher[0].interrupt();
      Exception e = assertThrows(Exception.class, () -> first.get(10, TimeUnit.SECONDS));
      assertInstanceOf(InterruptedIOException.class, e.getCause());
      assertArrayEquals(slice(bytes, 20, 10), second.get(10, TimeUnit.SECONDS));
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void closingFailsReadsThatWaitForReadAheadThatNeverRan() throws Exception {
    byte[] bytes = data(64 * BLOCK);
    RecordingSource source = new RecordingSource(bytes);
    List<Runnable> neverRun = new ArrayList<>();
    CachingSource cache = CachingSource.over(source, 64L * BLOCK, neverRun::add);
    read(cache, 0, 4096);
    read(cache, 4096, BLOCK);
    read(cache, 4096 + BLOCK, BLOCK); // into a third block: claims blocks ahead for a task
    assertFalse(neverRun.isEmpty()); // that never runs
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try {
      Future<byte[]> waiting = threads.submit(() -> read(cache, 4L * BLOCK + 10, 10));
      Thread.sleep(50);
      cache.close();
      Exception e = assertThrows(Exception.class, () -> waiting.get(10, TimeUnit.SECONDS));
      assertInstanceOf(IOException.class, e.getCause());
      assertTrue(source.closed);
      assertThrows(IllegalStateException.class, () -> read(cache, 0, 1));
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aReadPastTheEndGetsTheSourcesError() throws IOException {
    try (CachingSource cache =
        CachingSource.over(new RecordingSource(data(BLOCK)), 4L * BLOCK, null)) {
      assertThrows(CorruptArchiveException.class, () -> read(cache, BLOCK - 5, 10));
      assertThrows(CorruptArchiveException.class, () -> read(cache, -1, 1));
    }
  }

  @Test
  void aCapacityBelowOneBlockIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CachingSource.over(new RecordingSource(data(10)), BLOCK - 1, null));
    assertEquals("cache capacity 65535 is smaller than one block of 65536", e.getMessage());
  }

  @Test
  void anArchiveReadThroughTheCacheReadsLikeTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("a.eng");
    byte[] big = data(3 * 1024 * 1024);
    try (ArchiveWriter writer = ArchiveWriter.create(file, WriterOptions.builder()
        .databaseFrameSize(4096).build())) {
      writer.addFile("small.txt", "hello".getBytes(UTF_8));
      writer.addFile("big.bin", big, CompressionMethod.LZ4);
      writer.finish();
    }
    RecordingSource source = new RecordingSource(Files.readAllBytes(file));
    try (ArchiveReader reader = ArchiveReader.open(
        CachingSource.over(source, 1L << 20), ReaderOptions.defaults())) {
      assertEquals("hello", new String(reader.read("small.txt"),
          UTF_8));
      assertArrayEquals(big, reader.read("big.bin"));
    }
    assertTrue(source.closed);
  }
}
