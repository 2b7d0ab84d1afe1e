package dev.engram.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.engram.CompressionMethod;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The codec libraries called directly, as the baseline engram is compared with: one reused
 * Zstandard context or LZ4 instance, on one thread. Blocks are encoded as engram stores them (an
 * LZ4 block carries a 4-byte little-endian length first; docs/FORMAT.md), so the baseline
 * decompresses the very bytes of an archive. Not thread-safe.
 */
final class RawCodec implements AutoCloseable {
  private static final int LZ4_PREFIX = 4;

  private final CompressionMethod method;
  private final ZstdCompressCtx zstdCompress = new ZstdCompressCtx();
  private final ZstdDecompressCtx zstdDecompress = new ZstdDecompressCtx();
  private final LZ4Compressor lz4Compress = LZ4Factory.fastestInstance().fastCompressor();
  private final LZ4SafeDecompressor lz4Decompress = LZ4Factory.fastestInstance().safeDecompressor();

  RawCodec(CompressionMethod method, int zstdLevel) {
    this.method = method;
    if (method == CompressionMethod.ZSTD) {
      zstdCompress.setLevel(zstdLevel);
    }
  }

  RawCodec(PackCodec codec) {
    this(codec.method(), codec.zstdLevel());
  }

  int maxCompressedLength(int length) {
    return method == CompressionMethod.ZSTD ? (int) Zstd.compressBound(length)
        : LZ4_PREFIX + lz4Compress.maxCompressedLength(length);
  }

  /** Compresses {@code src[offset, offset+length)} into {@code dst}; returns the bytes written. */
  int compress(byte[] src, int offset, int length, byte[] dst) {
    if (method == CompressionMethod.ZSTD) {
      return zstdCompress.compressByteArray(dst, 0, dst.length, src, offset, length);
    }
    for (int i = 0; i < LZ4_PREFIX; i++) {
      dst[i] = (byte) (length >>> (8 * i));
    }
    return LZ4_PREFIX
        + lz4Compress.compress(src, offset, length, dst, LZ4_PREFIX, dst.length - LZ4_PREFIX);
  }

  /** Decompresses one block of {@code srcLength} bytes into {@code dst[0, length)}. */
  void decompress(byte[] src, int srcOffset, int srcLength, byte[] dst, int length) {
    int produced = method == CompressionMethod.ZSTD
        ? zstdDecompress.decompressByteArray(dst, 0, length, src, srcOffset, srcLength)
        : lz4Decompress.decompress(src, srcOffset + LZ4_PREFIX, srcLength - LZ4_PREFIX, dst, 0,
            length);
    if (produced != length) {
      throw new IllegalStateException("decoded " + produced + " bytes, expected " + length);
    }
  }

  @Override
  public void close() {
    zstdCompress.close();
    zstdDecompress.close();
  }
}
