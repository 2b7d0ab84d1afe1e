package dev.engram;

import static dev.engram.TestThreads.assertNoFailures;
import static dev.engram.TestThreads.interruptOneThread;
import static dev.engram.TestThreads.runTogether;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.engram.format.Framing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves what {@link ArchiveReader} promises about threads: one reader shared by many threads
 * returns correct bytes to all of them, readers do not leak file descriptors, an interrupted thread
 * does not break the reader for the others, and closing a reader under running reads fails them
 * cleanly.
 *
 * <p>Every thread starts on a common latch and every result is compared with the bytes written.
 * Timeouts exist only to turn a hang into a failure; nothing here asserts on timing.
 */
class ConcurrencyTest {
  /** 800 full 64 KiB frames and a partial one: framed, LZ4, a few hundred KiB on disk. */
  private static final long BIG_SIZE = Framing.THRESHOLD + 12_345;
  private static final String BIG = "big/pattern.bin";
  /** The entry every thread reads at the same moments. */
  private static final String HOT = "shared/hot.txt";
  private static final Path PROC_FD = Path.of("/proc/self/fd");

  @TempDir static Path dir;

  private static Path archive;
  /** Content of every entry except {@link #BIG}, in directory order. */
  private static final Map<String, byte[]> CONTENT = new LinkedHashMap<>();
  private static final Map<String, CompressionMethod> METHOD = new LinkedHashMap<>();
  private static List<String> paths;

  @BeforeAll
  static void writeSharedArchive() throws IOException {
    put("stored/empty.bin", new byte[0], CompressionMethod.NONE);
    put("stored/one.bin", new byte[] {42}, CompressionMethod.NONE);
    put("stored/small.bin", TestData.random(1_000, 1), CompressionMethod.NONE);
    // larger than ArchiveFile's 256 KiB read chunk, so one read is several positional reads
    put("stored/medium.bin", TestData.random(400_000, 2), CompressionMethod.NONE);
    put("lz4/small.txt", TestData.text(5_000, 3), CompressionMethod.LZ4);
    put("lz4/medium.txt", TestData.text(500_000, 4), CompressionMethod.LZ4);
    put("zstd/small.txt", TestData.text(3_000, 5), CompressionMethod.ZSTD);
    put("zstd/medium.txt", TestData.text(500_000, 6), CompressionMethod.ZSTD);
    put(HOT, TestData.text(300_000, 7), CompressionMethod.ZSTD);
    paths = List.copyOf(CONTENT.keySet());

    archive = dir.resolve("shared.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (String path : paths) {
        writer.addFile(path, CONTENT.get(path), METHOD.get(path));
      }
      writer.addFile(BIG, TestData.patternStream(BIG_SIZE), CompressionMethod.LZ4);
      writer.finish();
    }
    // the archive really holds what the tests below claim to exercise
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (String path : paths) {
        EntryInfo info = reader.entry(path).orElseThrow();
        assertEquals(METHOD.get(path), info.compression(), path);
        assertFalse(info.isFramed(), path);
        assertEquals(CONTENT.get(path).length, info.uncompressedSize(), path);
      }
      EntryInfo big = reader.entry(BIG).orElseThrow();
      assertEquals(CompressionMethod.LZ4, big.compression());
      assertTrue(big.isFramed());
      assertEquals(BIG_SIZE, big.uncompressedSize());
      assertTrue(big.storedSize() < 4L * 1024 * 1024, "framed pattern stored in " + big.storedSize());
    }
  }

  private static void put(String path, byte[] content, CompressionMethod method) {
    CONTENT.put(path, content);
    METHOD.put(path, method);
  }

  // ---------------------------------------------------------------------------------------------
  // One reader, many threads

  @Test
  @Timeout(value = 120, unit = SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void hundredThreadsSharingOneReaderAllReadCorrectBytes() throws Exception {
    int threads = 100;
    int reads = 100;
    AtomicInteger verified = new AtomicInteger();
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      List<Throwable> failures = runTogether(threads, t -> {
        Random random = new Random(t);
        for (int i = 0; i < reads; i++) {
          verifyOneRead(reader, random, i);
          verified.incrementAndGet();
        }
      });
      assertNoFailures(failures);
    }
    assertEquals(threads * reads, verified.get());
  }

  @Test
  @Timeout(value = 120, unit = SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void twentyThreadsQueryingTheDirectoryAllGetExactResults() throws Exception {
    List<String> all = new ArrayList<>();
    Map<String, byte[]> content = new LinkedHashMap<>();
    String[] groups = {"alpha/", "beta/", "gamma/", "gamma/deep/", "alphabet/"};
    for (int g = 0; g < groups.length; g++) {
      for (int i = 0; i < 12; i++) {
        String path = groups[g] + i + ".txt";
        all.add(path);
        content.put(path, TestData.text(g * 100 + i, 31L * g + i));
      }
    }
    Path metadata = dir.resolve("metadata.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(metadata)) {
      for (String path : all) {
        writer.addFile(path, content.get(path), CompressionMethod.NONE);
      }
      writer.finish();
    }
    String[] prefixes = {"", "alpha", "alpha/", "alphabet/", "beta/", "gamma/", "gamma/deep/",
        "gamma/deep/1", "missing/", "alpha/1"};
    Map<String, List<String>> expectedByPrefix = new LinkedHashMap<>();
    for (String prefix : prefixes) {
      expectedByPrefix.put(prefix,
          all.stream().filter(p -> p.startsWith(prefix)).collect(Collectors.toList()));
    }
    // spot checks that the expectation itself is the intended one
    assertEquals(24, expectedByPrefix.get("alpha").size());
    assertEquals(12, expectedByPrefix.get("alpha/").size());
    assertEquals(24, expectedByPrefix.get("gamma/").size());
    assertEquals(List.of("gamma/deep/1.txt", "gamma/deep/10.txt", "gamma/deep/11.txt"),
        expectedByPrefix.get("gamma/deep/1"));
    assertEquals(List.of(), expectedByPrefix.get("missing/"));

    int threads = 20;
    int calls = 1_000;
    AtomicInteger verified = new AtomicInteger();
    try (ArchiveReader reader = ArchiveReader.open(metadata)) {
      List<Throwable> failures = runTogether(threads, t -> {
        Random random = new Random(t);
        for (int i = 0; i < calls; i++) {
          String path = all.get(random.nextInt(all.size()));
          switch ((t + i) % 6) {
            case 0 -> assertEquals(all, reader.list(), "list()");
            case 1 -> {
              String prefix = prefixes[random.nextInt(prefixes.length)];
              assertEquals(expectedByPrefix.get(prefix), reader.list(prefix),
                  "list(\"" + prefix + "\")");
            }
            case 2 -> {
              assertTrue(reader.contains(path), path);
              assertTrue(reader.contains(path.replace('/', '\\')), path + " with backslashes");
              assertFalse(reader.contains(path + ".missing"), path + ".missing");
              assertFalse(reader.contains("alpha"), "a prefix is not an entry");
            }
            case 3 -> {
              EntryInfo info = reader.entry(path).orElseThrow(
                  () -> new AssertionError("entry(" + path + ") is empty"));
              byte[] expected = content.get(path);
              assertEquals(path, info.path());
              assertEquals(expected.length, info.uncompressedSize(), path);
              assertEquals(expected.length, info.storedSize(), path);
              assertEquals(TestData.crc(expected), info.crc32(), path);
              assertEquals(CompressionMethod.NONE, info.compression(), path);
              assertEquals(Optional.empty(), reader.entry("missing/" + path));
            }
            case 4 -> assertEquals(all.size(), reader.entryCount(), "entryCount()");
            default -> {
              List<EntryInfo> entries = reader.entries();
              assertEquals(all.size(), entries.size(), "entries()");
              assertEquals(path, entries.get(all.indexOf(path)).path(), "entries() order");
            }
          }
          verified.incrementAndGet();
        }
      });
      assertNoFailures(failures);
    }
    assertEquals(threads * calls, verified.get());
  }

  @Test
  @Timeout(value = 120, unit = SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void tenThreadsEachDecompressingADifferentTenMebibyteEntryAtOnceAllGetCorrectContent()
      throws Exception {
    int threads = 10;
    int[] sizes = new int[threads];
    String[] digests = new String[threads];
    Path large = dir.resolve("ten-large.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(large)) {
      for (int t = 0; t < threads; t++) {
        sizes[t] = 10 * 1024 * 1024 + t * 1_001;
        byte[] text = TestData.text(sizes[t], 500 + t);
        digests[t] = TestData.sha256(text);
        writer.addFile(largePath(t), text, largeMethod(t));
      }
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(large)) {
      for (int t = 0; t < threads; t++) {
        EntryInfo info = reader.entry(largePath(t)).orElseThrow();
        assertEquals(largeMethod(t), info.compression());
        assertFalse(info.isFramed()); // one block: read() decompresses the whole entry at once
        assertTrue(info.storedSize() < sizes[t] / 2, info.toString());
      }
      AtomicInteger verified = new AtomicInteger();
      List<Throwable> failures = runTogether(threads, t -> {
        byte[] read = reader.read(largePath(t));
        assertEquals(sizes[t], read.length, "read() size of " + largePath(t));
        assertEquals(digests[t], TestData.sha256(read), "read() sha256 of " + largePath(t));
        read = null;
        byte[] streamed;
        try (InputStream in = reader.openStream(largePath(t))) {
          streamed = in.readAllBytes();
        }
        assertEquals(sizes[t], streamed.length, "openStream size of " + largePath(t));
        assertEquals(digests[t], TestData.sha256(streamed), "openStream sha256 of " + largePath(t));
        verified.incrementAndGet();
      });
      assertNoFailures(failures);
      assertEquals(threads, verified.get());
    }
  }

  private static String largePath(int t) {
    return "large/" + t + ".txt";
  }

  private static CompressionMethod largeMethod(int t) {
    return t % 2 == 0 ? CompressionMethod.ZSTD : CompressionMethod.LZ4;
  }

  // ---------------------------------------------------------------------------------------------
  // Many readers, one file: no leaked file descriptors

  @Test
  @Timeout(value = 120, unit = SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void openingAndClosingTwoThousandReadersLeaksNoFileDescriptor() throws IOException {
    assumeTrue(Files.isDirectory(PROC_FD), "needs /proc/self/fd to count file descriptors");
    Random random = new Random(2_000);
    readEveryKindOnce(); // loads every class and native library before the baseline is taken
    long before = openDescriptors();
    assertEquals(0, descriptorsOn(archive));
    for (int i = 0; i < 2_000; i++) {
      try (ArchiveReader reader = ArchiveReader.open(archive)) {
        String path = paths.get(i % paths.size());
        expectContent(path, reader.read(path), "read");
        if (i % 10 == 0) {
          verifyBigSlice(reader, random);
        }
        if (i == 0) {
          assertEquals(1, descriptorsOn(archive), "descriptors of one open reader");
        }
      }
    }
    assertEquals(0, descriptorsOn(archive), "descriptors still open on the archive");
    assertEquals(before, openDescriptors(), "descriptors of the whole process");
  }

  @Test
  @Timeout(value = 120, unit = SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void fiftyReadersOpenAtOnceOnOneFileAllReadCorrectlyAndReleaseTheirDescriptors()
      throws Exception {
    assumeTrue(Files.isDirectory(PROC_FD), "needs /proc/self/fd to count file descriptors");
    int readers = 50;
    readEveryKindOnce();
    long before = openDescriptors();
    assertEquals(0, descriptorsOn(archive));
    List<ArchiveReader> open = new ArrayList<>();
    try {
      for (int i = 0; i < readers; i++) {
        open.add(ArchiveReader.open(archive));
      }
      assertEquals(readers, descriptorsOn(archive), "one descriptor per open reader");
      AtomicInteger verified = new AtomicInteger();
      List<Throwable> failures = runTogether(readers, t -> {
        Random random = new Random(50 + t);
        for (int i = 0; i < 20; i++) {
          verifyOneRead(open.get(t), random, i);
          verified.incrementAndGet();
        }
      });
      assertNoFailures(failures);
      assertEquals(readers * 20, verified.get());
    } finally {
      for (ArchiveReader reader : open) {
        reader.close();
      }
    }
    assertEquals(0, descriptorsOn(archive), "descriptors still open on the archive");
    assertEquals(before, openDescriptors(), "descriptors of the whole process");
  }

  // ---------------------------------------------------------------------------------------------
  // Interrupts

  @Test
  @Timeout(value = 120, unit = SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void interruptingOneThreadRepeatedlyNeverDisturbsTheOtherThreadsSharingTheReader()
      throws Exception {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      // thread 0 is interrupted 200 times, threads 1..4 must never notice
      interruptOneThread(5, 200, 100, 700, (random, i) -> verifyOneRead(reader, random, i));

      // the reader still works for everyone, the interrupted thread included
      for (String path : paths) {
        expectContent(path, reader.read(path), "read after interrupts");
        try (InputStream in = reader.openStream(path)) {
          expectContent(path, in.readAllBytes(), "openStream after interrupts");
        }
      }
      verifyWholeBigEntry(reader);
      if (Files.isDirectory(PROC_FD)) {
        // every reopen replaced a closed channel: the reader holds exactly one descriptor
        assertEquals(1, descriptorsOn(archive), "descriptors on the archive after the reopens");
      }
    }
    if (Files.isDirectory(PROC_FD)) {
      assertEquals(0, descriptorsOn(archive), "descriptors on the archive after close");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Closing under running reads

  @Test
  @Timeout(value = 120, unit = SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void closingTheReaderWhileThreadsReadFailsTheirReadsCleanlyAndNeverReturnsWrongBytes()
      throws Exception {
    int threads = 8;
    int readsBeforeClose = 20;
    AtomicBoolean closing = new AtomicBoolean();
    CountDownLatch warmedUp = new CountDownLatch(threads);
    Map<Integer, Throwable> endings = new ConcurrentHashMap<>();
    ArchiveReader reader = ArchiveReader.open(archive);
    try {
      List<Throwable> failures = runTogether(threads, t -> {
        Random random = new Random(900 + t);
        for (int i = 0; ; i++) {
          try {
            verifyOneRead(reader, random, i); // wrong bytes throw AssertionError: a failure
          } catch (IllegalStateException | IOException e) {
            if (!closing.get()) {
              throw new AssertionError("read " + i + " failed before close() was called", e);
            }
            if (e instanceof EngramException) {
              throw new AssertionError("close() was reported as damage to the archive", e);
            }
            endings.put(t, e);
            return;
          }
          if (i + 1 == readsBeforeClose) {
            warmedUp.countDown();
          }
        }
      }, () -> {
        try {
          assertTrue(warmedUp.await(60, SECONDS), "threads did not get going");
        } finally {
          closing.set(true);
          reader.close();
        }
      });
      assertNoFailures(failures);
      assertEquals(threads, endings.size(), "every thread ended with a clean failure");
    } finally {
      reader.close();
    }
    for (String path : paths) {
      assertThrows(IllegalStateException.class, () -> reader.read(path), path);
      assertThrows(IllegalStateException.class, () -> reader.openStream(path), path);
      assertThrows(IllegalStateException.class, () -> reader.openChannel(path), path);
    }
    assertThrows(IllegalStateException.class, () -> reader.read(BIG));
    assertThrows(IllegalStateException.class, () -> reader.openChannel(BIG));
    if (Files.isDirectory(PROC_FD)) {
      assertEquals(0, descriptorsOn(archive), "descriptors on the archive after close");
    }
  }

  /**
   * The reader documents that closing it "ends the streams and channels opened from it" and that
   * they "fail afterwards", so a thread still holding one cannot go on reading a closed archive.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"stored/medium.bin", "lz4/medium.txt", "zstd/medium.txt", BIG})
  void streamsAndChannelsOpenedBeforeCloseFailAfterTheReaderIsClosed(String path)
      throws IOException {
    ArchiveReader reader = ArchiveReader.open(archive);
    SeekableByteChannel channel = reader.openChannel(path);
    InputStream stream = reader.openStream(path);
    try {
      ByteBuffer first = ByteBuffer.allocate(1_000);
      assertEquals(1_000, channel.read(first));
      assertArrayEquals(expectedSlice(path, 0, 1_000), first.array());
      assertArrayEquals(expectedSlice(path, 0, 1_000), stream.readNBytes(1_000));

      reader.close();

      channel.position(200_000);
      Exception fromChannel =
          assertThrows(Exception.class, () -> channel.read(ByteBuffer.allocate(1_000)),
              "channel on '" + path + "' read after close");
      assertCleanCloseFailure(fromChannel);
      stream.skip(200_000);
      Exception fromStream = assertThrows(Exception.class, () -> stream.readNBytes(1_000),
          "stream on '" + path + "' read after close");
      assertCleanCloseFailure(fromStream);
    } finally {
      channel.close();
      stream.close();
      reader.close();
    }
  }

  private static void assertCleanCloseFailure(Exception e) {
    if (!(e instanceof IllegalStateException || e instanceof IOException)
        || e instanceof EngramException) {
      throw new AssertionError("expected IllegalStateException or IOException, got " + e, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reads and their checks

  /**
   * One read of a mix chosen by {@code random}: whole reads, streams and channel slices of small
   * and medium entries of every method, and random-position reads into the framed entry. Every
   * tenth read is of {@link #HOT}, which all threads therefore read at about the same time.
   */
  private static void verifyOneRead(ArchiveReader reader, Random random, int iteration)
      throws IOException {
    if (iteration % 10 == 0) {
      expectContent(HOT, reader.read(HOT), "read");
      return;
    }
    String path = paths.get(random.nextInt(paths.size()));
    switch (random.nextInt(6)) {
      case 0 -> expectContent(path, reader.read(path), "read");
      case 1 -> {
        try (InputStream in = reader.openStream(path)) {
          expectContent(path, in.readAllBytes(), "openStream");
        }
      }
      case 2 -> {
        int size = CONTENT.get(path).length;
        long position = size == 0 ? 0 : random.nextInt(size);
        int length = 1 + random.nextInt(70_000);
        try (SeekableByteChannel channel = reader.openChannel(path)) {
          byte[] actual = readAt(channel, position, length);
          byte[] expected = expectedSlice(path, position, length);
          if (!Arrays.equals(expected, actual)) {
            throw new AssertionError("openChannel of '" + path + "' at " + position + " returned "
                + actual.length + " wrong bytes (expected " + expected.length + ")");
          }
        }
      }
      case 3 -> verifyBigSlice(reader, random);
      case 4 -> {
        long position = bigPosition(random);
        int length = 1 + random.nextInt(100_000);
        try (InputStream in = reader.openStream(BIG)) {
          long skipped = in.skip(position);
          if (skipped != position) {
            throw new AssertionError("skip(" + position + ") skipped " + skipped);
          }
          expectPattern(in.readNBytes(length), position, length, "openStream(" + BIG + ")");
        }
      }
      default -> {
        // a whole entry through a channel, in odd-sized pieces, then its CRC
        byte[] expected = CONTENT.get(path);
        ByteBuffer all = ByteBuffer.allocate(expected.length);
        try (SeekableByteChannel channel = reader.openChannel(path)) {
          ByteBuffer piece = ByteBuffer.allocate(7_919);
          while (channel.read(piece.clear()) > 0) {
            all.put(piece.flip());
          }
        }
        expectContent(path, all.array(), "openChannel in pieces");
        if (reader.entry(path).orElseThrow().crc32() != TestData.crc(all.array())) {
          throw new AssertionError("CRC32 of '" + path + "' differs from the directory's");
        }
      }
    }
  }

  /** Two reads at random positions of one channel on the framed entry, the second backwards. */
  private static void verifyBigSlice(ArchiveReader reader, Random random) throws IOException {
    try (SeekableByteChannel channel = reader.openChannel(BIG)) {
      long first = bigPosition(random);
      int length = 1 + random.nextInt(150_000);
      expectPattern(readAt(channel, first, length), first, length, "openChannel(" + BIG + ")");
      long second = first / 3;
      expectPattern(readAt(channel, second, 4_321), second, 4_321, "openChannel(" + BIG + ")");
    }
  }

  /** A position in the framed entry: anywhere, just before a frame boundary, or near its end. */
  private static long bigPosition(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> (long) (random.nextDouble() * BIG_SIZE);
      case 1 -> (long) (1 + random.nextInt(800)) * Framing.FRAME_SIZE - 1 - random.nextInt(100);
      default -> BIG_SIZE - 1 - random.nextInt(80_000);
    };
  }

  private static void verifyWholeBigEntry(ArchiveReader reader) throws IOException {
    long position = 0;
    try (InputStream in = reader.openStream(BIG)) { // read to the end: the CRC32 is checked too
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        expectPattern(Arrays.copyOf(buffer, n), position, n, "openStream(" + BIG + ")");
        position += n;
      }
    }
    assertEquals(BIG_SIZE, position);
  }

  private static void readEveryKindOnce() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      verifyWholeBigEntry(reader);
      Random random = new Random(0);
      for (int i = 0; i < 50; i++) {
        verifyOneRead(reader, random, i);
      }
    }
  }

  private static byte[] readAt(SeekableByteChannel channel, long position, int length)
      throws IOException {
    channel.position(position);
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // read until full or the end
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private static byte[] expectedSlice(String path, long position, int length) {
    if (path.equals(BIG)) {
      byte[] slice = new byte[(int) Math.min(length, BIG_SIZE - position)];
      for (int k = 0; k < slice.length; k++) {
        slice[k] = TestData.patternByte(position + k);
      }
      return slice;
    }
    byte[] content = CONTENT.get(path);
    int from = (int) Math.min(position, content.length);
    return Arrays.copyOfRange(content, from, (int) Math.min(content.length, from + (long) length));
  }

  private static void expectContent(String path, byte[] actual, String how) {
    byte[] expected = CONTENT.get(path);
    if (!Arrays.equals(expected, actual)) {
      throw new AssertionError(how + " of '" + path + "' returned " + actual.length
          + " bytes with sha256 " + TestData.sha256(actual) + ", expected " + expected.length
          + " bytes with sha256 " + TestData.sha256(expected));
    }
  }

  private static void expectPattern(byte[] actual, long position, int length, String how) {
    long expectedLength = Math.min(length, BIG_SIZE - position);
    if (actual.length != expectedLength) {
      throw new AssertionError(how + " at " + position + " returned " + actual.length
          + " bytes, expected " + expectedLength);
    }
    for (int k = 0; k < actual.length; k++) {
      if (actual[k] != TestData.patternByte(position + k)) {
        throw new AssertionError(how + " read from " + position + ": byte at content offset "
            + (position + k) + " is " + actual[k] + ", expected "
            + TestData.patternByte(position + k));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // File descriptors

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(PROC_FD)) {
      return fds.count();
    }
  }

  /** How many of this process's descriptors are open on {@code file}. */
  private static long descriptorsOn(Path file) throws IOException {
    Path real = file.toRealPath();
    try (Stream<Path> fds = Files.list(PROC_FD)) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(real);
        } catch (IOException e) {
          return false; // closed while listing (the listing's own descriptor)
        }
      }).count();
    }
  }
}
