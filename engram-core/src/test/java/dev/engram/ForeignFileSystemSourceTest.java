package dev.engram;

import static dev.engram.TestThreads.assertNoFailures;
import static dev.engram.TestThreads.interruptOneThread;
import static dev.engram.TestThreads.runTogether;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.engram.format.Framing;
import dev.engram.io.ArchiveFile;
import dev.engram.io.ChannelSource;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Archives on paths of other file system providers than the default one: entries of a zip file
 * (jdk.zipfs), stored and deflated, and files of an in-memory file system (Jimfs). Both offer a
 * {@link java.nio.channels.FileChannel}, so {@link ArchiveSource#open} reads them with {@link
 * ArchiveFile}; {@link ChannelSource}, what a provider without one gets, is read on both too.
 */
class ForeignFileSystemSourceTest {
  private static final Instant TIME = Instant.parse("2026-01-02T03:04:05Z");
  /** Framed with the writer's defaults (LZ4, 64 KiB frames), a few hundred KiB stored. */
  private static final long BIG_SIZE = Framing.THRESHOLD + 12_345;
  private static final String BIG = "big/pattern.bin";
  private static final String STORED_ENTRY = "stored zip entry";
  private static final String DEFLATED_ENTRY = "deflated zip entry";
  private static final String JIMFS_FILE = "jimfs file";

  @TempDir static Path dir;
  private static Path archive;
  private static Path zip;
  /** Every entry but {@link #BIG}. */
  private static final Map<String, byte[]> CONTENTS = new LinkedHashMap<>();
  private static FileSystem zipFs;
  private static FileSystem jimfs;

  @BeforeAll
  static void writeArchiveIntoOtherFileSystems() throws IOException {
    byte[] database = TestData.text(300_000, 7);
    System.arraycopy("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), 0, database, 0, 16);
    CONTENTS.put("stored.txt", TestData.text(10_000, 1));
    CONTENTS.put("large.txt", TestData.text(1_500_000, 2)); // one zstd block of over 1 MiB
    CONTENTS.put("tiny.txt", "hello".getBytes(StandardCharsets.UTF_8));
    CONTENTS.put("empty.bin", new byte[0]);
    CONTENTS.put("data/catalog.db", database); // framed too: 4 KiB frames
    archive = dir.resolve("mixed.eng");
    WriterOptions options =
        WriterOptions.builder().databaseFrameSize(4096).modifiedTime(TIME).threads(1).build();
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      writer.addFile("stored.txt", CONTENTS.get("stored.txt"), CompressionMethod.NONE);
      writer.addFile("large.txt", CONTENTS.get("large.txt"), CompressionMethod.ZSTD);
      writer.addFile("tiny.txt", CONTENTS.get("tiny.txt"));
      writer.addFile("empty.bin", CONTENTS.get("empty.bin"), CompressionMethod.LZ4);
      writer.addFile("data/catalog.db", database, CompressionMethod.LZ4);
      writer.addFile(BIG, TestData.patternStream(BIG_SIZE), CompressionMethod.LZ4);
      writer.finish();
    }

    zip = dir.resolve("archives.zip");
    try (FileSystem fs = FileSystems.newFileSystem(zip,
        Map.of("create", "true", "noCompression", "true"))) {
      Files.copy(archive, fs.getPath("/stored.eng"));
    }
    try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of())) {
      Files.createDirectories(fs.getPath("/archives"));
      Files.copy(archive, fs.getPath("/archives/deflated.eng"));
    }
    try (ZipFile file = new ZipFile(zip.toFile())) {
      assertEquals(ZipEntry.STORED, file.getEntry("stored.eng").getMethod());
      assertEquals(ZipEntry.DEFLATED, file.getEntry("archives/deflated.eng").getMethod());
      assertTrue(file.getEntry("archives/deflated.eng").getCompressedSize() < Files.size(archive));
    }
    zipFs = FileSystems.newFileSystem(zip, Map.of());

    jimfs = Jimfs.newFileSystem(Configuration.unix());
    Files.createDirectories(jimfs.getPath("/data"));
    Files.copy(archive, jimfs.getPath("/data/mixed.eng"));

    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertTrue(reader.entry(BIG).orElseThrow().isFramed());
      assertTrue(reader.entry("data/catalog.db").orElseThrow().isFramed());
      assertFalse(reader.entry("large.txt").orElseThrow().isFramed());
    }
  }

  @AfterAll
  static void closeFileSystems() throws IOException {
    if (zipFs != null) {
      zipFs.close();
    }
    if (jimfs != null) {
      jimfs.close();
    }
  }

  private static Path path(String where) {
    return switch (where) {
      case STORED_ENTRY -> zipFs.getPath("/stored.eng");
      case DEFLATED_ENTRY -> zipFs.getPath("/archives/deflated.eng");
      case JIMFS_FILE -> jimfs.getPath("/data/mixed.eng");
      default -> throw new IllegalArgumentException(where);
    };
  }

  /** Opens the archive at {@code where} as {@link ArchiveSource#open} does, or as a channel. */
  private static ArchiveSource open(String where, String how) throws IOException {
    return switch (how) {
      case "ArchiveSource.open" -> ArchiveSource.open(path(where));
      case "ChannelSource" -> ChannelSource.open(path(where));
      default -> throw new IllegalArgumentException(how);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Whole archives

  @ParameterizedTest(name = "{0} through {1}")
  @CsvSource({
    "stored zip entry, ArchiveSource.open",
    "deflated zip entry, ArchiveSource.open",
    "jimfs file, ArchiveSource.open",
    "stored zip entry, ChannelSource",
    "deflated zip entry, ChannelSource",
    "jimfs file, ChannelSource",
  })
  void everyEntryReadsBackExactly(String where, String how) throws IOException {
    Path path = path(where);
    try (ArchiveReader reader = ArchiveReader.open(open(where, how), ReaderOptions.defaults())) {
      // both providers offer a FileChannel: the lock-free source serves them
      Class<? extends ArchiveSource> expected =
          how.equals("ChannelSource") ? ChannelSource.class : ArchiveFile.class;
      assertEquals(expected, reader.source().getClass());
      assertEquals(path.toString(), reader.name());
      SourceIdentity identity = reader.source().identity();
      assertEquals(path.toUri().toString(), identity.location());
      assertEquals(Files.size(archive), identity.size());
      assertEquals(Files.size(archive), reader.source().size());
      assertFalse(reader.hasChanged());

      assertEquals(CONTENTS.size() + 1, reader.entryCount());
      for (Map.Entry<String, byte[]> entry : CONTENTS.entrySet()) {
        assertArrayEquals(entry.getValue(), reader.read(entry.getKey()), entry.getKey());
      }
      verifyWholeBigEntry(reader);
      Random random = new Random(1);
      for (int i = 0; i < 20; i++) {
        verifyOneRead(reader, random, i);
      }
      assertTrue(reader.verify(VerifyOptions.defaults()).isIntact());
    }
  }

  @Test
  void aFileSystemWhoseByteChannelsCannotSeekIsRefused() throws IOException {
    // the JDK's own jrt file system offers no FileChannel, and its byte channels cannot seek
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    Path object = jrt.getPath("/modules/java.base/java/lang/Object.class");
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> ArchiveSource.open(object));
    assertEquals(object + ": its file system offers no FileChannel, and its byte channels cannot"
        + " move to a position", e.getMessage());
  }

  @Test
  void aChannelSourceReadsInPiecesAndKnowsWhereTheFileEnds() throws IOException {
    Path path = jimfs.getPath("/data/random.bin");
    byte[] bytes = TestData.random(1_000_000, 3);
    Files.write(path, bytes);
    try (ChannelSource source = ChannelSource.open(path)) {
      assertEquals(bytes.length, source.size());
      for (ByteBuffer buffer : List.of(ByteBuffer.allocate(700_000),
          ByteBuffer.allocateDirect(700_000))) {
        buffer.position(10).limit(600_010); // more than two of the source's pieces
        source.readFully(123_456, buffer);
        assertEquals(600_010, buffer.position());
        assertEquals(ByteBuffer.wrap(bytes, 123_456, 600_000), buffer.flip().position(10));
      }
      CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
          () -> source.readFully(bytes.length - 10, new byte[11], 0, 11));
      assertEquals(path + ": data ends at " + bytes.length + ", needed 1 more bytes (was it"
          + " truncated while open?)", e.getMessage());
    } finally {
      Files.delete(path);
    }
  }

  @Test
  void aZipEntryReopenedAfterAnInterruptLeavesNoCopyBehind() throws IOException {
    byte[] expected = Files.readAllBytes(archive);
    try (ArchiveSource source = ArchiveSource.open(path(DEFLATED_ENTRY))) {
      assertInstanceOf(ArchiveFile.class, source); // on zipfs's FileChannel: a temporary copy
      assertEquals(1, zipfsCopies());
      byte[] head = new byte[4096];
      Thread.currentThread().interrupt(); // the read closes the FileChannel on the copy
      assertThrows(InterruptedIOException.class, () -> source.readFully(0, head, 0, head.length));
      assertTrue(Thread.interrupted(), "the interrupt is kept");
      source.readFully(0, head, 0, head.length); // reopens: zipfs copies the entry again
      assertArrayEquals(Arrays.copyOf(expected, head.length), head);
      assertEquals(1, zipfsCopies(), "the closed copy is deleted when it is replaced");
    }
    assertEquals(0, zipfsCopies());
  }

  @Test
  void aChannelSourceKnowsWhenTheFileChanged() throws IOException {
    Path copy = jimfs.getPath("/data/changing.eng");
    Files.copy(archive, copy);
    Files.setLastModifiedTime(copy, FileTime.from(TIME));
    try (ArchiveReader reader = ArchiveReader.open(ChannelSource.open(copy),
        ReaderOptions.defaults())) {
      SourceIdentity identity = reader.source().identity();
      assertEquals("jimfs", URI.create(identity.location()).getScheme());
      assertEquals(reader.source().currentIdentity(), identity);
      assertFalse(reader.hasChanged());
      Files.setLastModifiedTime(copy, FileTime.from(TIME.plusSeconds(1)));
      assertTrue(reader.hasChanged(), "a new modified time");
      assertNotEquals(identity, reader.source().currentIdentity());
      Files.setLastModifiedTime(copy, FileTime.from(TIME));
      assertFalse(reader.hasChanged());
    } finally {
      Files.delete(copy);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Threads

  @ParameterizedTest(name = "{0} through {1}")
  @CsvSource({
    "stored zip entry, ArchiveSource.open",
    "deflated zip entry, ArchiveSource.open",
    "deflated zip entry, ChannelSource",
    "jimfs file, ChannelSource",
  })
  @Timeout(value = 120, unit = SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void eightThreadsSharingOneReaderAllReadCorrectBytes(String where, String how)
      throws Exception {
    AtomicInteger verified = new AtomicInteger();
    try (ArchiveReader reader = ArchiveReader.open(open(where, how), ReaderOptions.defaults())) {
      assertNoFailures(runTogether(8, t -> {
        Random random = new Random(t);
        for (int i = 0; i < 40; i++) {
          verifyOneRead(reader, random, i);
          verified.incrementAndGet();
        }
      }));
    }
    assertEquals(8 * 40, verified.get());
  }

  @ParameterizedTest(name = "{0} through {1}")
  @CsvSource({
    // zipfs's byte channel holds the entry in memory and ignores interrupts
    "stored zip entry, ChannelSource",
    "deflated zip entry, ChannelSource",
    // Jimfs's byte channel is an interruptible FileChannel: an interrupt during a read closes it
    "jimfs file, ChannelSource",
    // Not ArchiveSource.open on either (ArchiveFile): zipfs's own FileChannel on the zip file
    // is closed for good if the interrupt lands while ArchiveFile reopens the entry (zipfs copies
    // it), and Jimfs interrupts every thread that reads the channel an interrupt closes.
  })
  @Timeout(value = 120, unit = SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void anInterruptedThreadDoesNotDisturbTheOthers(String where, String how) throws Exception {
    try (ArchiveReader reader = ArchiveReader.open(open(where, how), ReaderOptions.defaults())) {
      // thread 0 is interrupted 60 times, threads 1..3 must never notice
      interruptOneThread(4, 60, 30, 700, (random, i) -> verifyOneRead(reader, random, i));

      // the reader still works
      for (Map.Entry<String, byte[]> entry : CONTENTS.entrySet()) {
        assertArrayEquals(entry.getValue(), reader.read(entry.getKey()), entry.getKey());
      }
      verifyWholeBigEntry(reader);
    }
  }

  /** zipfs's temporary copies of entries, which it makes beside the zip file. */
  private static long zipfsCopies() throws IOException {
    try (Stream<Path> files = Files.list(zip.getParent())) {
      return files.filter(f -> f.getFileName().toString().startsWith("zipfstmp")).count();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Closing

  @ParameterizedTest(name = "{0} through {1}")
  @CsvSource({
    "stored zip entry, ArchiveSource.open",
    "deflated zip entry, ChannelSource",
    "jimfs file, ArchiveSource.open",
    "jimfs file, ChannelSource",
  })
  void aClosedSourceRefusesToRead(String where, String how) throws IOException {
    ArchiveSource source = open(where, how);
    ArchiveReader reader = ArchiveReader.open(source, ReaderOptions.defaults());
    assertArrayEquals(CONTENTS.get("tiny.txt"), reader.read("tiny.txt"));
    reader.close();
    assertFalse(source.isOpen());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> source.readFully(0, new byte[10], 0, 10));
    assertEquals("archive " + path(where) + " is closed", e.getMessage());
    assertThrows(IllegalStateException.class, () -> reader.read("tiny.txt"));
    source.close(); // again: nothing happens
    assertEquals(0, zipfsCopies(), "zipfs copies after close");
  }

  // ---------------------------------------------------------------------------------------------
  // Reads and their checks

  /**
   * One read of a mix chosen by {@code random}: whole entries, channel slices of the framed
   * database and of the framed pattern (which several pieces of the source serve).
   */
  private static void verifyOneRead(ArchiveReader reader, Random random, int iteration)
      throws IOException {
    List<String> paths = new ArrayList<>(CONTENTS.keySet());
    switch ((iteration + random.nextInt(3)) % 3) {
      case 0 -> {
        String path = paths.get(random.nextInt(paths.size()));
        byte[] actual = reader.read(path);
        if (!Arrays.equals(CONTENTS.get(path), actual)) {
          throw new AssertionError("read of '" + path + "' returned wrong bytes");
        }
      }
      case 1 -> {
        byte[] database = CONTENTS.get("data/catalog.db");
        int position = random.nextInt(database.length);
        int length = Math.min(1 + random.nextInt(20_000), database.length - position);
        ByteBuffer page = ByteBuffer.allocate(length);
        reader.openRandomAccess("data/catalog.db").readFully(position, page);
        if (!page.flip().equals(ByteBuffer.wrap(database, position, length))) {
          throw new AssertionError("database at " + position + " returned wrong bytes");
        }
      }
      default -> {
        long position = (long) (random.nextDouble() * (BIG_SIZE - 200_000));
        int length = 1 + random.nextInt(200_000);
        ByteBuffer slice = ByteBuffer.allocate(length);
        try (SeekableByteChannel channel = reader.openChannel(BIG)) {
          channel.position(position);
          while (slice.hasRemaining() && channel.read(slice) >= 0) {
            // until full
          }
        }
        for (int k = 0; k < length; k++) {
          if (slice.get(k) != TestData.patternByte(position + k)) {
            throw new AssertionError(BIG + ": wrong byte at " + (position + k));
          }
        }
      }
    }
  }

  private static void verifyWholeBigEntry(ArchiveReader reader) throws IOException {
    try (InputStream in = reader.openStream(BIG)) { // to the end: the CRC32 is checked too
      assertEquals(TestData.patternCrc(BIG_SIZE), TestData.crc(in));
    }
  }
}
