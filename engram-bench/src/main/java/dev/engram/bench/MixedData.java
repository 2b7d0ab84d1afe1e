package dev.engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.SplittableRandom;

/**
 * Generates the mixed data set of rows 1 and 2: of the total, 20% in small files (1-64 KiB), 20%
 * in medium ones (1-8 MiB), both text, JSON and random binary (2:2:1); 15% in one SQLite
 * database; and 45% in three large files (text, JSON, random binary) that engram frames once they
 * reach 50 MiB.
 */
final class MixedData {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  /** Files per directory of small files. */
  private static final int PER_DIRECTORY = 500;
  /** Text, JSON and binary in the proportions 2:2:1. */
  private static final ContentKind[] MIX = {ContentKind.TEXT, ContentKind.JSON,
      ContentKind.TEXT, ContentKind.JSON, ContentKind.BINARY};

  private MixedData() {}

  /**
   * Writes about {@code bytes} of mixed data into a new directory.
   *
   * @param dir the directory to create
   * @param bytes about how much to write
   * @param seed fixes every choice
   */
  static void generate(Path dir, long bytes, long seed) throws IOException, SQLException {
    SplittableRandom random = new SplittableRandom(seed);
    ContentBlocks content = new ContentBlocks(seed);
    long written = 0;
    int n = 0;
    while (written < bytes / 5) {
      ContentKind kind = MIX[n % MIX.length];
      Path file = dir.resolve("small/" + n / PER_DIRECTORY + "/f" + n + kind.extension());
      written += content.write(file, kind, KIB + random.nextLong(63 * KIB), random);
      n++;
    }
    while (written < bytes * 2 / 5) {
      ContentKind kind = MIX[n % MIX.length];
      Path file = dir.resolve("medium/m" + n + kind.extension());
      written += content.write(file, kind, MIB + random.nextLong(7 * MIB), random);
      n++;
    }
    written += SqliteDatabase.create(dir.resolve("db/catalog.db"), bytes * 3 / 20, content,
        random);
    long large = Math.max(0, bytes - written) / 3;
    content.write(dir.resolve("large/text.txt"), ContentKind.TEXT, large, random);
    content.write(dir.resolve("large/records.json"), ContentKind.JSON, large, random);
    content.write(dir.resolve("large/random.bin"), ContentKind.BINARY, large, random);
  }
}
