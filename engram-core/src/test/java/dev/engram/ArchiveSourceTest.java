package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.DirectoryEntry;
import dev.engram.format.EndRecord;
import dev.engram.format.Header;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Archives read from sources that are not local files: in memory, and through a counting view. */
class ArchiveSourceTest {
  private static final byte[] KEY = new byte[32];
  private static final Instant TIME = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir static Path dir;
  private static Path archive;
  private static Map<String, byte[]> contents;

  @BeforeAll
  static void writeArchive() throws IOException {
    byte[] database = TestData.text(300_000, 7);
    System.arraycopy("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), 0, database, 0, 16);
    contents = Map.of(
        "stored.txt", TestData.text(10_000, 1),
        "block.json", TestData.text(200_000, 2),
        "tiny.txt", "hello".getBytes(StandardCharsets.UTF_8),
        "empty.bin", new byte[0],
        "data/catalog.db", database);
    archive = write("mixed.eng", WriterOptions.builder().databaseFrameSize(4096));
  }

  private static Path write(String name, WriterOptions.Builder options) throws IOException {
    Path target = dir.resolve(name);
    try (ArchiveWriter writer =
        ArchiveWriter.create(target, options.modifiedTime(TIME).threads(1).build())) {
      writer.addFile("stored.txt", contents.get("stored.txt"), CompressionMethod.NONE);
      writer.addFile("block.json", contents.get("block.json"), CompressionMethod.ZSTD);
      writer.addFile("tiny.txt", contents.get("tiny.txt"));
      writer.addFile("empty.bin", contents.get("empty.bin"), CompressionMethod.LZ4);
      writer.addFile("data/catalog.db", contents.get("data/catalog.db"), CompressionMethod.LZ4);
      writer.finish();
    }
    return target;
  }

  private static ArchiveReader openInMemory(Path file, ReaderOptions options) throws IOException {
    return ArchiveReader.open(ArchiveSource.wrap(Files.readAllBytes(file), "memory:" + file
        .getFileName()), options);
  }

  @Test
  void anArchiveInMemoryReadsExactlyLikeTheFile() throws IOException {
    try (ArchiveReader file = ArchiveReader.open(archive);
        ArchiveReader memory = openInMemory(archive, ReaderOptions.defaults())) {
      assertEquals(file.entries(), memory.entries());
      assertTrue(memory.entry("data/catalog.db").orElseThrow().isFramed());
      for (String path : contents.keySet()) {
        assertArrayEquals(contents.get(path), memory.read(path), path);
        byte[] expected = contents.get(path);
        try (SeekableByteChannel channel = memory.openChannel(path)) {
          if (expected.length > 100) {
            ByteBuffer slice = ByteBuffer.allocate(100);
            channel.position(expected.length / 2).read(slice);
            assertEquals(ByteBuffer.wrap(expected, expected.length / 2, 100), slice.flip(), path);
          }
        }
        RandomAccessEntry random = memory.openRandomAccess(path);
        if (expected.length > 10) {
          ByteBuffer tail = ByteBuffer.allocate(10);
          random.readFully(expected.length - 10, tail);
          assertEquals(ByteBuffer.wrap(expected, expected.length - 10, 10), tail.flip(), path);
        }
      }
      assertTrue(memory.verify(VerifyOptions.defaults()).isIntact());
      assertEquals("memory:mixed.eng", memory.name());
      Path out = dir.resolve("extracted-from-memory");
      memory.extractAll(out);
      for (Map.Entry<String, byte[]> entry : contents.entrySet()) {
        assertArrayEquals(entry.getValue(), Files.readAllBytes(out.resolve(entry.getKey())),
            entry.getKey());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"per-file", "per-file segmented", "archive", "archive segmented"})
  void encryptedArchivesReadFromMemory(String mode) throws IOException {
    WriterOptions.Builder options = WriterOptions.builder().databaseFrameSize(4096)
        .segmentedEncryption(mode.endsWith("segmented"));
    options = mode.startsWith("per-file") ? options.perFileEncryption(KEY)
        : options.archiveEncryption(KEY);
    Path encrypted = write(mode.replace(' ', '-') + ".eng", options);
    try (ArchiveReader reader = openInMemory(encrypted, ReaderOptions.builder().key(KEY).build())) {
      for (String path : contents.keySet()) {
        assertArrayEquals(contents.get(path), reader.read(path), mode + ": " + path);
      }
      assertTrue(reader.verify(VerifyOptions.defaults()).isIntact(), mode);
    }
  }

  @Test
  void errorsNameTheSource() throws IOException {
    byte[] bytes = Files.readAllBytes(archive);
    bytes[0] ^= 1; // the magic
    EngramException e = assertThrows(EngramException.class,
        () -> ArchiveReader.open(ArchiveSource.wrap(bytes, "https://example.org/x.eng"),
            ReaderOptions.defaults()));
    assertEquals("https://example.org/x.eng", e.archive());
    assertTrue(e.getMessage().startsWith("https://example.org/x.eng: "), e.getMessage());

    try (ArchiveReader reader = openInMemory(archive, ReaderOptions.defaults())) {
      NoSuchFileException missing = assertThrows(NoSuchFileException.class,
          () -> reader.read("nope.txt"));
      assertTrue(missing.getMessage().contains("memory:mixed.eng"), missing.getMessage());
    }
  }

  @Test
  void openingReadsOnlyHeaderEndRecordAndDirectory() throws IOException {
    byte[] bytes = Files.readAllBytes(archive);
    CountingSource counting = new CountingSource(ArchiveSource.wrap(bytes, "counted"));
    try (ArchiveReader reader = ArchiveReader.open(counting, ReaderOptions.defaults())) {
      int directorySize = DirectoryEntry.SIZE * contents.size();
      long directoryStart = bytes.length - EndRecord.SIZE - directorySize;
      assertEquals(List.of("0+" + Header.SIZE, (bytes.length - EndRecord.SIZE) + "+"
          + EndRecord.SIZE, directoryStart + "+" + directorySize), counting.reads());
      counting.clear();
      assertArrayEquals(contents.get("block.json"), reader.read("block.json"));
      assertEquals(1, counting.reads().size(), "local header and payload in one read: "
          + counting.reads());
      counting.clear();
      assertArrayEquals(contents.get("stored.txt"), reader.read("stored.txt"));
      assertEquals(1, counting.reads().size(), "a small stored entry too: " + counting.reads());
      counting.clear();
      RandomAccessEntry database = reader.openRandomAccess("data/catalog.db");
      int indexReads = counting.reads().size(); // the local header, then the frame prefixes
      ByteBuffer page = ByteBuffer.allocate(4096);
      database.readFully(40_960, page);
      assertEquals(ByteBuffer.wrap(contents.get("data/catalog.db"), 40_960, 4096), page.flip());
      assertEquals(indexReads + 1, counting.reads().size(), "one page, one frame read: "
          + counting.reads());
    }
    assertFalse(counting.isOpen(), "closing the reader closes its source");
  }

  @Test
  void aFailedOpenClosesTheSource() {
    CountingSource garbage = new CountingSource(ArchiveSource.wrap(new byte[200], "zeros"));
    assertThrows(CorruptArchiveException.class,
        () -> ArchiveReader.open(garbage, ReaderOptions.defaults()));
    assertFalse(garbage.isOpen());
  }

  @Test
  void readsPastTheEndOfASourceAreCorruptArchiveErrors() throws IOException {
    ArchiveSource source = ArchiveSource.wrap(new byte[10], "ten");
    assertThrows(CorruptArchiveException.class, () -> source.readFully(5, new byte[6], 0, 6));
    assertThrows(CorruptArchiveException.class, () -> source.readFully(-1, new byte[1], 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> source.transferTo(0, -1, java.nio.channels.Channels.newChannel(
            java.io.OutputStream.nullOutputStream())));
    source.close();
    assertFalse(source.isOpen());
    assertThrows(IllegalStateException.class, () -> source.readFully(0, new byte[1], 0, 1));
  }

  @Test
  void aFileSourceKnowsWhenTheArchiveChanged() throws IOException {
    Path copy = dir.resolve("changing.eng");
    Files.copy(archive, copy);
    Files.setLastModifiedTime(copy, FileTime.from(TIME));
    try (ArchiveReader reader = ArchiveReader.open(copy)) {
      SourceIdentity identity = reader.source().identity();
      assertEquals(copy.toAbsolutePath().toUri().toString(), identity.location());
      assertEquals(Files.size(copy), identity.size());
      assertFalse(reader.hasChanged());
      Files.setLastModifiedTime(copy, FileTime.from(TIME.plusSeconds(1)));
      assertTrue(reader.hasChanged(), "a new modified time");
      Files.setLastModifiedTime(copy, FileTime.from(TIME));
      assertFalse(reader.hasChanged());
      Files.write(copy, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
      Files.setLastModifiedTime(copy, FileTime.from(TIME));
      assertTrue(reader.hasChanged(), "a new size");
      assertArrayEquals(contents.get("tiny.txt"), reader.read("tiny.txt"));
    }
  }

  @Test
  void everySourceInMemoryHasAnIdentityOfItsOwn() {
    byte[] bytes = new byte[128];
    SourceIdentity first = ArchiveSource.wrap(bytes, "same").identity();
    SourceIdentity second = ArchiveSource.wrap(bytes, "same").identity();
    assertNotEquals(first, second);
    assertEquals("same", first.location());
    assertEquals(128, first.size());
  }

  @Test
  void threadsShareOneSourceInMemory() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (ArchiveReader reader = openInMemory(archive, ReaderOptions.defaults())) {
      List<Future<?>> done = new ArrayList<>();
      List<String> paths = new ArrayList<>(contents.keySet());
      for (int t = 0; t < 4; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          for (int round = 0; round < 50; round++) {
            String path = paths.get((first + round) % paths.size());
            assertArrayEquals(contents.get(path), reader.read(path), path);
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
