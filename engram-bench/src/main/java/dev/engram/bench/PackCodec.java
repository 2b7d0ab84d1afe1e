package dev.engram.bench;

import dev.engram.CompressionMethod;

/** The compression settings the benchmark packs with: a method and, for Zstandard, a level. */
enum PackCodec {
  ZSTD_3("zstd-3", CompressionMethod.ZSTD, 3),
  ZSTD_6("zstd-6", CompressionMethod.ZSTD, 6),
  LZ4("lz4", CompressionMethod.LZ4, 0);

  private final String label;
  private final CompressionMethod method;
  private final int zstdLevel;

  PackCodec(String label, CompressionMethod method, int zstdLevel) {
    this.label = label;
    this.method = method;
    this.zstdLevel = zstdLevel;
  }

  String label() {
    return label;
  }

  CompressionMethod method() {
    return method;
  }

  /** The Zstandard level; unused by LZ4, which has none. */
  int zstdLevel() {
    return zstdLevel;
  }
}
