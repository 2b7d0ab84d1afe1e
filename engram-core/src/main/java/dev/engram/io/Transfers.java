package dev.engram.io;

import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Copying a source's bytes to a channel through a heap buffer, for sources that cannot hand them
 * to the operating system. Stateless and thread-safe.
 */
public final class Transfers {
  private Transfers() {}

  /**
   * Writes {@code count} bytes of a source, from a position, to a channel, reading pieces of at
   * most {@code pieceSize} bytes (one read of the source each).
   *
   * @param source where the bytes come from
   * @param position where to start, from 0
   * @param count how many bytes
   * @param target where to write them, from its current position
   * @param pieceSize the largest read
   * @throws IllegalArgumentException if the position or count is negative
   * @throws IOException if reading or writing fails
   */
  public static void inPieces(ArchiveSource source, long position, long count,
      WritableByteChannel target, int pieceSize) throws IOException {
    if (position < 0 || count < 0) {
      throw new IllegalArgumentException("position " + position + " and count " + count
          + " must not be negative");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, pieceSize));
    for (long done = 0; done < count; ) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      source.readFully(position + done, buffer);
      buffer.flip();
      while (buffer.hasRemaining()) {
        target.write(buffer);
      }
      done += buffer.limit();
    }
  }
}
