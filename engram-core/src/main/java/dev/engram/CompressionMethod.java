package dev.engram;

import java.util.Optional;

/**
 * How an entry's content is encoded in the archive. The numeric {@link #id()} is what the format
 * stores; this enum is the only place that maps ids to methods. Immutable and thread-safe.
 */
public enum CompressionMethod {
  /** Stored as is (id 0). */
  NONE(0),
  /** One raw LZ4 block preceded by its 4-byte little-endian uncompressed length (id 1). */
  LZ4(1),
  /** One Zstandard frame (id 2). */
  ZSTD(2);

  private static final CompressionMethod[] BY_ID = {NONE, LZ4, ZSTD};

  private final int id;

  CompressionMethod(int id) {
    this.id = id;
  }

  /**
   * Returns the id the format stores for this method.
   *
   * @return 0, 1 or 2
   */
  public int id() {
    return id;
  }

  /**
   * Returns the method with the given stored id.
   *
   * @param id the byte stored in a directory or local entry, 0 to 255
   * @return the method, or empty if the id is not one this version knows
   */
  public static Optional<CompressionMethod> fromId(int id) {
    return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[id]) : Optional.empty();
  }
}
