package dev.engram.codec;

import dev.engram.CorruptArchiveException;

/** Method 0: the block is the content. */
final class StoredCodec implements Codec {
  @Override
  public int maxCompressedLength(int length) {
    return length;
  }

  @Override
  public int minCompressedLength(int length) {
    return length;
  }

  @Override
  public int compress(byte[] src, int srcOffset, int srcLength, byte[] dst, int dstOffset,
      int level) {
    System.arraycopy(src, srcOffset, dst, dstOffset, srcLength);
    return srcLength;
  }

  @Override
  public void decompress(byte[] src, int srcOffset, int srcLength, byte[] dst, int dstOffset,
      int length) throws CorruptArchiveException {
    if (srcLength != length) {
      throw new CorruptArchiveException(
          "stored block has " + srcLength + " bytes, expected " + length);
    }
    System.arraycopy(src, srcOffset, dst, dstOffset, length);
  }
}
