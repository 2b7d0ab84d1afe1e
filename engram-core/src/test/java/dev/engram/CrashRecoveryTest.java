package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.codec.Codecs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed crash-recovery set: an archive that was never finished, cut short, extended or damaged
 * inside a payload either leaves no file behind or fails with a {@link CorruptArchiveException}
 * whose message says what is wrong; it never opens with wrong content, never throws another type
 * and never hangs.
 *
 * <p>The {@code @Timeout} is only a guard that turns a hang into a failure; no test asserts speed.
 */
@Timeout(60)
class CrashRecoveryTest {
  private static final Instant MODIFIED = Instant.ofEpochSecond(1_700_000_000L);

  /** One planned entry: path, content and the method it must end up stored with. */
  private record Planned(String path, byte[] content, CompressionMethod method) {}

  private static final List<Planned> PLANNED = List.of(
      new Planned("stored/empty.bin", new byte[0], CompressionMethod.NONE),
      new Planned("stored/small.txt", TestData.text(100, 1), CompressionMethod.NONE),
      new Planned("stored/random.bin", TestData.random(100_000, 2), CompressionMethod.NONE),
      new Planned("lz4/text-5k.log", TestData.text(5_000, 3), CompressionMethod.LZ4),
      new Planned("lz4/text-100k.log", TestData.text(100_000, 4), CompressionMethod.LZ4),
      new Planned("lz4/mixed-30k.bin", mixed(30_000, 5), CompressionMethod.LZ4),
      new Planned("zstd/text-4k.json", TestData.text(4_096, 6), CompressionMethod.ZSTD),
      new Planned("zstd/text-90k.md", TestData.text(90_000, 7), CompressionMethod.ZSTD),
      new Planned("zstd/mixed-20k.dat", mixed(20_000, 8), CompressionMethod.ZSTD));

  @TempDir
  static Path shared;

  /** The finished, valid archive every damaged copy is derived from. */
  private static byte[] valid;

  @TempDir
  Path dir;

  @BeforeAll
  static void writeValidArchive() throws IOException {
    Path archive = shared.resolve("valid.eng");
    WriterOptions options = WriterOptions.builder().modifiedTime(MODIFIED).build();
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      for (Planned p : PLANNED) {
        writer.addFile(p.path(), p.content(), p.method());
      }
      writer.finish();
    }
    valid = Files.readAllBytes(archive);
  }

  // --- the baseline --------------------------------------------------------------------------

  @Test
  void undamagedArchiveOpensAndReadsEveryEntryWithItsPlannedMethod() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(write("valid.eng", valid))) {
      assertEquals(PLANNED.size(), reader.entryCount());
      for (Planned p : PLANNED) {
        EntryInfo info = reader.entry(p.path()).orElseThrow();
        assertEquals(p.method(), info.compression(), p.path());
        assertEquals(p.content().length, info.uncompressedSize(), p.path());
        assertArrayEquals(p.content(), reader.read(p.path()), p.path());
      }
    }
  }

  // --- writer never finished -----------------------------------------------------------------

  @Test
  void writerClosedWithoutFinishLeavesNoFileAndNoTemporarySibling() throws IOException {
    Path target = dir.resolve("never-finished.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(target)) {
      for (Planned p : PLANNED) {
        writer.addFile(p.path(), p.content(), p.method());
      }
      // a large entry, so that part of the archive has reached the temporary file
      writer.addFile("big.bin", TestData.random(3 << 20, 9), CompressionMethod.NONE);
      assertEquals(1, listNames(dir).size(), "the temporary file exists while writing");
    }
    assertFalse(Files.exists(target));
    assertEquals(List.of(), listNames(dir));
  }

  @Test
  void writerClosedWithoutFinishAndWithoutEntriesLeavesNoFile() throws IOException {
    Path target = dir.resolve("empty-never-finished.eng");
    ArchiveWriter.create(target).close();
    assertFalse(Files.exists(target));
    assertEquals(List.of(), listNames(dir));
  }

  @Test
  void abandonedWriterLeavesExistingTargetByteIdentical() throws IOException {
    Path target = write("existing.eng", valid);
    try (ArchiveWriter writer = ArchiveWriter.create(target)) {
      writer.addFile("replacement.txt", TestData.text(10_000, 10));
      writer.addFile("big.bin", TestData.random(3 << 20, 11), CompressionMethod.NONE);
    }
    assertArrayEquals(valid, Files.readAllBytes(target));
    assertEquals(List.of("existing.eng"), listNames(dir));
    try (ArchiveReader reader = ArchiveReader.open(target)) {
      assertEquals(PLANNED.size(), reader.entryCount());
      assertFalse(reader.contains("replacement.txt"));
    }
  }

  @Test
  void temporaryFileOfCrashedWriterNeverOpensAsAnArchive() throws IOException {
    Path target = dir.resolve("crashed.eng");
    Path leftover = dir.resolve("leftover-copy.bin");
    // one thread: each entry is written by the time addFile returns, none is still queued
    try (ArchiveWriter writer =
        ArchiveWriter.create(target, WriterOptions.builder().threads(1).build())) {
      for (Planned p : PLANNED) {
        writer.addFile(p.path(), p.content(), p.method());
      }
      writer.addFile("big.bin", TestData.random(3 << 20, 12), CompressionMethod.NONE);
      // what a crash at this moment would leave on disk
      List<String> names = listNames(dir);
      assertEquals(1, names.size());
      Files.copy(dir.resolve(names.get(0)), leftover);
    }
    assertTrue(Files.size(leftover) >= 64, "the copy holds flushed archive bytes");
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> ArchiveReader.open(leftover));
    assertMessageContains(e, "leftover-copy.bin", "not an Engram archive", "magic");
  }

  // --- cut short or extended -----------------------------------------------------------------

  @ParameterizedTest(name = "truncated to {0}%")
  @ValueSource(ints = {10, 30, 50, 70, 90})
  void archiveTruncatedAnywhereFailsToOpenWithCorruptArchiveException(int percent)
      throws IOException {
    int length = (int) ((long) valid.length * percent / 100);
    Path archive = write("truncated-" + percent + ".eng", Arrays.copyOf(valid, length));
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> ArchiveReader.open(archive));
    assertMessageContains(e, "truncated-" + percent + ".eng", "end record",
        "offset " + (length - 64), "expected 'ENDR'");
    assertEquals(archive.toString(), e.archive());
  }

  @Test
  void headerOnlyFailsToOpenAsTooSmall() throws IOException {
    Path archive = write("header-only.eng", Arrays.copyOf(valid, 64));
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> ArchiveReader.open(archive));
    assertMessageContains(e, "header-only.eng", "file is 64 bytes", "too small", "end record");
  }

  @Test
  void emptyFileFailsToOpenAsTooSmall() throws IOException {
    Path archive = write("zero.eng", new byte[0]);
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> ArchiveReader.open(archive));
    assertMessageContains(e, "zero.eng", "file is 0 bytes", "too small");
  }

  @ParameterizedTest(name = "last {0} bytes missing")
  @ValueSource(ints = {1, 2, 4, 8, 31, 32, 60, 63})
  void endRecordCutShortFailsToOpen(int missing) throws IOException {
    int length = valid.length - missing;
    Path archive = write("cut-" + missing + ".eng", Arrays.copyOf(valid, length));
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> ArchiveReader.open(archive));
    assertMessageContains(e, "cut-" + missing + ".eng", "end record at offset " + (length - 64),
        "expected 'ENDR'");
  }

  @ParameterizedTest(name = "trailing byte {0}")
  @ValueSource(ints = {0x00, 0x0A, 0xFF})
  void oneTrailingGarbageByteFailsToOpen(int garbage) throws IOException {
    byte[] extended = Arrays.copyOf(valid, valid.length + 1);
    extended[valid.length] = (byte) garbage;
    Path archive = write("trailing.eng", extended);
    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> ArchiveReader.open(archive));
    assertMessageContains(e, "trailing.eng", "end record at offset " + (valid.length - 63),
        "expected 'ENDR'");
  }

  // --- garbage inside a payload --------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"stored/small.txt", "stored/random.bin"})
  void garbageInStoredPayloadFailsEveryReadOfThatEntryWithChecksumMismatch(String damaged)
      throws IOException {
    Entry entry = entry(valid, damaged);
    byte[] bytes = valid.clone();
    long at = entry.payloadOffset() + entry.stored() / 2;
    for (int i = 0; i < 4; i++) {
      bytes[(int) at + i] ^= 0x5A;
    }
    byte[] garbled = Arrays.copyOfRange(bytes, (int) entry.payloadOffset(),
        (int) (entry.payloadOffset() + entry.stored()));
    Path archive = write("garbled-stored.eng", bytes);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (EngramException e : everyReadFails(reader, damaged)) {
        ChecksumMismatchException mismatch = assertInstanceOf(ChecksumMismatchException.class, e);
        assertEquals(damaged, mismatch.entry());
        assertEquals(entry.crc(), mismatch.expected());
        assertEquals(TestData.crc(garbled), mismatch.actual());
        assertMessageContains(e, "garbled-stored.eng", damaged, "CRC32 mismatch");
      }
      assertOtherEntriesReadCorrectly(reader, damaged);
    }
  }

  @Test
  void garbageInLz4LiteralDecodesButFailsEveryReadWithChecksumMismatch() throws IOException {
    String damaged = "lz4/text-5k.log";
    Entry entry = entry(valid, damaged);
    byte[] bytes = valid.clone();
    // payload: u32 length, then the first LZ4 sequence: token, [literal length bytes], literals
    int token = (int) entry.payloadOffset() + 4;
    int literals = (bytes[token] & 0xFF) >>> 4;
    int at = token + 1;
    if (literals == 15) {
      int more;
      do {
        more = bytes[at++] & 0xFF;
        literals += more;
      } while (more == 255);
    }
    assertTrue(literals >= 2, "the first sequence starts with literals");
    bytes[at + 1] ^= 0x20; // a literal byte: the block still decodes, to other content
    Path archive = write("garbled-lz4-literal.eng", bytes);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (EngramException e : everyReadFails(reader, damaged)) {
        ChecksumMismatchException mismatch = assertInstanceOf(ChecksumMismatchException.class, e);
        assertEquals(entry.crc(), mismatch.expected());
        assertNotEquals(entry.crc(), mismatch.actual());
        assertMessageContains(e, "garbled-lz4-literal.eng", damaged, "CRC32 mismatch");
      }
      assertOtherEntriesReadCorrectly(reader, damaged);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lz4/text-5k.log", "lz4/text-100k.log", "lz4/mixed-30k.bin",
      "zstd/text-4k.json", "zstd/text-90k.md", "zstd/mixed-20k.dat"})
  void garbageInCompressedPayloadFailsEveryReadOfThatEntryAndSparesTheOthers(String damaged)
      throws IOException {
    Entry entry = entry(valid, damaged);
    byte[] bytes = valid.clone();
    long at = entry.payloadOffset() + entry.stored() / 2;
    for (int i = 0; i < 8; i++) {
      bytes[(int) at + i] ^= (byte) (0xA5 + i);
    }
    // Whether the garbled block still decodes decides which error is the right one.
    byte[] payload = Arrays.copyOfRange(bytes, (int) entry.payloadOffset(),
        (int) (entry.payloadOffset() + entry.stored()));
    byte[] decoded = new byte[(int) entry.size()];
    boolean decodes;
    try {
      Codecs.of(CompressionMethod.fromId(entry.method()).orElseThrow())
          .decompress(payload, 0, payload.length, decoded, 0, decoded.length);
      decodes = true;
    } catch (CorruptArchiveException e) {
      decodes = false;
    }
    Path archive = write("garbled-compressed.eng", bytes);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (EngramException e : everyReadFails(reader, damaged)) {
        assertInstanceOf(CorruptArchiveException.class, e);
        assertMessageContains(e, "garbled-compressed.eng", "entry '" + damaged + "'");
        if (decodes) {
          ChecksumMismatchException mismatch =
              assertInstanceOf(ChecksumMismatchException.class, e);
          assertEquals(entry.crc(), mismatch.expected());
          assertEquals(TestData.crc(decoded), mismatch.actual());
          assertMessageContains(e, "CRC32 mismatch");
        } else {
          assertFalse(e instanceof ChecksumMismatchException, e.getMessage());
          assertMessageContains(e, entry.method() == 1 ? "LZ4" : "Zstandard");
        }
      }
      assertOtherEntriesReadCorrectly(reader, damaged);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Reads the entry whole, as a stream to its end and as a channel to its end; each must fail
   * with an EngramException (returned for further checks), never return bytes.
   */
  private static List<EngramException> everyReadFails(ArchiveReader reader, String path) {
    List<EngramException> failures = new ArrayList<>();
    failures.add(readFails(() -> reader.read(path)));
    failures.add(readFails(() -> {
      try (InputStream in = reader.openStream(path)) {
        in.readAllBytes();
      }
    }));
    failures.add(readFails(() -> {
      try (SeekableByteChannel channel = reader.openChannel(path)) {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
          buffer.clear();
        }
      }
    }));
    return failures;
  }

  private static EngramException readFails(Executable read) {
    return assertThrows(EngramException.class, read);
  }

  private static void assertOtherEntriesReadCorrectly(ArchiveReader reader, String damaged)
      throws IOException {
    for (Planned p : PLANNED) {
      if (p.path().equals(damaged)) {
        continue;
      }
      assertArrayEquals(p.content(), reader.read(p.path()), p.path());
      try (InputStream in = reader.openStream(p.path())) {
        assertArrayEquals(p.content(), in.readAllBytes(), p.path());
      }
      try (SeekableByteChannel channel = reader.openChannel(p.path())) {
        ByteBuffer all = ByteBuffer.allocate(p.content().length);
        while (all.hasRemaining() && channel.read(all) >= 0) {
          // keep reading
        }
        assertArrayEquals(p.content(), all.array(), p.path());
        assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
      }
    }
  }

  private static void assertMessageContains(Exception e, String... parts) {
    String message = e.getMessage();
    for (String part : parts) {
      assertTrue(message != null && message.contains(part),
          () -> "message should contain \"" + part + "\": " + message);
    }
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static List<String> listNames(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** Half pseudo-text, half random bytes: compresses, but not much. */
  private static byte[] mixed(int size, long seed) {
    byte[] out = TestData.text(size, seed);
    byte[] noise = TestData.random(size / 2, seed + 1000);
    System.arraycopy(noise, 0, out, size - noise.length, noise.length);
    return out;
  }

  // --- a minimal directory parser, per FORMAT.md ----------------------------------------------

  /** What a directory entry records, read straight from the archive bytes. */
  private record Entry(String path, long dataOffset, long size, long stored, int crc, int method,
      int pathLength) {
    long payloadOffset() {
      return dataOffset + 40 + pathLength + 1;
    }
  }

  private static Entry entry(byte[] archive, String path) {
    ByteBuffer b = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
    long directory = b.getLong(16);
    int count = b.getInt(32);
    for (int i = 0; i < count; i++) {
      int at = (int) (directory + 320L * i);
      int pathLength = Short.toUnsignedInt(b.getShort(at + 42));
      String name = new String(archive, at + 44, pathLength, StandardCharsets.UTF_8);
      if (name.equals(path)) {
        return new Entry(name, b.getLong(at + 4), b.getLong(at + 12), b.getLong(at + 20),
            b.getInt(at + 28), archive[at + 40] & 0xFF, pathLength);
      }
    }
    throw new AssertionError("no directory entry " + path);
  }
}
