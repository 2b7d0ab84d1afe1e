package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.Framing;
import dev.engram.frame.FramedEntryChannel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Entries of 50 MiB and more: framing boundaries, integrity and random access. */
class FramedEntryTest {
  private static final int FRAME = Framing.FRAME_SIZE;
  private static final long THRESHOLD = Framing.THRESHOLD;

  @TempDir Path dir;

  private Path archive() {
    return dir.resolve("framed.eng");
  }

  @ParameterizedTest(name = "{0} bytes with {1}: framed={2}")
  @CsvSource({
    "52428799, LZ4, false",
    "52428800, LZ4, true", // also an exact multiple of 64 KiB: 800 full frames
    "52428801, LZ4, true", // last frame holds one byte
    "52428800, NONE, false",
    "52428800, ZSTD, true",
  })
  void framingStartsExactlyAtFiftyMebibytesForCompressedEntries(long size,
      CompressionMethod method, boolean framed) throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("big.bin", TestData.patternStream(size), method);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      EntryInfo info = reader.entry("big.bin").orElseThrow();
      assertEquals(size, info.uncompressedSize());
      assertEquals(method, info.compression());
      assertEquals(framed, info.isFramed());
      assertEquals(TestData.patternCrc(size), info.crc32());
      assertPatternEverywhere(reader, "big.bin", size);
      if (framed) {
        long frames = Framing.frameCount(size);
        assertEquals(size % FRAME == 0 ? size / FRAME : size / FRAME + 1, frames);
        try (SeekableByteChannel channel = reader.openChannel("big.bin")) {
          assertInstanceOf(FramedEntryChannel.class, channel);
        }
      }
    }
  }

  @Test
  void hundredMebibytePatternIsIntactThroughEveryReadPath() throws IOException {
    long size = 100L * 1024 * 1024;
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("lz4.bin", TestData.patternStream(size), CompressionMethod.LZ4);
      writer.addFile("zstd.bin", TestData.patternStream(size), CompressionMethod.ZSTD);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      for (String path : reader.list()) {
        assertTrue(reader.entry(path).orElseThrow().isFramed());
        assertPatternEverywhere(reader, path, size);
      }
    }
  }

  @Test
  void mixedArchiveOfSmallAndFramedEntriesReadsBack() throws IOException {
    byte[] small1 = TestData.text(10_000, 1);
    byte[] small2 = TestData.text(70_000, 2);
    Path source = dir.resolve("source.bin");
    try (InputStream in = TestData.patternStream(THRESHOLD + 12_345)) {
      Files.copy(in, source);
    }
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("a.txt", small1);
      writer.addFile("big-from-file.bin", source, CompressionMethod.LZ4);
      writer.addFile("b.txt", small2);
      writer.addFile("big-from-bytes.bin", TestData.pattern((int) THRESHOLD),
          CompressionMethod.ZSTD);
      writer.addFile("c.txt", small1, CompressionMethod.NONE);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      assertArrayEquals(small1, reader.read("a.txt"));
      assertArrayEquals(small2, reader.read("b.txt"));
      assertArrayEquals(small1, reader.read("c.txt"));
      assertTrue(reader.entry("big-from-file.bin").orElseThrow().isFramed());
      assertTrue(reader.entry("big-from-bytes.bin").orElseThrow().isFramed());
      assertPatternEverywhere(reader, "big-from-file.bin", THRESHOLD + 12_345);
      assertPatternEverywhere(reader, "big-from-bytes.bin", THRESHOLD);
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionMethod.class, names = {"LZ4", "ZSTD"})
  void randomReadDecodesOnlyTheFramesItTouches(CompressionMethod method) throws IOException {
    long size = THRESHOLD + 3 * FRAME + 100;
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("big.bin", TestData.patternStream(size), method);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive());
        FramedEntryChannel channel = (FramedEntryChannel) reader.openChannel("big.bin")) {
      assertEquals(0, channel.framesDecoded());

      // 4 KiB inside frame 500
      assertBytesAt(channel, 500L * FRAME + 1000, 4096);
      assertEquals(1, channel.framesDecoded());

      // the same range again comes from the channel's cache
      assertBytesAt(channel, 500L * FRAME + 1000, 4096);
      assertEquals(1, channel.framesDecoded());

      // 4 KiB straddling the boundary of frames 700 and 701
      assertBytesAt(channel, 701L * FRAME - 2048, 4096);
      assertEquals(3, channel.framesDecoded());

      // the last byte, in the short last frame
      assertBytesAt(channel, size - 1, 1);
      assertEquals(4, channel.framesDecoded());

      // the first 4 KiB
      assertBytesAt(channel, 0, 4096);
      assertEquals(5, channel.framesDecoded());
    }
  }

  @Test
  void uncompressedLargeEntryIsReadStraightFromTheFile() throws IOException {
    long size = THRESHOLD + 10;
    try (ArchiveWriter writer = ArchiveWriter.create(archive())) {
      writer.addFile("raw.bin", TestData.patternStream(size), CompressionMethod.NONE);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive())) {
      EntryInfo info = reader.entry("raw.bin").orElseThrow();
      assertFalse(info.isFramed());
      assertEquals(size, info.storedSize());
      try (SeekableByteChannel channel = reader.openChannel("raw.bin")) {
        assertInstanceOf(StoredEntryChannel.class, channel);
        assertBytesAt(channel, size - 5000, 5000);
      }
      assertPatternEverywhere(reader, "raw.bin", size);
    }
  }

  /** Checks read(), a full stream, a full channel and scattered channel reads against the pattern. */
  private static void assertPatternEverywhere(ArchiveReader reader, String path, long size)
      throws IOException {
    int expectedCrc = TestData.patternCrc(size);
    byte[] whole = reader.read(path);
    assertEquals(size, whole.length);
    for (int i = 0; i < whole.length; i += 4093) {
      assertEquals(TestData.patternByte(i), whole[i], "read() byte " + i);
    }
    assertEquals(expectedCrc, TestData.crc(whole));

    CRC32 streamed = new CRC32();
    long total = 0;
    try (InputStream in = reader.openStream(path)) {
      byte[] buffer = new byte[100_000]; // not a multiple of the frame size
      int n;
      while ((n = in.read(buffer)) > 0) {
        streamed.update(buffer, 0, n);
        total += n;
      }
    }
    assertEquals(size, total);
    assertEquals(expectedCrc, (int) streamed.getValue());

    try (SeekableByteChannel channel = reader.openChannel(path)) {
      for (long p : new long[] {0, 1, FRAME - 1, FRAME, size / 2, size - FRAME - 1, size - 2}) {
        assertBytesAt(channel, p, (int) Math.min(3 * FRAME, size - p));
      }
    }
  }

  private static void assertBytesAt(SeekableByteChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    channel.position(position);
    while (buffer.hasRemaining()) {
      assertTrue(channel.read(buffer) > 0, "read returned nothing at " + channel.position());
    }
    byte[] bytes = buffer.array();
    for (int i = 0; i < length; i++) {
      if (bytes[i] != TestData.patternByte(position + i)) {
        throw new AssertionError("byte at " + (position + i) + " is " + bytes[i] + ", expected "
            + TestData.patternByte(position + i));
      }
    }
  }
}
