package dev.engram.sqlite;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.ReaderOptions;
import dev.engram.WriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Side-by-side benchmark: the same database queried as a plain file through sqlite-jdbc, and in
 * place inside LZ4 and Zstandard archives. Not a test; run it with {@code scripts/bench-sqlite}
 * (see docs/BENCHMARKS.md). Prints a Markdown table.
 *
 * <p>Arguments: {@code [directory] [database MiB] [frame cache MiB for warm runs]}.
 */
public final class SqliteBenchmark {
  private static final String POINT = "SELECT title, year FROM books WHERE id = ?";
  private static final String RANGE = "SELECT id, title FROM books WHERE id BETWEEN ? AND ? + 999";
  private static final String AGGREGATE =
      "SELECT count(*), avg(year), sum(length(title)), max(length(body)) FROM books";
  private static final String JOIN = "SELECT a.name, count(*) FROM books b JOIN authors a"
      + " ON a.id = b.author_id WHERE b.id BETWEEN ? AND ? + 9999 GROUP BY a.name";

  private SqliteBenchmark() {}

  /** What is measured on each database. */
  private record Result(String name, double coldMs, long coldFrames, double pointUs,
      double rangeMs, double aggregateMs, double joinMs) {}

  private interface Opener {
    Connection open() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "engram-sqlite/target/bench");
    long mib = args.length > 1 ? Long.parseLong(args[1]) : 1024;
    long cacheMib = args.length > 2 ? Long.parseLong(args[2]) : 2048;
    Files.createDirectories(dir);
    Path database = dir.resolve("bench-" + mib + "MiB.db");
    int rows = (int) (mib * 1024 * 1024 / 1420); // bytes per row, indexes included
    if (!Files.exists(database)) {
      long start = System.nanoTime();
      TestDatabases.library(dir.resolve("partial.db"), rows, 1000);
      Files.move(dir.resolve("partial.db"), database);
      System.err.printf("generated %s (%d rows) in %.1f s%n", database, rows, seconds(start));
    }
    Path lz4 = pack(database, CompressionMethod.LZ4);
    Path zstd = pack(database, CompressionMethod.ZSTD);
    Path lz4Small = pack(database, CompressionMethod.LZ4, 4096);
    Path zstdSmall = pack(database, CompressionMethod.ZSTD, 4096);
    System.err.printf("database %,d bytes; LZ4 archive %,d; Zstandard archive %,d%n",
        Files.size(database), Files.size(lz4), Files.size(zstd));

    List<Result> results = new ArrayList<>();
    // two rounds, the first only warms up the JIT and the OS page cache for every contender
    for (int round = 0; round < 2; round++) {
      results.clear();
      results.add(measure("sqlite-jdbc, plain file", rows,
          () -> DriverManager.getConnection("jdbc:sqlite:" + database), null));
      // the fastest way to read a plain file: no locks, no change checks, as our VFS does
      results.add(measure("sqlite-jdbc, plain file, immutable=1", rows,
          () -> DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath().toUri()
              + "?immutable=1"), null));
      for (Path archive : List.of(lz4, zstd, lz4Small, zstdSmall)) {
        String name = archive == lz4 ? "in archive, LZ4"
            : archive == zstd ? "in archive, Zstandard"
            : archive == lz4Small ? "in archive, LZ4, 4 KiB frames"
            : "in archive, Zstandard, 4 KiB frames";
        ReaderOptions warm = ReaderOptions.builder().frameCacheSize(cacheMib << 20).build();
        try (VfsReader reader = VfsReader.open(archive, warm)) {
          results.add(measure(name, rows, () -> reader.openDatabase("bench.db"), archive));
        }
      }
    }
    // the price of frames: random point lookups whose leaf pages miss the frame cache, with the
    // base format's 64 KiB frames and with explicit frame sizes
    List<String> missLines = new ArrayList<>();
    for (int frameSize : new int[] {65536, 16384, 4096}) {
      for (CompressionMethod method : List.of(CompressionMethod.LZ4, CompressionMethod.ZSTD)) {
        Path archive = frameSize == 65536 ? (method == CompressionMethod.LZ4 ? lz4 : zstd)
            : pack(database, method, frameSize);
        measureMisses(archive, method, frameSize, rows, missLines);
      }
    }

    System.out.printf(Locale.ROOT, "%n%d MiB database, %,d rows; warm runs with a %d MiB frame"
        + " cache; medians%n%n", mib, rows, cacheMib);
    System.out.println("| | cold open + first row | frames decoded | point lookup"
        + " | range, 1,000 rows | full-table aggregate | join, 10,000 rows |");
    System.out.println("|---|---|---|---|---|---|---|");
    Result base = results.get(0);
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %.1f ms | %s | %.2f us%s | %.2f ms%s | %.0f ms%s"
          + " | %.2f ms%s |%n", r.name(), r.coldMs(),
          r.coldFrames() < 0 ? "-" : Long.toString(r.coldFrames()),
          r.pointUs(), ratio(r.pointUs(), base.pointUs(), r == base),
          r.rangeMs(), ratio(r.rangeMs(), base.rangeMs(), r == base),
          r.aggregateMs(), ratio(r.aggregateMs(), base.aggregateMs(), r == base),
          r.joinMs(), ratio(r.joinMs(), base.joinMs(), r == base));
    }
    System.out.printf(Locale.ROOT, "%nRandom point lookups with a small frame cache (plain file,"
        + " immutable=1: %.2f us); medians%n%n", results.get(1).pointUs());
    System.out.println("| codec | frame size | archive bytes | frame cache | point lookup"
        + " | frames decoded per lookup |");
    System.out.println("|---|---|---|---|---|---|");
    missLines.forEach(System.out::println);
  }

  private static Result measure(String name, int rows, Opener opener, Path archive)
      throws Exception {
    // cold: a fresh reader (empty frame cache) and a fresh connection, to the first row
    double[] cold = new double[7];
    long frames = -1;
    for (int i = 0; i < cold.length; i++) {
      long start = System.nanoTime();
      if (archive == null) {
        try (Connection db = opener.open()) {
          pointLookup(db, rows / 2 + i);
        }
      } else {
        try (VfsReader fresh = VfsReader.open(archive); Connection db = fresh.openDatabase(
            "bench.db")) {
          pointLookup(db, rows / 2 + i);
          frames = fresh.archive().frameCacheStatistics().misses();
        }
      }
      cold[i] = (System.nanoTime() - start) / 1e6;
    }
    try (Connection db = opener.open()) {
      SplittableRandom random = new SplittableRandom(42);
      try (PreparedStatement point = db.prepareStatement(POINT);
          PreparedStatement range = db.prepareStatement(RANGE);
          PreparedStatement join = db.prepareStatement(JOIN);
          PreparedStatement aggregate = db.prepareStatement(AGGREGATE)) {
        // warm-up: every page once, so both sides serve from memory
        run(aggregate);
        run(aggregate);
        double pointUs = median(9, () -> {
          long start = System.nanoTime();
          for (int i = 0; i < 20_000; i++) {
            point.setInt(1, random.nextInt(rows));
            run(point);
          }
          return (System.nanoTime() - start) / 20_000 / 1e3;
        });
        double rangeMs = median(9, () -> {
          long start = System.nanoTime();
          for (int i = 0; i < 100; i++) {
            int from = random.nextInt(rows - 1000);
            range.setInt(1, from);
            range.setInt(2, from);
            run(range);
          }
          return (System.nanoTime() - start) / 100 / 1e6;
        });
        double joinMs = median(9, () -> {
          long start = System.nanoTime();
          for (int i = 0; i < 10; i++) {
            int from = random.nextInt(rows - 10_000);
            join.setInt(1, from);
            join.setInt(2, from);
            run(join);
          }
          return (System.nanoTime() - start) / 10 / 1e6;
        });
        double aggregateMs = median(5, () -> {
          long start = System.nanoTime();
          run(aggregate);
          return (System.nanoTime() - start) / 1e6;
        });
        System.err.printf("measured %s%n", name);
        return new Result(name, median(cold), frames, pointUs, rangeMs, aggregateMs, joinMs);
      }
    }
  }

  /** Random point lookups through a frame cache of 0 and of the default 64 MiB. */
  private static void measureMisses(Path archive, CompressionMethod method, int frameSize,
      int rows, List<String> lines) throws Exception {
    for (long cache : new long[] {0, ReaderOptions.DEFAULT_FRAME_CACHE_SIZE}) {
      ReaderOptions options = ReaderOptions.builder().frameCacheSize(cache).build();
      try (VfsReader reader = VfsReader.open(archive, options);
          Connection db = reader.openDatabase("bench.db");
          PreparedStatement point = db.prepareStatement(POINT)) {
        SplittableRandom random = new SplittableRandom(7);
        int lookups = 5_000;
        double[] us = new double[5];
        long framesBefore = 0;
        for (int round = 0; round < us.length; round++) {
          framesBefore = reader.archive().frameCacheStatistics().misses();
          long start = System.nanoTime();
          for (int i = 0; i < lookups; i++) {
            point.setInt(1, random.nextInt(rows));
            run(point);
          }
          us[round] = (System.nanoTime() - start) / (double) lookups / 1e3;
        }
        double framesPerLookup = (reader.archive().frameCacheStatistics().misses() - framesBefore)
            / (double) lookups;
        lines.add(String.format(Locale.ROOT, "| %s | %d KiB | %,d | %d MiB | %.1f us | %.2f |",
            method == CompressionMethod.LZ4 ? "LZ4" : "Zstandard", frameSize / 1024,
            Files.size(archive), cache >> 20, median(us), framesPerLookup));
      }
    }
    System.err.printf("measured misses, %s, %d KiB frames%n", method, frameSize / 1024);
  }

  private interface Sample {
    double take() throws SQLException;
  }

  private static double median(int n, Sample sample) throws SQLException {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = sample.take();
    }
    return median(values);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void pointLookup(Connection db, int id) throws SQLException {
    try (PreparedStatement point = db.prepareStatement(POINT)) {
      point.setInt(1, id);
      if (run(point) != 1) {
        throw new IllegalStateException("row " + id + " not found");
      }
    }
  }

  /** Runs a query and reads every column of every row; returns the row count. */
  private static int run(PreparedStatement query) throws SQLException {
    int rows = 0;
    try (ResultSet result = query.executeQuery()) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        for (int c = 1; c <= columns; c++) {
          result.getObject(c);
        }
        rows++;
      }
    }
    return rows;
  }

  private static String ratio(double value, double base, boolean isBase) {
    return isBase ? "" : String.format(Locale.ROOT, " (%.2fx)", value / base);
  }

  private static Path pack(Path database, CompressionMethod method) throws Exception {
    return pack(database, method, 0);
  }

  /** Packs the database once; {@code frameSize} 0 for the base format's frames. */
  private static Path pack(Path database, CompressionMethod method, int frameSize)
      throws Exception {
    Path archive = database.resolveSibling(database.getFileName() + "." + method
        + (frameSize == 0 ? "" : "." + frameSize / 1024 + "k") + ".eng");
    if (!Files.exists(archive)) {
      long start = System.nanoTime();
      Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
      try (ArchiveWriter writer = ArchiveWriter.create(partial,
          WriterOptions.builder().databaseFrameSize(frameSize).build())) {
        writer.addFile("bench.db", database, method);
        writer.finish();
      }
      Files.move(partial, archive);
      System.err.printf("packed %s in %.1f s%n", archive, seconds(start));
    }
    return archive;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
