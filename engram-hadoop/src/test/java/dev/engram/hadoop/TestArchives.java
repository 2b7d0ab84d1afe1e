package dev.engram.hadoop;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Archives and contents for the tests: content computable at any position. */
final class TestArchives {
  /** Large enough to be framed (compressed content of 50 MiB or more is). */
  static final long FRAMED_SIZE = 52L * 1024 * 1024 + 12_345;
  static final byte[] SMALL = "small entry\nsecond line\n".getBytes(StandardCharsets.UTF_8);

  private TestArchives() {}

  /** The byte at a position of the framed entry's content: poorly compressible, no period. */
  static byte at(long i) {
    long x = i * 0x9E3779B97F4A7C15L;
    return (byte) ((x >>> 56) ^ (i >>> 16));
  }

  static byte[] range(long from, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = at(from + i);
    }
    return out;
  }

  static byte[] stored(int size) {
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) {
      out[i] = (byte) (i * 7 + 3);
    }
    return out;
  }

  /** The framed entry's content as a stream, generated as it is read. */
  static InputStream framedContent() {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        return position < FRAMED_SIZE ? at(position++) & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= FRAMED_SIZE) {
          return -1;
        }
        int n = (int) Math.min(len, FRAMED_SIZE - position);
        for (int i = 0; i < n; i++) {
          b[off + i] = at(position + i);
        }
        position += n;
        return n;
      }
    };
  }

  /**
   * Writes the standard archive: {@code small.txt}, {@code empty.txt}, {@code dir/big.bin}
   * (framed), {@code dir/sub/stored.bin} (uncompressed), {@code dir/sub/deeper/x.txt}.
   */
  static void writeStandard(Path archive, WriterOptions options) throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      writer.addFile("small.txt", SMALL);
      writer.addFile("empty.txt", new byte[0]);
      try (InputStream in = framedContent()) {
        writer.addFile("dir/big.bin", in, CompressionMethod.ZSTD);
      }
      writer.addFile("dir/sub/stored.bin", stored(100_000), CompressionMethod.NONE);
      writer.addFile("dir/sub/deeper/x.txt", "x".getBytes(StandardCharsets.UTF_8));
      writer.finish();
    }
  }
}
