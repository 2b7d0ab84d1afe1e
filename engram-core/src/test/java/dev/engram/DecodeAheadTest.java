package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.Framing;
import dev.engram.frame.FramedEntryChannel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames decoded ahead of sequential reads on a reader's threads ({@link ReaderOptions#threads}). */
class DecodeAheadTest {
  private static final int FRAME = Framing.FRAME_SIZE;
  private static final long SIZE = Framing.THRESHOLD + 10L * FRAME + 123;
  private static final int FRAMES = (int) ((SIZE + FRAME - 1) / FRAME);

  @TempDir static Path dir;
  private static Path archive;

  @BeforeAll
  static void write() throws IOException {
    archive = dir.resolve("big.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("big.bin", TestData.patternStream(SIZE), CompressionMethod.ZSTD);
      writer.finish();
    }
  }

  private static ReaderOptions threads(int n) {
    return ReaderOptions.builder().threads(n).build();
  }

  @Test
  void aSequentialReadDecodesEveryFrameOnceAndChecksTheCrc() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive, threads(4));
        FramedEntryChannel channel = (FramedEntryChannel) reader.openChannel("big.bin")) {
      ByteBuffer buffer = ByteBuffer.allocate(10_000); // reads that do not align with frames
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      while (channel.read(buffer.clear()) > 0) {
        crc.update(buffer.flip());
      }
      assertEquals(TestData.patternCrc(SIZE), (int) crc.getValue());
      assertEquals(FRAMES, channel.framesDecoded());
    }
    try (ArchiveReader reader = ArchiveReader.open(archive, threads(2));
        InputStream in = reader.openStream("big.bin")) {
      assertEquals(TestData.patternCrc(SIZE), TestData.crc(in));
    }
  }

  @Test
  void randomReadsDecodeOnlyWhatTheyTouchEvenWithThreads() throws IOException {
    Random random = new Random(5);
    try (ArchiveReader reader = ArchiveReader.open(archive, threads(4));
        FramedEntryChannel channel = (FramedEntryChannel) reader.openChannel("big.bin")) {
      for (int i = 0; i < 200; i++) {
        long position = (long) (random.nextDouble() * (SIZE - 4096));
        long before = channel.framesDecoded();
        ByteBuffer page = ByteBuffer.allocate(4096);
        channel.position(position).read(page);
        long decoded = channel.framesDecoded() - before;
        assertTrue(decoded <= 2, decoded + " frames decoded for 4 KiB at " + position);
        for (int j = 0; j < 4096; j++) {
          assertEquals(TestData.patternByte(position + j), page.get(j));
        }
      }
      // the worst case: 4 KiB across a boundary right after the frame before it was read
      channel.position(300L * FRAME).read(ByteBuffer.allocate(10));
      long before = channel.framesDecoded();
      channel.position(302L * FRAME - 2048).read(ByteBuffer.allocate(4096));
      assertEquals(2, channel.framesDecoded() - before);
    }
  }

  @Test
  void aDamagedFrameFailsTheReadThatReachesItNotAnEarlierOne() throws Exception {
    Path damaged = dir.resolve("damaged.eng");
    java.nio.file.Files.copy(archive, damaged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    int badFrame = 600;
    try (ArchiveReader reader = ArchiveReader.open(damaged);
        FileChannel file = FileChannel.open(damaged, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      // [frame count: u32][size of frame 1: u32][frame 1]...: walk to frame 600, then break the
      // magic number its Zstandard frame starts with, so that decoding it fails for certain
      long at = reader.entry("big.bin").orElseThrow().directoryEntry().payloadOffset() + 4;
      ByteBuffer prefix = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (int k = 0; k < badFrame; k++) {
        file.read(prefix.clear(), at);
        at += 4 + Integer.toUnsignedLong(prefix.getInt(0));
      }
      file.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}), at + 4);
    }
    try (ArchiveReader reader = ArchiveReader.open(damaged, threads(4));
        InputStream in = reader.openStream("big.bin")) {
      byte[] chunk = new byte[FRAME];
      long read = 0;
      CorruptArchiveException failure = null;
      try {
        int n;
        while ((n = in.read(chunk)) > 0) {
          for (int j = 0; j < n; j += 4099) {
            assertEquals(TestData.patternByte(read + j), chunk[j]);
          }
          read += n;
        }
      } catch (CorruptArchiveException e) {
        failure = e;
      }
      assertTrue(failure != null, "the damage went unnoticed");
      assertTrue(failure.getMessage().contains("frame " + badFrame), failure.getMessage());
      // everything before the damaged frame was delivered, nothing after it: a frame decoded
      // ahead fails the read that reaches it, not an earlier one
      assertEquals((long) badFrame * FRAME, read);
    }
  }

  @Test
  void decodingAheadStopsAtTheWindow() throws Exception {
    int window = FramedEntryChannel.aheadWindow(2);
    try (ArchiveReader reader = ArchiveReader.open(archive, threads(2));
        FramedEntryChannel channel = (FramedEntryChannel) reader.openChannel("big.bin")) {
      ByteBuffer frame = ByteBuffer.allocate(FRAME);
      for (int k = 0; k < 4; k++) {
        assertEquals(FRAME, channel.read(frame.clear()));
      }
      // frames 0-3 were read, the third one in a row started decoding ahead: 3 + window frames
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (channel.framesDecoded() < 4 + window && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(100); // time to decode more, were the window not respected
      assertEquals(4 + window, channel.framesDecoded());
    }
  }

  @Test
  void closingTheReaderMidStreamStopsItsThreads() throws Exception {
    ArchiveReader reader = ArchiveReader.open(archive, threads(3));
    InputStream in = reader.openStream("big.bin");
    in.readNBytes(20 * FRAME);
    assertTrue(readerThreads().size() > 0, "no thread decoded ahead");
    reader.close();
    assertThrows(IllegalStateException.class, () -> in.readNBytes(100 * FRAME));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!readerThreads().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(Set.of(), readerThreads());
  }

  @Test
  void oneThreadDecodesOnTheCallersThreadOnly() throws IOException {
    Set<String> before = readerThreads();
    try (ArchiveReader reader = ArchiveReader.open(archive, threads(1))) {
      assertArrayEquals(TestData.pattern(FRAME * 3),
          reader.openStream("big.bin").readNBytes(FRAME * 3));
      // no new reader thread (threads of earlier tests' closed readers may still be ending)
      assertTrue(before.containsAll(readerThreads()), readerThreads() + " besides " + before);
    }
    assertThrows(IllegalArgumentException.class, () -> ReaderOptions.builder().threads(0));
  }

  /**
   * A read that goes back after the caller decoded frames ahead itself (while a pool thread still
   * held the frame it waited for) must not wait for those frames: they are done. It once waited
   * forever for a completion that only pool threads signalled.
   */
  @Test
  void seekingBackAfterTheCallerDecodedAheadItselfDoesNotHang() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Thread> caller =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.CountDownLatch poolBlocked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean armed =
        new java.util.concurrent.atomic.AtomicBoolean();
    dev.engram.source.ArchiveSource file = dev.engram.source.ArchiveSource.open(archive);
    dev.engram.source.ArchiveSource holdingPool = new dev.engram.source.ArchiveSource() {
      @Override
      public void readFully(long position, ByteBuffer dst) throws IOException {
        if (Thread.currentThread() != caller.get() && armed.compareAndSet(true, false)) {
          poolBlocked.countDown(); // the pool thread has claimed a frame: hold it there
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
        }
        file.readFully(position, dst);
      }

      @Override
      public String name() {
        return file.name();
      }

      @Override
      public dev.engram.source.SourceIdentity identity() {
        return file.identity();
      }

      @Override
      public long size() {
        return file.size();
      }

      @Override
      public boolean isOpen() {
        return file.isOpen();
      }

      @Override
      public void close() throws IOException {
        file.close();
      }
    };
    int window = FramedEntryChannel.aheadWindow(2);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
        () -> {
          caller.set(Thread.currentThread()); // the timeout runs this on a thread of its own
          try (ArchiveReader reader = ArchiveReader.open(holdingPool, threads(2));
              FramedEntryChannel channel = (FramedEntryChannel) reader.openChannel("big.bin")) {
            ByteBuffer frame = ByteBuffer.allocate(FRAME);
            armed.set(true);
            for (int k = 0; k < 3; k++) { // the third read in a row starts decoding ahead
              assertEquals(FRAME, channel.read(frame.clear()));
            }
            poolBlocked.await();
            // frame 3 is the pool's; the caller decodes frames 4.. while it waits for it
            Thread releaser = new Thread(() -> {
              long deadline = System.nanoTime() + 20_000_000_000L;
              while (channel.framesDecoded() < 3 + window - 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
              }
              release.countDown();
            });
            releaser.start();
            assertEquals(FRAME, channel.read(frame.clear()));
            releaser.join();
            long decodedAhead = channel.framesDecoded();
            channel.position(0); // back: the frames decoded ahead are dropped
            assertEquals(FRAME, channel.read(frame.clear()));
            byte[] expected = new byte[FRAME];
            for (int i = 0; i < FRAME; i++) {
              expected[i] = TestData.patternByte(i);
            }
            assertArrayEquals(expected, frame.array());
            assertTrue(decodedAhead >= 3 + window, "the caller decoded ahead: " + decodedAhead);
          }
        });
  }

  private static Set<String> readerThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(name -> name.startsWith("engram-reader-")).collect(Collectors.toSet());
  }
}
