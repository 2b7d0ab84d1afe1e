package dev.engram.bench;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one benchmark run does: how much data, which rows, how many timed rounds.
 *
 * @param mib size of the mixed data set (row 1, 2) and of the large framed entry (rows 4, 5)
 * @param rows the rows to run, 1 to 5
 * @param runs timed rounds per contender (after one warm-up); the median is reported
 * @param dataDir where generated data and archives are kept between runs
 * @param packDir where row 1 writes the archives it packs (by default {@code dataDir}); for
 *     example {@code /dev/shm}, memory, to leave the disk's write-back out of the comparison
 */
public record BenchOptions(int mib, Set<Integer> rows, int runs, Path dataDir, Path packDir) {
  /** Rows 1 to 5 of the issue, all run by default. */
  static final Set<Integer> ALL_ROWS = Set.of(1, 2, 3, 4, 5);

  static final String USAGE =
      "usage: Bench [MiB] [--rows 1,2,3,4,5] [--runs N] [--data DIR] [--pack-to DIR]";

  /**
   * Parses the command line: {@code [MiB] [--rows LIST] [--runs N] [--data DIR] [--pack-to
   * DIR]}.
   *
   * @param args the arguments
   * @return the options; defaults 1024 MiB, every row, 3 runs, {@code engram-bench/target/bench-data}
   * @throws IllegalArgumentException on an unknown or malformed argument
   */
  public static BenchOptions parse(String... args) {
    int mib = 1024;
    Set<Integer> rows = new TreeSet<>(ALL_ROWS);
    int runs = 3;
    Path dataDir = Path.of("engram-bench/target/bench-data");
    Path packDir = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--rows" -> rows = parseRows(value(args, ++i, arg, USAGE));
        case "--runs" -> runs = positive(value(args, ++i, arg, USAGE), arg, USAGE);
        case "--data" -> dataDir = Path.of(value(args, ++i, arg, USAGE));
        case "--pack-to" -> packDir = Path.of(value(args, ++i, arg, USAGE));
        default -> {
          if (arg.startsWith("-")) {
            throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
          }
          mib = positive(arg, "MiB", USAGE);
        }
      }
    }
    return new BenchOptions(mib, rows, runs, dataDir, packDir != null ? packDir : dataDir);
  }

  /** The value after an option, or an error naming the option and showing {@code usage}. */
  static String value(String[] args, int i, String option, String usage) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + usage);
    }
    return args[i];
  }

  private static Set<Integer> parseRows(String list) {
    Set<Integer> rows = new TreeSet<>();
    for (String part : list.split(",")) {
      int row = positive(part.trim(), "--rows", USAGE);
      if (!ALL_ROWS.contains(row)) {
        throw new IllegalArgumentException("no row " + row + ": rows are 1 to 5");
      }
      rows.add(row);
    }
    return rows;
  }

  /** Parses a positive integer, or fails naming {@code what} and showing {@code usage}. */
  static int positive(String text, String what, String usage) {
    try {
      int n = Integer.parseInt(text);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        what + " must be a positive integer: " + text + "\n" + usage);
  }
}
