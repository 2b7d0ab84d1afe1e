package dev.engram.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.engram.CorruptArchiveException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Zstandard contexts go back to the pool only after calls that succeeded. */
class ZstdCodecTest {
  private static final byte[] CONTENT = random(10_000);

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    new SplittableRandom(3).nextBytes(bytes);
    return bytes;
  }

  @Test
  void aCompressionContextIsPooledAgainAfterASuccessfulCall() {
    ZstdCodec codec = new ZstdCodec();
    ZstdCompressCtx context = idleCompressor(codec);
    byte[] dst = new byte[codec.maxCompressedLength(CONTENT.length)];
    codec.compress(CONTENT, 0, CONTENT.length, dst, 0, 3);
    assertSame(context, codec.compressors.borrow());
  }

  @Test
  void aCompressionContextWhoseCallFailedIsClosedNotLentAgain() throws CorruptArchiveException {
    ZstdCodec codec = new ZstdCodec();
    ZstdCompressCtx failed = idleCompressor(codec); // the only idle one: the next call takes it
    byte[] tooSmall = new byte[10]; // random bytes do not compress into 10 bytes
    assertThrows(ZstdException.class, () -> codec.compress(CONTENT, 0, CONTENT.length, tooSmall,
        0, 3));

    ZstdCompressCtx next = codec.compressors.borrow();
    assertNotSame(failed, next);
    assertThrows(IllegalStateException.class, () -> failed.setLevel(3), "closed");
    byte[] dst = new byte[codec.maxCompressedLength(CONTENT.length)];
    codec.compressors.release(next);
    int written = codec.compress(CONTENT, 0, CONTENT.length, dst, 0, 3);
    byte[] back = new byte[CONTENT.length];
    codec.decompress(dst, 0, written, back, 0, CONTENT.length);
    assertArrayEquals(CONTENT, back);
  }

  @Test
  void aDecompressionContextWhoseCallFailedIsClosedNotLentAgain() {
    ZstdCodec codec = new ZstdCodec();
    ZstdDecompressCtx failed = codec.decompressors.borrow();
    codec.decompressors.release(failed);
    byte[] garbage = random(100);
    assertThrows(CorruptArchiveException.class,
        () -> codec.decompress(garbage, 0, garbage.length, new byte[1000], 0, 1000));
    assertNotSame(failed, codec.decompressors.borrow());
    assertThrows(IllegalStateException.class, failed::reset, "closed");
  }

  @Test
  void aDecompressionContextGivenBadArgumentsIsClosedToo() {
    ZstdCodec codec = new ZstdCodec();
    byte[] encoded = new byte[codec.maxCompressedLength(CONTENT.length)];
    int written = codec.compress(CONTENT, 0, CONTENT.length, encoded, 0, 3);
    ZstdDecompressCtx failed = codec.decompressors.borrow();
    codec.decompressors.release(failed);
    byte[] tooShort = new byte[10]; // shorter than the length the caller promises room for
    assertThrowsExactly(IndexOutOfBoundsException.class,
        () -> codec.decompress(encoded, 0, written, tooShort, 0, CONTENT.length));
    assertNotSame(failed, codec.decompressors.borrow());
    assertThrows(IllegalStateException.class, failed::reset, "closed");
  }

  /** Puts one new context in the pool, and returns it. */
  private static ZstdCompressCtx idleCompressor(ZstdCodec codec) {
    ZstdCompressCtx context = codec.compressors.borrow();
    codec.compressors.release(context);
    return context;
  }
}
