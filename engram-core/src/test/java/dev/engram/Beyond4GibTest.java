package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.Header;
import dev.engram.testing.SparseArchives;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An archive larger than 4 GiB, with entries larger than 2 GiB and 4 GiB, where every offset and
 * size crosses the 32-bit boundaries: the header's directory offset, the local headers and
 * payloads of the entries after the first, the directory and the end record all lie beyond 2^32;
 * reads inside the entries cross 2^31 and 2^32 (a stored entry's payload offsets, a framed
 * entry's frame numbers times 64 KiB and its frame index); verification and extraction see them
 * all, and so does the {@code engram:} file system. An {@code int} anywhere in that arithmetic
 * fails a read with wrong bytes or an exception.
 *
 * <p>Kept cheap: the framed entries are zeros stamped with their block numbers (see {@link
 * TestData#stampedByte}), which LZ4 shrinks 250 times, and the first 4 GiB of the archive are a
 * sparse stored entry ({@link SparseArchives}) inserted in front of an archive that {@link
 * ArchiveWriter} wrote, so the archive takes about 40 MiB of disk. {@link WriterBeyond4GibTest}
 * has the writer itself write past 4 GiB, and extracts a file of more than 4 GiB.
 */
@Tag("scale")
class Beyond4GibTest {
  static final long TWO_GIB = 1L << 31;
  static final long FOUR_GIB = 1L << 32;
  /** Framed, in 65,539 frames, the last one partial. */
  static final long LARGE = FOUR_GIB + 3 * 65536 + 1234;
  /** Framed, between 2^31 and 2^32. */
  static final long MEDIUM = TWO_GIB + 65536 + 77;
  /** The sparse stored entry in front: the rest of the archive starts beyond 4 GiB. */
  static final long SPARSE = FOUR_GIB + 65536 + 5;

  @TempDir static Path dir;
  static Path archive;
  /** The same entries behind an unused hole instead of the sparse entry: verified whole. */
  static Path moved;
  static final Map<Long, byte[]> MARKERS = new LinkedHashMap<>();
  static final byte[] SMALL = TestData.text(10_000, 1);
  static final byte[] STORED = TestData.pattern(3 << 20);

  @BeforeAll
  static void writeArchive() throws IOException {
    long start = System.nanoTime();
    Path plain = dir.resolve("plain.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(plain)) {
      writer.addFile("small.txt", SMALL);
      writer.addFile("stored.bin", STORED, CompressionMethod.NONE);
      writer.addFile("large.bin", TestData.stampedStream(LARGE), CompressionMethod.LZ4);
      writer.addFile("medium.bin", TestData.stampedStream(MEDIUM), CompressionMethod.LZ4);
      writer.addFile("sub/last.txt", "the last entry".getBytes(StandardCharsets.US_ASCII));
      writer.finish();
    }
    // markers that straddle 2^31 and 2^32, and the first and last bytes
    MARKERS.put(0L, marker("first"));
    MARKERS.put(TWO_GIB - 5, marker("at 2^31"));
    MARKERS.put(FOUR_GIB - 5, marker("at 2^32"));
    MARKERS.put(SPARSE - 5, marker("end"));
    archive = SparseArchives.withSparseEntryFirst(plain, dir.resolve("beyond.eng"), "sparse.bin",
        SPARSE, MARKERS);
    moved = SparseArchives.withGap(plain, dir.resolve("moved.eng"), FOUR_GIB);
    Files.delete(plain);
    System.out.printf("Beyond4GibTest: archive of %,d bytes written in %,d ms%n",
        Files.size(archive), (System.nanoTime() - start) / 1_000_000);
  }

  private static byte[] marker(String text) {
    return ("<" + text + ">").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void entriesDirectoryAndEndRecordLieBeyond4Gib() throws IOException {
    byte[] first = new byte[Header.SIZE];
    try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "r")) {
      file.readFully(first);
    }
    Header header = Header.decode(first);
    assertTrue(header.directoryOffset() > FOUR_GIB, "directory at " + header.directoryOffset());
    assertTrue(Files.size(archive) > SPARSE);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("sparse.bin", "small.txt", "stored.bin", "large.bin", "medium.bin",
          "sub/last.txt"), reader.list());
      for (EntryInfo entry : reader.entries().subList(1, reader.entryCount())) {
        assertTrue(entry.payloadOffset() > FOUR_GIB, entry.toString());
      }
      assertEquals(SPARSE, reader.entry("sparse.bin").orElseThrow().uncompressedSize());
      EntryInfo large = reader.entry("large.bin").orElseThrow();
      assertTrue(large.isFramed());
      assertEquals(LARGE, large.uncompressedSize());
      assertEquals(MEDIUM, reader.entry("medium.bin").orElseThrow().uncompressedSize());
    }
  }

  @Test
  void entriesBeyond4GibReadExactly() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertArrayEquals(SMALL, reader.read("small.txt"));
      assertArrayEquals(STORED, reader.read("stored.bin"));
      assertArrayEquals("the last entry".getBytes(StandardCharsets.US_ASCII),
          reader.read("sub/last.txt"));
      assertEquals(TestData.crc(STORED), TestData.crc(reader.openStream("stored.bin")));
      try (SeekableByteChannel channel = reader.openChannel("stored.bin")) {
        byte[] expected = java.util.Arrays.copyOfRange(STORED, 2_000_000, 2_000_100);
        assertArrayEquals(expected, readAt(channel, 2_000_000, 100));
      }
    }
  }

  @Test
  void aStoredEntryLargerThan4GibReadsAcrossEveryBoundary() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive);
        SeekableByteChannel channel = reader.openChannel("sparse.bin")) {
      RandomAccessEntry random = reader.openRandomAccess("sparse.bin");
      assertEquals(SPARSE, channel.size());
      for (long at : new long[] {0, TWO_GIB - 8, FOUR_GIB - 8, SPARSE - 20}) {
        byte[] expected = sparse(at, 20);
        assertArrayEquals(expected, readAt(channel, at, 20), "channel at " + at);
        assertArrayEquals(expected, readAt(random, at, 20), "random access at " + at);
      }
      assertEquals(-1, channel.position(SPARSE).read(ByteBuffer.allocate(1)));
      try (InputStream in = reader.openStream("sparse.bin")) {
        in.skipNBytes(FOUR_GIB - 8);
        assertArrayEquals(sparse(FOUR_GIB - 8, 20), in.readNBytes(20));
      }
    }
  }

  @Test
  void framedEntriesLargerThan2And4GibReadAcrossEveryBoundary() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (String path : List.of("large.bin", "medium.bin")) {
        long size = reader.entry(path).orElseThrow().uncompressedSize();
        List<Long> positions = new ArrayList<>(List.of(0L, TWO_GIB - 100, size - 300));
        if (size > FOUR_GIB) {
          positions.add(FOUR_GIB - 100);
          positions.add(FOUR_GIB + 65536 - 100);
        }
        RandomAccessEntry random = reader.openRandomAccess(path);
        try (SeekableByteChannel channel = reader.openChannel(path)) {
          assertEquals(size, channel.size());
          for (long at : positions) {
            byte[] expected = TestData.stamped(at, 300);
            assertArrayEquals(expected, readAt(channel, at, 300), path + " channel at " + at);
            assertArrayEquals(expected, readAt(random, at, 300), path + " random at " + at);
          }
          assertEquals(-1, channel.position(size).read(ByteBuffer.allocate(1)));
        }
      }
    }
  }

  @Test
  void theFileSystemReadsAcrossEveryBoundary() throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(archive, Map.of("readOnly", true))) {
      Path large = fs.getPath("/large.bin");
      assertEquals(LARGE, Files.size(large));
      assertEquals(SPARSE, Files.size(fs.getPath("/sparse.bin")));
      try (SeekableByteChannel channel = Files.newByteChannel(large);
          FileChannel file = FileChannel.open(large)) {
        for (long at : new long[] {TWO_GIB - 100, FOUR_GIB - 100, LARGE - 300}) {
          byte[] expected = TestData.stamped(at, 300);
          assertArrayEquals(expected, readAt(channel, at, 300), "channel at " + at);
          ByteBuffer buffer = ByteBuffer.allocate(300);
          while (buffer.hasRemaining() && file.read(buffer, at + buffer.position()) > 0) {
            // until full
          }
          assertArrayEquals(expected, buffer.array(), "file channel at " + at);
        }
      }
      assertArrayEquals(SMALL, Files.readAllBytes(fs.getPath("/small.txt")));
    }
  }

  /**
   * Verification of every entry beyond 4 GiB, the framed ones larger than 2 and 4 GiB read to
   * their ends (CRC32, SHA-256). The archive with the unused hole is verified, not the one with
   * the sparse entry: reading 4 GiB of a hole costs as much as writing it, and {@link
   * WriterBeyond4GibTest} reads a stored entry of more than 4 GiB to its end.
   */
  @Test
  void verificationReadsEveryEntryToItsEnd() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(moved)) {
      for (EntryInfo entry : reader.entries()) {
        assertTrue(entry.payloadOffset() > FOUR_GIB, entry.toString());
      }
      long start = System.nanoTime();
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      System.out.printf("Beyond4GibTest: verified in %,d ms%n",
          (System.nanoTime() - start) / 1_000_000);
      assertTrue(report.isIntact(), report.summary());
      assertEquals(List.of((long) SMALL.length, (long) STORED.length, LARGE, MEDIUM, 14L),
          report.entries().stream().map(VerificationReport.EntryCheck::size).toList());
    }
  }

  @Test
  void extractionWritesTheEntriesBeyond4Gib() throws IOException {
    Path out = dir.resolve("out");
    Set<String> large = Set.of("sparse.bin", "large.bin", "medium.bin");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      List<Path> written = reader.extractAll(out, path -> !large.contains(path), bytes -> { });
      assertEquals(3, written.size());
    }
    assertArrayEquals(SMALL, Files.readAllBytes(out.resolve("small.txt")));
    assertArrayEquals(STORED, Files.readAllBytes(out.resolve("stored.bin")));
    assertEquals("the last entry", Files.readString(out.resolve("sub/last.txt")));
  }

  static byte[] sparse(long from, int length) {
    byte[] out = new byte[length];
    for (int k = 0; k < length; k++) {
      out[k] = SparseArchives.sparseByte(MARKERS, from + k);
    }
    return out;
  }

  static byte[] readAt(SeekableByteChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    channel.position(position);
    while (buffer.hasRemaining() && channel.read(buffer) > 0) {
      // until full or at the end
    }
    assertEquals(position + length, channel.position());
    return buffer.array();
  }

  static byte[] readAt(RandomAccessEntry entry, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    entry.readFully(position, buffer);
    return buffer.array();
  }
}
