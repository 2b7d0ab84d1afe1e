package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testing.SparseArchives;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encrypted payloads beyond 4 GiB: an entry of more than 4 GiB (framed, stamped zeros) sealed per
 * file, in engram-rs's layout (one message, decrypted once to a temporary file) and in segments,
 * read across 2^31 and 2^32 and to its end (CRC32), with the archive moved past 4 GiB by a hole
 * in front ({@link SparseArchives}) so that the sealed payloads, local headers and directory lie
 * beyond 2^32 too; and the same entry in an archive encrypted as a whole.
 *
 * <p>An archive sealed whole cannot be moved that way (its body is one authenticated message),
 * and one whose body itself crosses 4 GiB would cost 12 GiB of disk writes (the plain body, the
 * sealed file, the reader's decrypted copy), so its body here stays small: what crosses 2^32 is
 * the content inside it.
 */
@Tag("scale")
class EncryptedBeyond4GibTest {
  private static final byte[] KEY = new byte[32];

  static {
    Arrays.fill(KEY, (byte) 0x5A);
  }

  private static final byte[] SMALL = TestData.text(20_000, 9);
  private static final byte[] STORED = TestData.pattern(2 << 20);

  @TempDir Path dir;

  private Path write(WriterOptions options) throws IOException {
    Path archive = dir.resolve("encrypted.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      writer.addFile("small.txt", SMALL);
      writer.addFile("stored.bin", STORED, CompressionMethod.NONE);
      writer.addFile("large.bin", TestData.stampedStream(Beyond4GibTest.LARGE),
          CompressionMethod.LZ4);
      writer.finish();
    }
    return archive;
  }

  @ParameterizedTest(name = "segmented {0}")
  @ValueSource(booleans = {false, true})
  void payloadsSealedPerFileReadBeyond4Gib(boolean segmented) throws IOException {
    Path plain = write(WriterOptions.builder().perFileEncryption(KEY)
        .segmentedEncryption(segmented).build());
    Path archive = SparseArchives.withGap(plain, dir.resolve("moved.eng"),
        Beyond4GibTest.FOUR_GIB);
    Files.delete(plain);
    Path temporary = Files.createDirectories(dir.resolve("tmp"));
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().key(KEY).temporaryDirectory(temporary).build())) {
      for (EntryInfo entry : reader.entries()) {
        assertTrue(entry.payloadOffset() > Beyond4GibTest.FOUR_GIB, entry.toString());
      }
      assertArrayEquals(SMALL, reader.read("small.txt"));
      assertArrayEquals(STORED, reader.read("stored.bin"));
      readsLargeEntry(reader);
    }
  }

  @ParameterizedTest(name = "segmented {0}")
  @ValueSource(booleans = {false, true})
  void anEntryLargerThan4GibInAnArchiveSealedWhole(boolean segmented) throws IOException {
    Path archive = write(WriterOptions.builder().archiveEncryption(KEY)
        .segmentedEncryption(segmented).build());
    try (ArchiveReader reader = ArchiveReader.open(archive, ReaderOptions.builder().key(KEY)
        .temporaryDirectory(Files.createDirectories(dir.resolve("tmp"))).build())) {
      assertArrayEquals(SMALL, reader.read("small.txt"));
      assertArrayEquals(STORED, reader.read("stored.bin"));
      readsLargeEntry(reader);
    }
  }

  private static void readsLargeEntry(ArchiveReader reader) throws IOException {
    long size = Beyond4GibTest.LARGE;
    assertEquals(size, reader.entry("large.bin").orElseThrow().uncompressedSize());
    RandomAccessEntry random = reader.openRandomAccess("large.bin");
    try (SeekableByteChannel channel = reader.openChannel("large.bin")) {
      for (long at : new long[] {0, Beyond4GibTest.TWO_GIB - 100, Beyond4GibTest.FOUR_GIB - 100,
          Beyond4GibTest.FOUR_GIB + 65536 - 100, size - 200}) {
        byte[] expected = TestData.stamped(at, 200);
        assertArrayEquals(expected, Beyond4GibTest.readAt(channel, at, 200), "channel at " + at);
        assertArrayEquals(expected, Beyond4GibTest.readAt(random, at, 200), "random at " + at);
      }
    }
    // in order from 2^32 to the end: the frames after 2^32 and their CRC32 check are reached
    try (InputStream in = reader.openStream("large.bin")) {
      in.skipNBytes(Beyond4GibTest.FOUR_GIB);
      assertArrayEquals(TestData.stamped(Beyond4GibTest.FOUR_GIB,
          (int) (size - Beyond4GibTest.FOUR_GIB)), in.readAllBytes());
    }
  }
}
