package dev.engram;

import dev.engram.frame.FramedEntryChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Run in a child JVM with a small heap by {@link LargeEntryTest}: adds a large file or a large
 * stream to an archive and reads it back. Finishing at all under a heap far smaller than the entry
 * proves that memory does not grow with the entry size. Prints {@code OK} on success; any failure
 * is an exception and a non-zero exit.
 */
public final class LargeEntryProbe {
  private LargeEntryProbe() {}

  /**
   * Entry point.
   *
   * @param args {@code file}, {@code stream} or {@code parallel}, working directory, entry size
   * @throws IOException on failure
   */
  public static void main(String[] args) throws IOException {
    String mode = args[0];
    Path dir = Path.of(args[1]);
    long size = Long.parseLong(args[2]);
    if (mode.equals("file")) {
      fileEntry(dir, size);
    } else if (mode.equals("parallel")) {
      parallelEntries(dir, size);
    } else {
      streamEntry(dir, size);
    }
    System.out.println("OK " + mode + " " + size + " bytes, max heap "
        + Runtime.getRuntime().maxMemory());
  }

  /** A sparse file with markers: framed straight from disk. */
  private static void fileEntry(Path dir, long size) throws IOException {
    Path source = dir.resolve("sparse.bin");
    long[] markers = new long[10];
    try (RandomAccessFile raf = new RandomAccessFile(source.toFile(), "rw")) {
      raf.setLength(size);
      for (int k = 0; k < markers.length; k++) {
        markers[k] = (size - 64) / markers.length * k + 12_345L * k;
        raf.seek(markers[k]);
        raf.write(marker(k));
      }
    }
    int sourceCrc = sparseCrc(size, markers);

    Path archive = dir.resolve("file.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("sparse.bin", source, CompressionMethod.LZ4);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo file = reader.entry("sparse.bin").orElseThrow();
      check(file.uncompressedSize() == size, "entry size " + file.uncompressedSize());
      check(file.isFramed(), "entry not framed");
      check(file.crc32() == sourceCrc, "entry CRC differs from the source's");
      try {
        reader.read("sparse.bin");
        check(false, "read() of a " + size + "-byte entry returned");
      } catch (EntryTooLargeException expected) {
        check(expected.getMessage().contains("openStream"), expected.getMessage());
      }
      try (FramedEntryChannel channel = (FramedEntryChannel) reader.openChannel("sparse.bin")) {
        for (int k = 0; k < markers.length; k++) {
          long before = channel.framesDecoded();
          byte[] expected = marker(k);
          ByteBuffer buffer = ByteBuffer.allocate(expected.length);
          channel.position(markers[k]);
          while (buffer.hasRemaining()) {
            channel.read(buffer);
          }
          check(java.util.Arrays.equals(expected, buffer.array()), "marker " + k + " differs");
          check(channel.framesDecoded() - before <= 2, "a marker read decoded more than 2 frames");
        }
      }
      check(TestData.crc(reader.openStream("sparse.bin")) == sourceCrc, "stream CRC");
    }
  }

  /** A stream of unknown size: its first 50 MiB are buffered, the rest framed as it arrives. */
  private static void streamEntry(Path dir, long size) throws IOException {
    Path archive = dir.resolve("stream.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("stream.bin", new StampedStream(size), CompressionMethod.LZ4);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo stream = reader.entry("stream.bin").orElseThrow();
      check(stream.uncompressedSize() == size, "entry size " + stream.uncompressedSize());
      check(stream.isFramed(), "entry not framed");
      int streamCrc = TestData.crc(new StampedStream(size));
      check(stream.crc32() == streamCrc, "entry CRC differs from the content's");
      check(TestData.crc(reader.openStream("stream.bin")) == streamCrc, "read-back CRC");
    }
  }

  /**
   * Four compression threads: many 6 MiB entries queued for the pool, then a stream of unknown
   * size whose frames are compressed on it, then more small entries.
   */
  private static void parallelEntries(Path dir, long size) throws IOException {
    Path archive = dir.resolve("parallel.eng");
    int small = 6 << 20;
    try (ArchiveWriter writer =
        ArchiveWriter.create(archive, WriterOptions.builder().threads(4).build())) {
      for (int i = 0; i < 40; i++) {
        writer.addFile("small-" + i + ".bin", new StampedStream(small), CompressionMethod.ZSTD);
        if (i == 20) {
          writer.addFile("stream.bin", new StampedStream(size), CompressionMethod.ZSTD);
        }
      }
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      check(reader.entryCount() == 41, "entry count " + reader.entryCount());
      EntryInfo stream = reader.entry("stream.bin").orElseThrow();
      check(stream.isFramed() && stream.uncompressedSize() == size, "large entry " + stream);
      check(TestData.crc(reader.openStream("stream.bin")) == TestData.crc(new StampedStream(size)),
          "large entry's content");
      int smallCrc = TestData.crc(new StampedStream(small));
      for (int i = 0; i < 40; i++) {
        check(TestData.crc(reader.openStream("small-" + i + ".bin")) == smallCrc, "entry " + i);
      }
    }
  }

  /** CRC32 of the sparse file's content, computed without reading it. */
  private static int sparseCrc(long size, long[] markers) {
    CRC32 crc = new CRC32();
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    long position = 0;
    for (int k = 0; k <= markers.length; k++) {
      long next = k < markers.length ? markers[k] : size;
      while (position < next) {
        int n = (int) Math.min(zeros.capacity(), next - position);
        crc.update(zeros.clear().limit(n));
        position += n;
      }
      if (k < markers.length) {
        byte[] marker = marker(k);
        crc.update(marker);
        position += marker.length;
      }
    }
    return (int) crc.getValue();
  }

  private static byte[] marker(int k) {
    return ("<marker " + k + ">").getBytes(StandardCharsets.US_ASCII);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  /**
   * Fast generated content: every 64 KiB block is the same repetitive template, stamped with its
   * block number so that no two frames are alike.
   */
  private static final class StampedStream extends InputStream {
    private static final int BLOCK = 1 << 16;
    private final long size;
    private final byte[] block = new byte[BLOCK];
    private long position;

    StampedStream(long size) {
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      long index = position / BLOCK;
      int offset = (int) (position % BLOCK);
      for (int i = 0; i < BLOCK; i++) {
        block[i] = (byte) ((i * 7) % 251);
      }
      ByteBuffer.wrap(block).putLong(index);
      int n = (int) Math.min(Math.min(len, BLOCK - offset), size - position);
      System.arraycopy(block, offset, b, off, n);
      position += n;
      return n;
    }
  }
}
