package dev.engram.bench;

import java.nio.file.Path;

/**
 * What one run of the update benchmark does.
 *
 * @param mib the size of the folder, in MiB (exactly)
 * @param files how many files it holds (exactly)
 * @param runs timed rounds per contender (after one warm-up); median and minimum are reported
 * @param dataDir where generated data and archives are kept between runs
 */
record UpdateBenchOptions(int mib, int files, int runs, Path dataDir) {
  static final String USAGE = "usage: UpdateBench [--quick] [--mib MiB] [--files N] [--runs N]"
      + " [--data DIR]";

  /**
   * Parses the command line; {@code --quick} sets {@code --mib 64 --files 1000 --runs 1}, which
   * later options override.
   *
   * @return the options; defaults {@code --mib 1024 --files 10000 --runs 5 --data
   *     engram-bench/target/update-bench-data}
   * @throws IllegalArgumentException on an unknown or malformed argument
   */
  static UpdateBenchOptions parse(String... args) {
    int mib = 1024;
    int files = 10_000;
    int runs = 5;
    Path dataDir = Path.of("engram-bench/target/update-bench-data");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick" -> {
          mib = 64;
          files = 1_000;
          runs = 1;
        }
        case "--mib" -> mib =
            BenchOptions.positive(BenchOptions.value(args, ++i, arg, USAGE), arg, USAGE);
        case "--files" -> files =
            BenchOptions.positive(BenchOptions.value(args, ++i, arg, USAGE), arg, USAGE);
        case "--runs" -> runs =
            BenchOptions.positive(BenchOptions.value(args, ++i, arg, USAGE), arg, USAGE);
        case "--data" -> dataDir = Path.of(BenchOptions.value(args, ++i, arg, USAGE));
        default -> throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
      }
    }
    return new UpdateBenchOptions(mib, files, runs, dataDir);
  }
}
