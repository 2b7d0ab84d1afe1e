package dev.engram.frame;

import dev.engram.EngramException;
import dev.engram.codec.Codec;
import dev.engram.io.ArchiveOutput;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.zip.CRC32;

/**
 * Writes a framed payload from a stream: {@code [frame count][size][frame]...}, each frame (64
 * KiB, or an explicit frame size) compressed on its own. Memory stays at two frame buffers whatever the content size; the frame
 * count is patched in when the stream ends.
 *
 * <p>Not thread-safe; one instance can write many payloads in turn.
 */
public final class FramedPayloadWriter {
  private final byte[] raw = new byte[Framing.FRAME_SIZE];
  private byte[] encoded = new byte[0];

  /** Creates a writer; its frame buffers are allocated on first use and then reused. */
  public FramedPayloadWriter() {}

  /**
   * Where frames go: the plain framed layout ({@link #plain}), or a layout that seals each frame.
   */
  public interface FrameSink {
    /**
     * Receives one frame: its 4-byte little-endian size, then its encoded bytes.
     *
     * @param bytes source
     * @param offset start of the size prefix
     * @param length prefix and frame
     * @throws IOException if writing fails
     */
    void frame(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Ends the payload.
     *
     * @param frames how many frames were given
     * @return the payload's stored size
     * @throws IOException if writing fails
     */
    long finish(long frames) throws IOException;
  }

  /**
   * Returns the sink of the format's framed layout at the output's position: {@code [frame count]
   * [size][frame]...}, the count patched in at the end.
   *
   * @param out where the payload goes
   * @return the sink
   * @throws IOException if writing the count's placeholder fails
   */
  public static FrameSink plain(ArchiveOutput out) throws IOException {
    long countPosition = out.position();
    out.write(new byte[Framing.PREFIX]);
    return new FrameSink() {
      @Override
      public void frame(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
      }

      @Override
      public long finish(long frames) throws IOException {
        byte[] count = new byte[Framing.PREFIX];
        putU32(count, 0, frames);
        out.patch(countPosition, count);
        return out.position() - countPosition;
      }
    };
  }

  /**
   * What was written.
   *
   * @param uncompressedSize content bytes consumed
   * @param storedSize payload bytes written
   * @param crc32 CRC32 of the content
   */
  public record Result(long uncompressedSize, long storedSize, int crc32) {}

  /**
   * Writes the whole stream as a framed payload in the format's layout at the output's position.
   *
   * @param content the content; read to its end, not closed
   * @param out where the payload goes
   * @param codec the entry's codec (not {@code NONE})
   * @param level compression level
   * @param digest also fed the content, when not null (for a manifest's SHA-256)
   * @param frameSize uncompressed bytes per frame, at most {@link Framing#FRAME_SIZE}
   * @return sizes and CRC of what was written
   * @throws EngramException if the content has more frames than the format can count
   * @throws IOException if reading the content or writing the output fails
   */
  public Result write(InputStream content, ArchiveOutput out, Codec codec, int level,
      MessageDigest digest, int frameSize) throws IOException {
    return write(content, plain(out), codec, level, digest, frameSize);
  }

  /**
   * Writes the whole stream as frames into a sink.
   *
   * @param content the content; read to its end, not closed
   * @param sink where the frames go
   * @param codec the entry's codec (not {@code NONE})
   * @param level compression level
   * @param digest also fed the content, when not null (for a manifest's SHA-256)
   * @param frameSize uncompressed bytes per frame, at most {@link Framing#FRAME_SIZE}
   * @return sizes and CRC of what was written
   * @throws EngramException if the content has more frames than the format can count
   * @throws IOException if reading the content or writing the output fails
   */
  public Result write(InputStream content, FrameSink sink, Codec codec, int level,
      MessageDigest digest, int frameSize) throws IOException {
    if (frameSize < 1 || frameSize > raw.length) {
      throw new IllegalArgumentException("frame size " + frameSize + " is not 1 to " + raw.length);
    }
    int bound = Framing.PREFIX + codec.maxCompressedLength(frameSize);
    if (encoded.length < bound) {
      encoded = new byte[bound];
    }
    CRC32 crc = new CRC32();
    long total = 0;
    long frames = 0;
    int n;
    while ((n = content.readNBytes(raw, 0, frameSize)) > 0) {
      if (frames == Framing.MAX_FRAMES) {
        throw new EngramException("content exceeds " + Framing.MAX_FRAMES + " frames of "
            + frameSize + " bytes, the most a framed entry can hold");
      }
      crc.update(raw, 0, n);
      if (digest != null) {
        digest.update(raw, 0, n);
      }
      total += n;
      int length = codec.compress(raw, 0, n, encoded, Framing.PREFIX, level);
      putU32(encoded, 0, length);
      sink.frame(encoded, 0, Framing.PREFIX + length);
      frames++;
    }
    return new Result(total, sink.finish(frames), (int) crc.getValue());
  }

  private static void putU32(byte[] b, int offset, long value) {
    b[offset] = (byte) value;
    b[offset + 1] = (byte) (value >>> 8);
    b[offset + 2] = (byte) (value >>> 16);
    b[offset + 3] = (byte) (value >>> 24);
  }
}
