package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.manifest.Author;
import dev.engram.manifest.FileEntry;
import dev.engram.manifest.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ArchiveWriter#copyEntry} (entries copied as stored, never damaged ones) and {@link
 * WriterOptions.Builder#latestModifiedTime} (reproducible archives).
 */
class CopyEntryTest {
  private static final byte[] KEY = new byte[32];
  private static final Instant TIME = Instant.ofEpochSecond(1_700_000_000L);

  @TempDir Path dir;

  /** An archive with an entry of every layout: stored, one block of each codec, framed. */
  private Path source(WriterOptions options) throws IOException {
    Path archive = dir.resolve("source-" + System.nanoTime() + ".eng");
    byte[] database = TestData.pattern(200_000);
    System.arraycopy("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), 0, database, 0, 16);
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options.toBuilder()
        .modifiedTime(TIME).databaseFrameSize(4096).build())) {
      writer.addFile("small.txt", "hello".getBytes(StandardCharsets.UTF_8));
      writer.addFile("text.txt", TestData.text(100_000, 1), CompressionMethod.ZSTD);
      writer.addFile("random.bin", TestData.random(10_000, 2), CompressionMethod.LZ4);
      writer.addFile("framed.log", TestData.patternStream(60L << 20), CompressionMethod.LZ4);
      writer.addFile("catalog.db", database, CompressionMethod.ZSTD);
      writer.finish();
    }
    return archive;
  }

  @Test
  void copiedEntriesKeepTheirStoredBytesAndReadBackTheSame() throws IOException {
    Path from = source(WriterOptions.defaults());
    Path to = dir.resolve("copy.eng");
    try (ArchiveReader in = ArchiveReader.open(from);
        ArchiveWriter writer = ArchiveWriter.create(to)) {
      for (String path : in.list()) {
        writer.copyEntry(in, path);
      }
      writer.finish();
    }
    try (ArchiveReader in = ArchiveReader.open(from); ArchiveReader out = ArchiveReader.open(to)) {
      assertEquals(in.list(), out.list());
      for (EntryInfo original : in.entries()) {
        EntryInfo copy = out.entry(original.path()).orElseThrow();
        assertEquals(original.uncompressedSize(), copy.uncompressedSize());
        assertEquals(original.storedSize(), copy.storedSize());
        assertEquals(original.compression(), copy.compression());
        assertEquals(original.crc32(), copy.crc32());
        assertEquals(original.modifiedTime(), copy.modifiedTime());
        assertEquals(original.frameSize(), copy.frameSize());
        assertEquals(TestData.crc(in.openStream(original.path())),
            TestData.crc(out.openStream(copy.path())));
      }
      assertEquals(4096, out.entry("catalog.db").orElseThrow().frameSize());
      // a copied explicitly framed entry makes the copy declare the extension too
      assertEquals("1.2", out.formatVersion());
      assertEquals("1.2", in.formatVersion());
    }
  }

  @Test
  void anEntryCopiedUnderANewPathKeepsItsStoredBytes() throws IOException {
    Path from = source(WriterOptions.defaults());
    Path to = dir.resolve("moved.eng");
    try (ArchiveReader in = ArchiveReader.open(from);
        ArchiveWriter writer = ArchiveWriter.create(to)) {
      writer.copyEntry(in, "framed.log", "logs/2026/framed.log");
      writer.copyEntry(in, "small.txt", "small.txt");
      writer.copyEntry(in, "text.txt", null);
      assertThrows(java.nio.file.FileAlreadyExistsException.class,
          () -> writer.copyEntry(in, "random.bin", "text.txt"));
      assertThrows(IllegalArgumentException.class,
          () -> writer.copyEntry(in, "random.bin", "../escape.bin"));
      writer.finish();
    }
    try (ArchiveReader in = ArchiveReader.open(from); ArchiveReader out = ArchiveReader.open(to)) {
      assertEquals(List.of("logs/2026/framed.log", "small.txt", "text.txt"), out.list());
      EntryInfo original = in.entry("framed.log").orElseThrow();
      EntryInfo moved = out.entry("logs/2026/framed.log").orElseThrow();
      assertEquals(original.storedSize(), moved.storedSize());
      assertTrue(moved.isFramed());
      assertEquals(TestData.crc(in.openStream("framed.log")),
          TestData.crc(out.openStream("logs/2026/framed.log")));
      assertTrue(out.verify(VerifyOptions.builder().build()).isIntact());
    }
  }

  @Test
  void entriesOfAWholeArchiveEncryptedSourceCopyIntoAnyArchiveButPerFileOnesDoNot()
      throws IOException {
    Path whole = source(WriterOptions.builder().archiveEncryption(KEY).build());
    Path perFile = source(WriterOptions.builder().perFileEncryption(KEY).build());
    Path to = dir.resolve("copy.eng");
    ReaderOptions key = ReaderOptions.builder().key(KEY).build();
    try (ArchiveReader in = ArchiveReader.open(whole, key);
        ArchiveReader sealed = ArchiveReader.open(perFile, key);
        ArchiveWriter writer = ArchiveWriter.create(to,
            WriterOptions.builder().archiveEncryption(KEY).build())) {
      writer.copyEntry(in, "text.txt");
      UnsupportedArchiveException refused =
          assertThrows(UnsupportedArchiveException.class, () -> writer.copyEntry(sealed, "small.txt"));
      assertTrue(refused.getMessage().contains("'small.txt' is encrypted on its own"),
          refused.getMessage());
      writer.finish();
    }
    try (ArchiveReader out = ArchiveReader.open(to, key)) {
      assertEquals(List.of("text.txt"), out.list());
      assertArrayEquals(TestData.text(100_000, 1), out.read("text.txt"));
    }
    try (ArchiveReader in = ArchiveReader.open(whole, key);
        ArchiveWriter writer = ArchiveWriter.create(dir.resolve("sealed.eng"),
            WriterOptions.builder().perFileEncryption(KEY).build())) {
      assertThrows(UnsupportedArchiveException.class, () -> writer.copyEntry(in, "text.txt"));
      assertEquals(0, writer.entryCount());
    }
  }

  @Test
  void copiesKeepTheirPlaceAmongEntriesStillBeingCompressed() throws IOException {
    Path from = source(WriterOptions.defaults());
    Path to = dir.resolve("mixed.eng");
    try (ArchiveReader in = ArchiveReader.open(from);
        ArchiveWriter writer = ArchiveWriter.create(to,
            WriterOptions.builder().threads(4).build())) {
      for (int i = 0; i < 20; i++) {
        writer.addFile("queued-" + i + ".txt", TestData.text(200_000, i), CompressionMethod.ZSTD);
      }
      writer.copyEntry(in, "text.txt");
      writer.addFile("last.txt", TestData.text(1000, 99));
      writer.finish();
    }
    try (ArchiveReader out = ArchiveReader.open(to)) {
      List<String> names = out.list();
      assertEquals(22, names.size());
      assertEquals("text.txt", names.get(20));
      assertEquals("last.txt", names.get(21));
      for (int i = 0; i < 20; i++) {
        assertEquals("queued-" + i + ".txt", names.get(i));
        assertArrayEquals(TestData.text(200_000, i), out.read(names.get(i)));
      }
      assertArrayEquals(TestData.text(100_000, 1), out.read("text.txt"));
    }
  }

  @Test
  void aDamagedEntryIsNotCopiedAndTheWriterCarriesOn() throws IOException {
    Path from = source(WriterOptions.defaults());
    long offset;
    try (ArchiveReader in = ArchiveReader.open(from)) {
      EntryInfo text = in.entry("text.txt").orElseThrow();
      offset = text.directoryEntry().payloadOffset() + text.storedSize() / 2;
    }
    try (FileChannel channel = FileChannel.open(from, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      channel.write(ByteBuffer.wrap(new byte[] {(byte) ~one.get(0)}), offset);
    }
    Path to = dir.resolve("copy.eng");
    try (ArchiveReader in = ArchiveReader.open(from);
        ArchiveWriter writer = ArchiveWriter.create(to)) {
      assertThrows(CorruptArchiveException.class, () -> writer.copyEntry(in, "text.txt"));
      assertThrows(NoSuchFileException.class, () -> writer.copyEntry(in, "missing.txt"));
      writer.copyEntry(in, "small.txt");
      writer.finish();
    }
    try (ArchiveReader out = ArchiveReader.open(to)) {
      assertEquals(List.of("small.txt"), out.list());
      assertEquals("hello", new String(out.read("small.txt"), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aGeneratedManifestListsTheHashesOfCopiedContent() throws IOException {
    Path from = source(WriterOptions.defaults());
    Path to = dir.resolve("signed.eng");
    Manifest template = Manifest.builder("copy", "Copy", Author.of("Ada"), "1.0").build();
    try (ArchiveReader in = ArchiveReader.open(from);
        ArchiveWriter writer = ArchiveWriter.create(to,
            WriterOptions.builder().manifest(template).build())) {
      for (String path : in.list()) {
        writer.copyEntry(in, path);
      }
      writer.finish();
    }
    try (ArchiveReader in = ArchiveReader.open(from); ArchiveReader out = ArchiveReader.open(to)) {
      Map<String, FileEntry> files = out.manifest().orElseThrow().files().stream()
          .collect(Collectors.toMap(FileEntry::path, Function.identity()));
      assertEquals(in.list().size(), files.size());
      for (String path : in.list()) {
        assertEquals(TestData.sha256(in.read(path)), files.get(path).sha256(), path);
      }
      assertTrue(out.verify(VerifyOptions.defaults()).isIntact());
    }
  }

  @Test
  void latestModifiedTimeCapsFileTimesAndTheTimeOfAdding() throws IOException {
    Path old = dir.resolve("old.txt");
    Path recent = dir.resolve("recent.txt");
    Files.writeString(old, "old");
    Files.writeString(recent, "recent");
    Files.setLastModifiedTime(old, FileTime.from(TIME.minusSeconds(3600)));
    Files.setLastModifiedTime(recent, FileTime.from(TIME.plusSeconds(3600)));
    Path archive = dir.resolve("times.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().latestModifiedTime(TIME).build())) {
      writer.addFile("old.txt", old);
      writer.addFile("recent.txt", recent);
      writer.addFile("now.txt", new byte[] {1});
      writer.finish();
    }
    try (ArchiveReader in = ArchiveReader.open(archive)) {
      assertEquals(TIME.minusSeconds(3600), in.entry("old.txt").orElseThrow().modifiedTime());
      assertEquals(TIME, in.entry("recent.txt").orElseThrow().modifiedTime());
      assertEquals(TIME, in.entry("now.txt").orElseThrow().modifiedTime());
    }
    assertThrows(IllegalArgumentException.class,
        () -> WriterOptions.builder().latestModifiedTime(Instant.ofEpochSecond(-1)));
  }

  @Test
  void theSameInputWithALatestTimeGivesTheSameSignedArchiveByteForByte() throws Exception {
    Path file = dir.resolve("data.txt");
    Files.write(file, TestData.text(50_000, 3));
    java.security.KeyPair key = dev.engram.manifest.SigningKeys.generate();
    byte[][] archives = new byte[2][];
    for (int run = 0; run < 2; run++) {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(run)));
      Path archive = dir.resolve("run" + run + ".eng");
      try (ArchiveWriter writer = ArchiveWriter.create(archive, WriterOptions.builder()
          .latestModifiedTime(TIME)
          .manifest(Manifest.builder("r", "R", Author.of("Ada"), "1").created(TIME).build())
          .signWith(key.getPrivate(), "ada").build())) {
        writer.addFile("data.txt", file);
        writer.addFile("note.txt", new byte[] {42});
        writer.finish();
      }
      archives[run] = Files.readAllBytes(archive);
    }
    // the runs differ in file times (both after TIME), not in output
    assertTrue(archives[0].length > 0);
    assertTrue(Arrays.equals(archives[0], archives[1]), "the two archives differ");
  }
}
