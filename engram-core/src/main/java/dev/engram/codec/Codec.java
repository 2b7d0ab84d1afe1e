package dev.engram.codec;

import dev.engram.CorruptArchiveException;

/**
 * One compression method's block encoding, as the format stores it: a whole unframed payload, or
 * one frame of a framed payload. Implementations are stateless and safe to share between threads;
 * native contexts are pooled internally.
 *
 * <p>Decompression is exact: the caller states how many bytes the block must produce, and any
 * other outcome (more, fewer, malformed input) is a {@link CorruptArchiveException}. Output never
 * exceeds that length, which is what protects readers against blocks that claim one size and
 * expand to another.
 */
public interface Codec {

  /**
   * Returns the largest encoded size of {@code length} input bytes.
   *
   * @param length input size
   * @return an upper bound of {@link #compress}'s output
   */
  int maxCompressedLength(int length);

  /**
   * Returns the fewest bytes any valid encoding of {@code length} input bytes can take: a floor
   * given by the format of the block, not by this encoder. A stored size below it is a lie, which
   * lets a reader refuse impossible size claims before allocating anything.
   *
   * @param length decoded size
   * @return a lower bound of the encoded size
   */
  int minCompressedLength(int length);

  /**
   * Encodes a block.
   *
   * @param src input
   * @param srcOffset start of the input
   * @param srcLength input size
   * @param dst output; must have {@link #maxCompressedLength}{@code (srcLength)} bytes from
   *     {@code dstOffset}
   * @param dstOffset where to start writing
   * @param level compression level (only Zstandard uses it)
   * @return number of bytes written
   */
  int compress(byte[] src, int srcOffset, int srcLength, byte[] dst, int dstOffset, int level);

  /**
   * Decodes a block that must produce exactly {@code length} bytes.
   *
   * @param src encoded block
   * @param srcOffset start of the block
   * @param srcLength size of the block
   * @param dst output; must have room for {@code length} bytes from {@code dstOffset}
   * @param dstOffset where to start writing
   * @param length the exact decoded size the block must have
   * @throws CorruptArchiveException if the block is malformed or decodes to another length
   */
  void decompress(byte[] src, int srcOffset, int srcLength, byte[] dst, int dstOffset, int length)
      throws CorruptArchiveException;
}
