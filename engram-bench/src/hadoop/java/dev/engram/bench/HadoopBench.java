package dev.engram.bench;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.util.VersionInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark of issue 18, run by {@code scripts/bench-hadoop}: files inside engram archives
 * read through Hadoop's {@code FileSystem} API ({@code engram://} URIs, engram-hadoop found by
 * Hadoop's service loader, no configuration) against the same files extracted on the local disk
 * ({@code file://}) and against a HAR archive of them ({@code har://}) built by Hadoop's own
 * {@code HadoopArchives} ({@link HarBuilder}). Prints one Markdown table; progress goes to
 * standard error, the table to standard output.
 *
 * <p>Rows: Spark ({@code local[2]}, one session for the run, bound to 127.0.0.1) {@code count()}
 * and a group-by ({@code category}: rows, sum of {@code qty}, sum of {@code price}) over about 1
 * GiB of CSV in ten files and over the same rows as Parquet; then listing a folder of 10,000
 * small files through a new {@code FileSystem} instance per run ({@code FileSystem.newInstance},
 * closed after), so that each run opens the archive or reads HAR's index: {@code listStatus},
 * a recursive {@code listFiles}, {@code globStatus}. HarFileSystem keeps parsed indexes in a
 * static cache checked by the index files' modification times; the listing rows' {@code har://}
 * runs bump those times first (untimed) so that each reads the index as a first open does, and
 * the same work with the index cached is measured beside them.
 *
 * <p>Each contender is warmed up once, then timed in interleaved rounds (a full GC, untimed,
 * before each run); the table shows medians. Every run's answer (counts, the group-by's rows,
 * the names and sizes listed) must agree across contenders, with the row count generated, and
 * between CSV and Parquet; the run fails loudly if not.
 */
public final class HadoopBench {
  /** The target for the Spark rows: engram's time at most this times the extracted's. */
  private static final double EXTRACTED_RATIO_TARGET = 1.3;
  /** Relative difference allowed between sums of doubles added in another order. */
  private static final double SUM_TOLERANCE = 1e-9;
  private static final OperatingSystemMXBean CPU =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("qty", DataTypes.IntegerType, false)
      .add("category", DataTypes.StringType, false)
      .add("price", DataTypes.DoubleType, false)
      .add("note", DataTypes.StringType, false);

  /** Where the files are read from. */
  private enum Contender {
    EXTRACTED("extracted (file://)"),
    ENGRAM("engram://"),
    HAR("har://"),
    /** Listing rows only: HAR with its index already in HarFileSystem's static cache. */
    HAR_CACHED("har://, index cached");

    private final String label;

    Contender(String label) {
      this.label = label;
    }
  }

  /** One contender's work; returns what it saw, for the agreement check. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Contender contender) throws Exception;
  }

  /** One group-by line. */
  private record Group(String category, long rows, long qty, double price) {
    boolean agrees(Group other) {
      return category.equals(other.category) && rows == other.rows && qty == other.qty
          && Math.abs(price - other.price) <= SUM_TOLERANCE * Math.max(1, Math.abs(price));
    }
  }

  /** A group-by's answer, by category. */
  private record Groups(List<Group> groups) {
    boolean agrees(Groups other) {
      if (groups.size() != other.groups.size()) {
        return false;
      }
      for (int i = 0; i < groups.size(); i++) {
        if (!groups.get(i).agrees(other.groups.get(i))) {
          return false;
        }
      }
      return true;
    }

    long rows() {
      return groups.stream().mapToLong(Group::rows).sum();
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d groups, %,d rows, qty %,d", groups.size(), rows(),
          groups.stream().mapToLong(Group::qty).sum());
    }
  }

  /** A contender's medians and what it saw. */
  private record Result(double seconds, double cpuSeconds, Object seen) {}

  private final HadoopBenchOptions options;
  private final HadoopBenchData data;
  private final Configuration conf = new Configuration();
  private final SideBySideTable table = new SideBySideTable("row", "answer (all agree)",
      "extracted (file://)", "engram://", "har://", "engram / extracted", "engram / har",
      "CPU: extracted, engram, har", "target", "result");
  private SparkSession spark;
  /** Why there is no HAR contender, or null. */
  private String harMissing;
  private long indexBumps;

  private HadoopBench(HadoopBenchOptions options) {
    this.options = options;
    this.data = new HadoopBenchData(options.dataDir(), options.csvMib(), options.csvMethod());
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code [--csv-mib MiB] [--runs N] [--data DIR] [--rows csv,parquet,list]
   *     [--csv-method zstd|lz4|none] [--quick]}
   * @throws Exception if generating data or a measurement fails, or contenders disagree
   */
  public static void main(String[] args) throws Exception {
    HadoopBenchOptions options;
    try {
      options = HadoopBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    HadoopBench bench = new HadoopBench(options);
    List<String> notes = bench.run();
    Runtime runtime = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "%s: CSV %,d MiB, median of %d runs after a warm-up; Spark %s"
            + " local[2], Hadoop %s; %d cores, Java %s, heap %d MiB%n%n",
        ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE), options.csvMib(),
        options.runs(), bench.spark.version(), VersionInfo.getVersion(),
        runtime.availableProcessors(), Runtime.version(), runtime.maxMemory() >> 20);
    for (String note : notes) {
      System.out.println(note);
    }
    System.out.println();
    bench.table.print(System.out);
    bench.spark.stop();
  }

  private List<String> run() throws Exception {
    spark = startSpark();
    data.prepare(this::writeParquet);
    harMissing = data.prepareHar();
    try {
      FileSystem.getFileSystemClass("engram", conf);
    } catch (IOException e) {
      throw new IllegalStateException("no Hadoop FileSystem for engram:// on the class path"
          + " (engram-hadoop's META-INF/services entry)", e);
    }
    List<String> notes = new ArrayList<>();
    notes.add(describe(HadoopBenchData.CSV));
    notes.add(describe(HadoopBenchData.PARQUET));
    notes.add(describe(HadoopBenchData.SMALL));
    notes.add(harMissing == null
        ? "HAR archives: built in-process by Hadoop's own org.apache.hadoop.tools.HadoopArchives"
            + " (hadoop-archives " + HadoopArchivesVersion.get() + ", LocalJobRunner)"
        : "HAR archives: none; HadoopArchives failed: " + harMissing);
    for (String folder : List.of("extracted", "engram", "har")) {
      warmPageCache(data.root().resolve(folder));
    }

    long rows = data.csvRows();
    Map<HadoopBenchOptions.Group, Groups> grouped = new EnumMap<>(HadoopBenchOptions.Group.class);
    if (options.groups().contains(HadoopBenchOptions.Group.CSV)) {
      grouped.put(HadoopBenchOptions.Group.CSV, sparkRows("CSV", HadoopBenchData.CSV, rows,
          uri -> spark.read().schema(SCHEMA).option("header", "true").csv(uri)));
    }
    if (options.groups().contains(HadoopBenchOptions.Group.PARQUET)) {
      grouped.put(HadoopBenchOptions.Group.PARQUET, sparkRows("Parquet",
          HadoopBenchData.PARQUET, rows, uri -> spark.read().parquet(uri)));
    }
    if (grouped.size() == 2 && !grouped.get(HadoopBenchOptions.Group.CSV)
        .agrees(grouped.get(HadoopBenchOptions.Group.PARQUET))) {
      throw new IllegalStateException("the Parquet rows' group-by " + grouped.get(
          HadoopBenchOptions.Group.PARQUET) + " differs from the CSV's " + grouped.get(
          HadoopBenchOptions.Group.CSV));
    }
    if (options.groups().contains(HadoopBenchOptions.Group.LIST)) {
      listingRows();
    }
    return notes;
  }

  private SparkSession startSpark() throws IOException {
    Path local = Files.createDirectories(data.tmp().resolve("spark"));
    return SparkSession.builder()
        .master("local[2]")
        .appName("engram-hadoop-bench")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.local.dir", local.toString())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.hadoop.fs.defaultFS", "file:///")
        .getOrCreate();
  }

  /** Writes the CSV rows as Parquet, in {@code files} files (data generation, once). */
  private void writeParquet(Path csvDir, Path parquetDir, int files) {
    spark.read().schema(SCHEMA).option("header", "true").csv(csvDir.toUri().toString())
        .repartition(files).write().parquet(parquetDir.toUri().toString());
  }

  // ------------------------------------------------------------------------ Spark rows

  /** Reads a dataset's folder into a DataFrame. */
  @FunctionalInterface
  private interface Reader {
    Dataset<Row> read(String uri);
  }

  private Groups sparkRows(String format, String dataset, long rows, Reader reader)
      throws Exception {
    System.err.println(format + " count()");
    Map<Contender, Result> counts = measure(sparkContenders(), contender ->
        reader.read(uri(contender, dataset)).count(), Object::equals);
    long counted = (Long) counts.get(Contender.EXTRACTED).seen();
    if (counted != rows) {
      throw new IllegalStateException(format + " count() says " + counted + ", " + rows
          + " rows were generated");
    }
    sparkLine(format + " `count()`", String.format(Locale.ROOT, "%,d rows", counted), counts);

    System.err.println(format + " group-by");
    Map<Contender, Result> groups = measure(sparkContenders(),
        contender -> groupBy(reader.read(uri(contender, dataset))),
        (a, b) -> ((Groups) a).agrees((Groups) b));
    Groups seen = (Groups) groups.get(Contender.EXTRACTED).seen();
    if (seen.rows() != rows) {
      throw new IllegalStateException(format + " group-by counts " + seen.rows() + " rows, "
          + rows + " were generated");
    }
    sparkLine(format + " group-by `category`: count, sum(qty), sum(price)",
        String.format(Locale.ROOT, "%d groups, %,d rows", seen.groups().size(), seen.rows()),
        groups);
    return seen;
  }

  private static Groups groupBy(Dataset<Row> frame) {
    List<Group> groups = new ArrayList<>();
    for (Row row : frame.groupBy("category")
        .agg(count(lit(1)).as("rows"), sum("qty").as("qty"), sum("price").as("price"))
        .collectAsList()) {
      groups.add(new Group(row.getString(0), row.getLong(1), row.getLong(2), row.getDouble(3)));
    }
    groups.sort(Comparator.comparing(Group::category));
    return new Groups(groups);
  }

  private List<Contender> sparkContenders() {
    return harMissing == null ? List.of(Contender.EXTRACTED, Contender.ENGRAM, Contender.HAR)
        : List.of(Contender.EXTRACTED, Contender.ENGRAM);
  }

  private String uri(Contender contender, String dataset) {
    return switch (contender) {
      case EXTRACTED -> data.extractedUri(dataset).toString();
      case ENGRAM -> data.engramUri(dataset).toString();
      case HAR, HAR_CACHED -> data.harUri(dataset).toString();
    };
  }

  private void sparkLine(String row, String answer, Map<Contender, Result> results) {
    Result extracted = results.get(Contender.EXTRACTED);
    Result engram = results.get(Contender.ENGRAM);
    Result har = results.get(Contender.HAR);
    double ratio = engram.seconds() / extracted.seconds();
    table.add(row, answer, ResultTable.millis(extracted.seconds()),
        ResultTable.millis(engram.seconds()), har == null ? "-" : ResultTable.millis(har.seconds()),
        ResultTable.ratio(ratio),
        har == null ? "-" : ResultTable.ratio(engram.seconds() / har.seconds()), cpu(results),
        String.format(Locale.ROOT, "<= %.1fx extracted", EXTRACTED_RATIO_TARGET),
        SideBySideTable.result(ratio <= EXTRACTED_RATIO_TARGET));
  }

  // ---------------------------------------------------------------------- listing rows

  /** Lists a folder through a new FileSystem instance: names (relative) and sizes. */
  @FunctionalInterface
  private interface Listing {
    void list(FileSystem fs, org.apache.hadoop.fs.Path dir, Fingerprint seen) throws IOException;
  }

  private void listingRows() throws Exception {
    String dataset = HadoopBenchData.SMALL;
    listingRow("`listStatus` of a folder of 10,000 files", dataset, true, (fs, dir, seen) -> {
      for (FileStatus status : fs.listStatus(dir)) {
        add(seen, dir, status);
      }
    });
    // not on file://: without libhadoop, the local file system's LocatedFileStatus asks for each
    // file's permission by running `ls -ld` (RawLocalFileSystem.DeprecatedRawLocalFileStatus),
    // 10,000 processes, over two minutes a run here
    listingRow("recursive `listFiles` of that folder", dataset, false, (fs, dir, seen) -> {
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
      while (files.hasNext()) {
        add(seen, dir, files.next());
      }
    });
    listingRow("`globStatus` of `folder/file-*.txt`", dataset, true, (fs, dir, seen) -> {
      for (FileStatus status : fs.globStatus(new org.apache.hadoop.fs.Path(dir, "file-*.txt"))) {
        add(seen, dir, status);
      }
    });
  }

  private static void add(Fingerprint seen, org.apache.hadoop.fs.Path dir, FileStatus status) {
    String parent = dir.toUri().getPath();
    String path = status.getPath().toUri().getPath();
    if (!path.startsWith(parent + "/")) {
      throw new IllegalStateException(status.getPath() + " is not under " + dir);
    }
    seen.addPath(path.substring(parent.length() + 1) + "|" + status.getLen(), status.isFile());
  }

  private void listingRow(String row, String dataset, boolean withExtracted, Listing listing)
      throws Exception {
    System.err.println(row);
    List<Contender> contenders = new ArrayList<>();
    if (withExtracted) {
      contenders.add(Contender.EXTRACTED);
    }
    contenders.add(Contender.ENGRAM);
    if (harMissing == null) {
      contenders.add(Contender.HAR);
      contenders.add(Contender.HAR_CACHED);
    }
    Map<Contender, Result> results = measure(contenders, contender -> {
      URI uri = URI.create(uri(contender, dataset));
      Fingerprint seen = new Fingerprint();
      try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
        listing.list(fs, new org.apache.hadoop.fs.Path(uri), seen);
      }
      return seen;
    }, Object::equals);
    Fingerprint seen = (Fingerprint) results.get(Contender.ENGRAM).seen();
    if (seen.count() != HadoopBenchData.SMALL_FILES) {
      throw new IllegalStateException(row + ": " + seen.count() + " files listed, not "
          + HadoopBenchData.SMALL_FILES);
    }
    Result extracted = results.get(Contender.EXTRACTED);
    Result engram = results.get(Contender.ENGRAM);
    Result har = results.get(Contender.HAR);
    Result cached = results.get(Contender.HAR_CACHED);
    String answer = String.format(Locale.ROOT, "%,d files", seen.count());
    if (extracted == null) {
      answer += "; file:// not timed (without libhadoop its LocatedFileStatus runs `ls -ld` per"
          + " file)";
    }
    if (cached != null) {
      answer += String.format(Locale.ROOT, "; har:// with its index in HarFileSystem's cache: %s"
          + " (engram: %s of it)", ResultTable.millis(cached.seconds()),
          ResultTable.ratio(engram.seconds() / cached.seconds()));
    }
    table.add(row + ", new FileSystem instance", answer,
        extracted == null ? "-" : ResultTable.millis(extracted.seconds()),
        ResultTable.millis(engram.seconds()),
        har == null ? "-" : ResultTable.millis(har.seconds()),
        extracted == null ? "-" : ResultTable.ratio(engram.seconds() / extracted.seconds()),
        har == null ? "-" : ResultTable.ratio(engram.seconds() / har.seconds()), cpu(results),
        "faster than har://",
        har == null ? "-" : SideBySideTable.result(engram.seconds() < har.seconds()));
  }

  /**
   * Before a cold {@code har://} listing: moves the index files' modification times on, so that
   * HarFileSystem's static metadata cache drops its entry and the new instance reads the index.
   */
  private void bumpHarIndex() throws IOException {
    long base = 1_700_000_000_000L + ++indexBumps * 1000;
    for (Path index : HarBuilder.indexFiles(data.harArchive(HadoopBenchData.SMALL))) {
      Files.setLastModifiedTime(index, FileTime.fromMillis(base));
    }
  }

  // ------------------------------------------------------------------------- measuring

  /** How two answers are compared. */
  @FunctionalInterface
  private interface Agreement {
    boolean agree(Object a, Object b);
  }

  /**
   * Warms each contender up once, then times them in interleaved rounds; checks that every run
   * of every contender saw what the first run saw.
   */
  private Map<Contender, Result> measure(List<Contender> contenders, Work<Object> work,
      Agreement agreement) throws Exception {
    Object[] agreed = new Object[1];
    for (Contender contender : contenders) {
      System.err.println("  warm-up: " + contender.label);
      once(contender, work, agreement, agreed);
    }
    Map<Contender, List<double[]>> runs = new LinkedHashMap<>();
    for (int round = 1; round <= options.runs(); round++) {
      for (Contender contender : contenders) {
        double[] measured = once(contender, work, agreement, agreed);
        runs.computeIfAbsent(contender, c -> new ArrayList<>()).add(measured);
        System.err.printf(Locale.ROOT, "  round %d/%d: %s: %.3f s, CPU %.3f s%n", round,
            options.runs(), contender.label, measured[0], measured[1]);
      }
    }
    Map<Contender, Result> results = new EnumMap<>(Contender.class);
    runs.forEach((contender, list) -> results.put(contender, new Result(
        Rounds.median(list.stream().map(m -> m[0]).toList()),
        Rounds.median(list.stream().map(m -> m[1]).toList()), agreed[0])));
    return results;
  }

  private double[] once(Contender contender, Work<Object> work, Agreement agreement,
      Object[] agreed) throws Exception {
    System.gc();
    if (contender == Contender.HAR) {
      bumpHarIndex();
    }
    long cpu = CPU.getProcessCpuTime();
    long start = System.nanoTime();
    Object seen = work.run(contender);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (CPU.getProcessCpuTime() - cpu) / 1e9;
    if (agreed[0] == null) {
      agreed[0] = seen;
      System.err.println("    " + contender.label + " saw " + seen);
    } else if (!agreement.agree(agreed[0], seen)) {
      throw new IllegalStateException(contender.label + " saw " + seen + ", not " + agreed[0]);
    }
    return new double[] {seconds, cpuSeconds};
  }

  // ----------------------------------------------------------------------------- notes

  private static String cpu(Map<Contender, Result> results) {
    List<String> cells = new ArrayList<>();
    for (Contender contender : List.of(Contender.EXTRACTED, Contender.ENGRAM, Contender.HAR)) {
      Result result = results.get(contender);
      cells.add(result == null ? "-" : String.format(Locale.ROOT, "%.2f s", result.cpuSeconds()));
    }
    return String.join(", ", cells);
  }

  private String describe(String dataset) throws IOException {
    List<Path> files = HadoopBenchData.files(data.extracted(dataset));
    long size = HadoopBenchData.treeSize(data.extracted(dataset));
    Path har = data.harArchive(dataset);
    return String.format(Locale.ROOT, "- %s: %,d files, %,d bytes extracted; engram archive"
            + " (%s) %,d bytes; har %s", dataset, files.size(), size,
        data.engramArchive(dataset).getFileName(), Files.size(data.engramArchive(dataset)),
        Files.isDirectory(har) ? String.format(Locale.ROOT, "%,d bytes (%s)",
            HadoopBenchData.treeSize(har), harFiles(har)) : "none");
  }

  private static String harFiles(Path har) throws IOException {
    try (Stream<Path> list = Files.list(har)) {
      return String.join(", ", list.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  private static void warmPageCache(Path root) throws IOException {
    System.err.println("reading every file of " + root + " once (page cache)");
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        try (InputStream in = Files.newInputStream(file)) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
    }
  }

  /** The version of the hadoop-archives jar on the class path. */
  private static final class HadoopArchivesVersion {
    static String get() {
      Package p = org.apache.hadoop.tools.HadoopArchives.class.getPackage();
      String version = p == null ? null : p.getImplementationVersion();
      if (version != null) {
        return version;
      }
      try (InputStream in = org.apache.hadoop.tools.HadoopArchives.class.getResourceAsStream(
          "/META-INF/maven/org.apache.hadoop/hadoop-archives/pom.properties")) {
        java.util.Properties properties = new java.util.Properties();
        if (in != null) {
          properties.load(in);
        }
        return properties.getProperty("version", "?");
      } catch (IOException e) {
        return "?";
      }
    }
  }
}
