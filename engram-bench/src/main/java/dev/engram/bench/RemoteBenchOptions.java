package dev.engram.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one run of the remote benchmark does.
 *
 * @param largeMib the size of the large framed entry and of the database, in MiB
 * @param delaysMillis the round trips the server adds to every request, ascending
 * @param runs timed rounds per contender (after one warm-up); the median is reported
 * @param dataDir where generated data and archives are kept between runs
 * @param trace whether every request is shown on standard error (its range and body bytes)
 */
record RemoteBenchOptions(int largeMib, List<Integer> delaysMillis, int runs, Path dataDir,
    boolean trace) {
  static final String USAGE = "usage: RemoteBench [--large-mib MiB] [--delay-ms N,N...]"
      + " [--runs N] [--data DIR] [--quick] [--trace]";
  /** The sizes of {@code --quick}, a check that everything works: seconds, not minutes. */
  static final int QUICK_MIB = 64;

  /**
   * Parses the command line. {@code --quick} is {@code --large-mib 64 --runs 1} (options given
   * after it win).
   *
   * @return the options; defaults {@code --large-mib 1024 --delay-ms 0,20 --runs 3 --data
   *     engram-bench/target/remote-bench-data}, no trace
   * @throws IllegalArgumentException on an unknown or malformed argument
   */
  static RemoteBenchOptions parse(String... args) {
    int largeMib = 1024;
    List<Integer> delays = List.of(0, 20);
    int runs = 3;
    Path dataDir = Path.of("engram-bench/target/remote-bench-data");
    boolean trace = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--large-mib" -> largeMib =
            BenchOptions.positive(BenchOptions.value(args, ++i, arg, USAGE), arg, USAGE);
        case "--delay-ms" -> delays = delays(BenchOptions.value(args, ++i, arg, USAGE));
        case "--runs" -> runs =
            BenchOptions.positive(BenchOptions.value(args, ++i, arg, USAGE), arg, USAGE);
        case "--data" -> dataDir = Path.of(BenchOptions.value(args, ++i, arg, USAGE));
        case "--trace" -> trace = true;
        case "--quick" -> {
          largeMib = QUICK_MIB;
          runs = 1;
        }
        default -> throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
      }
    }
    return new RemoteBenchOptions(largeMib, delays, runs, dataDir, trace);
  }

  private static List<Integer> delays(String list) {
    Set<Integer> delays = new TreeSet<>();
    for (String part : list.split(",")) {
      String delay = part.trim();
      delays.add(delay.equals("0") ? 0 : BenchOptions.positive(delay, "--delay-ms", USAGE));
    }
    return List.copyOf(delays);
  }
}
