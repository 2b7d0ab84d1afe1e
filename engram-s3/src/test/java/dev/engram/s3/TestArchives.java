package dev.engram.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Archives made for the tests, with deterministic content, and the check that two agree. */
final class TestArchives {
  /** The per-file encryption key of {@link #perFileEncrypted()}. */
  static final byte[] KEY = new byte[32];
  /** The framed entry of {@link #framed()}. */
  static final String DATABASE = "catalog.db";

  static {
    Arrays.fill(KEY, (byte) 7);
  }

  private TestArchives() {}

  /** Small entries, compressed and stored: under 64 KiB in all. */
  static byte[] plain() {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    contents.put("notes/a.txt", text(5_000, 1));
    contents.put("notes/b.txt", "hello".getBytes(StandardCharsets.UTF_8));
    contents.put("data/c.json", text(20_000, 2));
    return write(contents);
  }

  /**
   * Entries on both sides of the last 64 KiB: a compressed and a stored one before a 500 kB
   * filler, one after.
   */
  static Map<String, byte[]> largerContents() {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    contents.put("first.txt", text(5_000, 5));               // compressed
    contents.put("tiny.txt", "hello".getBytes(StandardCharsets.UTF_8)); // stored: no gain
    contents.put("filler.bin", random(500_000, 6));          // stored
    contents.put("last.txt", text(1_000, 7));                // in the last 64 KiB
    return contents;
  }

  /**
   * A 1 MiB entry that looks like a SQLite database, written in 4 KiB frames ({@link
   * WriterOptions.Builder#databaseFrameSize}), beside a small one: frames without writing the
   * 50 MiB that make an ordinary entry framed.
   */
  static byte[] framed() {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    contents.put("readme.txt", text(3_000, 3));
    contents.put(DATABASE, database());
    return write(contents, WriterOptions.builder().databaseFrameSize(4096).build());
  }

  /** SQLite's header, then 1 MiB of text. */
  static byte[] database() {
    byte[] content = text(1 << 20, 4);
    byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, content, 0, magic.length);
    return content;
  }

  /** Entries encrypted one by one with {@link #KEY}, one of them larger than 64 KiB. */
  static byte[] perFileEncrypted() {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    contents.put("secret/a.txt", text(10_000, 8));
    contents.put("secret/b.bin", random(200_000, 9));
    return write(contents, WriterOptions.builder().perFileEncryption(KEY).build());
  }

  static byte[] write(Map<String, byte[]> contents) {
    return write(contents, WriterOptions.defaults());
  }

  /** Writes the entries, in order, with the methods the writer chooses, and returns the bytes. */
  static byte[] write(Map<String, byte[]> contents, WriterOptions options) {
    try {
      Path dir = Files.createTempDirectory("engram-s3-test");
      Path archive = dir.resolve("archive.eng");
      try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
        for (Map.Entry<String, byte[]> entry : contents.entrySet()) {
          writer.addFile(entry.getKey(), entry.getValue());
        }
        writer.finish();
      }
      byte[] bytes = Files.readAllBytes(archive);
      Files.delete(archive);
      Files.delete(dir);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks that two readers of the same archive agree: the entries, each entry read whole, and
   * the middle of each through a channel.
   */
  static void assertSameContent(ArchiveReader expected, ArchiveReader actual)
      throws IOException {
    assertEquals(expected.entries(), actual.entries());
    assertTrue(expected.entryCount() > 0);
    for (String path : expected.list()) {
      byte[] content = expected.read(path);
      assertArrayEquals(content, actual.read(path), path);
      int middle = content.length / 2;
      int length = Math.min(10_000, content.length - middle);
      try (SeekableByteChannel channel = actual.openChannel(path)) {
        ByteBuffer slice = ByteBuffer.allocate(length);
        channel.position(middle);
        while (slice.hasRemaining() && channel.read(slice) >= 0) {
          // fill
        }
        assertEquals(ByteBuffer.wrap(content, middle, length), slice.flip(), path);
      }
    }
  }

  /** Compressible pseudo-text from a seeded generator. */
  static byte[] text(int size, long seed) {
    String[] words = {"engram", "archive", "frame", "bucket", "key", "range", "object", "the"};
    Random random = new Random(seed);
    StringBuilder out = new StringBuilder(size + 16);
    while (out.length() < size) {
      out.append(words[random.nextInt(words.length)]).append(random.nextInt(8) == 0 ? '\n' : ' ');
    }
    return out.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  /** Incompressible bytes from a seeded generator. */
  static byte[] random(int size, long seed) {
    byte[] out = new byte[size];
    new Random(seed).nextBytes(out);
    return out;
  }
}
