package dev.engram.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.engram.ArchiveReader;
import dev.engram.source.ArchiveSource;
import dev.engram.sqlite.VfsReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmark of issue 17, run by {@code scripts/bench-remote}: archives read over HTTP with
 * range requests ({@link ArchiveReader#open(URI)}, {@link VfsReader#open(URI)}) against
 * downloading the whole archive with one plain GET and then doing the same work on the local
 * copy. An embedded Jetty on 127.0.0.1 ({@link BenchHttpServer}) serves the archives and delays
 * every request by a fixed round trip ({@code --delay-ms}, 0 and 20 by default); it counts the
 * requests and the body bytes. Prints one Markdown table; progress goes to standard error, the
 * table to standard output.
 *
 * <p>Rows: open + list a 10,000-entry archive; read one small entry; 100 random 4 KiB reads in
 * a large framed entry ({@code --large-mib}); a point lookup and a 1,000-row range scan on the
 * database of issue 6; a full sequential read of the large entry, beside one plain GET of its
 * archive (the network's throughput), the same read of the local file (the decoding's) and the
 * remote reader's bytes read in order without decoding (the block cache's read-ahead's). Every
 * run of every contender starts cold: a new reader (empty block and frame caches) and, for the
 * baseline, a new download; the HTTP client and its connections are kept between
 * runs for both, and the OS page cache holds the archives for the server. Each contender is
 * warmed up (its work repeated for 1 s, at least once), then timed in interleaved rounds; the
 * table shows medians. Every run returns a {@link Fingerprint} of what it read, and the two
 * contenders' must agree.
 */
public final class RemoteBench {
  private static final String REMOTE = "remote";
  private static final String DOWNLOAD = "download, then read";
  private static final String PLAIN_GET = "plain GET";
  private static final String LOCAL = "local file";
  private static final String FETCH_ONLY = "remote, bytes only";
  /** The reads of {@link #fetchOnly}: about what a frame of text takes, compressed. */
  private static final int FETCH_READ = 32 << 10;
  private static final int SMALL_ENTRIES = 10_000;
  private static final int RANDOM_READS = 100;
  private static final int READ_SIZE = 4096;
  private static final int RANGE_ROWS = 1000;
  private static final String POINT = "SELECT title, year FROM books WHERE id = ?";
  private static final String RANGE =
      "SELECT id, title FROM books WHERE id BETWEEN ? AND ? + " + (RANGE_ROWS - 1);
  private static final int OPEN_LIST_REQUESTS = 2;
  private static final int LOOKUP_REQUESTS = 6;
  private static final long LOOKUP_BYTES = 1 << 20;
  private static final double SEQUENTIAL_SHARE = 0.80;
  /** The round trip at which every remote row must beat downloading first. */
  private static final int FASTER_AT_MILLIS = 20;
  private static final long WARM_UP_NANOS = 1_000_000_000L;
  /** The JVM's CPU time: client and server together, every thread. */
  private static final OperatingSystemMXBean CPU =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** A row's work on an archive at a URI (the server's, or a downloaded file's). */
  @FunctionalInterface
  private interface Work {
    Fingerprint run(URI archive) throws Exception;
  }

  /** One contender's run: what it saw. */
  @FunctionalInterface
  private interface Run {
    Fingerprint run() throws Exception;
  }

  /** One contender's medians over the timed rounds, and what it saw. */
  private record Result(double seconds, long requests, long bytes, String requestRange,
      double cpuSeconds, Fingerprint seen) {}

  private final RemoteBenchOptions options;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();
  private final SideBySideTable table = new SideBySideTable("row", "round trip",
      "work (the same for both)", "remote: requests", "remote: transferred", "remote: time",
      "download, then read: requests", "transferred", "time", "remote / download",
      "remote ahead below (est.)", "targets", "result");
  private BenchHttpServer server;
  private Path downloads;
  /** What the last remote read of the small entry took after the archive was open. */
  private BenchHttpServer.Counts entryRead;

  private RemoteBench(RemoteBenchOptions options) {
    this.options = options;
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code [--large-mib MiB] [--delay-ms N,N...] [--runs N] [--data DIR] [--quick]
   *     [--trace]}
   * @throws Exception if generating data or a measurement fails
   */
  public static void main(String[] args) throws Exception {
    RemoteBenchOptions options;
    try {
      options = RemoteBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    RemoteBench bench = new RemoteBench(options);
    bench.run();
    Runtime runtime = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "%s: %,d entries, large entry and database %,d MiB, round trips"
            + " %s ms, median of %d runs after a warm-up; server and client in one JVM on"
            + " 127.0.0.1; %d cores, Java %s, heap %d MiB%n%n",
        ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE), SMALL_ENTRIES,
        options.largeMib(), options.delaysMillis(), options.runs(),
        runtime.availableProcessors(), Runtime.version(), runtime.maxMemory() >> 20);
    bench.table.print(System.out);
  }

  private void run() throws Exception {
    BenchData data = new BenchData(options.dataDir(), options.largeMib());
    SmallFiles files = data.treeFiles(SMALL_ENTRIES);
    Path small = data.smallArchive(files);
    Path large = data.largeArchive();
    Path library = data.libraryArchive();
    for (Path archive : List.of(small, large, library)) {
      warmPageCache(archive);
    }
    downloads = Files.createDirectories(options.dataDir().resolve("downloads"));
    String smallEntry = files.names().get(new SplittableRandom(7).nextInt(files.count()));
    long largeSize;
    try (ArchiveReader reader = ArchiveReader.open(large)) {
      largeSize = reader.entry(BenchData.LARGE_ENTRY).orElseThrow().uncompressedSize();
    }
    SplittableRandom random = new SplittableRandom(11);
    long[] positions = new long[RANDOM_READS];
    for (int i = 0; i < RANDOM_READS; i++) {
      positions[i] = random.nextLong(largeSize - READ_SIZE);
    }
    int rows = LibraryDatabase.rows(options.largeMib());
    int bookId = new SplittableRandom(13).nextInt(rows);
    int rangeFrom = new SplittableRandom(17).nextInt(rows - RANGE_ROWS);

    server = BenchHttpServer.start(options.dataDir());
    server.trace(options.trace());
    try {
      for (int delay : options.delaysMillis()) {
        server.delayMillis(delay);
        String trip = delay + " ms";
        System.err.println("round trip " + trip);

        Map<String, Result> list = measure("open + list", small, false, RemoteBench::openList);
        line(String.format(Locale.ROOT, "open + list (%,d entries)", SMALL_ENTRIES), trip,
            String.format(Locale.ROOT, "%,d names", list.get(REMOTE).seen().count()), list,
            delay, "<= " + OPEN_LIST_REQUESTS + " requests",
            list.get(REMOTE).requests() <= OPEN_LIST_REQUESTS);

        Map<String, Result> read = measure("read one small entry", small, false,
            archive -> readEntry(archive, smallEntry));
        line("open + read one small entry", trip, String.format(Locale.ROOT,
            "`%s`, %,d B; the read after the open (remote): %,d request%s, %s", smallEntry,
            read.get(REMOTE).seen().bytes(), entryRead.requests(),
            entryRead.requests() == 1 ? "" : "s", size(entryRead.bytes())),
            read, delay, null, true);

        Map<String, Result> randomReads = measure("random reads", large, false,
            archive -> randomReads(archive, positions));
        line(String.format(Locale.ROOT, "open + %d random 4 KiB reads in a %,d MiB framed entry",
            RANDOM_READS, largeSize >> 20), trip, String.format(Locale.ROOT,
            "%d reads, %,d B", RANDOM_READS, randomReads.get(REMOTE).seen().bytes()),
            randomReads, delay, null, true);

        Map<String, Result> point = measure("point lookup", library, false,
            archive -> query(archive, POINT, bookId));
        Result remotePoint = point.get(REMOTE);
        line(String.format(Locale.ROOT, "open + point lookup, %,d MiB database",
            options.largeMib()), trip, String.format(Locale.ROOT, "%d row (id %,d)",
            remotePoint.seen().count(), bookId), point, delay,
            "<= " + LOOKUP_REQUESTS + " requests, < 1 MiB",
            remotePoint.requests() <= LOOKUP_REQUESTS && remotePoint.bytes() < LOOKUP_BYTES);

        Map<String, Result> range = measure("range scan", library, false,
            archive -> query(archive, RANGE, rangeFrom));
        line(String.format(Locale.ROOT, "open + %,d-row range scan, %,d MiB database",
            RANGE_ROWS, options.largeMib()), trip, String.format(Locale.ROOT,
            "%,d rows (ids %,d to %,d)", range.get(REMOTE).seen().count(), rangeFrom,
            rangeFrom + RANGE_ROWS - 1), range, delay, null, true);

        Map<String, Result> sequential = measure("sequential read", large, true,
            RemoteBench::readAll);
        Result get = sequential.get(PLAIN_GET);
        Result local = sequential.get(LOCAL);
        Result fetchOnly = sequential.get(FETCH_ONLY);
        double share = get.seconds() / sequential.get(REMOTE).seconds();
        long archiveSize = Files.size(large);
        line(String.format(Locale.ROOT, "open + read the %,d MiB entry in order",
            largeSize >> 20), trip, String.format(Locale.ROOT,
            "%,d B. The archive, %,d B, by one plain GET: %s (%s); remote read: %s (%.0f%% of"
                + " the GET's). The same read of the local file, no network: %s (%s); the"
                + " remote reader's bytes alone, in order, no decoding: %s (%s, %d requests)."
                + " CPU time of the JVM (client and server): GET %s, remote read %s, local"
                + " read %s, bytes alone %s",
            sequential.get(REMOTE).seen().bytes(), archiveSize, ResultTable.millis(get.seconds()),
            ResultTable.mbPerSecond(archiveSize, get.seconds()),
            ResultTable.mbPerSecond(archiveSize, sequential.get(REMOTE).seconds()), share * 100,
            ResultTable.millis(local.seconds()),
            ResultTable.mbPerSecond(archiveSize, local.seconds()),
            ResultTable.millis(fetchOnly.seconds()),
            ResultTable.mbPerSecond(archiveSize, fetchOnly.seconds()), fetchOnly.requests(),
            ResultTable.millis(get.cpuSeconds()),
            ResultTable.millis(sequential.get(REMOTE).cpuSeconds()),
            ResultTable.millis(local.cpuSeconds()), ResultTable.millis(fetchOnly.cpuSeconds())),
            sequential, delay,
            String.format(Locale.ROOT, ">= %.0f%% of a plain GET's throughput",
                SEQUENTIAL_SHARE * 100), share >= SEQUENTIAL_SHARE);
      }
    } finally {
      server.close();
    }
  }

  // ------------------------------------------------------------------------------- the work

  private static Fingerprint openList(URI archive) throws IOException {
    Fingerprint seen = new Fingerprint();
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (String name : reader.list()) {
        seen.addPath(name, true);
      }
    }
    return seen;
  }

  /** Opens and reads one entry; over HTTP, notes what the read took after the open. */
  private Fingerprint readEntry(URI archive, String name) throws IOException {
    Fingerprint seen = new Fingerprint();
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      BenchHttpServer.Counts opened = server.counts();
      seen.addRead(reader.read(name));
      if (!archive.getScheme().equals("file")) {
        BenchHttpServer.Counts read = server.counts();
        entryRead = new BenchHttpServer.Counts(read.requests() - opened.requests(),
            read.bytes() - opened.bytes());
      }
    }
    return seen;
  }

  private static Fingerprint randomReads(URI archive, long[] positions) throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive);
        SeekableByteChannel channel = reader.openChannel(BenchData.LARGE_ENTRY)) {
      return Fingerprint.channelReads(channel, positions, READ_SIZE);
    }
  }

  /** Runs a query with one parameter (given twice to a range) and takes in every row. */
  private static Fingerprint query(URI archive, String sql, int parameter) throws Exception {
    Fingerprint seen = new Fingerprint();
    try (VfsReader reader = VfsReader.open(archive);
        Connection db = reader.openDatabase(BenchData.DATABASE_ENTRY);
        PreparedStatement statement = db.prepareStatement(sql)) {
      for (int i = 1; i <= statement.getParameterMetaData().getParameterCount(); i++) {
        statement.setInt(i, parameter);
      }
      try (ResultSet result = statement.executeQuery()) {
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
          StringBuilder row = new StringBuilder();
          for (int c = 1; c <= columns; c++) {
            row.append(result.getString(c)).append('|');
          }
          seen.addPath(row.toString(), true);
        }
      }
    }
    return seen;
  }

  private static Fingerprint readAll(URI archive) throws IOException {
    Fingerprint seen = new Fingerprint();
    byte[] buffer = new byte[1 << 16];
    try (ArchiveReader reader = ArchiveReader.open(archive);
        InputStream in = reader.openStream(BenchData.LARGE_ENTRY)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        seen.addRead(ByteBuffer.wrap(buffer, 0, n).position(n));
      }
    }
    return seen;
  }

  // -------------------------------------------------------------------------- the contenders

  /** Downloads an archive with one GET into a new file of {@link #downloads}. */
  private Path download(URI uri) throws IOException, InterruptedException {
    Path file = Files.createTempFile(downloads, "download-", ".eng");
    try {
      HttpResponse<Path> response = client.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofFile(file));
      if (response.statusCode() != 200) {
        throw new IOException(uri + " answered " + response.statusCode());
      }
      return file;
    } catch (IOException | InterruptedException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /** One GET of an archive, the body dropped as it arrives: the network's own throughput. */
  private Fingerprint plainGet(URI uri) throws IOException, InterruptedException {
    HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered " + response.statusCode());
    }
    return null;
  }

  /**
   * Reads a remote reader's source (its block cache over HTTP) from start to end in {@link
   * #FETCH_READ} reads, decoding nothing: how fast the cache's read-ahead brings bytes.
   */
  private static Fingerprint fetchOnly(URI uri) throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(uri)) {
      ArchiveSource source = reader.source();
      ByteBuffer buffer = ByteBuffer.allocate(FETCH_READ);
      for (long position = 0; position < source.size(); position += buffer.capacity()) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), source.size() - position));
        source.readFully(position, buffer);
      }
    }
    return null;
  }

  /**
   * Times the remote contender and the download-then-read baseline (and, when asked, one plain
   * GET of the archive and the same work on the local file, without the network) in interleaved
   * rounds after a warm-up; checks that all that do the work saw the same.
   */
  private Map<String, Result> measure(String row, Path archive, boolean references, Work work)
      throws Exception {
    System.err.println("  " + row);
    URI uri = server.uri(options.dataDir().relativize(archive).toString().replace('\\', '/'));
    Map<String, Run> contenders = new LinkedHashMap<>();
    contenders.put(REMOTE, () -> work.run(uri));
    contenders.put(DOWNLOAD, () -> {
      Path file = download(uri);
      try {
        return work.run(file.toUri());
      } finally {
        Files.delete(file);
      }
    });
    if (references) {
      contenders.put(PLAIN_GET, () -> plainGet(uri));
      contenders.put(LOCAL, () -> work.run(archive.toUri()));
      contenders.put(FETCH_ONLY, () -> fetchOnly(uri));
    }
    Fingerprint[] agreed = new Fingerprint[1];
    Map<String, List<double[]>> runs = new LinkedHashMap<>();
    for (Map.Entry<String, Run> contender : contenders.entrySet()) {
      long until = System.nanoTime() + WARM_UP_NANOS;
      do {
        once(contender.getKey(), contender.getValue(), agreed);
      } while (System.nanoTime() < until);
      runs.put(contender.getKey(), new ArrayList<>());
    }
    for (int round = 1; round <= options.runs(); round++) {
      for (Map.Entry<String, Run> contender : contenders.entrySet()) {
        double[] measured = once(contender.getKey(), contender.getValue(), agreed);
        runs.get(contender.getKey()).add(measured);
        System.err.printf(Locale.ROOT, "    round %d/%d: %s: %.3f s, %,.0f requests, %,.0f B,"
            + " CPU %.3f s%n", round, options.runs(), contender.getKey(), measured[0], measured[1],
            measured[2], measured[3]);
      }
    }
    Map<String, Result> results = new LinkedHashMap<>();
    runs.forEach((name, list) -> results.put(name, result(list, agreed[0])));
    return results;
  }

  /** One run: seconds, requests, bytes; the server idle before and after. */
  private double[] once(String name, Run run, Fingerprint[] agreed) throws Exception {
    server.awaitIdle();
    server.reset();
    long cpu = CPU.getProcessCpuTime();
    long start = System.nanoTime();
    Fingerprint seen = run.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (CPU.getProcessCpuTime() - cpu) / 1e9;
    server.awaitIdle(); // read-ahead a closed reader left under way is its own
    BenchHttpServer.Counts counts = server.counts();
    if (seen != null && agreed[0] == null) {
      agreed[0] = seen;
      System.err.println("    " + name + " saw " + seen);
    } else if (seen != null && !seen.equals(agreed[0])) {
      throw new IllegalStateException(name + " saw " + seen + ", not " + agreed[0]);
    }
    return new double[] {seconds, counts.requests(), counts.bytes(), cpuSeconds};
  }

  private static Result result(List<double[]> runs, Fingerprint seen) {
    List<Double> seconds = new ArrayList<>();
    List<Double> requests = new ArrayList<>();
    List<Double> bytes = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    for (double[] run : runs) {
      seconds.add(run[0]);
      requests.add(run[1]);
      bytes.add(run[2]);
      cpu.add(run[3]);
    }
    long fewest = (long) requests.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    long most = (long) requests.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return new Result(Rounds.median(seconds), Math.round(Rounds.median(requests)),
        Math.round(Rounds.median(bytes)),
        fewest == most ? "" : String.format(Locale.ROOT, " (%,d to %,d)", fewest, most),
        Rounds.median(cpu), seen);
  }

  // ------------------------------------------------------------------------------- the table

  /**
   * Adds a row's line. {@code countTarget}, when not null, is a target on the remote contender's
   * requests or bytes at every round trip, met or not as {@code countMet}; at {@link
   * #FASTER_AT_MILLIS} the remote contender must also beat the download.
   */
  private void line(String row, String trip, String work, Map<String, Result> results,
      int delay, String countTarget, boolean countMet) {
    Result remote = results.get(REMOTE);
    Result download = results.get(DOWNLOAD);
    List<String> targets = new ArrayList<>();
    List<String> met = new ArrayList<>();
    if (countTarget != null) {
      targets.add(countTarget);
      met.add(SideBySideTable.result(countMet));
    }
    if (delay == FASTER_AT_MILLIS) {
      targets.add("faster than download");
      met.add(SideBySideTable.result(remote.seconds() < download.seconds()));
    }
    table.add(row, trip, work, remote.requests() + remote.requestRange(), size(remote.bytes()),
        ResultTable.millis(remote.seconds()), download.requests() + download.requestRange(),
        size(download.bytes()), ResultTable.millis(download.seconds()),
        ResultTable.ratio(remote.seconds() / download.seconds()), breakEven(remote, download),
        targets.isEmpty() ? "-" : String.join("; ", targets),
        met.isEmpty() ? "-" : String.join(", ", met));
  }

  /**
   * The bandwidth below which the remote contender would be the faster, if both paid their bytes
   * at that bandwidth on top of what they took here (loopback: next to nothing for the bytes):
   * {@code (download bytes - remote bytes) / (remote time - download time)}.
   */
  private static String breakEven(Result remote, Result download) {
    double spare = download.bytes() - remote.bytes();
    double behind = remote.seconds() - download.seconds();
    if (behind <= 0) {
      return spare >= 0 ? "always" : "-";
    }
    if (spare <= 0) {
      return "never";
    }
    return String.format(Locale.ROOT, "%,.0f MB/s", spare / behind / 1e6);
  }

  /** Bytes in binary units: B, KiB or MiB. */
  private static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1 << 20) {
      return String.format(Locale.ROOT, "%,.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%,.1f MiB", bytes / (double) (1 << 20));
  }

  private static void warmPageCache(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }
}
