package dev.engram;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.EndRecord;
import dev.engram.format.Header;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy of the header that engram-java keeps in the end record: its bytes, and how a reader
 * uses it (a remote reader opens from the archive's last bytes alone; a local one checks the
 * header against it).
 */
class HeaderCopyTest {
  @TempDir Path dir;

  /** A remote source over an array that records where each read starts. */
  private static final class RemoteArray implements ArchiveSource {
    private final byte[] bytes;
    final List<Long> reads = new ArrayList<>();
    /** Reads that start before this position fail, as a connection that keeps dropping. */
    long failBefore = -1;

    RemoteArray(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public boolean isRemote() {
      return true;
    }

    @Override
    public String name() {
      return "https://example.test/a.eng";
    }

    @Override
    public SourceIdentity identity() {
      return new SourceIdentity(name(), bytes.length, "1");
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public synchronized void readFully(long position, ByteBuffer dst) throws IOException {
      reads.add(position);
      if (position < failBefore) {
        throw new IOException("connection reset");
      }
      ArchiveSource.wrap(bytes, name()).readFully(position, dst);
    }

    @Override
    public void close() {}
  }

  private byte[] archive(WriterOptions options) throws IOException {
    Path file = dir.resolve("a-" + System.nanoTime() + ".eng");
    try (ArchiveWriter writer = ArchiveWriter.create(file, options)) {
      writer.addFile("a.txt", "alpha".getBytes(UTF_8));
      writer.addFile("b/c.json", TestData.text(20_000, 3));
      // more than the last 64 KiB, so that offset 0 is read only when the header is needed
      writer.addFile("r.bin", TestData.random(200_000, 4), CompressionMethod.NONE);
      writer.finish();
    }
    return Files.readAllBytes(file);
  }

  private static int crc32(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  @Test
  void theEndRecordCarriesTheRestOfTheHeaderAndItsCrc() throws IOException {
    byte[] bytes = archive(WriterOptions.builder().contentVersion(7).build());
    int end = bytes.length - EndRecord.SIZE;
    ByteBuffer tail = ByteBuffer.wrap(bytes, end, EndRecord.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(crc32(bytes, 0, Header.SIZE), tail.getInt(end + 28), "CRC32 of the header");
    assertArrayEquals(Arrays.copyOfRange(bytes, 36, 64),
        Arrays.copyOfRange(bytes, end + 32, end + 60), "header bytes 36 to 63");
    assertArrayEquals(Arrays.copyOfRange(bytes, 12, 16),
        Arrays.copyOfRange(bytes, end + 60, end + 64), "the header's own CRC");
    assertEquals(7, tail.getInt(end + 32), "content version");
  }

  @Test
  void aRemoteReaderOpensFromTheLastBytesWithoutReadingTheHeader() throws IOException {
    byte[] bytes = archive(WriterOptions.defaults());
    RemoteArray remote = new RemoteArray(bytes);
    try (ArchiveReader reader = ArchiveReader.open(remote, ReaderOptions.defaults())) {
      assertEquals(List.of("a.txt", "b/c.json", "r.bin"), reader.list());
      assertFalse(remote.reads.contains(0L), "reads at open: " + remote.reads);
      assertEquals(1, remote.reads.size(), "the last 64 KiB: " + remote.reads);
      assertEquals("alpha", new String(reader.read("a.txt"), UTF_8));
    }
  }

  @Test
  void aRemoteReaderReadsTheHeaderOfAnArchiveWithoutACopy() throws IOException {
    Path fixture = CompatFixtures.require().resolve("small.eng");
    byte[] fixtureBytes = Files.readAllBytes(fixture);
    assertEquals(0, ByteBuffer.wrap(fixtureBytes, fixtureBytes.length - 36, 4).getInt(),
        "engram-rs writes no copy");
    try (ArchiveReader reader =
            ArchiveReader.open(new RemoteArray(fixtureBytes), ReaderOptions.defaults());
        ArchiveReader local = ArchiveReader.open(fixture)) {
      assertEquals(local.list(), reader.list());
    }
    byte[] bytes = archive(WriterOptions.defaults());
    Arrays.fill(bytes, bytes.length - 36, bytes.length, (byte) 0); // as engram-rs writes it
    RemoteArray remote = new RemoteArray(bytes);
    try (ArchiveReader reader = ArchiveReader.open(remote, ReaderOptions.defaults())) {
      assertTrue(remote.reads.contains(0L), "reads: " + remote.reads);
      assertEquals(3, reader.entries().size());
    }
  }

  @Test
  void aLocalReaderRefusesAHeaderThatDiffersFromItsCopy() throws IOException {
    byte[] bytes = archive(WriterOptions.defaults());
    bytes[36] ^= 1; // content version: nothing else would notice
    Path file = dir.resolve("changed.eng");
    Files.write(file, bytes);
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
        () -> ArchiveReader.open(file).close());
    assertTrue(e.getMessage().contains(
        "the header differs from the copy of it that the end record carries"), e.getMessage());
  }

  @Test
  void aRemoteReaderTrustsTheCopyAndVerificationFindsTheChangedHeader() throws IOException {
    byte[] bytes = archive(WriterOptions.defaults());
    bytes[36] ^= 1;
    try (ArchiveReader reader =
        ArchiveReader.open(new RemoteArray(bytes), ReaderOptions.defaults())) {
      assertEquals(0, reader.contentVersion(), "the copy's value");
      CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
          () -> reader.verify(VerifyOptions.defaults()));
      assertTrue(e.getMessage().contains("the header differs"), e.getMessage());
    }
  }

  @Test
  void aDamagedCopyIsIgnoredAndTheHeaderIsRead() throws IOException {
    byte[] bytes = archive(WriterOptions.defaults());
    bytes[bytes.length - 10] ^= 1; // inside the copy: its CRC no longer matches
    RemoteArray remote = new RemoteArray(bytes);
    try (ArchiveReader reader = ArchiveReader.open(remote, ReaderOptions.defaults())) {
      assertTrue(remote.reads.contains(0L), "reads: " + remote.reads);
      assertEquals(List.of("a.txt", "b/c.json", "r.bin"), reader.list());
    }
    Path file = dir.resolve("copy-damaged.eng");
    Files.write(file, bytes);
    try (ArchiveReader reader = ArchiveReader.open(file)) {
      assertEquals(3, reader.entries().size());
    }
  }

  @Test
  void aRemoteSourceThatIsNoArchiveGetsTheHeadersMessage() {
    byte[] bytes = TestData.text(1000, 1);
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
        () -> ArchiveReader.open(new RemoteArray(bytes), ReaderOptions.defaults()).close());
    assertTrue(e.getMessage().contains("not an Engram archive"), e.getMessage());
  }

  @Test
  void aRemoteArchiveSealedWholeSaysItIsReadWholeWhenTheDownloadFails() throws IOException {
    byte[] key = new byte[32];
    byte[] bytes = archive(WriterOptions.builder().encryption(EncryptionMode.ARCHIVE, key)
        .build());
    RemoteArray remote = new RemoteArray(bytes);
    remote.failBefore = bytes.length - 65_536;
    IOException e = assertThrows(IOException.class,
        () -> ArchiveReader.open(remote, ReaderOptions.builder().key(key).build()).close());
    assertTrue(e.getMessage().startsWith("https://example.test/a.eng: an archive encrypted whole"
        + " as one message (engram-rs's archive mode) is read whole"), e.getMessage());
    assertTrue(e.getMessage().endsWith("that failed: connection reset"), e.getMessage());
  }

  @Test
  void encryptedArchivesCarryTheCopyToo() throws IOException {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 3);
    for (EncryptionMode mode : new EncryptionMode[] {EncryptionMode.ARCHIVE,
        EncryptionMode.PER_FILE}) {
      byte[] bytes = archive(WriterOptions.builder().encryption(mode, key).build());
      RemoteArray remote = new RemoteArray(bytes);
      try (ArchiveReader reader =
          ArchiveReader.open(remote, ReaderOptions.builder().key(key).build())) {
        assertEquals("alpha", new String(reader.read("a.txt"), UTF_8));
      }
    }
  }
}
