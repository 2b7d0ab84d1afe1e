package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RoundTripTest {
  private static final Instant FIXED = Instant.parse("2024-05-06T07:08:09Z");

  @TempDir Path dir;

  private Path archive() {
    return dir.resolve("test.eng");
  }

  private WriterOptions fixedTime() {
    return WriterOptions.builder().modifiedTime(FIXED).build();
  }

  @ParameterizedTest(name = "{0}, {1} bytes")
  @CsvSource({
    "NONE, 0", "NONE, 1", "NONE, 4095", "NONE, 4096", "NONE, 100000",
    "LZ4, 0", "LZ4, 1", "LZ4, 4095", "LZ4, 4096", "LZ4, 100000",
    "ZSTD, 0", "ZSTD, 1", "ZSTD, 4095", "ZSTD, 4096", "ZSTD, 100000"
  })
  void contentReadsBackIdenticallyThroughReadStreamAndChannel(CompressionMethod method, int size)
      throws IOException {
    byte[] content = TestData.text(size, size);
    try (ArchiveWriter writer = ArchiveWriter.create(archive(), fixedTime())) {
      writer.addFile("file.dat", content, method);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      EntryInfo info = reader.entry("file.dat").orElseThrow();
      // empty and one-byte content cannot shrink, so it falls back to being stored
      CompressionMethod expected = size <= 1 ? CompressionMethod.NONE : method;
      assertEquals(expected, info.compression());
      assertEquals(size, info.uncompressedSize());
      assertEquals(TestData.crc(content), info.crc32());
      assertEquals(FIXED, info.modifiedTime());
      assertFalse(info.isFramed());
      if (expected == CompressionMethod.NONE) {
        assertEquals(size, info.storedSize());
      } else {
        assertTrue(info.storedSize() < size);
      }
      assertArrayEquals(content, reader.read("file.dat"));
      try (InputStream in = reader.openStream("file.dat")) {
        assertArrayEquals(content, in.readAllBytes());
      }
      assertArrayEquals(content, readChannel(reader.openChannel("file.dat")));
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionMethod.class, names = {"LZ4", "ZSTD"})
  void incompressibleContentFallsBackToStored(CompressionMethod method) throws IOException {
    byte[] content = TestData.random(8192, 7);
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("noise.bin", content, method);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      EntryInfo info = reader.entry("noise.bin").orElseThrow();
      assertEquals(CompressionMethod.NONE, info.compression());
      assertEquals(8192, info.storedSize());
      assertArrayEquals(content, reader.read("noise.bin"));
    }
  }

  @ParameterizedTest(name = "{0} ({1} bytes) -> {2}")
  @CsvSource({
    "notes.txt, 4095, NONE",
    "notes.txt, 4096, ZSTD",
    "NOTES.TXT, 5000, ZSTD",
    "data.json, 5000, ZSTD",
    "app.db, 5000, ZSTD",
    "app.sqlite3, 5000, ZSTD",
    "blob.bin, 5000, LZ4",
    "Makefile, 5000, LZ4",
    "release.v2/changelog, 5000, LZ4",
    "photo.JPG, 5000, NONE",
    "archive.zip, 5000, NONE",
  })
  void automaticMethodFollowsEngramRsRules(String path, int size, CompressionMethod expected)
      throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile(path, TestData.text(size, 1));
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(expected, reader.entry(path).orElseThrow().compression());
    }
  }

  @Test
  void fileSourceRecordsItsModifiedTimeAndContent() throws IOException {
    byte[] content = TestData.text(300_000, 3);
    Path source = dir.resolve("source.txt");
    Files.write(source, content);
    Instant modified = Instant.parse("2021-02-03T04:05:06Z");
    Files.setLastModifiedTime(source, FileTime.from(modified));
    try (ArchiveWriter writer = ArchiveWriter.create(archive(), fixedTime())) {
      writer.addFile("auto.txt", source);
      writer.addFile("forced.txt", source, CompressionMethod.LZ4);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      EntryInfo auto = reader.entry("auto.txt").orElseThrow();
      assertEquals(modified, auto.modifiedTime());
      assertEquals(CompressionMethod.ZSTD, auto.compression());
      assertEquals(CompressionMethod.LZ4, reader.entry("forced.txt").orElseThrow().compression());
      assertArrayEquals(content, reader.read("auto.txt"));
      assertArrayEquals(content, reader.read("forced.txt"));
    }
  }

  @Test
  void streamSourceOfUnknownSizeReadsBack() throws IOException {
    byte[] small = TestData.text(1000, 4);
    byte[] large = TestData.text(3_000_000, 5);
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("small.txt", new ByteArrayInputStream(small));
      writer.addFile("large.txt", new ByteArrayInputStream(large));
      writer.addFile("large.raw", new ByteArrayInputStream(large), CompressionMethod.NONE);
      writer.addFile("large.lz4", new ByteArrayInputStream(large), CompressionMethod.LZ4);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(CompressionMethod.NONE, reader.entry("small.txt").orElseThrow().compression());
      assertEquals(CompressionMethod.ZSTD, reader.entry("large.txt").orElseThrow().compression());
      assertEquals(CompressionMethod.NONE, reader.entry("large.raw").orElseThrow().compression());
      assertEquals(CompressionMethod.LZ4, reader.entry("large.lz4").orElseThrow().compression());
      assertArrayEquals(small, reader.read("small.txt"));
      assertArrayEquals(large, reader.read("large.txt"));
      assertArrayEquals(large, reader.read("large.raw"));
      assertArrayEquals(large, reader.read("large.lz4"));
    }
  }

  @Test
  void entriesWithoutATimeRecordTheTimeTheyWereAdded() throws IOException {
    Instant before = Instant.now().minusSeconds(1);
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("now.txt", new byte[] {1});
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      Instant recorded = reader.entry("now.txt").orElseThrow().modifiedTime();
      assertFalse(recorded.isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
      assertTrue(Duration.between(before, recorded).getSeconds() < 60);
    }
  }

  @Test
  void emptyArchiveOpensWithNoEntries() throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.finish();
    }
    assertEquals(128, Files.size(archive()));
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(0, reader.entryCount());
      assertEquals(List.of(), reader.list());
      assertEquals(List.of(), reader.entries());
    }
  }

  @Test
  void listingAndLookupFollowDirectoryOrder() throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive(),
        WriterOptions.builder().contentVersion(42).build())) {
      writer.addFile("docs/b.md", new byte[] {2});
      writer.addFile("docs/a.md", new byte[] {1});
      writer.addFile("img\\logo.png", new byte[] {3});
      writer.addFile("ünïcödé/日本語/файл-🚀.txt", new byte[] {4});
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertEquals(42, reader.contentVersion());
      assertEquals(4, reader.entryCount());
      assertEquals(
          List.of("docs/b.md", "docs/a.md", "img/logo.png", "ünïcödé/日本語/файл-🚀.txt"),
          reader.list());
      assertEquals(List.of("docs/b.md", "docs/a.md"), reader.list("docs/"));
      assertEquals(List.of(), reader.list("nothing/"));
      assertTrue(reader.contains("img/logo.png"));
      assertTrue(reader.contains("img\\logo.png"));
      assertFalse(reader.contains("docs"));
      assertArrayEquals(new byte[] {4}, reader.read("ünïcödé/日本語/файл-🚀.txt"));
      assertEquals(reader.entries().get(2), reader.entry("img/logo.png").orElseThrow());
      assertTrue(reader.entry("missing").isEmpty());
      NoSuchFileException missing =
          assertThrows(NoSuchFileException.class, () -> reader.read("missing"));
      assertTrue(missing.getMessage().contains("missing"));
      assertThrows(NoSuchFileException.class, () -> reader.openStream("missing"));
      assertThrows(NoSuchFileException.class, () -> reader.openChannel("missing"));
    }
  }

  @Test
  void channelIsReadOnlyAndSeekable() throws IOException {
    byte[] content = TestData.text(20_000, 9);
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("stored.txt", content, CompressionMethod.NONE);
      writer.addFile("packed.txt", content, CompressionMethod.ZSTD);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      for (String path : List.of("stored.txt", "packed.txt")) {
        SeekableByteChannel channel = reader.openChannel(path);
        assertEquals(content.length, channel.size());
        ByteBuffer buffer = ByteBuffer.allocate(100);
        channel.position(12_345);
        assertEquals(100, channel.read(buffer));
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 12_345, 12_445), buffer.array());
        assertEquals(12_445, channel.position());
        channel.position(content.length);
        assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
        channel.position(content.length + 10L);
        assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> channel.position(-1));
        assertThrows(NonWritableChannelException.class,
            () -> channel.write(ByteBuffer.allocate(1)));
        assertThrows(NonWritableChannelException.class, () -> channel.truncate(0));
        channel.close();
        assertFalse(channel.isOpen());
        assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
      }
    }
  }

  @Test
  void streamSkipsWithoutReadingAndReportsAvailableBytes() throws IOException {
    byte[] content = TestData.text(10_000, 10);
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("file.txt", content, CompressionMethod.NONE);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive());
        InputStream in = reader.openStream("file.txt")) {
      assertEquals(10_000, in.available());
      assertEquals(9_000, in.skip(9_000));
      assertEquals(content[9_000] & 0xFF, in.read());
      assertEquals(999, in.available());
      assertEquals(999, in.skip(5_000));
      assertEquals(-1, in.read());
    }
  }

  private static byte[] readChannel(SeekableByteChannel channel) throws IOException {
    try (channel) {
      ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // keep reading
      }
      return buffer.array();
    }
  }
}
