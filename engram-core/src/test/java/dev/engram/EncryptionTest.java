package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.crypto.PassphraseKdf;
import dev.engram.format.Header;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** AES-256-GCM encryption, per file and of the whole archive, with keys and passphrases. */
class EncryptionTest {
  private static final byte[] KEY = key(7);
  private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
  private static final byte[] SMALL = "small secret".getBytes();
  private static final byte[] TEXT = TestData.text(200_000, 3);
  private static final byte[] BIG_RAW = TestData.random(20 << 20, 4); // above the in-memory limit
  private static final long FRAMED = 52_428_800L + 1234;

  @TempDir Path dir;

  private static byte[] key(int seed) {
    byte[] key = new byte[32];
    new java.util.Random(seed).nextBytes(key);
    return key;
  }

  private Path write(String name, WriterOptions options) throws IOException {
    Path archive = dir.resolve(name);
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      writer.addFile("small.txt", SMALL);
      writer.addFile("text.txt", TEXT);
      writer.addFile("lz4.bin", TEXT, CompressionMethod.LZ4);
      writer.addFile("big.raw", BIG_RAW, CompressionMethod.NONE);
      writer.addFile("empty", new byte[0]);
      writer.addFile("framed.bin", TestData.patternStream(FRAMED), CompressionMethod.LZ4);
      writer.finish();
    }
    return archive;
  }

  private static WriterOptions.Builder fastPassphrase() {
    return WriterOptions.builder().passphraseCost(10, 1, 1); // 1 MiB: the tests stay fast
  }

  private void assertContent(ArchiveReader reader) throws IOException {
    assertArrayEquals(SMALL, reader.read("small.txt"));
    assertArrayEquals(TEXT, reader.read("text.txt"));
    assertArrayEquals(TEXT, reader.read("lz4.bin"));
    assertArrayEquals(BIG_RAW, reader.read("big.raw"));
    assertArrayEquals(new byte[0], reader.read("empty"));
    try (InputStream in = reader.openStream("framed.bin")) {
      assertEquals(TestData.patternCrc(FRAMED), TestData.crc(in));
    }
    try (SeekableByteChannel channel = reader.openChannel("framed.bin")) {
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      long position = FRAMED / 2 + 12_345;
      channel.position(position).read(buffer);
      for (int i = 0; i < buffer.position(); i++) {
        assertEquals(TestData.patternByte(position + i), buffer.get(i));
      }
    }
    try (SeekableByteChannel channel = reader.openChannel("big.raw")) {
      ByteBuffer buffer = ByteBuffer.allocate(100);
      channel.position(15_000_000).read(buffer);
      assertArrayEquals(Arrays.copyOfRange(BIG_RAW, 15_000_000, 15_000_100), buffer.array());
    }
  }

  @ParameterizedTest
  @EnumSource(EncryptionMode.class)
  void everyKindOfEntryRoundTripsWithARawKey(EncryptionMode mode) throws IOException {
    Path archive = write("raw-" + mode + ".eng",
        WriterOptions.builder().encryption(mode, KEY).build());
    try (ArchiveReader reader =
        ArchiveReader.open(archive, ReaderOptions.builder().key(KEY).build())) {
      assertContent(reader);
      EntryInfo text = reader.entry("text.txt").orElseThrow();
      assertEquals(TestData.crc(TEXT), text.crc32(), "the CRC is that of the plaintext");
      assertEquals(CompressionMethod.ZSTD, text.compression(), "compressed first");
      assertTrue(reader.entry("framed.bin").orElseThrow().isFramed());
      if (mode == EncryptionMode.PER_FILE) {
        assertEquals(SMALL.length + 28, reader.entry("small.txt").orElseThrow().storedSize());
        assertEquals(28, reader.entry("empty").orElseThrow().storedSize());
      }
    }
    byte[] header = new byte[Header.SIZE];
    try (InputStream in = Files.newInputStream(archive)) {
      in.readNBytes(header, 0, Header.SIZE);
    }
    assertEquals(mode == EncryptionMode.PER_FILE ? 2 : 1, Header.decode(header).flags());
  }

  @ParameterizedTest
  @EnumSource(EncryptionMode.class)
  void allZeroAndAllOnesKeysAreValidKeys(EncryptionMode mode) throws IOException {
    for (byte fill : new byte[] {0, (byte) 0xFF}) {
      byte[] key = new byte[32];
      Arrays.fill(key, fill);
      Path archive = dir.resolve("edge-" + mode + "-" + fill + ".eng");
      try (ArchiveWriter writer =
          ArchiveWriter.create(archive, WriterOptions.builder().encryption(mode, key).build())) {
        writer.addFile("test.txt", "Data".getBytes());
        writer.finish();
      }
      try (ArchiveReader reader =
          ArchiveReader.open(archive, ReaderOptions.builder().key(key).build())) {
        assertArrayEquals("Data".getBytes(), reader.read("test.txt"));
      }
    }
  }

  @Test
  void perFileArchiveListsWithoutAKeyAndRefusesContentClearly() throws IOException {
    Path archive = write("listing.eng", WriterOptions.builder().perFileEncryption(KEY).build());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("small.txt", "text.txt", "lz4.bin", "big.raw", "empty", "framed.bin"),
          reader.list());
      KeyRequiredException e = assertThrows(KeyRequiredException.class,
          () -> reader.read("small.txt"));
      assertTrue(e.getMessage().contains("entry 'small.txt' is encrypted: give the archive's key"
          + " or passphrase"), e.getMessage());
      assertThrows(KeyRequiredException.class, () -> reader.openStream("framed.bin"));
    }
    try (ArchiveReader reader =
        ArchiveReader.open(archive, ReaderOptions.builder().key(key(8)).build())) {
      for (String path : List.of("small.txt", "text.txt", "big.raw", "framed.bin", "empty")) {
        AuthenticationFailedException e =
            assertThrows(AuthenticationFailedException.class, () -> reader.read(path), path);
        assertTrue(e.getMessage().endsWith("entry '" + path + "' does not decrypt: the key or"
            + " passphrase is wrong, or its encrypted bytes were changed"), e.getMessage());
      }
    }
  }

  @Test
  void wholeArchiveNeedsItsKeyToOpen() throws IOException {
    Path archive = write("whole.eng", WriterOptions.builder().archiveEncryption(KEY).build());
    KeyRequiredException missing =
        assertThrows(KeyRequiredException.class, () -> ArchiveReader.open(archive));
    assertTrue(missing.getMessage().contains("the archive (names and contents) is encrypted"));
    AuthenticationFailedException wrong = assertThrows(AuthenticationFailedException.class,
        () -> ArchiveReader.open(archive, ReaderOptions.builder().key(key(8)).build()));
    assertEquals(archive + ": the archive does not decrypt: the key or passphrase is wrong, or"
        + " its encrypted body was changed", wrong.getMessage());
  }

  @Test
  void ourPayloadsAndBodiesDecryptTheWayEngramRsDecryptsThem() throws Exception {
    // engram-rs: a per-file payload is one message, nonce first, no associated data, and
    // its plaintext is what the entry would store unencrypted
    Path perFile = dir.resolve("rs-per-file.eng");
    try (ArchiveWriter writer =
        ArchiveWriter.create(perFile, WriterOptions.builder().perFileEncryption(KEY).build())) {
      writer.addFile("raw.bin", SMALL, CompressionMethod.NONE);
      writer.addFile("text.txt", TEXT, CompressionMethod.ZSTD);
      writer.finish();
    }
    byte[] bytes = Files.readAllBytes(perFile);
    try (ArchiveReader reader = ArchiveReader.open(perFile)) {
      EntryInfo raw = reader.entry("raw.bin").orElseThrow();
      byte[] plain = dev.engram.crypto.AesGcm.open(KEY, bytes,
          (int) raw.directoryEntry().payloadOffset(), (int) raw.storedSize());
      assertArrayEquals(SMALL, plain);
      EntryInfo text = reader.entry("text.txt").orElseThrow();
      byte[] zstd = dev.engram.crypto.AesGcm.open(KEY, bytes,
          (int) text.directoryEntry().payloadOffset(), (int) text.storedSize());
      byte[] decoded = new byte[TEXT.length];
      new com.github.luben.zstd.ZstdDecompressCtx().decompressByteArray(decoded, 0,
          decoded.length, zstd, 0, zstd.length);
      assertArrayEquals(TEXT, decoded);
    }
    // engram-rs: the body between header and end record is one message; decrypted, it is the
    // plain archive from offset 64, with the directory where the header says
    Path whole = dir.resolve("rs-whole.eng");
    try (ArchiveWriter writer =
        ArchiveWriter.create(whole, WriterOptions.builder().archiveEncryption(KEY).build())) {
      writer.addFile("a.txt", SMALL);
      writer.finish();
    }
    byte[] file = Files.readAllBytes(whole);
    byte[] body = dev.engram.crypto.AesGcm.open(KEY, file, Header.SIZE, file.length - 128);
    Header header = Header.decode(Arrays.copyOf(file, Header.SIZE));
    int directory = (int) header.directoryOffset() - Header.SIZE;
    assertEquals("CENT",
        new String(body, directory, 4, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals("LOCA", new String(body, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(header.directoryOffset() + header.directorySize() - Header.SIZE, body.length);
  }

  @Test
  void wholeArchiveLayoutIsEngramRs() throws IOException {
    Path archive = dir.resolve("layout.eng");
    try (ArchiveWriter writer =
        ArchiveWriter.create(archive, WriterOptions.builder().archiveEncryption(KEY).build())) {
      writer.addFile("a.txt", SMALL);
      writer.finish();
    }
    byte[] file = Files.readAllBytes(archive);
    Header header = Header.decode(Arrays.copyOf(file, Header.SIZE));
    long body = header.directoryOffset() + header.directorySize() - Header.SIZE;
    // header || nonce || ciphertext (the body, as long as the plain one) || tag || end record
    assertEquals(Header.SIZE + 12 + body + 16 + 64, file.length);
    assertEquals('E', file[file.length - 64]);
  }

  @ParameterizedTest
  @EnumSource(EncryptionMode.class)
  void passphraseRoundTripsAndIsRecordedInTheHeader(EncryptionMode mode) throws IOException {
    Path archive = write("pass-" + mode + ".eng",
        fastPassphrase().encryption(mode, PASSPHRASE).build());
    byte[] headerBytes = Arrays.copyOf(Files.readAllBytes(archive), Header.SIZE);
    Header header = Header.decode(headerBytes);
    assertTrue(header.hasPassphrase());
    PassphraseKdf kdf = PassphraseKdf.decode(header.reserved());
    assertEquals(10, kdf.log2MemoryKiB());
    try (ArchiveReader reader =
        ArchiveReader.open(archive, ReaderOptions.builder().passphrase(PASSPHRASE).build())) {
      assertContent(reader);
    }
    // engram-rs ignores the passphrase record: it reads the archive given the derived key
    byte[] derived = kdf.deriveKey(PASSPHRASE);
    try (ArchiveReader reader =
        ArchiveReader.open(archive, ReaderOptions.builder().key(derived).build())) {
      assertArrayEquals(TEXT, reader.read("text.txt"));
    }
    ReaderOptions wrong = ReaderOptions.builder().passphrase("wrong".toCharArray()).build();
    if (mode == EncryptionMode.ARCHIVE) {
      assertThrows(AuthenticationFailedException.class, () -> ArchiveReader.open(archive, wrong));
    } else {
      try (ArchiveReader reader = ArchiveReader.open(archive, wrong)) {
        assertThrows(AuthenticationFailedException.class, () -> reader.read("text.txt"));
      }
    }
  }

  @Test
  void passphraseForARawKeyArchiveSaysSo() throws IOException {
    Path archive = write("rawkey.eng", WriterOptions.builder().archiveEncryption(KEY).build());
    KeyRequiredException e = assertThrows(KeyRequiredException.class, () -> ArchiveReader.open(
        archive, ReaderOptions.builder().passphrase(PASSPHRASE).build()));
    assertTrue(e.getMessage().contains("encrypted with a raw key, not a passphrase"));
  }

  @Test
  void hostileKeyDerivationParametersAreRefusedBeforeDeriving() throws IOException {
    Path archive = write("kdf.eng", fastPassphrase().encryption(EncryptionMode.PER_FILE,
        PASSPHRASE).build());
    try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
      file.seek(44 + 1);
      file.write(27); // 2^27 KiB = 128 GiB
    }
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> ArchiveReader
        .open(archive, ReaderOptions.builder().passphrase(PASSPHRASE).build()));
    assertTrue(e.getMessage().contains("needs 2^27 KiB of memory"), e.getMessage());
    try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
      file.seek(44 + 1);
      file.write(10);
      file.write(200); // iterations
    }
    assertThrows(LimitExceededException.class, () -> ArchiveReader
        .open(archive, ReaderOptions.builder().passphrase(PASSPHRASE).build()));
  }

  @Test
  void flippedBitsInNonceCiphertextOrTagOfAnEntryFailOnlyThatEntry() throws IOException {
    Path archive = write("flips.eng", WriterOptions.builder().perFileEncryption(KEY).build());
    ReaderOptions withKey = ReaderOptions.builder().key(KEY).build();
    long payload;
    long stored;
    try (ArchiveReader reader = ArchiveReader.open(archive, withKey)) {
      EntryInfo text = reader.entry("text.txt").orElseThrow();
      payload = text.directoryEntry().payloadOffset();
      stored = text.storedSize();
    }
    byte[] original = Files.readAllBytes(archive);
    for (long offset : new long[] {payload, payload + 11, payload + 12, payload + stored / 2,
        payload + stored - 17, payload + stored - 16, payload + stored - 1}) {
      byte[] flipped = original.clone();
      flipped[(int) offset] ^= 0x10;
      Path damaged = Files.write(dir.resolve("flipped.eng"), flipped);
      try (ArchiveReader reader = ArchiveReader.open(damaged, withKey)) {
        assertThrows(AuthenticationFailedException.class, () -> reader.read("text.txt"),
            "flip at payload + " + (offset - payload));
        assertArrayEquals(SMALL, reader.read("small.txt"));
      }
    }
  }

  @Test
  void flippedBitsAnywhereInAWholeArchiveBodyFailToOpen() throws IOException {
    Path archive = dir.resolve("body.eng");
    try (ArchiveWriter writer =
        ArchiveWriter.create(archive, WriterOptions.builder().archiveEncryption(KEY).build())) {
      writer.addFile("a.txt", TEXT);
      writer.finish();
    }
    byte[] original = Files.readAllBytes(archive);
    ReaderOptions withKey = ReaderOptions.builder().key(KEY).build();
    int bodyEnd = original.length - 64;
    for (int offset : new int[] {64, 75, 76, 1000, bodyEnd - 17, bodyEnd - 16, bodyEnd - 1}) {
      byte[] flipped = original.clone();
      flipped[offset] ^= 0x01;
      Path damaged = Files.write(dir.resolve("flipped.eng"), flipped);
      assertThrows(AuthenticationFailedException.class, () -> ArchiveReader.open(damaged, withKey),
          "flip at " + offset);
    }
  }

  @Test
  void truncatedCiphertextFailsAuthenticationOrIsCaughtAtOpen() throws IOException {
    Path archive = write("cut.eng", WriterOptions.builder().perFileEncryption(KEY).build());
    // a compressed entry one byte short: still a plausible size, so only the tag can tell
    shortenStoredSize(archive, "text.txt");
    try (ArchiveReader reader =
        ArchiveReader.open(archive, ReaderOptions.builder().key(KEY).build())) {
      assertThrows(AuthenticationFailedException.class, () -> reader.read("text.txt"));
      assertArrayEquals(SMALL, reader.read("small.txt"));
    }
    // an uncompressed entry one byte short no longer holds size + 28 bytes: refused at open
    shortenStoredSize(archive, "small.txt");
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
        () -> ArchiveReader.open(archive, ReaderOptions.builder().key(KEY).build()));
    assertTrue(e.getMessage().contains("'small.txt': stored uncompressed, but its stored size 39"
        + " differs from its size 12 (and its encryption)"), e.getMessage());
  }

  /** Takes one byte off an entry's stored size, in its directory entry and local header. */
  private static void shortenStoredSize(Path archive, String path) throws IOException {
    long loca;
    long stored;
    int index;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo entry = reader.entry(path).orElseThrow();
      loca = entry.directoryEntry().dataOffset();
      stored = entry.storedSize();
      index = reader.list().indexOf(path);
    }
    long cent = ByteBuffer.wrap(Files.readAllBytes(archive)).order(ByteOrder.LITTLE_ENDIAN)
        .getLong(16) + 320L * index;
    try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
      byte[] shorter = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
          .putLong(stored - 1).array();
      file.seek(loca + 12);
      file.write(shorter);
      file.seek(cent + 20);
      file.write(shorter);
    }
  }

  @Test
  void tenThousandEntriesNeverShareANonce() throws IOException {
    Path archive = dir.resolve("nonces.eng");
    try (ArchiveWriter writer =
        ArchiveWriter.create(archive, WriterOptions.builder().perFileEncryption(KEY).build())) {
      for (int i = 0; i < 10_000; i++) {
        writer.addFile("f" + i, new byte[] {(byte) i});
      }
      writer.finish();
    }
    Set<ByteBuffer> nonces = new HashSet<>();
    try (ArchiveReader reader = ArchiveReader.open(archive);
        RandomAccessFile file = new RandomAccessFile(archive.toFile(), "r")) {
      for (EntryInfo entry : reader.entries()) {
        byte[] nonce = new byte[12];
        file.seek(entry.directoryEntry().payloadOffset());
        file.readFully(nonce);
        assertTrue(nonces.add(ByteBuffer.wrap(nonce)), "nonce repeated at " + entry.path());
      }
    }
    assertEquals(10_000, nonces.size());
  }

  @Test
  void manyThreadsReadOneEncryptedArchive() throws Exception {
    Path archive = write("threads.eng", WriterOptions.builder().perFileEncryption(KEY).build());
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (ArchiveReader reader =
        ArchiveReader.open(archive, ReaderOptions.builder().key(KEY).build())) {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          for (int i = 0; i < 5; i++) {
            switch ((thread + i) % 3) {
              case 0 -> assertArrayEquals(BIG_RAW, reader.read("big.raw"));
              case 1 -> assertArrayEquals(TEXT, reader.read("text.txt"));
              default -> {
                try (InputStream in = reader.openStream("framed.bin")) {
                  assertEquals(TestData.patternCrc(FRAMED), TestData.crc(in));
                }
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> result : results) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void decryptedTemporaryFilesAreDeletedOnClose() throws IOException {
    Path temporary = Files.createDirectories(dir.resolve("tmp"));
    Path perFile = write("temp1.eng", WriterOptions.builder().perFileEncryption(KEY).build());
    Path whole = write("temp2.eng", WriterOptions.builder().archiveEncryption(KEY).build());
    ReaderOptions options =
        ReaderOptions.builder().key(KEY).temporaryDirectory(temporary).build();
    for (Path archive : List.of(perFile, whole)) {
      try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
        assertContent(reader);
        try (Stream<Path> files = Files.list(temporary)) {
          assertFalse(files.toList().isEmpty(), "large payloads are decrypted to files");
        }
      }
      try (Stream<Path> files = Files.list(temporary)) {
        assertEquals(List.of(), files.toList(), "no decrypted file survives close()");
      }
    }
  }

  @Test
  void limitsStillApplyToEncryptedEntries() throws IOException {
    Path archive = write("limits.eng", WriterOptions.builder().perFileEncryption(KEY).build());
    ReaderOptions small = ReaderOptions.builder().key(KEY).maxEntrySize(1 << 20).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, small)) {
      assertThrows(LimitExceededException.class, () -> reader.read("big.raw"));
      assertArrayEquals(TEXT, reader.read("text.txt"));
    }
  }

  @Test
  void destroyingTheDefaultOptionsLeavesLaterReadersAskingForAKey() throws IOException {
    Path perFile = dir.resolve("defaults-per-file.eng");
    Path whole = dir.resolve("defaults-whole.eng");
    for (Path archive : List.of(perFile, whole)) {
      WriterOptions.Builder options = WriterOptions.builder();
      try (ArchiveWriter writer = ArchiveWriter.create(archive, archive == perFile
          ? options.perFileEncryption(KEY).build() : options.archiveEncryption(KEY).build())) {
        writer.addFile("small.txt", SMALL);
        writer.finish();
      }
    }
    ReaderOptions.defaults().destroy();
    WriterOptions.defaults().destroy();

    assertFalse(ReaderOptions.defaults().isDestroyed());
    assertFalse(WriterOptions.defaults().isDestroyed());
    try (ArchiveReader reader = ArchiveReader.open(perFile)) {
      assertThrows(KeyRequiredException.class, () -> reader.read("small.txt"));
    }
    assertThrows(KeyRequiredException.class, () -> ArchiveReader.open(whole));
    assertThrows(KeyRequiredException.class,
        () -> ArchiveReader.open(whole, ReaderOptions.defaults()));
  }

  @Test
  void optionsWipeTheirSecretsWhenDestroyed() throws IOException {
    Path archive = write("wipe.eng", WriterOptions.builder().archiveEncryption(KEY).build());
    ReaderOptions options = ReaderOptions.builder().key(KEY).build();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      options.destroy();
      assertTrue(options.isDestroyed());
      assertArrayEquals(SMALL, reader.read("small.txt"), "an open reader keeps its own key");
    }
    assertThrows(IllegalStateException.class, () -> ArchiveReader.open(archive, options));
  }
}
