package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.crypto.AesGcm;
import dev.engram.format.Header;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The segmented encryption extension: random access into encrypted data, and its integrity. */
class SegmentedEncryptionTest {
  private static final byte[] KEY = new byte[32];
  private static final long BIG = 100L << 20; // framed, about 1,600 frames
  private static final byte[] RAW = TestData.random(3 << 20, 5); // 48 segments of 64 KiB
  private static final byte[] TEXT = TestData.text(300_000, 6);

  static {
    Arrays.fill(KEY, (byte) 0x5A);
  }

  @TempDir Path dir;

  private Path write(String name, EncryptionMode mode) throws IOException {
    Path archive = dir.resolve(name);
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().encryption(mode, KEY).segmentedEncryption(true).build())) {
      writer.addFile("text.txt", TEXT);
      writer.addFile("raw.bin", RAW, CompressionMethod.NONE);
      writer.addFile("big.bin", TestData.patternStream(BIG), CompressionMethod.LZ4);
      writer.addFile("empty", new byte[0]);
      writer.addFile("small.bin", new byte[] {1, 2, 3}, CompressionMethod.NONE);
      writer.finish();
    }
    return archive;
  }

  private static ArchiveReader open(Path archive) throws IOException {
    return ArchiveReader.open(archive, ReaderOptions.builder().key(KEY).build());
  }

  @ParameterizedTest
  @EnumSource(EncryptionMode.class)
  void everyKindOfEntryRoundTrips(EncryptionMode mode) throws IOException {
    Path archive = write("rt-" + mode + ".eng", mode);
    try (ArchiveReader reader = open(archive)) {
      assertArrayEquals(TEXT, reader.read("text.txt"));
      assertArrayEquals(RAW, reader.read("raw.bin"));
      assertArrayEquals(new byte[0], reader.read("empty"));
      assertArrayEquals(new byte[] {1, 2, 3}, reader.read("small.bin"));
      try (InputStream in = reader.openStream("big.bin")) {
        assertEquals(TestData.patternCrc(BIG), TestData.crc(in));
      }
    }
    Header header = Header.decode(Arrays.copyOf(Files.readAllBytes(archive), Header.SIZE));
    assertTrue(header.isSegmented());
    assertEquals(1, header.versionMinor(), "the extension is marked by minor version 1");
  }

  @Test
  void randomReadInALargeEncryptedEntryDecryptsOnlyTheSegmentsItTouches() throws IOException {
    Path archive = write("random.eng", EncryptionMode.PER_FILE);
    try (ArchiveReader reader = open(archive)) {
      try (SeekableByteChannel channel = reader.openChannel("big.bin")) {
        // opening: the frame count (segment 0) and the end-of-stream mark (the last segment)
        assertEquals(2, reader.segmentsDecrypted());
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        long position = BIG / 2 + 1000;
        channel.position(position).read(buffer);
        for (int i = 0; i < buffer.position(); i++) {
          assertEquals(TestData.patternByte(position + i), buffer.get(i));
        }
        assertEquals(3, reader.segmentsDecrypted(), "one frame, one segment");
      }
      long before = reader.segmentsDecrypted();
      try (SeekableByteChannel channel = reader.openChannel("raw.bin")) {
        ByteBuffer buffer = ByteBuffer.allocate(100);
        channel.position(2_000_000).read(buffer);
        assertArrayEquals(Arrays.copyOfRange(RAW, 2_000_000, 2_000_100), buffer.array());
        assertEquals(before + 2, reader.segmentsDecrypted(), "the last segment, then one");
      }
    }
  }

  @Test
  void openingAWholeArchiveDecryptsOnlyItsDirectory() throws IOException {
    Path archive = write("whole.eng", EncryptionMode.ARCHIVE);
    try (ArchiveReader reader = open(archive)) {
      // the directory sits in the last segment or two: nothing of the 100 MiB of data
      long atOpen = reader.segmentsDecrypted();
      assertTrue(atOpen <= 2, "opening decrypted " + atOpen + " segments");
      assertArrayEquals(new byte[] {1, 2, 3}, reader.read("small.bin"));
      assertTrue(reader.segmentsDecrypted() - atOpen <= 2);
    }
  }

  @Test
  void segmentsSwappedReorderedOrCutFailAuthentication() throws IOException {
    Path archive = write("tamper.eng", EncryptionMode.PER_FILE);
    long payload;
    try (ArchiveReader reader = open(archive)) {
      payload = reader.entry("raw.bin").orElseThrow().directoryEntry().payloadOffset();
    }
    byte[] original = Files.readAllBytes(archive);
    int segment = 4 + 65536 + 16; // every segment of raw.bin but the last is this long
    int first = (int) payload + 16;
    byte[] swapped = original.clone();
    System.arraycopy(original, first + 2 * segment, swapped, first + 3 * segment, segment);
    System.arraycopy(original, first + 3 * segment, swapped, first + 2 * segment, segment);
    try (ArchiveReader reader = open(Files.write(dir.resolve("swapped.eng"), swapped))) {
      AuthenticationFailedException e =
          assertThrows(AuthenticationFailedException.class, () -> reader.read("raw.bin"));
      assertTrue(e.getMessage().contains("entry 'raw.bin': segment 2 of 48 does not decrypt"),
          e.getMessage());
      assertArrayEquals(TEXT, reader.read("text.txt"));
    }
    byte[] flipped = original.clone();
    flipped[first + 5 * segment + 100] ^= 1;
    try (ArchiveReader reader = open(Files.write(dir.resolve("flipped.eng"), flipped))) {
      try (SeekableByteChannel channel = reader.openChannel("raw.bin")) {
        ByteBuffer before = ByteBuffer.allocate(1000);
        channel.position(0).read(before); // segment 0 is untouched and reads
        assertArrayEquals(Arrays.copyOf(RAW, 1000), before.array());
        assertThrows(AuthenticationFailedException.class,
            () -> channel.position(5L * 65536 + 10).read(ByteBuffer.allocate(10)));
      }
    }
  }

  @Test
  void anEntryRenamedInTheDirectoryNoLongerDecrypts() throws IOException {
    Path archive = write("rename.eng", EncryptionMode.PER_FILE);
    byte[] bytes = Files.readAllBytes(archive);
    byte[] renamed = replaceAll(bytes, "text.txt", "texx.txt"); // local header and directory
    try (ArchiveReader reader = open(Files.write(dir.resolve("renamed.eng"), renamed))) {
      assertThrows(AuthenticationFailedException.class, () -> reader.read("texx.txt"));
      assertArrayEquals(RAW, reader.read("raw.bin"));
    }
  }

  @Test
  void aChangedHeaderFailsToOpenAWholeArchive() throws IOException {
    Path archive = write("header.eng", EncryptionMode.ARCHIVE);
    byte[] bytes = Files.readAllBytes(archive);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(36, 7); // content version
    bytes[12] = bytes[13] = bytes[14] = bytes[15] = 0; // CRC not recorded, as engram-rs writes
    Path changed = Files.write(dir.resolve("changed.eng"), bytes);
    assertThrows(AuthenticationFailedException.class, () -> open(changed));
  }

  @Test
  void aCutStreamFailsAtOpen() throws IOException {
    Path archive = write("cut.eng", EncryptionMode.PER_FILE);
    long loca;
    long stored;
    int index;
    try (ArchiveReader reader = open(archive)) {
      EntryInfo raw = reader.entry("raw.bin").orElseThrow();
      loca = raw.directoryEntry().dataOffset();
      stored = raw.storedSize();
      index = reader.list().indexOf("raw.bin");
    }
    long cent = ByteBuffer.wrap(Files.readAllBytes(archive)).order(ByteOrder.LITTLE_ENDIAN)
        .getLong(16) + 320L * index;
    // drop the last segment: sizes adjusted to 47 segments, so only the end mark can tell
    long shorter = stored - (4 + 65536 + 16);
    long size = 47L * 65536;
    try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
      for (long at : new long[] {loca + 4, cent + 12}) {
        file.seek(at);
        file.write(le64(size));
        file.write(le64(shorter));
      }
    }
    try (ArchiveReader reader = open(archive)) {
      AuthenticationFailedException e =
          assertThrows(AuthenticationFailedException.class, () -> reader.openChannel("raw.bin"));
      assertTrue(e.getMessage().contains("segment 46 of 47 does not decrypt"), e.getMessage());
    }
  }

  @Test
  void engramRsSingleMessageDecryptionRefusesSegmentedData() throws IOException {
    // what engram-rs does: the whole payload (or body) as one message, nonce first, no AAD
    Path perFile = write("rs1.eng", EncryptionMode.PER_FILE);
    byte[] bytes = Files.readAllBytes(perFile);
    try (ArchiveReader reader = ArchiveReader.open(perFile)) {
      for (EntryInfo entry : reader.entries()) {
        int offset = (int) entry.directoryEntry().payloadOffset();
        assertThrows(AEADBadTagException.class,
            () -> AesGcm.open(KEY, bytes, offset, (int) entry.storedSize()), entry.path());
      }
    }
    Path whole = write("rs2.eng", EncryptionMode.ARCHIVE);
    byte[] body = Files.readAllBytes(whole);
    assertThrows(AEADBadTagException.class,
        () -> AesGcm.open(KEY, body, Header.SIZE, body.length - 2 * Header.SIZE));
  }

  @Test
  void manyThreadsReadRandomPositionsOfOneSegmentedArchive() throws Exception {
    Path archive = write("threads.eng", EncryptionMode.PER_FILE);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try (ArchiveReader reader = open(archive)) {
      java.util.List<java.util.concurrent.Future<?>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 16; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          java.util.Random random = new java.util.Random(seed);
          for (int i = 0; i < 200; i++) {
            boolean big = random.nextBoolean();
            try (SeekableByteChannel channel = reader.openChannel(big ? "big.bin" : "raw.bin")) {
              long size = channel.size();
              long position = (long) (random.nextDouble() * (size - 100));
              ByteBuffer buffer = ByteBuffer.allocate(100);
              channel.position(position).read(buffer);
              for (int k = 0; k < buffer.position(); k++) {
                byte expected = big ? TestData.patternByte(position + k)
                    : RAW[(int) position + k];
                assertEquals(expected, buffer.get(k));
              }
            }
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> result : results) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void passphraseComposesWithSegments() throws IOException {
    Path archive = dir.resolve("pass.eng");
    char[] passphrase = "segments and a passphrase".toCharArray();
    try (ArchiveWriter writer = ArchiveWriter.create(archive, WriterOptions.builder()
        .passphraseCost(10, 1, 1).encryption(EncryptionMode.ARCHIVE, passphrase)
        .segmentedEncryption(true).build())) {
      writer.addFile("text.txt", TEXT);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().passphrase(passphrase).build())) {
      assertArrayEquals(TEXT, reader.read("text.txt"));
    }
  }

  @Test
  void segmentedWithoutEncryptionIsRefused() {
    assertThrows(IllegalStateException.class,
        () -> WriterOptions.builder().segmentedEncryption(true).build());
  }

  private static byte[] le64(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  private static byte[] replaceAll(byte[] bytes, String from, String to) {
    byte[] a = from.getBytes();
    byte[] b = to.getBytes();
    byte[] out = bytes.clone();
    for (int i = 0; i + a.length <= out.length; i++) {
      if (Arrays.equals(out, i, i + a.length, a, 0, a.length)) {
        System.arraycopy(b, 0, out, i, b.length);
      }
    }
    return out;
  }
}
