package dev.engram.bench;

import dev.engram.CompressionMethod;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What one run of the Hadoop benchmark does.
 *
 * @param csvMib the size of the CSV data, in MiB (the Parquet data is made from it)
 * @param runs timed rounds per contender (after one warm-up); the median is reported
 * @param dataDir where generated data and archives are kept between runs (one folder per size)
 * @param groups which groups of rows to run
 * @param csvMethod the method of the CSV archive's entries, or null for the writer's own choice
 *     (Zstandard for {@code .csv})
 */
record HadoopBenchOptions(int csvMib, int runs, Path dataDir, Set<Group> groups,
    CompressionMethod csvMethod) {
  static final String USAGE = "usage: HadoopBench [--csv-mib MiB] [--runs N] [--data DIR]"
      + " [--rows csv,parquet,list] [--csv-method zstd|lz4|none] [--quick]";
  /** The size of {@code --quick}: large enough that one CSV entry is framed. */
  static final int QUICK_MIB = 192;

  /** A group of rows. */
  enum Group {
    /** Spark {@code count()} and group-by on the CSV files. */
    CSV,
    /** The same on the Parquet files. */
    PARQUET,
    /** Listing the 10,000 small files through a new {@code FileSystem} instance. */
    LIST
  }

  /**
   * Parses the command line. {@code --quick} is {@code --csv-mib 192 --runs 1} (options given
   * after it win).
   *
   * @return the options; defaults {@code --csv-mib 1024 --runs 3 --data
   *     engram-bench/target/hadoop-bench-data}, every row, the writer's choice of method
   * @throws IllegalArgumentException on an unknown or malformed argument
   */
  static HadoopBenchOptions parse(String... args) {
    int csvMib = 1024;
    int runs = 3;
    Path dataDir = Path.of("engram-bench/target/hadoop-bench-data");
    Set<Group> groups = EnumSet.allOf(Group.class);
    CompressionMethod csvMethod = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--csv-mib" -> csvMib =
            BenchOptions.positive(BenchOptions.value(args, ++i, arg, USAGE), arg, USAGE);
        case "--runs" -> runs =
            BenchOptions.positive(BenchOptions.value(args, ++i, arg, USAGE), arg, USAGE);
        case "--data" -> dataDir = Path.of(BenchOptions.value(args, ++i, arg, USAGE));
        case "--rows" -> groups = groups(BenchOptions.value(args, ++i, arg, USAGE));
        case "--csv-method" -> csvMethod = method(BenchOptions.value(args, ++i, arg, USAGE));
        case "--quick" -> {
          csvMib = QUICK_MIB;
          runs = 1;
        }
        default -> throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
      }
    }
    if (csvMib < 16) {
      throw new IllegalArgumentException("--csv-mib must be at least 16\n" + USAGE);
    }
    return new HadoopBenchOptions(csvMib, runs, dataDir.toAbsolutePath().normalize(), groups,
        csvMethod);
  }

  private static CompressionMethod method(String name) {
    try {
      return CompressionMethod.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("no method " + name + ": zstd, lz4 or none\n" + USAGE,
          e);
    }
  }

  private static Set<Group> groups(String list) {
    Set<Group> groups = EnumSet.noneOf(Group.class);
    for (String part : list.split(",")) {
      try {
        groups.add(Group.valueOf(part.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("no rows " + part + ": csv, parquet or list\n" + USAGE,
            e);
      }
    }
    return groups;
  }
}
