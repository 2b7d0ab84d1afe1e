package dev.engram.frame;

import dev.engram.CompressionMethod;

/**
 * When an entry is framed, and how its content is cut. There is no flag in the format: an entry is
 * framed exactly when its uncompressed size is at least {@link #THRESHOLD} and its method is not
 * {@link CompressionMethod#NONE}. Stateless and thread-safe.
 */
public final class Framing {
  /** Smallest framed entry: 50 MiB. */
  public static final long THRESHOLD = 52_428_800L;
  /** Uncompressed bytes per frame (the last frame may be shorter). */
  public static final int FRAME_SIZE = 65_536;
  /** Bytes of the frame count and of each frame's size prefix. */
  public static final int PREFIX = 4;
  /** Most frames an entry can have: the frame count is an unsigned 32-bit field. */
  public static final long MAX_FRAMES = 0xFFFF_FFFFL;

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
   * Returns the number of frames content of this size is cut into.
   *
   * @param uncompressedSize content size
   * @return {@code ceil(size / 65536)}
   */
  public static long frameCount(long uncompressedSize) {
    // not (size + FRAME_SIZE - 1) / FRAME_SIZE: that overflows for sizes near 2^63
    return uncompressedSize / FRAME_SIZE + (uncompressedSize % FRAME_SIZE == 0 ? 0 : 1);
  }

  /**
   * Returns the uncompressed length of one frame.
   *
   * @param uncompressedSize content size
   * @param frame frame index
   * @return 65536, or less for the last frame
   */
  public static int frameLength(long uncompressedSize, long frame) {
    return (int) Math.min(FRAME_SIZE, uncompressedSize - frame * FRAME_SIZE);
  }
}
