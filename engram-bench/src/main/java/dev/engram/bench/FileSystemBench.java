package dev.engram.bench;

import dev.engram.ArchiveReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmark of issue 16, run by {@code scripts/bench-fs}: an engram archive through our
 * {@code java.nio} file system ({@code engram:}) against the same files in a ZIP through the
 * JDK's zip file system ({@code jdk.zipfs}), and against the plain {@link ArchiveReader} API doing
 * the same work. Prints one Markdown table; progress goes to standard error, the table to
 * standard output.
 *
 * <p>Rows, for each small-file archive ({@code --small}, 10,000 and 100,000 entries by default):
 * open (and close), open + walk everything, read every file, 100,000 random file reads; then
 * 10,000 random 4 KiB channel reads in one large framed entry ({@code --large-mib}). Each
 * contender is warmed up (its work repeated for 2 s; opens at least 10 times, other work at least
 * once), then timed in interleaved rounds ({@link Rounds}); every run returns a {@link
 * Fingerprint} of what it read, and all contenders' must agree.
 */
public final class FileSystemBench {
  private static final String ZIPFS = "zipfs";
  private static final String ENGRAM_FS = "engram fs";
  private static final String READER = "ArchiveReader";
  private static final int RANDOM_READS = 100_000;
  private static final int CHANNEL_READS = 10_000;
  /** Opens are short: time this many times more rounds of them than of the other rows. */
  private static final int OPEN_ROUNDS = 10;
  private static final double READER_TARGET = 1.20;
  /** Each contender's warm-up repeats its work for at least this long (the JIT needs it). */
  private static final long WARM_UP_NANOS = 2_000_000_000L;

  /** A row's work for one contender, returning what it read (or null when nothing is read). */
  @FunctionalInterface
  private interface Work {
    Fingerprint run(int contender) throws Exception;
  }

  /** Median seconds per contender, and the fingerprint they all agreed on (or null). */
  private record Measured(Map<String, Double> seconds, Fingerprint seen) {}

  private final FsBenchOptions options;
  private final SideBySideTable table = new SideBySideTable("row", "entries",
      "work (the same for all)", ZIPFS, ENGRAM_FS, READER, "engram fs / zipfs",
      "engram fs / ArchiveReader", "targets", "result");

  private FileSystemBench(FsBenchOptions options) {
    this.options = options;
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code [--small N,N...] [--large-mib MiB] [--runs N] [--data DIR]}
   * @throws Exception if generating data or a measurement fails
   */
  public static void main(String[] args) throws Exception {
    FsBenchOptions options;
    try {
      options = FsBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    FileSystemBench bench = new FileSystemBench(options);
    bench.run();
    Runtime runtime = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "%s: small files %s, large entry %,d MiB, median of %d runs"
            + " (opens: %d) after a warm-up; %d cores, Java %s, heap %d MiB%n%n",
        ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE), options.small(),
        options.largeMib(), options.runs(), OPEN_ROUNDS * options.runs(),
        runtime.availableProcessors(), Runtime.version(), runtime.maxMemory() >> 20);
    bench.table.print(System.out);
  }

  private void run() throws Exception {
    BenchData data = new BenchData(options.dataDir(), options.largeMib());
    for (int count : options.small()) { // all data first, so that no row waits for it
      data.smallArchive(data.treeFiles(count));
      data.smallZip(data.treeFiles(count));
    }
    Path largeArchive = data.largeArchive();
    Path largeZip = data.largeZip();
    for (int count : options.small()) {
      SmallFiles files = data.treeFiles(count);
      smallRows(files, data.smallZip(files), data.smallArchive(files));
    }
    channelRow(largeZip, largeArchive);
  }

  private static List<FsContender> contenders(Path zip, Path archive) {
    return List.of(new FsContender.Nio(ZIPFS, zip), new FsContender.Nio(ENGRAM_FS, archive),
        new FsContender.Reader(READER, archive));
  }

  private void smallRows(SmallFiles files, Path zip, Path archive) throws Exception {
    List<FsContender> contenders = contenders(zip, archive);
    String entries = String.format(Locale.ROOT, "%,d", files.count());
    System.err.println(entries + " entries: open");
    Measured open = measure(OPEN_ROUNDS * options.runs(), OPEN_ROUNDS, contenders, c -> {
      contenders.get(c).open().close();
      return null;
    });
    line("open", entries, String.format(Locale.ROOT, "archives: ZIP %,.1f MB, engram %,.1f MB",
        Files.size(zip) / 1e6, Files.size(archive) / 1e6), open, 1.0, 1);

    System.err.println(entries + " entries: open, engram's provider asked first");
    List<FsContender> first = List.of(contenders.get(0),
        new FsContender.Nio(ENGRAM_FS, archive, "engram", true), contenders.get(2));
    Measured openFirst = measure(OPEN_ROUNDS * options.runs(), OPEN_ROUNDS, first, c -> {
      first.get(c).open().close();
      return null;
    });
    line("open, engram's provider asked first (as on the module path)", entries,
        "the same archives", openFirst, 1.0, 1);

    System.err.println(entries + " entries: open + walk");
    Measured walk = measure(OPEN_ROUNDS * options.runs(), OPEN_ROUNDS, contenders, c -> {
      try (FsContender.Session session = contenders.get(c).open()) {
        return session.walk();
      }
    });
    line("open + walk", entries, String.format(Locale.ROOT, "%,d paths",
        walk.seen().count()), walk, files.count() >= 100_000 ? 0.5 : 1.0, 1);

    List<String> names = files.names();
    List<String[]> paths = new ArrayList<>();
    for (FsContender contender : contenders) {
      paths.add(contender.paths(names));
    }
    List<String[]> picks = randomPicks(paths);
    List<FsContender.Session> sessions = open(contenders);
    try {
      System.err.println(entries + " entries: read every file");
      Measured all = measure(options.runs(), contenders,
          c -> sessions.get(c).read(paths.get(c)));
      line("read every file", entries, reads(all.seen()), all, 1.0, 1);
      System.err.println(entries + " entries: random reads");
      Measured random = measure(options.runs(), contenders,
          c -> sessions.get(c).read(picks.get(c)));
      line(String.format(Locale.ROOT, "%,d random file reads", RANDOM_READS), entries,
          reads(random.seen()), random, 1.0, RANDOM_READS);
    } finally {
      close(sessions);
    }
  }

  /** The same {@link #RANDOM_READS} random picks for every contender, each in its own form. */
  private static List<String[]> randomPicks(List<String[]> paths) {
    int count = paths.get(0).length;
    SplittableRandom random = new SplittableRandom(7);
    int[] indexes = new int[RANDOM_READS];
    for (int i = 0; i < RANDOM_READS; i++) {
      indexes[i] = random.nextInt(count);
    }
    List<String[]> picks = new ArrayList<>();
    for (String[] own : paths) {
      String[] picked = new String[RANDOM_READS];
      for (int i = 0; i < RANDOM_READS; i++) {
        picked[i] = own[indexes[i]];
      }
      picks.add(picked);
    }
    return picks;
  }

  private void channelRow(Path zip, Path archive) throws Exception {
    List<FsContender> contenders = contenders(zip, archive);
    long size;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      size = reader.entry(BenchData.LARGE_ENTRY).orElseThrow().uncompressedSize();
    }
    SplittableRandom random = new SplittableRandom(11);
    long[] positions = new long[CHANNEL_READS];
    for (int i = 0; i < CHANNEL_READS; i++) {
      positions[i] = random.nextLong(size - FsContender.CHANNEL_READ);
    }
    String entries = String.format(Locale.ROOT, "1 of %,d MiB", size >> 20);
    List<FsContender.Session> sessions = open(contenders);
    try {
      System.err.println("large entry: random channel reads");
      Measured reads = measure(options.runs(), contenders, c -> sessions.get(c).channelReads(
          contenders.get(c).paths(List.of(BenchData.LARGE_ENTRY))[0], positions));
      StringBuilder work = new StringBuilder(reads(reads.seen())).append("; opening the channel"
          + " (last round):");
      for (int c = 0; c < contenders.size(); c++) {
        work.append(c == 0 ? " " : ", ").append(contenders.get(c).name()).append(' ')
            .append(ResultTable.millis(sessions.get(c).lastChannelOpenSeconds()));
      }
      line(String.format(Locale.ROOT, "%,d random 4 KiB channel reads", CHANNEL_READS), entries,
          work.toString(), reads, 1.0, CHANNEL_READS);
    } finally {
      close(sessions);
    }
  }

  private static String reads(Fingerprint seen) {
    return String.format(Locale.ROOT, "%,d reads, %,.1f MB", seen.count(), seen.bytes() / 1e6);
  }

  /**
   * Times each contender's work in interleaved rounds, after a warm-up (the work repeated for
   * {@link #WARM_UP_NANOS}, at least once), and checks that every run of every contender saw the
   * same thing.
   */
  private static Measured measure(int rounds, List<FsContender> contenders, Work work)
      throws Exception {
    return measure(rounds, 1, contenders, work);
  }

  /** As {@link #measure(int, List, Work)}, with at least {@code warmUps} runs to warm up. */
  private static Measured measure(int rounds, int warmUps, List<FsContender> contenders,
      Work work) throws Exception {
    Fingerprint[] agreed = new Fingerprint[1];
    Rounds timed = new Rounds(rounds);
    for (int c = 0; c < contenders.size(); c++) {
      int contender = c;
      String name = contenders.get(c).name();
      Rounds.Task checked = () -> {
        Fingerprint seen = work.run(contender);
        if (seen != null && agreed[0] == null) {
          agreed[0] = seen;
          System.err.println("  " + name + " saw " + seen);
        } else if (seen != null && !seen.equals(agreed[0])) {
          throw new IllegalStateException(name + " saw " + seen + ", not " + agreed[0]);
        }
      };
      timed.add(name, () -> {
        long until = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < warmUps || System.nanoTime() < until; i++) {
          checked.run();
        }
      }, checked);
    }
    return new Measured(timed.medianSeconds(), agreed[0]);
  }

  /**
   * Adds a row's line: each contender's median (and per operation when {@code operations} is
   * more than one), the ratios, and the targets: engram fs at most {@code zipTarget} times
   * zipfs's time and {@link #READER_TARGET} times ArchiveReader's.
   */
  private void line(String row, String entries, String work, Measured measured,
      double zipTarget, int operations) {
    double zip = measured.seconds().get(ZIPFS);
    double engram = measured.seconds().get(ENGRAM_FS);
    double reader = measured.seconds().get(READER);
    table.add(row, entries, work, time(zip, operations), time(engram, operations),
        time(reader, operations), ResultTable.ratio(engram / zip),
        ResultTable.ratio(engram / reader),
        "<= " + ResultTable.ratio(zipTarget) + " zipfs, <= " + ResultTable.ratio(READER_TARGET)
            + " reader",
        SideBySideTable.result(engram <= zipTarget * zip) + ", "
            + SideBySideTable.result(engram <= READER_TARGET * reader));
  }

  private static String time(double seconds, int operations) {
    String total = ResultTable.millis(seconds);
    return operations == 1 ? total : total + " (" + ResultTable.micros(seconds / operations)
        + " each)";
  }

  private static List<FsContender.Session> open(List<FsContender> contenders)
      throws IOException {
    List<FsContender.Session> sessions = new ArrayList<>();
    try {
      for (FsContender contender : contenders) {
        sessions.add(contender.open());
      }
    } catch (IOException | RuntimeException e) {
      close(sessions);
      throw e;
    }
    return sessions;
  }

  private static void close(List<FsContender.Session> sessions) throws IOException {
    for (FsContender.Session session : sessions) {
      session.close();
    }
  }
}
