package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.Header;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer itself past 4 GiB (where {@link Beyond4GibTest} inserts a hole in front of an
 * archive it wrote): a stored entry of more than 4 GiB streamed first, then entries whose local
 * headers the writer writes, and for streamed ones patches, beyond 2^32, then the directory and
 * the end record; then extracted. The one test that writes more than 4 GiB of archive (and then
 * a file of more than 4 GiB): about 9 GiB of disk writes, 4.3 GiB of disk at most at once.
 */
@Tag("scale")
class WriterBeyond4GibTest {
  private static final long BIG = Beyond4GibTest.FOUR_GIB + 65536 + 3;
  private static final long STREAMED = (3L << 20) + 5;

  @TempDir Path dir;

  @Test
  void entriesTheWriterPutsBeyond4GibReadBackExactly() throws IOException {
    Path archive = dir.resolve("written.eng");
    byte[] text = TestData.text(50_000, 3);
    long start = System.nanoTime();
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("big.bin", TestData.stampedStream(BIG), CompressionMethod.NONE);
      // streamed with sizes unknown: the local header beyond 4 GiB is patched afterwards
      writer.addFile("streamed.bin", TestData.stampedStream(STREAMED), CompressionMethod.NONE);
      writer.addFile("framed.bin", TestData.stampedStream(Beyond4GibTest.LARGE),
          CompressionMethod.LZ4);
      writer.addFile("text.txt", text);
      writer.finish();
    }
    System.out.printf("WriterBeyond4GibTest: %,d bytes written in %,d ms%n", Files.size(archive),
        (System.nanoTime() - start) / 1_000_000);
    try {
      byte[] first = new byte[Header.SIZE];
      try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "r")) {
        file.readFully(first);
      }
      assertTrue(Header.decode(first).directoryOffset() > Beyond4GibTest.FOUR_GIB);
      try (ArchiveReader reader = ArchiveReader.open(archive)) {
        assertEquals(List.of("big.bin", "streamed.bin", "framed.bin", "text.txt"), reader.list());
        for (EntryInfo entry : reader.entries().subList(1, 4)) {
          assertTrue(entry.payloadOffset() > Beyond4GibTest.FOUR_GIB, entry.toString());
        }
        assertEquals(BIG, reader.entry("big.bin").orElseThrow().uncompressedSize());
        assertArrayEquals(text, reader.read("text.txt"));
        assertArrayEquals(TestData.stamped(0, (int) STREAMED), reader.read("streamed.bin"));
        assertEquals(TestData.crc(TestData.stampedStream(STREAMED)),
            reader.entry("streamed.bin").orElseThrow().crc32());
        for (String path : List.of("big.bin", "framed.bin")) {
          long size = reader.entry(path).orElseThrow().uncompressedSize();
          try (SeekableByteChannel channel = reader.openChannel(path)) {
            for (long at : new long[] {Beyond4GibTest.TWO_GIB - 100,
                Beyond4GibTest.FOUR_GIB - 100, size - 200}) {
              assertArrayEquals(TestData.stamped(at, 200), Beyond4GibTest.readAt(channel, at, 200),
                  path + " at " + at);
            }
          }
        }
        // the end of the framed entry, and so its CRC32, beyond 4 GiB in the archive
        try (var in = reader.openStream("framed.bin")) {
          in.skipNBytes(Beyond4GibTest.LARGE - (1 << 20));
          assertArrayEquals(TestData.stamped(Beyond4GibTest.LARGE - (1 << 20), 1 << 20),
              in.readAllBytes());
        }
        // read in order to its end: the stored channel checks the CRC32 of all of it
        assertEquals(TestData.crc(TestData.stampedStream(BIG)),
            TestData.crc(reader.openStream("big.bin")));
        extract(reader, dir.resolve("out"), text);
      }
    } finally {
      Files.delete(archive);
    }
  }

  /**
   * Extracts everything but the framed entry: a file of more than 4 GiB (copied by the operating
   * system, its CRC32 checked through memory mappings of the written file), and the files whose
   * entries lie beyond 4 GiB. The only test that writes a file that large outside an archive.
   */
  private static void extract(ArchiveReader reader, Path out, byte[] text) throws IOException {
    long start = System.nanoTime();
    List<Path> written = reader.extractAll(out, path -> !path.equals("framed.bin"), bytes -> { });
    System.out.printf("WriterBeyond4GibTest: extracted in %,d ms%n",
        (System.nanoTime() - start) / 1_000_000);
    Path big = out.resolve("big.bin");
    try {
      assertEquals(List.of(big, out.resolve("streamed.bin"), out.resolve("text.txt")), written);
      assertEquals(BIG, Files.size(big));
      try (FileChannel channel = FileChannel.open(big)) {
        for (long at : new long[] {0, Beyond4GibTest.TWO_GIB - 100, Beyond4GibTest.FOUR_GIB - 100,
            BIG - 200}) {
          ByteBuffer bytes = ByteBuffer.allocate(200);
          while (bytes.hasRemaining() && channel.read(bytes, at + bytes.position()) > 0) {
            // until full
          }
          assertArrayEquals(TestData.stamped(at, 200), bytes.array(), "extracted at " + at);
        }
      }
      assertArrayEquals(TestData.stamped(0, (int) STREAMED),
          Files.readAllBytes(out.resolve("streamed.bin")));
      assertArrayEquals(text, Files.readAllBytes(out.resolve("text.txt")));
    } finally {
      Files.deleteIfExists(big);
    }
  }
}
