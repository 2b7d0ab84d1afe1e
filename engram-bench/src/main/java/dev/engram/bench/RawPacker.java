package dev.engram.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The baseline for packing: the codec library compressing the same bytes as engram does, on one
 * thread, with reused buffers, writing nothing. Files under 50 MiB are one block each (stored
 * as is when compression does not shrink them, as engram does); larger ones are cut into 64 KiB
 * frames, each with its 4-byte size, as engram frames them. Not thread-safe.
 */
final class RawPacker implements AutoCloseable {
  /** engram frames content of this many bytes or more (docs/FORMAT.md). */
  static final long FRAMED_FROM = 50L << 20;
  static final int FRAME_SIZE = 64 << 10;

  private final RawCodec codec;
  private byte[] input = new byte[FRAME_SIZE];
  private byte[] output;

  RawPacker(PackCodec codec) {
    this.codec = new RawCodec(codec);
    this.output = new byte[this.codec.maxCompressedLength(FRAME_SIZE)];
  }

  /**
   * Reads and compresses every file.
   *
   * @return the compressed bytes in all, frame count and size prefixes included
   */
  long pack(FileSet files) throws IOException {
    long total = 0;
    for (Path file : files.files()) {
      try (FileChannel channel = FileChannel.open(file)) {
        long size = channel.size();
        total += size >= FRAMED_FROM ? framed(channel, size) : block(channel, (int) size);
      }
    }
    return total;
  }

  private long block(FileChannel channel, int size) throws IOException {
    if (input.length < size) {
      input = new byte[size];
      output = new byte[codec.maxCompressedLength(size)];
    }
    readFully(channel, size);
    return Math.min(size, codec.compress(input, 0, size, output));
  }

  private long framed(FileChannel channel, long size) throws IOException {
    long total = 4; // frame count
    for (long left = size; left > 0; left -= FRAME_SIZE) {
      int length = (int) Math.min(left, FRAME_SIZE);
      readFully(channel, length);
      total += 4 + codec.compress(input, 0, length, output);
    }
    return total;
  }

  private void readFully(FileChannel channel, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(input, 0, length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new EOFException("file shorter than its size");
      }
    }
  }

  @Override
  public void close() {
    codec.close();
  }
}
