package dev.engram.frame;

import dev.engram.CorruptArchiveException;
import dev.engram.codec.Codec;
import dev.engram.format.Framing;
import dev.engram.source.ArchiveSource;
import java.io.IOException;

/**
 * Where each frame of a framed payload lies, found by walking the size prefixes once. Every
 * prefix is checked against the payload's bounds before it is used, and the frame count against
 * the content size, so a hostile payload cannot make this allocate more than its stored size
 * allows.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class FrameIndex {
  /** Smallest space a frame can take: its size prefix and one byte. */
  private static final int MIN_FRAME_SPACE = Framing.PREFIX + 1;
  private static final int WINDOW = 64 * 1024;

  private final long uncompressedSize;
  private final int frameSize;
  /** starts[k] = absolute offset of frame k's size prefix; starts[count] = end of payload. */
  private final long[] starts;

  private FrameIndex(long uncompressedSize, int frameSize, long[] starts) {
    this.uncompressedSize = uncompressedSize;
    this.frameSize = frameSize;
    this.starts = starts;
  }

  /**
   * Walks the frame prefixes of a payload.
   *
   * @param file the archive
   * @param payloadOffset absolute offset of the payload (its frame count)
   * @param storedSize payload size
   * @param uncompressedSize content size
   * @param frameSize uncompressed bytes per frame (the entry's; 64 KiB in the base format)
   * @param codec the entry's codec, which bounds a frame's encoded size
   * @param entry the entry's path, for messages
   * @return the index
   * @throws CorruptArchiveException if the count, a prefix or the payload's end is inconsistent
   * @throws IOException on an I/O error
   */
  public static FrameIndex build(ArchiveSource file, long payloadOffset, long storedSize,
      long uncompressedSize, int frameSize, Codec codec, String entry) throws IOException {
    String where = "entry '" + entry + "'";
    long end = payloadOffset + storedSize;
    long expected = Framing.frameCount(uncompressedSize, frameSize);
    if (storedSize < Framing.PREFIX) {
      throw new CorruptArchiveException(
          where + ": framed payload of " + storedSize + " bytes has no frame count");
    }
    Window window = new Window(file, end);
    long count = window.u32(payloadOffset);
    if (count != expected) {
      throw new CorruptArchiveException(where + ": frame count is " + count + " but "
          + uncompressedSize + " bytes need " + expected + " frames of " + frameSize);
    }
    if (count > (storedSize - Framing.PREFIX) / MIN_FRAME_SPACE) {
      throw new CorruptArchiveException(where + ": " + count + " frames cannot fit in "
          + storedSize + " stored bytes");
    }
    if (count >= Integer.MAX_VALUE - 8) {
      throw new CorruptArchiveException(
          where + ": " + count + " frames are more than one index holds");
    }
    long[] starts = new long[(int) count + 1];
    long pos = payloadOffset + Framing.PREFIX;
    for (int k = 0; k < count; k++) {
      if (end - pos < Framing.PREFIX) {
        throw new CorruptArchiveException(
            where + ": frame " + k + " of " + count + " starts past the end of the payload");
      }
      long length = window.u32(pos);
      // checked here, frame by frame, so the message names the frame that is wrong
      checkFrameLength(where, k, pos, length, end - pos - Framing.PREFIX, uncompressedSize,
          frameSize, codec);
      starts[k] = pos;
      pos += Framing.PREFIX + length;
    }
    if (pos != end) {
      throw new CorruptArchiveException(
          where + ": " + (end - pos) + " stray bytes follow the last frame");
    }
    starts[(int) count] = end;
    return new FrameIndex(uncompressedSize, frameSize, starts);
  }

  /**
   * Makes the index of a payload whose frame positions are already known (an encrypted payload
   * stored one frame per segment), with the checks {@link #build} applies: as many frames as the
   * size needs, and every frame's encoded size possible for its codec.
   *
   * @param starts where each frame's size prefix is, then where the payload ends (kept, not
   *     copied)
   * @param uncompressedSize content size
   * @param frameSize uncompressed bytes per frame
   * @param codec the entry's codec
   * @param entry the entry's path, for messages
   * @return the index
   * @throws CorruptArchiveException if the frames do not fit the content size
   */
  public static FrameIndex fromPositions(long[] starts, long uncompressedSize, int frameSize,
      Codec codec, String entry) throws CorruptArchiveException {
    String where = "entry '" + entry + "'";
    long expected = Framing.frameCount(uncompressedSize, frameSize);
    if (starts.length - 1 != expected) {
      throw new CorruptArchiveException(where + ": " + (starts.length - 1) + " frames, but "
          + uncompressedSize + " bytes need " + expected);
    }
    for (int k = 0; k + 1 < starts.length; k++) {
      checkFrameLength(where, k, starts[k], starts[k + 1] - starts[k] - Framing.PREFIX,
          Long.MAX_VALUE, uncompressedSize, frameSize, codec);
    }
    return new FrameIndex(uncompressedSize, frameSize, starts);
  }

  /**
   * Checks one frame's encoded size: at least what its codec can achieve for the frame's content,
   * at most its worst case, and no more than the bytes left in the payload.
   */
  private static void checkFrameLength(String where, int k, long position, long length,
      long left, long uncompressedSize, int frameSize, Codec codec)
      throws CorruptArchiveException {
    int minFrame = Math.max(1,
        codec.minCompressedLength(Framing.frameLength(uncompressedSize, k, frameSize)));
    long maxFrame = Math.min(codec.maxCompressedLength(frameSize), left);
    if (length < minFrame || length > maxFrame) {
      throw new CorruptArchiveException(where + ": frame " + k + " at offset " + position
          + " claims " + length + " bytes (possible: " + minFrame + " to " + maxFrame + ")");
    }
  }

  /**
   * Returns the number of frames.
   *
   * @return frame count
   */
  public int frameCount() {
    return starts.length - 1;
  }

  /**
   * Returns the uncompressed size of every frame but the last.
   *
   * @return bytes per frame
   */
  public int frameSize() {
    return frameSize;
  }

  /**
   * Returns the content size.
   *
   * @return uncompressed size of the entry
   */
  public long uncompressedSize() {
    return uncompressedSize;
  }

  /**
   * Returns where frame {@code k}'s encoded bytes start (after its size prefix).
   *
   * @param k frame index
   * @return absolute file offset
   */
  public long encodedOffset(int k) {
    return starts[k] + Framing.PREFIX;
  }

  /**
   * Returns the size of frame {@code k}'s encoded bytes.
   *
   * @param k frame index
   * @return encoded size
   */
  public int encodedLength(int k) {
    return (int) (starts[k + 1] - starts[k] - Framing.PREFIX);
  }

  /**
   * Returns the uncompressed length of frame {@code k}.
   *
   * @param k frame index
   * @return {@link #frameSize()}, or less for the last frame
   */
  public int frameLength(int k) {
    return Framing.frameLength(uncompressedSize, k, frameSize);
  }

  /** Distance between prefixes beyond which each is read on its own (see {@link Window}). */
  private static final long LARGE_JUMP = 8 * 1024;

  /**
   * Reads little-endian u32s at increasing offsets: through a buffered window while they are
   * close together, one by one when they are far apart.
   */
  private static final class Window {
    private final ArchiveSource file;
    private final long end;
    private final byte[] buffer = new byte[WINDOW];
    private long start = -1;
    private int length;
    private long lastPosition;

    Window(ArchiveSource file, long end) {
      this.file = file;
      this.end = end;
    }

    long u32(long position) throws IOException {
      if (start < 0 || position < start || position + 4 > start + length) {
        // Frames that compress to a few KiB are read many to a window; larger ones only by
        // their prefixes: a window would read most of the payload just to find them.
        long jump = start < 0 ? 0 : position - lastPosition;
        length = (int) Math.min(jump >= LARGE_JUMP ? Framing.PREFIX : WINDOW, end - position);
        file.readFully(position, buffer, 0, length);
        start = position;
      }
      lastPosition = position;
      int i = (int) (position - start);
      return (buffer[i] & 0xFFL)
          | (buffer[i + 1] & 0xFFL) << 8
          | (buffer[i + 2] & 0xFFL) << 16
          | (buffer[i + 3] & 0xFFL) << 24;
    }
  }
}
