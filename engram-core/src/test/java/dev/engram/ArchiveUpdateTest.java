package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.Header;
import dev.engram.manifest.Author;
import dev.engram.manifest.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ArchiveUpdate}: staged changes, written atomically, never lost silently. */
class ArchiveUpdateTest {
  private static final byte[] KEY = new byte[32];

  @TempDir Path dir;

  private Path archive(WriterOptions options) throws IOException {
    Path archive = dir.resolve("a.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      writer.addFile("keep.txt", TestData.text(50_000, 1));
      writer.addFile("replace.txt", bytes("old"));
      writer.addFile("delete.txt", bytes("gone"));
      writer.addFile("dir/move.bin", TestData.random(20_000, 2), CompressionMethod.LZ4);
      writer.addFile("big.log", TestData.patternStream(52L << 20), CompressionMethod.ZSTD);
      writer.finish();
    }
    return archive;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Every entry's content, by path. */
  static Map<String, byte[]> contents(Path archive, ReaderOptions options)
      throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      for (String path : reader.list()) {
        out.put(path, reader.read(path));
      }
    }
    return out;
  }

  @Test
  void addReplaceDeleteAndMoveGiveTheNewContentAndKeepOtherEntriesAsStored() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    EntryInfo keptBefore;
    EntryInfo bigBefore;
    try (ArchiveReader before = ArchiveReader.open(archive)) {
      keptBefore = before.entry("keep.txt").orElseThrow();
      bigBefore = before.entry("big.log").orElseThrow();
    }
    Path file = Files.write(dir.resolve("new.txt"), bytes("from a file"));
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      update.write("new/file.txt", file);
      update.write("new/bytes.txt", bytes("from bytes"));
      update.write("new/stream.txt", new ByteArrayInputStream(bytes("from a stream")));
      update.write("replace.txt", bytes("new"));
      update.delete("delete.txt");
      update.move("dir/move.bin", "moved/here.bin");
      assertTrue(update.hasChanges());
      assertEquals(List.of("keep.txt", "replace.txt", "big.log", "new/file.txt", "new/bytes.txt",
          "new/stream.txt", "moved/here.bin"), update.list());
      assertTrue(update.original("moved/here.bin").isPresent());
      assertFalse(update.original("replace.txt").isPresent());
      update.commit();
    }
    try (ArchiveReader after = ArchiveReader.open(archive)) {
      assertEquals(List.of("keep.txt", "replace.txt", "big.log", "new/file.txt", "new/bytes.txt",
          "new/stream.txt", "moved/here.bin"), after.list());
      assertArrayEquals(bytes("new"), after.read("replace.txt"));
      assertArrayEquals(bytes("from a file"), after.read("new/file.txt"));
      assertArrayEquals(bytes("from a stream"), after.read("new/stream.txt"));
      assertArrayEquals(TestData.random(20_000, 2), after.read("moved/here.bin"));
      EntryInfo kept = after.entry("keep.txt").orElseThrow();
      assertEquals(keptBefore.storedSize(), kept.storedSize());
      assertEquals(keptBefore.modifiedTime(), kept.modifiedTime());
      EntryInfo big = after.entry("big.log").orElseThrow();
      assertTrue(big.isFramed());
      assertEquals(bigBefore.storedSize(), big.storedSize());
      assertEquals(bigBefore.crc32(), big.crc32());
      assertTrue(after.verify(VerifyOptions.builder().build()).isIntact());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("a.eng", "new.txt"), files.map(p -> p.getFileName().toString())
          .sorted().toList(), "no temporary file is left");
    }
  }

  @Test
  void withoutACommitTheArchiveStaysByteForByte() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    byte[] before = Files.readAllBytes(archive);
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      update.delete("keep.txt");
      update.write("x.txt", new ByteArrayInputStream(bytes("spooled")));
    }
    assertArrayEquals(before, Files.readAllBytes(archive));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "the spooled content is deleted");
    }
  }

  @Test
  void aCommitWithoutChangesDoesNotRewriteTheArchive() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    Object key = Files.readAttributes(archive, java.nio.file.attribute.BasicFileAttributes.class)
        .fileKey();
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      assertFalse(update.hasChanges());
      update.commit();
    }
    assertEquals(key, Files.readAttributes(archive,
        java.nio.file.attribute.BasicFileAttributes.class).fileKey());
  }

  @Test
  void wrongPathsAndNamesAreRefusedWithoutChangingTheStagedView() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      assertThrows(NoSuchFileException.class, () -> update.delete("absent.txt"));
      assertThrows(NoSuchFileException.class, () -> update.move("absent.txt", "x"));
      assertThrows(FileAlreadyExistsException.class, () -> update.move("keep.txt",
          "replace.txt"));
      assertThrows(IllegalArgumentException.class, () -> update.write("../up.txt", bytes("x")));
      assertThrows(IllegalArgumentException.class, () -> update.write("manifest.json",
          bytes("{}")));
      assertThrows(NoSuchFileException.class, () -> update.write("f", dir.resolve("nope")));
      assertFalse(update.hasChanges());
      assertEquals(5, update.list().size());
      update.commit();
      assertThrows(IllegalStateException.class, update::commit);
    }
  }

  @Test
  void anArchiveChangedSinceTheUpdateOpenedItIsNotOverwritten() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    try (ArchiveUpdate first = ArchiveUpdate.open(archive);
        ArchiveUpdate second = ArchiveUpdate.open(archive)) {
      first.write("first.txt", bytes("1"));
      second.write("second.txt", bytes("2"));
      first.commit();
      ConcurrentUpdateException e = assertThrows(ConcurrentUpdateException.class, second::commit);
      assertTrue(e.getMessage().contains("changed by someone else"), e.getMessage());
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertTrue(reader.contains("first.txt"));
      assertFalse(reader.contains("second.txt"));
    }
  }

  @Test
  void anArchiveAnotherUpdateHoldsIsNotWritten() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    byte[] before = Files.readAllBytes(archive);
    try (FileChannel other = FileChannel.open(archive, StandardOpenOption.READ,
        StandardOpenOption.WRITE); FileLock held = other.lock();
        ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      assertTrue(held.isValid());
      update.write("x.txt", bytes("x"));
      ConcurrentUpdateException e = assertThrows(ConcurrentUpdateException.class, update::commit);
      assertTrue(e.getMessage().contains("another update"), e.getMessage());
    }
    assertArrayEquals(before, Files.readAllBytes(archive));
  }

  @Test
  void aSignedManifestIsRefusedDroppedOrSignedAgainAsTheOptionsSay() throws Exception {
    KeyPair old = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    KeyPair fresh = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Manifest template = Manifest.builder("id-1", "docs", new Author("Ann", null, null, Map.of()), "1.0")
        .description("the docs").build();
    Path archive = archive(WriterOptions.builder().manifest(template)
        .signWith(old.getPrivate(), "old").build());
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      assertEquals(1, update.manifest().orElseThrow().signatures().size());
      update.write("x.txt", bytes("x"));
      SignedManifestException e = assertThrows(SignedManifestException.class, update::commit);
      assertTrue(e.getMessage().contains("signed"), e.getMessage());
    }
    try (ArchiveUpdate update = ArchiveUpdate.open(archive, UpdateOptions.builder()
        .resign(fresh.getPrivate(), "fresh").build())) {
      update.write("x.txt", bytes("x"));
      update.move("keep.txt", "moved/keep.txt"); // its SHA-256 is taken from the old manifest
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      Manifest manifest = reader.manifest().orElseThrow();
      assertEquals("the docs", manifest.description());
      assertEquals(1, manifest.signatures().size());
      assertTrue(manifest.checkSignatures(List.of(fresh.getPublic())).get(0).isValid());
      assertTrue(manifest.files().stream().anyMatch(f -> f.path().equals("x.txt")));
      assertEquals(TestData.sha256(TestData.text(50_000, 1)), manifest.files().stream()
          .filter(f -> f.path().equals("moved/keep.txt")).findFirst().orElseThrow().sha256());
      assertTrue(reader.verify(VerifyOptions.builder().build()).isIntact());
    }
    try (ArchiveUpdate update = ArchiveUpdate.open(archive, UpdateOptions.builder()
        .signedManifest(UpdateOptions.SignedManifest.DROP).build())) {
      update.delete("x.txt");
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      Manifest manifest = reader.manifest().orElseThrow();
      assertTrue(manifest.signatures().isEmpty());
      assertFalse(manifest.files().stream().anyMatch(f -> f.path().equals("x.txt")));
    }
  }

  @Test
  void anArchiveEncryptedWholeIsUpdatedWithItsKey() throws IOException {
    Path archive = archive(WriterOptions.builder().archiveEncryption(KEY).build());
    assertThrows(KeyRequiredException.class, () -> ArchiveUpdate.open(archive).close());
    try (ArchiveUpdate update = ArchiveUpdate.open(archive,
        UpdateOptions.builder().key(KEY).build())) {
      update.write("secret.txt", bytes("still secret"));
      update.commit();
    }
    ReaderOptions withKey = ReaderOptions.builder().key(KEY).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, withKey)) {
      assertEquals(EncryptionMode.ARCHIVE, reader.encryption().orElseThrow());
      assertArrayEquals(bytes("still secret"), reader.read("secret.txt"));
    }
    assertThrows(KeyRequiredException.class, () -> ArchiveReader.open(archive).close());
  }

  @Test
  void anArchiveEncryptedWholeKeepsItsLayoutAndKeyDerivation() throws IOException {
    char[] passphrase = "correct horse".toCharArray();
    Path archive = dir.resolve("segmented.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, WriterOptions.builder()
        .passphraseCost(10, 1, 1).encryption(EncryptionMode.ARCHIVE, passphrase)
        .segmentedEncryption(true).build())) {
      writer.addFile("a.txt", bytes("alpha"));
      writer.finish();
    }
    Header before = Header.decode(Arrays.copyOf(Files.readAllBytes(archive), Header.SIZE));
    try (ArchiveUpdate update = ArchiveUpdate.open(archive,
        UpdateOptions.builder().passphrase(passphrase).build())) {
      update.write("b.txt", bytes("beta"));
      update.commit();
    }
    Header after = Header.decode(Arrays.copyOf(Files.readAllBytes(archive), Header.SIZE));
    assertEquals(before.flags(), after.flags(), "still segmented, still from a passphrase");
    assertArrayEquals(before.reserved(), after.reserved(), "the same salt and cost");
    Map<String, byte[]> content =
        contents(archive, ReaderOptions.builder().passphrase(passphrase).build());
    assertArrayEquals(bytes("alpha"), content.get("a.txt"));
    assertArrayEquals(bytes("beta"), content.get("b.txt"));
  }

  @Test
  void writerOptionsThatSetEncryptionOrAManifestAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> UpdateOptions.builder()
        .writerOptions(WriterOptions.builder().archiveEncryption(KEY).build()));
    assertThrows(IllegalArgumentException.class, () -> UpdateOptions.builder()
        .signedManifest(UpdateOptions.SignedManifest.RESIGN));
  }

  /**
   * A random sequence of writes, deletes and moves gives the same content as the same operations
   * on a map of names to bytes (a directory, then packed).
   */
  @Test
  void randomChangesGiveTheSameContentAsApplyingThemToAModel() throws IOException {
    Path archive = dir.resolve("model.eng");
    Map<String, byte[]> model = new TreeMap<>();
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (int i = 0; i < 20; i++) {
        byte[] content = TestData.text(100 + i * 37, i);
        writer.addFile("f" + i, content);
        model.put("f" + i, content);
      }
      writer.finish();
    }
    Random random = new Random(42);
    for (int round = 0; round < 3; round++) {
      try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
        for (int op = 0; op < 40; op++) {
          List<String> names = new ArrayList<>(model.keySet());
          String name = "f" + random.nextInt(40);
          switch (random.nextInt(4)) {
            case 0, 1 -> {
              byte[] content = TestData.text(random.nextInt(5000), random.nextLong());
              if (random.nextBoolean()) {
                update.write(name, content);
              } else {
                update.write(name, new ByteArrayInputStream(content));
              }
              model.put(name, content);
            }
            case 2 -> {
              if (!names.isEmpty()) {
                String victim = names.get(random.nextInt(names.size()));
                update.delete(victim);
                model.remove(victim);
              }
            }
            default -> {
              if (!names.isEmpty() && !model.containsKey(name)) {
                String from = names.get(random.nextInt(names.size()));
                update.move(from, name);
                model.put(name, model.remove(from));
              }
            }
          }
        }
        update.commit();
      }
      Map<String, byte[]> actual = contents(archive, ReaderOptions.defaults());
      assertEquals(model.keySet(), actual.keySet(), "round " + round);
      for (String name : model.keySet()) {
        assertArrayEquals(model.get(name), actual.get(name), name);
      }
    }
  }

  /** The archive with one byte of keep.txt's payload flipped; returns the damaged bytes. */
  private byte[] damageKeptPayload(Path archive) throws IOException {
    byte[] damaged = Files.readAllBytes(archive);
    long offset;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      offset = reader.entry("keep.txt").orElseThrow().payloadOffset();
    }
    damaged[(int) offset + 10] ^= 0x55;
    Files.write(archive, damaged);
    return damaged;
  }

  @Test
  void damagedContentToKeepFailsAVerifyingCommitAndLeavesTheArchive() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    byte[] damaged = damageKeptPayload(archive);
    try (ArchiveUpdate update = ArchiveUpdate.open(archive,
        UpdateOptions.builder().verifyCopies(true).build())) {
      update.write("x.txt", bytes("x"));
      IOException e = assertThrows(IOException.class, update::commit);
      assertInstanceOf(EngramException.class, e, e.toString());
      assertTrue(e.getMessage().contains("keep.txt"), e.getMessage());
    }
    assertArrayEquals(damaged, Files.readAllBytes(archive));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left");
    }
  }

  @Test
  void damagedContentIsCopiedAsStoredAndStaysDetectableWithoutVerifying() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    damageKeptPayload(archive);
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      update.write("x.txt", bytes("x"));
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertThrows(CorruptArchiveException.class, () -> reader.read("keep.txt"),
          "the copy keeps the entry's CRC32, so the damage is found as before");
      assertArrayEquals(bytes("x"), reader.read("x.txt"));
      assertArrayEquals(TestData.random(20_000, 2), reader.read("dir/move.bin"));
    }
  }

  @Test
  void aLocalHeaderThatDisagreesWithTheDirectoryFailsTheCommitEvenWithoutVerifying()
      throws IOException {
    Path archive = archive(WriterOptions.defaults());
    byte[] damaged = Files.readAllBytes(archive);
    long header;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo entry = reader.entry("dir/move.bin").orElseThrow();
      header = entry.payloadOffset() - 1; // the last byte of its path in the local header
    }
    damaged[(int) header] ^= 0x01;
    Files.write(archive, damaged);
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      update.write("x.txt", bytes("x"));
      CorruptArchiveException e = assertThrows(CorruptArchiveException.class, update::commit);
      assertTrue(e.getMessage().contains("dir/move.bin"), e.getMessage());
    }
    assertArrayEquals(damaged, Files.readAllBytes(archive));
  }

  @Test
  void keptEntriesAreCopiedByteForByteAroundAReplacedOne() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    Map<String, byte[]> before = storedBytes(archive);
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      update.write("replace.txt", TestData.text(3_000, 9));
      update.commit();
    }
    Map<String, byte[]> after = storedBytes(archive);
    for (String kept : List.of("keep.txt", "delete.txt", "dir/move.bin", "big.log")) {
      assertArrayEquals(before.get(kept), after.get(kept), kept + ": stored bytes");
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertTrue(report.isIntact(), report.summary());
      assertArrayEquals(TestData.text(3_000, 9), reader.read("replace.txt"));
    }
  }

  @Test
  void theArchivesContentVersionIsKeptUnlessTheWriterOptionsSetOne() throws IOException {
    Path archive = archive(WriterOptions.builder().contentVersion(7).build());
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      update.write("x.txt", bytes("x"));
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(7, reader.contentVersion());
    }
    try (ArchiveUpdate update = ArchiveUpdate.open(archive, UpdateOptions.builder()
        .writerOptions(WriterOptions.builder().contentVersion(8).build()).build())) {
      update.delete("x.txt");
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(8, reader.contentVersion());
    }
  }

  /** Each entry's payload as stored. */
  private static Map<String, byte[]> storedBytes(Path archive) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (ArchiveReader reader = ArchiveReader.open(archive);
        FileChannel channel = FileChannel.open(archive)) {
      for (EntryInfo entry : reader.entries()) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) entry.storedSize());
        channel.read(bytes, entry.payloadOffset());
        out.put(entry.path(), bytes.array());
      }
    }
    return out;
  }

  @Test
  void newContentTakesTheCompressionMethodAskedFor() throws IOException {
    Path archive = archive(WriterOptions.defaults());
    Path file = Files.write(dir.resolve("text.txt"), TestData.text(30_000, 5));
    try (ArchiveUpdate update = ArchiveUpdate.open(archive)) {
      assertTrue(update.manifest().isEmpty());
      update.write("lz4.txt", file, CompressionMethod.LZ4);
      update.write("none.txt", TestData.text(30_000, 6), CompressionMethod.NONE);
      update.write("zstd.txt", new ByteArrayInputStream(TestData.text(30_000, 7)),
          CompressionMethod.ZSTD);
      update.write("auto.txt", file);
      update.commit();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(CompressionMethod.LZ4, reader.entry("lz4.txt").orElseThrow().compression());
      assertEquals(CompressionMethod.NONE, reader.entry("none.txt").orElseThrow().compression());
      assertEquals(CompressionMethod.ZSTD, reader.entry("zstd.txt").orElseThrow().compression());
      assertArrayEquals(TestData.text(30_000, 5), reader.read("lz4.txt"));
      assertArrayEquals(TestData.text(30_000, 7), reader.read("zstd.txt"));
    }
  }

  @Test
  void readerOptionsCarryLimitsAndTheKeyForReadingAndWriting() throws IOException {
    Path archive = archive(WriterOptions.builder().archiveEncryption(KEY).build());
    ReaderOptions tooStrict = ReaderOptions.builder().key(KEY).maxEntryCount(2).build();
    assertThrows(LimitExceededException.class, () -> ArchiveUpdate.open(archive,
        UpdateOptions.builder().readerOptions(tooStrict).build()).close());
    ReaderOptions lifted = ReaderOptions.builder().key(KEY).liftLimits().build();
    try (ArchiveUpdate update = ArchiveUpdate.open(archive,
        UpdateOptions.builder().readerOptions(lifted).build())) {
      update.write("y.txt", bytes("y"));
      update.commit();
    }
    assertFalse(lifted.isDestroyed(), "the caller's options stay the caller's");
    try (ArchiveReader reader = ArchiveReader.open(archive, lifted)) {
      assertEquals(EncryptionMode.ARCHIVE, reader.encryption().orElseThrow());
      assertArrayEquals(bytes("y"), reader.read("y.txt"));
    }
    assertThrows(IllegalArgumentException.class, () -> UpdateOptions.builder().key(KEY)
        .readerOptions(ReaderOptions.defaults()).build());
  }
}
