package dev.engram.bench;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engram benchmark (issue 8), run by {@code scripts/bench}: packs, reads and randomly
 * accesses generated data with engram, ZIP and the raw codecs side by side, and prints one
 * Markdown table. Progress goes to standard error, the table to standard output.
 *
 * <p>Arguments: {@code [MiB] [--rows 1,2,3,4,5] [--runs N] [--data DIR]} (see {@link
 * BenchOptions}). A plain harness rather than JMH: the cases are single operations over a GiB of
 * shared generated data, with counters of their own (sizes, frames decoded, retained heap).
 */
public final class Bench {
  private Bench() {}

  /**
   * Runs the benchmark.
   *
   * @param args the command line
   * @throws Exception if generating data or a measurement fails
   */
  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    BenchData data = new BenchData(options.dataDir(), options.mib());
    Map<Integer, BenchRow> rows = new LinkedHashMap<>();
    rows.put(1, new PackRow(data, options.runs(), options.packDir()));
    rows.put(2, new ReadBackRow(data, options.runs()));
    rows.put(3, new SmallFilesRow(data, options.runs()));
    rows.put(4, new FramedReadRow(data, options.runs()));
    rows.put(5, new ThreadsRow(data, options.runs()));
    ResultTable table = new ResultTable();
    for (int row : options.rows()) {
      rows.get(row).run(table);
    }
    Runtime runtime = Runtime.getRuntime();
    System.out.printf("%s: %d MiB of data, rows %s, median of %d runs after a warm-up;"
            + " %d cores, Java %s, heap %d MiB%s%n%n",
        ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE), options.mib(),
        options.rows(), options.runs(), runtime.availableProcessors(),
        Runtime.version(), runtime.maxMemory() >> 20,
        options.rows().contains(1) ? "; row 1 packs into " + options.packDir() : "");
    table.print(System.out);
  }
}
