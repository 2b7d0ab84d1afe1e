package dev.engram;

import dev.engram.codec.Codec;
import dev.engram.codec.Codecs;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;

/**
 * An entry whose content is held in memory (under 50 MiB, not framed): its CRC, SHA-256 and
 * compressed payload, computed by {@link #compress} on whichever thread runs it, then written by
 * the {@link ArchiveWriter} on its own thread. Each step is done by one thread at a time, handed
 * over through the pool's future.
 */
final class BufferedEntry {
  private final String name;
  private final byte[] data;
  private final int length;
  private final long modified;
  private final boolean hashed;
  private CompressionMethod method;
  private int crc;
  private byte[] sha256;
  private byte[] payload;
  private int payloadLength;
  /** What {@link #compress} threw on a pool thread, reported by the writer later. */
  private Throwable failure;

  /**
   * @param method the method to try; {@code NONE} stores the content as is
   * @param hashed whether to compute the SHA-256 (for a generated manifest)
   */
  BufferedEntry(String name, byte[] data, int length, CompressionMethod method, long modified,
      boolean hashed) {
    this.name = name;
    this.data = data;
    this.length = length;
    this.method = method;
    this.modified = modified;
    this.hashed = hashed;
  }

  /**
   * Checksums and compresses the content; drops the compression when it does not make the
   * content smaller (engram-rs's rule).
   *
   * @param buffer where to compress to if it is large enough, else a new array is made; may be
   *     null
   * @param level Zstandard level
   * @return the array compressed into (for reuse by the next entry), or {@code buffer}
   */
  byte[] compress(byte[] buffer, int level) {
    CRC32 checksum = new CRC32();
    checksum.update(data, 0, length);
    crc = (int) checksum.getValue();
    if (hashed) {
      MessageDigest digest = newSha256();
      digest.update(data, 0, length);
      sha256 = digest.digest();
    }
    payload = data;
    payloadLength = length;
    if (method == CompressionMethod.NONE) {
      return buffer;
    }
    Codec codec = Codecs.of(method);
    int bound = codec.maxCompressedLength(length);
    byte[] into = buffer != null && buffer.length >= bound ? buffer : new byte[bound];
    int compressed = codec.compress(data, 0, length, into, 0, level);
    if (compressed < length) {
      payload = into;
      payloadLength = compressed;
    } else {
      method = CompressionMethod.NONE;
    }
    return into;
  }

  /** {@link #compress}, keeping a failure to report later instead of throwing it. */
  void compressOrKeepFailure(int level) {
    try {
      compress(null, level);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  String name() {
    return name;
  }

  /** Content bytes held. */
  int length() {
    return length;
  }

  long modified() {
    return modified;
  }

  /** The method stored: the one tried, or {@code NONE} when it did not help. */
  CompressionMethod method() {
    return method;
  }

  int crc() {
    return crc;
  }

  /** The content's SHA-256, or null when not hashed. */
  byte[] sha256() {
    return sha256;
  }

  byte[] payload() {
    return payload;
  }

  int payloadLength() {
    return payloadLength;
  }

  /** What compressing threw on a pool thread, or null. */
  Throwable failure() {
    return failure;
  }
}
