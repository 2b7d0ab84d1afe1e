package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corruption cases of engram-rs's {@code tests/corruption_test.rs}, one test each, where this
 * library is stricter: every damaged archive fails with a precise exception, at {@code open}
 * whenever the damage is in the structure. (The reference accepts several of them "lazily".)
 */
class ReferenceCorruptionTest {
  @TempDir Path dir;
  private byte[] valid;

  @BeforeEach
  void createTestArchive() throws IOException {
    Path archive = dir.resolve("valid.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("test.txt", "Hello, World!".getBytes());
      byte[] ab = new byte[1024];
      Arrays.fill(ab, (byte) 0xAB);
      writer.addFile("data.bin", ab);
      writer.finish();
    }
    valid = Files.readAllBytes(archive);
  }

  private Path damaged(byte[] bytes) throws IOException {
    return Files.write(dir.resolve("damaged.eng"), bytes);
  }

  private byte[] copy() {
    return valid.clone();
  }

  private long directoryOffset() {
    return ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
  }

  private <T extends EngramException> T openFails(Class<T> type, byte[] bytes, String expected)
      throws IOException {
    Path archive = damaged(bytes);
    T e = assertThrows(type, () -> ArchiveReader.open(archive));
    assertTrue(e.getMessage().startsWith(archive.toString() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    return e;
  }

  @Test
  void corruptedMagicNumber() throws IOException {
    byte[] b = copy();
    b[0] = (byte) 0xFF;
    openFails(CorruptArchiveException.class, b, "not an Engram archive: header magic is FF 45");
  }

  @Test
  void versionMajor99IsCorruptionWhenTheHeaderCrcIsRecordedAndUnsupportedOtherwise()
      throws IOException {
    byte[] b = copy();
    b[8] = 99;
    openFails(CorruptArchiveException.class, b, "header CRC32 mismatch");
    Arrays.fill(b, 12, 16, (byte) 0); // as engram-rs writes it: no header CRC
    openFails(UnsupportedArchiveException.class, b, "format version 99.0 is not supported");
  }

  @Test
  void truncatedHeader() throws IOException {
    openFails(CorruptArchiveException.class, Arrays.copyOf(valid, 32),
        "file is 32 bytes, too small for an archive");
  }

  @Test
  void centralDirectoryOffsetBeyondTheFile() throws IOException {
    byte[] b = copy();
    Arrays.fill(b, 16, 24, (byte) 0xFF);
    Arrays.fill(b, 12, 16, (byte) 0);
    openFails(CorruptArchiveException.class, b, "directory offset 18446744073709551615");
  }

  @Test
  void entryCountZeroedInTheHeader() throws IOException {
    byte[] b = copy();
    Arrays.fill(b, 32, 36, (byte) 0);
    openFails(CorruptArchiveException.class, b,
        "end record disagrees with the header: entry count is 2 in the end record, 0 in the"
            + " header");
  }

  @Test
  void corruptedCentralDirectorySignature() throws IOException {
    byte[] b = copy();
    b[(int) directoryOffset()] = (byte) 0xFF;
    openFails(CorruptArchiveException.class, b, "directory entry 0 (offset " + directoryOffset()
        + "): signature is FF 45 4E 54, expected 'CENT'");
  }

  @Test
  void directoryCutShort() throws IOException {
    byte[] b = Arrays.copyOf(valid, (int) directoryOffset() + 400); // 1.25 entries, no end record
    openFails(CorruptArchiveException.class, b, "expected 'ENDR' (archive truncated");
  }

  @Test
  void lastHundredBytesTruncated() throws IOException {
    openFails(CorruptArchiveException.class, Arrays.copyOf(valid, valid.length - 100),
        "expected 'ENDR'");
  }

  @Test
  void unknownCompressionMethodInTheDirectory() throws IOException {
    byte[] b = copy();
    b[(int) directoryOffset() + 40] = 99;
    openFails(UnsupportedArchiveException.class, b, "compression method 99 is not supported");
  }

  @Test
  void impossiblyLargeUncompressedSize() throws IOException {
    byte[] b = copy();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN)
        .putLong((int) directoryOffset() + 12, 0x7FFF_FFFF_FFFF_FFFFL);
    openFails(CorruptArchiveException.class, b, "directory entry 0 'test.txt': stored "
        + "uncompressed, but its stored size 13 differs from its size 9223372036854775807");
  }

  @Test
  void emptyFile() throws IOException {
    openFails(CorruptArchiveException.class, new byte[0], "file is 0 bytes, too small");
  }

  @Test
  void randomData() throws IOException {
    byte[] b = new byte[1024];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 17 + 42);
    }
    openFails(CorruptArchiveException.class, b, "not an Engram archive");
  }

  @Test
  void bitFlipInCompressedDataIsCaughtOnRead() throws IOException {
    Path archive = dir.resolve("compressed.eng");
    byte[] text = "This is test data. ".repeat(1000).getBytes();
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("compressed.txt", text);
      writer.finish();
    }
    byte[] b = Files.readAllBytes(archive);
    int payload = 64 + 41 + "compressed.txt".length();
    b[payload + 20] ^= 0x01;
    Path flipped = damaged(b);
    try (ArchiveReader reader = ArchiveReader.open(flipped)) {
      EngramException e = assertThrows(EngramException.class, () -> reader.read("compressed.txt"));
      assertInstanceOf(CorruptArchiveException.class, e);
      assertTrue(e.getMessage().contains("entry 'compressed.txt'"), e.getMessage());
    }
  }

  @Test
  void zeroLengthFileReadsBackEmpty() throws IOException {
    Path archive = dir.resolve("empty-entry.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("empty.txt", new byte[0]);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertArrayEquals(new byte[0], reader.read("empty.txt"));
    }
  }

  @Test
  void multipleCorruptionPoints() throws IOException {
    byte[] b = copy();
    b[8] = 99;
    b[100] = (byte) 0xFF;
    b[200] = 0;
    openFails(CorruptArchiveException.class, b, "header CRC32 mismatch");
  }

  @Test
  void overlappingEntries() throws IOException {
    byte[] b = copy();
    ByteBuffer buffer = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int second = (int) directoryOffset() + 320;
    buffer.putLong(second + 4, 64 + 10); // data.bin now starts inside test.txt's local header
    EngramException e = openFails(CorruptArchiveException.class, b, "overlap");
    // test.txt: 41 + 8 bytes of local header and 13 of content from offset 64
    assertEquals("entries 'test.txt' (offset 64 to 126) and 'data.bin' (offset 74) overlap",
        e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
  }
}
