package dev.engram;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The first bytes of a stream of unknown size, read in chunks up to a limit. Chunks are never
 * copied into a larger array while reading, so holding a head of the limit's size costs exactly
 * that much memory, with no transient doubling.
 */
final class StreamHead {
  /**
   * Small enough not to be a "humongous" object for G1 in small heaps (half a region or more),
   * which would take whole regions and double the real footprint.
   */
  private static final int CHUNK = 256 * 1024;

  private final List<byte[]> chunks;
  private final int length;

  private StreamHead(List<byte[]> chunks, int length) {
    this.chunks = chunks;
    this.length = length;
  }

  /**
   * Reads until the stream ends or {@code limit} bytes have been read.
   *
   * @param in the stream
   * @param limit most bytes to read
   * @return the head
   * @throws IOException if reading fails
   */
  static StreamHead read(InputStream in, int limit) throws IOException {
    List<byte[]> chunks = new ArrayList<>();
    int length = 0;
    while (length < limit) {
      int size = Math.min(CHUNK, limit - length);
      byte[] chunk = new byte[Math.max(1, size)];
      int n = in.readNBytes(chunk, 0, chunk.length);
      chunks.add(chunk);
      length += n;
      if (n < chunk.length) {
        break;
      }
    }
    return new StreamHead(chunks, length);
  }

  /** Bytes read. */
  int length() {
    return length;
  }

  /** The bytes in one array of at least {@link #length()} bytes (no copy for a single chunk). */
  byte[] toArray() {
    if (chunks.size() == 1) {
      return chunks.get(0);
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] chunk : chunks) {
      int n = Math.min(chunk.length, length - at);
      System.arraycopy(chunk, 0, all, at, n);
      at += n;
    }
    return all;
  }

  /** The bytes as a stream. */
  InputStream asStream() {
    List<InputStream> parts = new ArrayList<>(chunks.size());
    int left = length;
    for (byte[] chunk : chunks) {
      int n = Math.min(chunk.length, left);
      parts.add(new ByteArrayInputStream(chunk, 0, n));
      left -= n;
    }
    return new SequenceInputStream(Collections.enumeration(parts));
  }
}
