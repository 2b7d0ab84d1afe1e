package dev.engram.format;

import dev.engram.CompressionMethod;

/**
 * When an entry is framed, and how its content is cut. In the base format there is no flag: an
 * entry is framed exactly when its uncompressed size is at least {@link #THRESHOLD} and its method
 * is not {@link CompressionMethod#NONE}, with frames of {@link #FRAME_SIZE}. The explicit frame
 * size extension lets an entry of any size say it is framed, and with which frame size (see
 * {@code DirectoryEntry.explicitFrames}). Stateless and thread-safe.
 */
public final class Framing {
  /** Smallest framed entry: 50 MiB. */
  public static final long THRESHOLD = 52_428_800L;
  /** Uncompressed bytes per frame (the last frame may be shorter). */
  public static final int FRAME_SIZE = 65_536;
  /** Smallest explicit frame size, as a power of two: 1 KiB. */
  public static final int MIN_FRAME_SHIFT = 10;
  /** Largest explicit frame size, as a power of two: 64 KiB, the base format's frame size. */
  public static final int MAX_FRAME_SHIFT = 16;
  /** Bytes of the frame count and of each frame's size prefix. */
  public static final int PREFIX = 4;
  /** Most frames an entry can have: the frame count is an unsigned 32-bit field. */
  public static final long MAX_FRAMES = 0xFFFF_FFFFL;
  /**
   * Most frames a frame index (engram-java's table of frame sizes after the last frame, see
   * {@code dev.engram.frame.FrameTable}) covers: 2^24, a 64 MiB table, 1 TiB of content in 64 KiB
   * frames. Larger entries carry none, so neither a writer nor a reader ever holds a larger table.
   */
  public static final long MAX_INDEXED_FRAMES = 1L << 24;
  /** Bytes of a frame index after its table: the frame count, a CRC32 and an 8-byte marker. */
  public static final int INDEX_TRAILER = 16;

  private Framing() {}

  /**
   * Says whether an entry of this size and method is framed.
   *
   * @param uncompressedSize content size
   * @param method compression method
   * @return true if the payload is a sequence of frames
   */
  public static boolean isFramed(long uncompressedSize, CompressionMethod method) {
    return uncompressedSize >= THRESHOLD && method != CompressionMethod.NONE;
  }

  /**
   * Returns the number of 64 KiB frames content of this size is cut into.
   *
   * @param uncompressedSize content size
   * @return {@code ceil(size / 65536)}
   */
  public static long frameCount(long uncompressedSize) {
    return frameCount(uncompressedSize, FRAME_SIZE);
  }

  /**
   * Returns the number of frames content of this size is cut into.
   *
   * @param uncompressedSize content size
   * @param frameSize bytes per frame
   * @return {@code ceil(size / frameSize)}
   */
  public static long frameCount(long uncompressedSize, int frameSize) {
    // not (size + frameSize - 1) / frameSize: that overflows for sizes near 2^63
    return uncompressedSize / frameSize + (uncompressedSize % frameSize == 0 ? 0 : 1);
  }

  /**
   * Returns the uncompressed length of one frame.
   *
   * @param uncompressedSize content size
   * @param frame frame index
   * @param frameSize bytes per frame
   * @return {@code frameSize}, or less for the last frame
   */
  public static int frameLength(long uncompressedSize, long frame, int frameSize) {
    return (int) Math.min(frameSize, uncompressedSize - frame * frameSize);
  }

  /**
   * Returns the size of the frame index of a payload of {@code frames} frames: a 4-byte size per
   * frame and the trailer.
   *
   * @param frames frame count, at most {@link #MAX_INDEXED_FRAMES}
   * @return {@code 4 * frames + 16}
   */
  public static long indexLength(long frames) {
    return PREFIX * frames + INDEX_TRAILER;
  }

  /**
   * Says whether a framed payload of this stored size could end with a frame index of {@code
   * frames} frames: the count is one an index covers, and the payload holds the index besides
   * the frame count and the smallest possible frames.
   *
   * @param frames frame count
   * @param storedSize the payload's (plain) size
   * @return true if an index may be looked for
   */
  public static boolean mayHoldIndex(long frames, long storedSize) {
    return frames <= MAX_INDEXED_FRAMES
        && storedSize - PREFIX - indexLength(frames) >= frames * (PREFIX + 1);
  }

  /**
   * Says whether a frame size may be recorded by the explicit frame size extension.
   *
   * @param frameSize bytes per frame
   * @return true for a power of two from 1 KiB to 64 KiB
   */
  public static boolean isExplicitFrameSize(int frameSize) {
    return Integer.bitCount(frameSize) == 1 && frameSize >= 1 << MIN_FRAME_SHIFT
        && frameSize <= 1 << MAX_FRAME_SHIFT;
  }

  /**
   * Reads a frame count or size prefix: an unsigned 32-bit little-endian number.
   *
   * @param bytes source
   * @param offset where its first byte is
   * @return the value, 0 to 2^32 - 1
   */
  public static long u32(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFFL)
        | (bytes[offset + 1] & 0xFFL) << 8
        | (bytes[offset + 2] & 0xFFL) << 16
        | (bytes[offset + 3] & 0xFFL) << 24;
  }

  /**
   * Writes a frame count or size prefix: the low 32 bits of a number, little-endian.
   *
   * @param bytes target
   * @param offset where its first byte goes
   * @param value the number
   */
  public static void putU32(byte[] bytes, int offset, long value) {
    bytes[offset] = (byte) value;
    bytes[offset + 1] = (byte) (value >>> 8);
    bytes[offset + 2] = (byte) (value >>> 16);
    bytes[offset + 3] = (byte) (value >>> 24);
  }
}
