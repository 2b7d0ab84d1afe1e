package dev.engram.codec;

import dev.engram.CorruptArchiveException;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Method 1: a 4-byte little-endian uncompressed length, then one raw LZ4 block (what lz4_flex's
 * {@code compress_prepend_size} writes). Uses the native LZ4 when available; decoding always goes
 * through the bounds-checked safe decompressor. The library (and its native code) is loaded on
 * the first compression or decompression, not before: opening and listing an archive, which
 * only needs the size bounds, does not pay for it.
 */
final class Lz4Codec implements Codec {
  private static final int PREFIX = 4;

  /** The library's coders, made when first used. */
  private static final class Coders {
    static final LZ4Compressor COMPRESSOR;
    static final LZ4SafeDecompressor DECOMPRESSOR;

    static {
      LZ4Factory factory = LZ4Factory.fastestInstance();
      COMPRESSOR = factory.fastCompressor();
      DECOMPRESSOR = factory.safeDecompressor();
    }
  }

  /**
   * LZ4's worst case, {@code LZ4_COMPRESSBOUND}: the input, one byte per 255 of it, and 16 more
   * (what the library's {@code maxCompressedLength} computes; {@code Lz4CodecTest} compares them).
   */
  static int blockBound(int length) {
    return length + length / 255 + 16;
  }

  @Override
  public int maxCompressedLength(int length) {
    long bound = PREFIX + (long) length + length / 255 + 16;
    return bound > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) bound;
  }

  /**
   * Every 255 bytes of a match cost at least one length byte, and an LZ4 block has no other way
   * to repeat data, so no block is smaller than 1/256 of its output (measured: 10 MiB of zeros
   * take 41,131 bytes, the floor is 40,960).
   */
  @Override
  public int minCompressedLength(int length) {
    return PREFIX + length / 256;
  }

  @Override
  public int compress(byte[] src, int srcOffset, int srcLength, byte[] dst, int dstOffset,
      int level) {
    dst[dstOffset] = (byte) srcLength;
    dst[dstOffset + 1] = (byte) (srcLength >>> 8);
    dst[dstOffset + 2] = (byte) (srcLength >>> 16);
    dst[dstOffset + 3] = (byte) (srcLength >>> 24);
    int written = Coders.COMPRESSOR.compress(src, srcOffset, srcLength, dst,
        dstOffset + PREFIX, blockBound(srcLength));
    return PREFIX + written;
  }

  @Override
  public void decompress(byte[] src, int srcOffset, int srcLength, byte[] dst, int dstOffset,
      int length) throws CorruptArchiveException {
    if (srcLength < PREFIX) {
      throw new CorruptArchiveException(
          "LZ4 block of " + srcLength + " bytes is too short for its length prefix");
    }
    long declared = (src[srcOffset] & 0xFFL)
        | (src[srcOffset + 1] & 0xFFL) << 8
        | (src[srcOffset + 2] & 0xFFL) << 16
        | (src[srcOffset + 3] & 0xFFL) << 24;
    if (declared != length) {
      throw new CorruptArchiveException(
          "LZ4 length prefix says " + declared + " bytes, expected " + length);
    }
    int produced;
    try {
      produced = Coders.DECOMPRESSOR.decompress(
          src, srcOffset + PREFIX, srcLength - PREFIX, dst, dstOffset, length);
    } catch (LZ4Exception e) {
      throw new CorruptArchiveException("LZ4 block is malformed: " + e.getMessage(), e);
    }
    if (produced != length) {
      throw new CorruptArchiveException(
          "LZ4 block decodes to " + produced + " bytes, expected " + length);
    }
  }
}
