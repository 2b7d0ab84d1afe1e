package dev.engram.bench;

import dev.engram.CompressionMethod;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The baseline for reading: the codec library decompressing an archive's payloads itself, on one
 * thread, with reused buffers. The payload is read in 1 MiB chunks; a framed payload ({@code
 * [frame count u32][size u32][frame]...}) is decoded frame by frame into one 64 KiB buffer.
 * Checks no CRC. Not thread-safe.
 */
final class RawUnpacker implements AutoCloseable {
  private static final int CHUNK = 1 << 20;

  private final RawCodec codec;
  private final ByteBuffer window = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
  private byte[] input = new byte[0];
  private byte[] output = new byte[RawPacker.FRAME_SIZE];
  private FileChannel channel;
  private long next;
  private long end;

  RawUnpacker(CompressionMethod method) {
    this.codec = new RawCodec(method, 0);
  }

  /**
   * Decompresses one payload (or, for method NONE, reads it).
   *
   * @return the uncompressed bytes produced
   */
  long unpack(FileChannel archive, RawArchive.Payload payload) throws IOException {
    channel = archive;
    next = payload.offset();
    end = payload.offset() + payload.storedSize();
    window.clear().flip();
    if (payload.method() == CompressionMethod.NONE) {
      while (next < end) { // stored content: read it chunk by chunk, nothing to decode
        window.position(window.limit());
        fill(1);
      }
      return payload.storedSize();
    }
    if (!payload.framed()) {
      int stored = Math.toIntExact(payload.storedSize());
      int size = Math.toIntExact(payload.size());
      if (input.length < stored) {
        input = new byte[stored];
      }
      if (output.length < size) {
        output = new byte[size];
      }
      ByteBuffer block = ByteBuffer.wrap(input, 0, stored);
      while (block.hasRemaining()) {
        if (channel.read(block, next + block.position()) < 0) {
          throw new EOFException("archive ends inside a payload");
        }
      }
      codec.decompress(input, 0, stored, output, size);
      return size;
    }
    fill(4);
    long frames = Integer.toUnsignedLong(window.getInt());
    long left = payload.size();
    for (long frame = 0; frame < frames; frame++) {
      fill(4);
      int stored = window.getInt();
      fill(stored);
      int length = (int) Math.min(left, RawPacker.FRAME_SIZE);
      codec.decompress(window.array(), window.position(), stored, output, length);
      window.position(window.position() + stored);
      left -= length;
    }
    return payload.size();
  }

  /** Makes at least {@code n} bytes of the payload available in the window. */
  private void fill(int n) throws IOException {
    if (window.remaining() >= n) {
      return;
    }
    window.compact();
    while (window.position() < n) {
      int room = (int) Math.min(window.remaining(), end - next);
      int read = channel.read(window.slice().limit(room), next);
      if (read < 0) {
        throw new EOFException("archive ends inside a payload");
      }
      window.position(window.position() + read);
      next += read;
      if (next == end) {
        break;
      }
    }
    window.flip();
  }

  @Override
  public void close() {
    codec.close();
  }
}
