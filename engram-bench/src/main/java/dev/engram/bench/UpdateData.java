package dev.engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.SplittableRandom;

/**
 * The folder of the update benchmark: {@code files} files of mixed content totalling exactly
 * {@code bytes}. Of the total, about 18% in medium files (1-8 MiB), 6% in one SQLite database
 * and, in every file left but four, small files of 128 B to 256 KiB (log-uniform: most are a few
 * KiB); text, JSON, CSV and random bytes 3:2:2:1. The four large files (text, JSON, CSV, random
 * bytes) take what is left, about 45% at 1 GiB, so engram frames them. One small file, {@link
 * #target(int)}, is exactly 1 KiB of text: the file the benchmark replaces.
 */
final class UpdateData {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  /** The size of the file that is replaced, and of the content that replaces or is added. */
  static final int TARGET_SIZE = 1024;
  /** Files per directory of small files. */
  private static final int PER_DIRECTORY = 100;
  private static final int MIN_SMALL = 128;
  private static final int MAX_SMALL = 256 << 10;
  private static final ContentKind[] MIX = {ContentKind.TEXT, ContentKind.JSON, ContentKind.CSV,
      ContentKind.TEXT, ContentKind.JSON, ContentKind.CSV, ContentKind.TEXT, ContentKind.BINARY};
  private static final ContentKind[] LARGE = {ContentKind.TEXT, ContentKind.JSON,
      ContentKind.CSV, ContentKind.BINARY};
  /** Files that are not small: the database and the large ones. */
  private static final int FIXED_FILES = 1 + LARGE.length;

  private UpdateData() {}

  /** The path (entry name) of the 1 KiB file the benchmark replaces: a small file midway. */
  static String target(int files) {
    return small(files / 2, ContentKind.TEXT);
  }

  /** The original content of {@link #target(int)}. */
  static byte[] targetContent(ContentBlocks content, long seed) {
    return content.bytes(ContentKind.TEXT, TARGET_SIZE, new SplittableRandom(seed + 1));
  }

  /** The content that replaces {@link #target(int)}, or is added: other text of the same size. */
  static byte[] newContent(ContentBlocks content, long seed) {
    return content.bytes(ContentKind.TEXT, TARGET_SIZE, new SplittableRandom(seed + 2));
  }

  /**
   * Writes the folder.
   *
   * @param dir the directory to create
   * @param bytes exactly how much to write
   * @param files exactly how many files
   * @param seed fixes every choice
   * @param content where the bytes come from (made with {@code seed})
   * @throws IllegalArgumentException if the small files, the database and the medium files leave
   *     less than 1 MiB for each large file
   */
  static void generate(Path dir, long bytes, int files, long seed, ContentBlocks content)
      throws IOException, SQLException {
    SplittableRandom random = new SplittableRandom(seed);
    long written = 0;
    int medium = 0;
    while (written < bytes * 18 / 100) {
      ContentKind kind = MIX[medium % MIX.length];
      written += content.write(dir.resolve("medium/m" + medium + kind.extension()), kind,
          MIB + random.nextLong(7 * MIB), random);
      medium++;
    }
    written += SqliteDatabase.create(dir.resolve("db/catalog.db"), bytes * 6 / 100, content,
        random);
    int small = files - medium - FIXED_FILES;
    int target = files / 2;
    if (target >= small) {
      throw new IllegalArgumentException(files + " files are too few for " + bytes + " bytes");
    }
    for (int n = 0; n < small; n++) {
      ContentKind kind = n == target ? ContentKind.TEXT : MIX[n % MIX.length];
      int size = (int) Math.round(MIN_SMALL * Math.pow((double) MAX_SMALL / MIN_SMALL,
          random.nextDouble()));
      Path file = dir.resolve(small(n, kind));
      Files.createDirectories(file.getParent());
      Files.write(file, n == target ? targetContent(content, seed)
          : content.bytes(kind, size, random));
      written += Files.size(file);
    }
    long left = bytes - written;
    if (left < LARGE.length * MIB) {
      throw new IllegalArgumentException(files + " files of this mix leave " + left + " of "
          + bytes + " bytes for the " + LARGE.length + " large files: too many files or too few"
          + " bytes");
    }
    for (int i = 0; i < LARGE.length; i++) {
      long size = i < LARGE.length - 1 ? left / LARGE.length : left - left / LARGE.length * i;
      content.write(dir.resolve("large/large-" + i + LARGE[i].extension()), LARGE[i], size,
          random);
    }
  }

  private static String small(int n, ContentKind kind) {
    return String.format(java.util.Locale.ROOT, "files/d%03d/f%05d%s", n / PER_DIRECTORY, n,
        kind.extension());
  }
}
