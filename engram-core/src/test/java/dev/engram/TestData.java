package dev.engram;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32;

/** Deterministic test content, generated rather than stored. */
final class TestData {
  private static final String[] WORDS = {"engram", "archive", "frame", "the", "of", "knowledge",
      "compress", "random", "access", "directory", "entry", "sqlite", "query", "and", "data"};

  private TestData() {}

  /** Compressible pseudo-text: words from a small vocabulary chosen by a seeded generator. */
  static byte[] text(int size, long seed) {
    Random random = new Random(seed);
    byte[] out = new byte[size];
    int i = 0;
    while (i < size) {
      byte[] word = (WORDS[random.nextInt(WORDS.length)] + (random.nextInt(8) == 0 ? "\n" : " "))
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      int n = Math.min(word.length, size - i);
      System.arraycopy(word, 0, out, i, n);
      i += n;
    }
    return out;
  }

  /** Makes content start like a SQLite database, which the writer frames in its own frame size. */
  static byte[] asDatabase(byte[] content) {
    byte[] header = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, content, 0, header.length);
    return content;
  }

  /** {@code size} bytes that repeat a block, generated as they are read. */
  static InputStream cycle(byte[] block, long size) {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        return position < size ? block[(int) (position++ % block.length)] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= size) {
          return -1;
        }
        int at = (int) (position % block.length);
        int n = (int) Math.min(Math.min(len, size - position), block.length - at);
        System.arraycopy(block, at, b, off, n);
        position += n;
        return n;
      }
    };
  }

  /** Incompressible bytes from a seeded generator. */
  static byte[] random(int size, long seed) {
    byte[] out = new byte[size];
    new Random(seed).nextBytes(out);
    return out;
  }

  /**
   * Byte {@code i} of an endless, position-dependent pattern that compresses well but differs in
   * every 64 KiB frame, so a frame served from the wrong place is caught.
   */
  static byte patternByte(long i) {
    return (byte) ((i * 7 + i / 65536) % 251);
  }

  /** The first {@code size} bytes of the pattern. */
  static byte[] pattern(int size) {
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) {
      out[i] = patternByte(i);
    }
    return out;
  }

  /** The first {@code size} bytes of the pattern, generated as they are read. */
  static InputStream patternStream(long size) {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        return position < size ? patternByte(position++) & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - position);
        for (int k = 0; k < n; k++) {
          b[off + k] = patternByte(position + k);
        }
        position += n;
        return n;
      }
    };
  }

  /**
   * Byte {@code i} of content that is zeros but for each 64 KiB block's number, written in its
   * first 8 bytes and, inverted, in its last 8: it costs almost nothing to generate or compress,
   * yet a block read from the wrong place (an offset cut to 32 bits) is caught.
   */
  static byte stampedByte(long i) {
    long block = i >>> 16;
    int at = (int) (i & 0xFFFF);
    if (at < 8) {
      return (byte) (block >>> (56 - 8 * at));
    }
    if (at >= 65528) {
      return (byte) ~(block >>> (56 - 8 * (at - 65528)));
    }
    return 0;
  }

  /** {@code length} bytes of the stamped content, from {@code from}. */
  static byte[] stamped(long from, int length) {
    byte[] out = new byte[length];
    for (int k = 0; k < length; k++) {
      out[k] = stampedByte(from + k);
    }
    return out;
  }

  /** The first {@code size} bytes of the stamped content, generated as they are read. */
  static InputStream stampedStream(long size) {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        return position < size ? stampedByte(position++) & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - position);
        java.util.Arrays.fill(b, off, off + n, (byte) 0);
        long end = position + n;
        for (long block = position >>> 16; block <= (end - 1) >>> 16; block++) {
          for (int k = 0; k < 8; k++) {
            long head = (block << 16) + k;
            long tail = (block << 16) + 65528 + k;
            if (head >= position && head < end) {
              b[off + (int) (head - position)] = stampedByte(head);
            }
            if (tail >= position && tail < end) {
              b[off + (int) (tail - position)] = stampedByte(tail);
            }
          }
        }
        position = end;
        return n;
      }
    };
  }

  /** Text that throws {@code IOException("source failed")} once {@code bytes} were read. */
  static InputStream failingAfter(long bytes) {
    byte[] chunk = TestData.text(1 << 16, 5);
    return new InputStream() {
      private long position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (position >= bytes) {
          throw new IOException("source failed");
        }
        int n = (int) Math.min(Math.min(len, chunk.length), bytes - position);
        System.arraycopy(chunk, 0, b, off, n);
        position += n;
        return n;
      }
    };
  }

  /** {@code size} copies of one byte, generated as they are read. */
  static InputStream repeated(byte value, long size) {
    return new InputStream() {
      private long left = size;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        return value & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        java.util.Arrays.fill(b, off, off + n, value);
        left -= n;
        return n;
      }
    };
  }

  /** CRC32 of the first {@code size} pattern bytes. */
  static int patternCrc(long size) {
    try {
      return crc(patternStream(size));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CRC32 of everything a stream holds; the stream is read to its end and closed. */
  static int crc(InputStream stream) throws IOException {
    CRC32 crc = new CRC32();
    try (InputStream in = stream) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        crc.update(buffer, 0, n);
      }
    }
    return (int) crc.getValue();
  }

  static int crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  /** Every entry of an archive (read with default options), by path, sorted. */
  static Map<String, byte[]> contents(Path archive) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (String path : reader.list()) {
        out.put(path, reader.read(path));
      }
    }
    return out;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
