package dev.engram.codec;

import dev.engram.CompressionMethod;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the codec of a method, and makes the automatic method choice engram-rs makes. Stateless
 * and thread-safe; the codecs it returns are shared.
 */
public final class Codecs {
  /** Fastest Zstandard level accepted (negative levels trade ratio for speed). */
  public static final int ZSTD_MIN_LEVEL = -7;
  /** Strongest Zstandard level. */
  public static final int ZSTD_MAX_LEVEL = 22;
  /** With the automatic choice, content smaller than this is stored uncompressed. */
  public static final int MIN_AUTO_COMPRESS_SIZE = 4096;

  private static final Codec STORED = new StoredCodec();
  private static final Codec LZ4 = new Lz4Codec();
  private static final Codec ZSTD = new ZstdCodec();

  private static final Set<String> ALREADY_COMPRESSED =
      Set.of("jpg", "jpeg", "png", "gif", "webp", "mp3", "mp4", "zip", "gz", "bz2");
  private static final Set<String> TEXT_AND_DATABASES = Set.of("json", "txt", "xml", "html", "css",
      "js", "ts", "md", "csv", "db", "sqlite", "sqlite3");

  private Codecs() {}

  /**
   * Returns the codec of a method.
   *
   * @param method the method
   * @return its codec, shared and thread-safe
   */
  public static Codec of(CompressionMethod method) {
    switch (method) {
      case NONE:
        return STORED;
      case LZ4:
        return LZ4;
      case ZSTD:
        return ZSTD;
      default:
        throw new AssertionError(method);
    }
  }

  /**
   * Chooses a method as engram-rs does: content under 4096 bytes is stored; otherwise by the
   * case-insensitive "extension", which is whatever follows the last {@code .} of the whole path
   * (the whole path when it has none): already-compressed media and archives are stored, text and
   * databases get Zstandard, everything else LZ4.
   *
   * @param path the entry path
   * @param size the content size
   * @return the method to try
   */
  public static CompressionMethod automatic(String path, long size) {
    if (size < MIN_AUTO_COMPRESS_SIZE) {
      return CompressionMethod.NONE;
    }
    String extension = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    if (ALREADY_COMPRESSED.contains(extension)) {
      return CompressionMethod.NONE;
    }
    return TEXT_AND_DATABASES.contains(extension) ? CompressionMethod.ZSTD : CompressionMethod.LZ4;
  }
}
