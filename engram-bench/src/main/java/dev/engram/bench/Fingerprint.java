package dev.engram.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Locale;

/**
 * What a contender read, reduced to numbers that every contender doing the same work must agree
 * on, so that none can skip work: how many paths or reads, how many bytes, and the sum of a hash
 * of each (a path's string and kind; a read's length and its first, middle and last bytes). A
 * sum, so that a walk may report paths in any order; a few bytes per read rather than a checksum
 * of all of them, so that checking weighs nothing beside the reads themselves (each reader checks
 * its own CRC32s). Not thread-safe.
 */
final class Fingerprint {
  private long count;
  private long bytes;
  private long sum;

  /**
   * Reads {@code length} bytes at each position of a channel, in order, each read filled to the
   * end (or to the channel's end).
   *
   * @return what the reads saw
   */
  static Fingerprint channelReads(SeekableByteChannel channel, long[] positions, int length)
      throws IOException {
    Fingerprint seen = new Fingerprint();
    ByteBuffer buffer = ByteBuffer.allocate(length);
    for (long position : positions) {
      channel.position(position);
      buffer.clear();
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // until the buffer is full
      }
      seen.addRead(buffer);
    }
    return seen;
  }

  /** Adds a path a walk reported. */
  void addPath(String path, boolean regularFile) {
    count++;
    sum += mix(path.hashCode() * 2L + (regularFile ? 1 : 0));
  }

  /** Adds a whole file read into an array. */
  void addRead(byte[] content) {
    int n = content.length;
    addRead(n, n == 0 ? 0 : content[0], n == 0 ? 0 : content[n / 2], n == 0 ? 0 : content[n - 1]);
  }

  /** Adds the bytes of a buffer from 0 to its position (what a read filled). */
  void addRead(ByteBuffer buffer) {
    int n = buffer.position();
    addRead(n, n == 0 ? 0 : buffer.get(0), n == 0 ? 0 : buffer.get(n / 2),
        n == 0 ? 0 : buffer.get(n - 1));
  }

  private void addRead(int length, byte first, byte middle, byte last) {
    count++;
    bytes += length;
    sum += mix(((long) length << 24) ^ (first & 0xff) << 16 ^ (middle & 0xff) << 8
        ^ (last & 0xff));
  }

  long count() {
    return count;
  }

  long bytes() {
    return bytes;
  }

  /** The 64-bit finaliser of MurmurHash3: every input bit moves every output bit. */
  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    return x ^ x >>> 33;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fingerprint f && f.count == count && f.bytes == bytes && f.sum == sum;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count * 31 + bytes) * 31 + Long.hashCode(sum);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%,d items, %,d bytes, sum %016x", count, bytes, sum);
  }
}
