package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.manifest.Author;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SigningKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packing on a pool of threads: the archive does not depend on the thread count, errors still
 * belong to the right call, and no thread or temporary file outlives a writer. (Speed is measured
 * by {@code scripts/bench}, row 1, never here.)
 */
class ParallelPackingTest {
  private static final Instant TIME = Instant.parse("2025-03-04T05:06:07Z");
  private static final KeyPair SIGNER = SigningKeys.generate();
  private static final byte[] KEY = TestData.random(32, 99);
  private static final byte[] DATABASE = database();
  /**
   * Above the 50 MiB framing threshold, with compressible and incompressible frames; ends inside a
   * frame and inside a batch of frames compressed together.
   */
  private static final long LARGE = (53L << 20) + 3 * 65536 + 1234;
  private static final byte[] LARGE_TAIL = TestData.random(3 << 20, 8);

  @TempDir Path dir;
  private Path sources;

  @BeforeEach
  void writeSourceFiles() throws IOException {
    sources = Files.createDirectory(dir.resolve("sources"));
    for (int i = 0; i < 6; i++) {
      Path file = sources.resolve("file-" + i + (i % 2 == 0 ? ".txt" : ".bin"));
      Files.write(file, TestData.text(20_000 + 90_000 * i, 100 + i));
      Files.setLastModifiedTime(file, FileTime.from(TIME.minusSeconds(i)));
    }
  }

  @Test
  void archiveBytesAreTheSameWhateverTheThreadCount() throws IOException {
    UnaryOperator<WriterOptions.Builder> signed = b -> b.databaseFrameSize(4096)
        .manifest(Manifest.builder("mix", "Mix", Author.of("Ada"), "1.0.0").created(TIME)
            .build())
        .signWith(SIGNER.getPrivate(), "ada");
    byte[] one = Files.readAllBytes(pack("plain-1.eng", 1, signed));
    for (int threads : new int[] {2, 4}) {
      byte[] many = Files.readAllBytes(pack("plain-" + threads + ".eng", threads, signed));
      assertEquals(one.length, many.length, threads + " threads");
      assertTrue(Arrays.equals(one, many), threads + " threads wrote other bytes");
    }
    try (ArchiveReader reader = ArchiveReader.open(dir.resolve("plain-4.eng"))) {
      assertEquals(expectedPaths(true), reader.list());
      assertTrue(reader.entry("large.log").orElseThrow().isFramed());
      assertEquals(4096, reader.entry("app.db").orElseThrow().frameSize());
      assertEquals(List.of(true), reader.manifest().orElseThrow().verifySignatures());
      assertTrue(reader.verify(VerifyOptions.defaults()).isIntact());
    }
  }

  @Test
  void encryptedArchivesHoldTheSameEntriesWhateverTheThreadCount() throws IOException {
    List<UnaryOperator<WriterOptions.Builder>> modes = List.of(
        b -> b.perFileEncryption(KEY),
        b -> b.perFileEncryption(KEY).segmentedEncryption(true).databaseFrameSize(4096),
        b -> b.archiveEncryption(KEY));
    for (int mode = 0; mode < modes.size(); mode++) {
      List<String> one = describe(pack("mode" + mode + "-1.eng", 1, modes.get(mode)));
      for (int threads : new int[] {2, 4}) {
        assertEquals(one, describe(pack("mode" + mode + "-" + threads + ".eng", threads,
            modes.get(mode))), "mode " + mode + ", " + threads + " threads");
      }
    }
  }

  @Test
  void pathErrorsAreThrownByTheCallThatAddsThePathEvenWhileEarlierEntriesCompress()
      throws IOException {
    Path archive = dir.resolve("errors.eng");
    byte[] first = TestData.text(3_000_000, 1);
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options(4).build())) {
      writer.addFile("a.txt", first);
      Arrays.fill(first, (byte) 'x'); // the writer holds its own copy
      writer.addFile("b.txt", TestData.text(3_000_000, 2));
      assertEquals(2, writer.entryCount());
      assertThrows(FileAlreadyExistsException.class,
          () -> writer.addFile("a.txt", new byte[] {1}));
      assertThrows(IllegalArgumentException.class, () -> writer.addFile("../up", new byte[1]));
      assertThrows(java.nio.file.NoSuchFileException.class,
          () -> writer.addFile("missing", dir.resolve("no-such-file")));
      IOException failed = assertThrows(IOException.class,
          () -> writer.addFile("broken.txt", TestData.failingAfter(1_000_000)));
      assertEquals("source failed", failed.getMessage());
      writer.addFile("broken.txt", new byte[] {2});
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("a.txt", "b.txt", "broken.txt"), reader.list());
      assertArrayEquals(TestData.text(3_000_000, 1), reader.read("a.txt"));
      assertArrayEquals(TestData.text(3_000_000, 2), reader.read("b.txt"));
    }
  }

  @Test
  void closeWithoutFinishStopsEveryThreadAndDeletesTheTemporaryFile() throws IOException {
    Set<Thread> before = writerThreads();
    ArchiveWriter writer = ArchiveWriter.create(dir.resolve("closed.eng"), options(4).build());
    for (int i = 0; i < 12; i++) {
      writer.addFile("text-" + i + ".txt", TestData.text(2_000_000, i));
    }
    assertTrue(writerThreads().size() > before.size(), "no pool thread was started");
    writer.close();
    assertEquals(before, writerThreads());
    assertEquals(List.of("sources"), listing());
  }

  @Test
  void failingLargeEntryLeavesTheWriterUsableAndNoThreadBehind() throws IOException {
    Set<Thread> before = writerThreads();
    Path archive = dir.resolve("failing.eng");
    ArchiveWriter writer = ArchiveWriter.create(archive, options(4).build());
    writer.addFile("before.txt", TestData.text(1_000_000, 1));
    for (CompressionMethod method : List.of(CompressionMethod.LZ4, CompressionMethod.ZSTD)) {
      // fails 20 MB into its frames, with frames in flight on the pool
      IOException e = assertThrows(IOException.class,
          () -> writer.addFile("broken.log", TestData.failingAfter(72_000_000), method));
      assertEquals("source failed", e.getMessage());
    }
    writer.addFile("after.log", TestData.patternStream(LARGE), CompressionMethod.ZSTD);
    writer.close();
    assertEquals(before, writerThreads());
    assertEquals(List.of("sources"), listing());

    try (ArchiveWriter again = ArchiveWriter.create(archive, options(4).build())) {
      again.addFile("before.txt", TestData.text(1_000_000, 1));
      assertThrows(IOException.class,
          () -> again.addFile("broken.log", TestData.failingAfter(72_000_000)));
      again.addFile("after.log", TestData.patternStream(LARGE), CompressionMethod.ZSTD);
      again.finish();
    }
    assertEquals(before, writerThreads());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("before.txt", "after.log"), reader.list());
      assertEquals(TestData.patternCrc(LARGE), TestData.crc(reader.openStream("after.log")));
    }
  }

  @Test
  void threadCountIsChecked() {
    assertThrows(IllegalArgumentException.class, () -> WriterOptions.builder().threads(0));
    assertThrows(IllegalArgumentException.class, () -> WriterOptions.builder().threads(257));
    assertEquals(256, WriterOptions.builder().threads(256).build().threads());
    assertEquals(Math.min(256, Runtime.getRuntime().availableProcessors()),
        WriterOptions.defaults().threads());
    assertEquals(3, WriterOptions.builder().threads(3).build().toBuilder().build().threads());
  }

  private static WriterOptions.Builder options(int threads) {
    return WriterOptions.builder().threads(threads).modifiedTime(TIME).zstdLevel(3);
  }

  /** Packs the same mix of entries, every kind of source and layout, into a new archive. */
  private Path pack(String name, int threads, UnaryOperator<WriterOptions.Builder> extra)
      throws IOException {
    Path archive = dir.resolve(name);
    try (ArchiveWriter writer =
        ArchiveWriter.create(archive, extra.apply(options(threads)).build())) {
      for (int i = 0; i < 40; i++) {
        int size = i % 10 == 0 ? 1_000 : 5_000 + 37_000 * i;
        writer.addFile("small/" + i + (i % 3 == 0 ? ".json" : ".dat"), TestData.text(size, i));
      }
      writer.addFile("random.bin", TestData.random(2_000_000, 7));
      writer.addFile("random.txt", TestData.random(300_000, 8), CompressionMethod.ZSTD);
      writer.addFile("stored.txt", TestData.text(200_000, 9), CompressionMethod.NONE);
      try (Stream<Path> files = Files.list(sources)) {
        for (Path file : files.sorted().collect(Collectors.toList())) {
          writer.addFile("files/" + file.getFileName(), file);
        }
      }
      writer.addFile("app.db", new ByteArrayInputStream(DATABASE));
      writer.addFile("streamed.txt", new ByteArrayInputStream(TestData.text(4_000_000, 10)));
      writer.addFile("large.log", large(), CompressionMethod.ZSTD);
      writer.addFile("after-large.xml", TestData.text(700_000, 11));
      writer.finish();
    }
    return archive;
  }

  private static InputStream large() {
    return new SequenceInputStream(TestData.patternStream(LARGE - LARGE_TAIL.length),
        new ByteArrayInputStream(LARGE_TAIL));
  }

  private List<String> expectedPaths(boolean manifest) throws IOException {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      paths.add("small/" + i + (i % 3 == 0 ? ".json" : ".dat"));
    }
    paths.addAll(List.of("random.bin", "random.txt", "stored.txt"));
    try (Stream<Path> files = Files.list(sources)) {
      files.sorted().forEach(f -> paths.add("files/" + f.getFileName()));
    }
    paths.addAll(List.of("app.db", "streamed.txt", "large.log", "after-large.xml"));
    if (manifest) {
      paths.add(Manifest.ENTRY_NAME);
    }
    return paths;
  }

  /** Everything about an encrypted archive's entries that does not depend on its nonces. */
  private List<String> describe(Path archive) throws IOException {
    List<String> lines = new ArrayList<>();
    try (ArchiveReader reader =
        ArchiveReader.open(archive, ReaderOptions.builder().key(KEY).build())) {
      assertEquals(expectedPaths(false), reader.list());
      for (EntryInfo entry : reader.entries()) {
        lines.add(entry + " stored " + entry.storedSize() + " frames " + entry.frameSize()
            + " content crc " + TestData.crc(reader.openStream(entry.path())));
      }
    }
    return lines;
  }

  private static byte[] database() {
    byte[] header = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    byte[] content = TestData.text(300_000, 12);
    System.arraycopy(header, 0, content, 0, header.length);
    return content;
  }

  private static Set<Thread> writerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("engram-writer-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
