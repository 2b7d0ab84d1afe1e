package dev.engram.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one run of the file-system benchmark does.
 *
 * @param small the entry counts of the small-file archives, ascending
 * @param largeMib the size of the large framed entry, in MiB
 * @param runs timed rounds per contender (after one warm-up); the median is reported
 * @param dataDir where generated data and archives are kept between runs
 */
record FsBenchOptions(List<Integer> small, int largeMib, int runs, Path dataDir) {
  /**
   * The largest entry the zip file system can open a channel on: it inflates the whole entry into
   * one array.
   */
  static final int MAX_LARGE_MIB = 1536;

  static final String USAGE = "usage: FileSystemBench [--small N,N...] [--large-mib MiB]"
      + " [--runs N] [--data DIR]";

  /**
   * Parses the command line.
   *
   * @return the options; defaults {@code --small 10000,100000 --large-mib 1024 --runs 3 --data
   *     engram-bench/target/fs-bench-data}
   * @throws IllegalArgumentException on an unknown or malformed argument
   */
  static FsBenchOptions parse(String... args) {
    List<Integer> small = List.of(10_000, 100_000);
    int largeMib = 1024;
    int runs = 3;
    Path dataDir = Path.of("engram-bench/target/fs-bench-data");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--small" -> small = counts(BenchOptions.value(args, ++i, arg, USAGE));
        case "--large-mib" -> largeMib =
            BenchOptions.positive(BenchOptions.value(args, ++i, arg, USAGE), arg, USAGE);
        case "--runs" -> runs =
            BenchOptions.positive(BenchOptions.value(args, ++i, arg, USAGE), arg, USAGE);
        case "--data" -> dataDir = Path.of(BenchOptions.value(args, ++i, arg, USAGE));
        default -> throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
      }
    }
    if (largeMib > MAX_LARGE_MIB) {
      throw new IllegalArgumentException("--large-mib at most " + MAX_LARGE_MIB + ": the zip file"
          + " system reads the whole entry into one array when it opens a channel");
    }
    return new FsBenchOptions(small, largeMib, runs, dataDir);
  }

  private static List<Integer> counts(String list) {
    Set<Integer> counts = new TreeSet<>();
    for (String part : list.split(",")) {
      counts.add(BenchOptions.positive(part.trim(), "--small", USAGE));
    }
    return List.copyOf(counts);
  }
}
