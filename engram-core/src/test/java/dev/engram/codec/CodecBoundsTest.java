package dev.engram.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.luben.zstd.Zstd;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

/**
 * The worst-case sizes the codecs compute themselves (so that opening an archive loads no native
 * code) are exactly the libraries' own.
 */
class CodecBoundsTest {
  /** Sizes around every place the formulas change: 0, the 128 KiB block, 255-byte steps, limits. */
  private static List<Integer> sizes() {
    List<Integer> sizes = new ArrayList<>();
    for (int base : new int[] {0, 255, 256, 65_536, 128 * 1024, 1 << 20, 50 << 20,
        Integer.MAX_VALUE / 2, Integer.MAX_VALUE - 100}) {
      for (int delta = -300; delta <= 300; delta++) {
        long size = (long) base + delta;
        if (size >= 0 && size <= Integer.MAX_VALUE - 100) {
          sizes.add((int) size);
        }
      }
    }
    return sizes;
  }

  @Test
  void theZstandardBoundIsTheLibrarys() {
    ZstdCodec codec = new ZstdCodec();
    for (int size : sizes()) {
      long library = Zstd.compressBound(size);
      assertEquals(library > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) library,
          codec.maxCompressedLength(size), "size " + size);
    }
  }

  @Test
  void theLz4BoundIsTheLibrarys() {
    Lz4Codec codec = new Lz4Codec();
    for (int size : sizes()) {
      if (size > 0x7E00_0000) { // LZ4_MAX_INPUT_SIZE: the library refuses larger inputs
        continue;
      }
      assertEquals(4 + LZ4Factory.fastestInstance().fastCompressor().maxCompressedLength(size),
          codec.maxCompressedLength(size), "size " + size);
    }
  }
}
