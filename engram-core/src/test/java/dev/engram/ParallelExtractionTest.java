package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** extractAll on several threads, and uncompressed entries copied by the operating system. */
class ParallelExtractionTest {
  private static final int FILES = 200;

  @TempDir Path dir;

  private Path archive() throws IOException {
    Path archive = dir.resolve("many.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (int i = 0; i < FILES; i++) {
        CompressionMethod method = CompressionMethod.values()[i % 3];
        writer.addFile("d" + (i % 7) + "/f" + i + ".bin", TestData.text(5_000 + i * 97, i), method);
      }
      writer.addFile("stored/big.bin", TestData.patternStream(20_000_123), CompressionMethod.NONE);
      writer.addFile("framed/huge.bin", TestData.patternStream(60L << 20), CompressionMethod.LZ4);
      writer.finish();
    }
    return archive;
  }

  @Test
  void everyEntryIsExtractedExactlyOnSeveralThreads() throws IOException {
    Path archive = archive();
    Path out = dir.resolve("out");
    AtomicLong progress = new AtomicLong();
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().threads(4).build())) {
      List<Path> written = reader.extractAll(out, path -> true, progress::addAndGet);
      assertEquals(FILES + 2, written.size());
      assertEquals(out.resolve("d0/f0.bin"), written.get(0)); // directory order
      long total = 0;
      for (EntryInfo entry : reader.entries()) {
        total += entry.uncompressedSize();
      }
      assertEquals(total, progress.get());
    }
    for (int i = 0; i < FILES; i++) {
      assertArrayEquals(TestData.text(5_000 + i * 97, i),
          Files.readAllBytes(out.resolve("d" + (i % 7) + "/f" + i + ".bin")));
    }
    assertEquals(TestData.patternCrc(20_000_123),
        TestData.crc(Files.newInputStream(out.resolve("stored/big.bin"))));
    assertEquals(TestData.patternCrc(60L << 20),
        TestData.crc(Files.newInputStream(out.resolve("framed/huge.bin"))));
    assertEquals(List.of(), temporaryFiles(out));
  }

  @Test
  void aDamagedUncompressedEntryIsCaughtByItsCrcAndLeavesNoFile() throws IOException {
    Path archive = archive();
    long offset;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo big = reader.entry("stored/big.bin").orElseThrow();
      offset = big.directoryEntry().payloadOffset() + 12_345_678;
    }
    try (FileChannel file = FileChannel.open(archive, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      file.read(one, offset);
      file.write(ByteBuffer.wrap(new byte[] {(byte) ~one.get(0)}), offset);
    }
    Path out = dir.resolve("out");
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().threads(4).build())) {
      ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
          () -> reader.extractAll(out));
      assertTrue(e.getMessage().contains("stored/big.bin"), e.getMessage());
    }
    assertFalse(Files.exists(out.resolve("stored/big.bin")));
    assertEquals(List.of(), temporaryFiles(out));
  }

  @Test
  void oneThreadExtractsTheSameFiles() throws IOException {
    Path archive = archive();
    Path one = dir.resolve("one");
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().threads(1).build())) {
      reader.extractAll(one);
    }
    for (int i = 0; i < FILES; i += 17) {
      assertArrayEquals(TestData.text(5_000 + i * 97, i),
          Files.readAllBytes(one.resolve("d" + (i % 7) + "/f" + i + ".bin")));
    }
    assertEquals(20_000_123, Files.size(one.resolve("stored/big.bin")));
  }

  private static List<Path> temporaryFiles(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
    }
  }
}
