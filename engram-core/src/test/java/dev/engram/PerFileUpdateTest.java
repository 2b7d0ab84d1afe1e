package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.Header;
import dev.engram.manifest.Author;
import dev.engram.manifest.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ArchiveUpdate} of archives encrypted per file: entries left alone keep their encrypted
 * bytes, new ones are encrypted with the same key, moved ones are sealed again only where their
 * seal binds their path (segments), and a wrong or missing key changes nothing.
 */
class PerFileUpdateTest {
  private static final byte[] KEY = new byte[32];
  private static final char[] PASSPHRASE = "correct horse".toCharArray();
  private static final byte[] KEEP = TestData.text(50_000, 1);
  private static final byte[] RAW = TestData.random(200_000, 2); // four 64 KiB segments
  private static final byte[] DATABASE = TestData.asDatabase(TestData.text(300_000, 3));
  private static final byte[] ADDED = TestData.text(100_000, 4);

  static {
    Arrays.fill(KEY, (byte) 0x3C);
  }

  /** The four ways of encrypting per file: one message or segments, a key or a passphrase. */
  enum Layout {
    MESSAGES_KEY(false, false),
    SEGMENTS_KEY(true, false),
    MESSAGES_PASSPHRASE(false, true),
    SEGMENTS_PASSPHRASE(true, true);

    final boolean segmented;
    final boolean passphrase;

    Layout(boolean segmented, boolean passphrase) {
      this.segmented = segmented;
      this.passphrase = passphrase;
    }

    WriterOptions.Builder writer() {
      WriterOptions.Builder b = WriterOptions.builder().passphraseCost(10, 1, 1)
          .segmentedEncryption(segmented);
      return passphrase ? b.encryption(EncryptionMode.PER_FILE, PASSPHRASE)
          : b.perFileEncryption(KEY);
    }

    ReaderOptions reader() {
      return passphrase ? ReaderOptions.builder().passphrase(PASSPHRASE).build()
          : ReaderOptions.builder().key(KEY).build();
    }

    UpdateOptions update() {
      return passphrase ? UpdateOptions.builder().passphrase(PASSPHRASE).build()
          : UpdateOptions.builder().key(KEY).build();
    }

    UpdateOptions wrong() {
      byte[] other = KEY.clone();
      other[0] ^= 1;
      return passphrase ? UpdateOptions.builder().passphrase("wrong horse".toCharArray()).build()
          : UpdateOptions.builder().key(other).build();
    }
  }

  @TempDir Path dir;

  private Path archive(Layout layout) throws IOException {
    Path archive = dir.resolve(layout + ".eng");
    Manifest template = Manifest.builder("id-1", "docs",
        new Author("Ann", null, null, Map.of()), "1.0").build();
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        layout.writer().manifest(template).databaseFrameSize(4096).build())) {
      writer.addFile("keep.txt", KEEP);
      writer.addFile("replace.txt", bytes("old"));
      writer.addFile("delete.txt", bytes("gone"));
      writer.addFile("dir/move.bin", RAW, CompressionMethod.NONE);
      writer.addFile("db/frames.db", DATABASE, CompressionMethod.LZ4); // explicit 4 KiB frames
      writer.addFile("empty", new byte[0]);
      writer.finish();
    }
    return archive;
  }

  private static byte[] bytes(String s) {
    return ArchiveUpdateTest.bytes(s);
  }

  /** Each entry's payload as stored in the file (encrypted), by path. */
  private static Map<String, byte[]> storedPayloads(Path archive) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (ArchiveReader reader = ArchiveReader.open(archive);
        RandomAccessFile file = new RandomAccessFile(archive.toFile(), "r")) {
      for (EntryInfo entry : reader.entries()) {
        byte[] stored = new byte[(int) entry.storedSize()];
        file.seek(entry.payloadOffset());
        file.readFully(stored);
        out.put(entry.path(), stored);
      }
    }
    return out;
  }

  private static Header header(Path archive) throws IOException {
    return Header.decode(Arrays.copyOf(Files.readAllBytes(archive), Header.SIZE));
  }

  @ParameterizedTest
  @EnumSource(Layout.class)
  void addReplaceDeleteAndMoveKeepUnchangedEntriesEncryptedAsStored(Layout layout)
      throws IOException {
    Path archive = archive(layout);
    Header headerBefore = header(archive);
    Map<String, byte[]> storedBefore = storedPayloads(archive);
    Path file = Files.write(dir.resolve("added.md"), ADDED);
    UpdateOptions options = layout.update();
    try (ArchiveUpdate update = ArchiveUpdate.open(archive, options)) {
      update.write("new/added.md", file);
      update.write("new/bytes.txt", bytes("from bytes"));
      update.write("replace.txt", bytes("new content"));
      update.delete("delete.txt");
      update.move("dir/move.bin", "moved/move.bin");
      update.move("db/frames.db", "moved/frames.db");
      update.commit();
    } finally {
      options.destroy();
    }

    Map<String, byte[]> expected = new TreeMap<>();
    expected.put("keep.txt", KEEP);
    expected.put("replace.txt", bytes("new content"));
    expected.put("moved/move.bin", RAW);
    expected.put("moved/frames.db", DATABASE);
    expected.put("empty", new byte[0]);
    expected.put("new/added.md", ADDED);
    expected.put("new/bytes.txt", bytes("from bytes"));
    Map<String, byte[]> actual = ArchiveUpdateTest.contents(archive, layout.reader());
    assertTrue(actual.remove(Manifest.ENTRY_NAME) != null, "the manifest is written again");
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((path, content) -> assertArrayEquals(content, actual.get(path), path));

    Header headerAfter = header(archive);
    assertEquals(headerBefore.flags(), headerAfter.flags(), "same mode, layout and key source");
    assertArrayEquals(headerBefore.reserved(), headerAfter.reserved(),
        "the same key derivation (salt and cost): the same key");

    Map<String, byte[]> storedAfter = storedPayloads(archive);
    for (String kept : List.of("keep.txt", "empty")) {
      assertArrayEquals(storedBefore.get(kept), storedAfter.get(kept),
          kept + " is copied as stored, not encrypted again");
    }
    for (String[] move : new String[][] {{"dir/move.bin", "moved/move.bin"},
        {"db/frames.db", "moved/frames.db"}}) {
      byte[] before = storedBefore.get(move[0]);
      byte[] after = storedAfter.get(move[1]);
      assertEquals(before.length, after.length, move[1] + ": same layout, same stored size");
      if (layout.segmented) {
        assertFalse(Arrays.equals(before, after),
            move[1] + ": its segments authenticate its path, so they were sealed again");
      } else {
        assertArrayEquals(before, after, move[1] + ": a message binds no path: copied as stored");
      }
    }

    ReaderOptions key = layout.reader();
    try (ArchiveReader reader = ArchiveReader.open(archive, key)) {
      assertEquals(EncryptionMode.PER_FILE, reader.encryption().orElseThrow());
      assertTrue(reader.entry("dir/move.bin").isEmpty());
      assertTrue(reader.entry("db/frames.db").isEmpty());
      EntryInfo frames = reader.entry("moved/frames.db").orElseThrow();
      assertTrue(frames.isFramed());
      try (SeekableByteChannel channel = reader.openChannel("moved/frames.db")) {
        ByteBuffer middle = ByteBuffer.allocate(1000);
        channel.position(150_000).read(middle);
        assertEquals(ByteBuffer.wrap(DATABASE, 150_000, 1000), middle.flip());
      }
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertTrue(report.isIntact(), report.toString());
      assertTrue(reader.manifest().orElseThrow().files().stream()
          .anyMatch(f -> f.path().equals("moved/frames.db")));
    } finally {
      key.destroy();
    }
    assertThrows(KeyRequiredException.class, () -> {
      try (ArchiveReader reader = ArchiveReader.open(archive)) {
        reader.read("new/bytes.txt");
      }
    });
  }

  @Test
  void aMovedFramedEntrySealedInSegmentsReadsAtRandomUnderItsNewName() throws IOException {
    long size = 52L << 20; // framed by size: one segment per 64 KiB frame
    Path archive = dir.resolve("big.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        Layout.SEGMENTS_KEY.writer().build())) {
      writer.addFile("big.log", TestData.patternStream(size), CompressionMethod.LZ4);
      writer.addFile("small.txt", bytes("small"));
      writer.finish();
    }
    long storedBefore;
    try (ArchiveReader reader = ArchiveReader.open(archive, Layout.SEGMENTS_KEY.reader())) {
      storedBefore = reader.entry("big.log").orElseThrow().storedSize();
    }
    try (ArchiveUpdate update = ArchiveUpdate.open(archive, Layout.SEGMENTS_KEY.update())) {
      update.move("big.log", "logs/big.log");
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive, Layout.SEGMENTS_KEY.reader())) {
      EntryInfo moved = reader.entry("logs/big.log").orElseThrow();
      assertTrue(moved.isFramed());
      assertEquals(storedBefore, moved.storedSize());
      try (SeekableByteChannel channel = reader.openChannel("logs/big.log")) {
        ByteBuffer slice = ByteBuffer.allocate(4096);
        long at = 37L << 20;
        channel.position(at).read(slice);
        for (int i = 0; i < slice.limit(); i++) {
          assertEquals(TestData.patternByte(at + i), slice.get(i));
        }
      }
      try (InputStream in = reader.openStream("logs/big.log")) {
        assertEquals(TestData.patternCrc(size), TestData.crc(in));
      }
      assertArrayEquals(bytes("small"), reader.read("small.txt"));
    }
  }

  @ParameterizedTest
  @EnumSource(Layout.class)
  void aWrongKeyOrPassphraseFailsAtOpenAndChangesNothing(Layout layout) throws IOException {
    Path archive = archive(layout);
    byte[] before = Files.readAllBytes(archive);
    UpdateOptions wrong = layout.wrong();
    assertThrows(AuthenticationFailedException.class,
        () -> ArchiveUpdate.open(archive, wrong).close());
    assertThrows(KeyRequiredException.class, () -> ArchiveUpdate.open(archive).close());
    assertArrayEquals(before, Files.readAllBytes(archive));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(archive), files.toList(), "no temporary file is left");
    }
  }

  @Test
  void entriesCopyBetweenArchivesEncryptedPerFileWithTheSameKeyOnly() throws IOException {
    Path from = archive(Layout.MESSAGES_KEY);
    Path same = dir.resolve("same.eng");
    Path other = dir.resolve("other.eng");
    ReaderOptions key = Layout.MESSAGES_KEY.reader();
    try (ArchiveReader in = ArchiveReader.open(from, key);
        ArchiveWriter writer = ArchiveWriter.create(same,
            WriterOptions.builder().perFileEncryption(KEY).build());
        ArchiveWriter otherKey = ArchiveWriter.create(other,
            WriterOptions.builder().perFileEncryption(new byte[32]).build());
        ArchiveWriter segmented = ArchiveWriter.create(dir.resolve("segmented.eng"),
            WriterOptions.builder().perFileEncryption(KEY).segmentedEncryption(true).build())) {
      writer.copyEntry(in, "keep.txt", "kept.txt");
      writer.finish();
      UnsupportedArchiveException refused = assertThrows(UnsupportedArchiveException.class,
          () -> otherKey.copyEntry(in, "keep.txt"));
      assertTrue(refused.getMessage().contains("another key or layout"), refused.getMessage());
      assertThrows(UnsupportedArchiveException.class, () -> segmented.copyEntry(in, "keep.txt"));
    }
    assertArrayEquals(storedPayloads(from).get("keep.txt"), storedPayloads(same).get("kept.txt"));
    try (ArchiveReader out = ArchiveReader.open(same, key)) {
      assertArrayEquals(KEEP, out.read("kept.txt"));
    }
  }
}
