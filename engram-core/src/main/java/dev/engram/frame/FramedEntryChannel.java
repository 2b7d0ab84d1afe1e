package dev.engram.frame;

import dev.engram.ChecksumMismatchException;
import dev.engram.codec.Codec;
import dev.engram.io.RandomAccessSource;
import dev.engram.io.ReadOnlyChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Random access into a framed entry: a read decodes only the frames it touches, and keeps the
 * last few decoded frames for the reads that follow.
 *
 * <p>The entry's CRC32 covers the whole content, so it can only be checked when every frame has
 * been decoded in order, as happens when the channel is read from start to end. That check runs
 * before any byte of the last frame is returned; a mismatch fails the read. Reads in any other
 * order rely on each frame decoding to exactly its expected length.
 *
 * <p>Not thread-safe: use one channel per thread.
 */
public final class FramedEntryChannel extends ReadOnlyChannel {
  private final RandomAccessSource file;
  private final FrameIndex index;
  private final Codec codec;
  private final String entry;
  private final int expectedCrc;

  private final byte[] encoded;
  private final byte[][] cacheData;
  private final int[] cacheFrame;
  private int nextSlot;

  private final CRC32 crc = new CRC32();
  private int crcFrames;
  private long framesDecoded;

  /**
   * Creates a channel over a framed entry.
   *
   * @param file the archive
   * @param index the entry's frame index
   * @param codec the entry's codec
   * @param entry the entry's path, for messages
   * @param expectedCrc the CRC32 the directory records
   * @param cachedFrames how many decoded frames to keep, at least 1
   */
  public FramedEntryChannel(RandomAccessSource file, FrameIndex index, Codec codec, String entry,
      int expectedCrc, int cachedFrames) {
    super(index.uncompressedSize(), file.path());
    if (cachedFrames < 1) {
      throw new IllegalArgumentException("cachedFrames must be at least 1: " + cachedFrames);
    }
    this.file = file;
    this.index = index;
    this.codec = codec;
    this.entry = entry;
    this.expectedCrc = expectedCrc;
    this.encoded = new byte[codec.maxCompressedLength(index.frameSize())];
    this.cacheData = new byte[cachedFrames][];
    this.cacheFrame = new int[cachedFrames];
    java.util.Arrays.fill(cacheFrame, -1);
  }

  /**
   * Returns how many frames this channel has decompressed so far. Reads served from its cache of
   * recent frames do not count.
   *
   * @return frames decoded
   */
  public long framesDecoded() {
    return framesDecoded;
  }

  @Override
  protected int readAt(ByteBuffer dst, long position) throws IOException {
    long size = index.uncompressedSize();
    long at = position;
    while (dst.hasRemaining() && at < size) {
      int k = (int) (at / index.frameSize());
      byte[] frame = frame(k);
      int offset = (int) (at - (long) k * index.frameSize());
      int n = Math.min(dst.remaining(), index.frameLength(k) - offset);
      dst.put(frame, offset, n);
      at += n;
    }
    return (int) (at - position);
  }

  private byte[] frame(int k) throws IOException {
    for (int i = 0; i < cacheFrame.length; i++) {
      if (cacheFrame[i] == k) {
        return cacheData[i];
      }
    }
    int slot = nextSlot;
    nextSlot = (nextSlot + 1) % cacheFrame.length;
    cacheFrame[slot] = -1;
    if (cacheData[slot] == null) {
      cacheData[slot] = new byte[index.frameSize()];
    }
    byte[] out = cacheData[slot];
    int length = index.frameLength(k);
    FramedContent.decode(file, index, codec, entry, k, encoded, out);
    framesDecoded++;
    if (k == crcFrames) {
      crc.update(out, 0, length);
      crcFrames++;
      if (crcFrames == index.frameCount() && (int) crc.getValue() != expectedCrc) {
        throw new ChecksumMismatchException(entry, expectedCrc, (int) crc.getValue());
      }
    }
    cacheFrame[slot] = k;
    return out;
  }

  @Override
  protected void release() {
    for (int i = 0; i < cacheData.length; i++) {
      cacheData[i] = null;
    }
  }
}
