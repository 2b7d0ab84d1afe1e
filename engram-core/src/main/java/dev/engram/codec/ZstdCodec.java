package dev.engram.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.engram.CorruptArchiveException;

/**
 * Method 2: one standard Zstandard frame. engram-rs frames do not record the content size, so
 * decoding is always given the expected size as the output bound and never trusts the frame's own
 * size field.
 */
final class ZstdCodec implements Codec {
  /** Largest output of one Zstandard block. */
  private static final int MAX_BLOCK = 128 * 1024;

  /** Package-private so that tests can see which contexts the pool lends. */
  final ContextPool<ZstdCompressCtx> compressors = new ContextPool<>(ZstdCompressCtx::new);
  /** Package-private so that tests can see which contexts the pool lends. */
  final ContextPool<ZstdDecompressCtx> decompressors = new ContextPool<>(ZstdDecompressCtx::new);

  /**
   * Zstandard's worst case, {@code ZSTD_COMPRESSBOUND}: the input, 1/256 of it, and a margin for
   * inputs under 128 KiB; computed here rather than by the library, so that opening and listing
   * an archive do not load its native code ({@code ZstdCodecTest} compares the two).
   */
  @Override
  public int maxCompressedLength(int length) {
    long bound = (long) length + (length >>> 8)
        + (length < MAX_BLOCK ? (MAX_BLOCK - length) >>> 11 : 0);
    return bound > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) bound;
  }

  /**
   * A Zstandard block regenerates at most 128 KiB and takes at least 4 bytes (3 of header, 1 for
   * an RLE byte), so no frame is smaller than 4 bytes per 128 KiB of output (measured: 10 MiB of
   * zeros take 338 bytes at level 6 or 19, the floor is 320).
   */
  @Override
  public int minCompressedLength(int length) {
    return 4 * (length / MAX_BLOCK + (length % MAX_BLOCK == 0 ? 0 : 1));
  }

  @Override
  public int compress(byte[] src, int srcOffset, int srcLength, byte[] dst, int dstOffset,
      int level) {
    ZstdCompressCtx ctx = compressors.borrow();
    int written;
    try {
      ctx.setLevel(level);
      written = ctx.compressByteArray(dst, dstOffset, dst.length - dstOffset, src, srcOffset,
          srcLength);
    } catch (RuntimeException | Error e) {
      // a failed call can leave the context mid-frame or half-configured: never lend it again
      compressors.discardAfter(ctx, e);
      throw e;
    }
    compressors.release(ctx);
    return written;
  }

  @Override
  public void decompress(byte[] src, int srcOffset, int srcLength, byte[] dst, int dstOffset,
      int length) throws CorruptArchiveException {
    ZstdDecompressCtx ctx = decompressors.borrow();
    int produced;
    try {
      produced = ctx.decompressByteArray(dst, dstOffset, length, src, srcOffset, srcLength);
    } catch (RuntimeException | Error e) {
      // a failed call can leave the context mid-frame: close it instead of pooling it
      decompressors.discardAfter(ctx, e);
      if (e instanceof ZstdException z) {
        if (z.getErrorCode() == Zstd.errDstSizeTooSmall()) {
          throw new CorruptArchiveException(
              "Zstandard data decodes to more than the expected " + length + " bytes", z);
        }
        throw new CorruptArchiveException("Zstandard data is malformed: " + z.getMessage(), z);
      }
      throw e;
    }
    decompressors.release(ctx);
    if (produced != length) {
      throw new CorruptArchiveException(
          "Zstandard data decodes to " + produced + " bytes, expected " + length);
    }
  }
}
