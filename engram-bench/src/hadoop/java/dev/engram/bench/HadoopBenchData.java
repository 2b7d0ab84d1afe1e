package dev.engram.bench;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.EntryInfo;
import dev.engram.WriterOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The data of the Hadoop benchmark, generated once (fixed seeds) under {@code
 * <data>/mib-<csv MiB>/} and reused:
 *
 * <ul>
 *   <li>{@code extracted/csv/}: about {@code csvMib} MiB of CSV in ten files, {@code
 *       sales-large.csv} (30%), {@code sales-00.csv} to {@code sales-06.csv} (about 9.6% each)
 *       and {@code sales-small-0.csv}, {@code sales-small-1.csv} (1.25% each); columns {@code
 *       id,qty,category,price,note} with a header line. At 1,024 MiB every file but the two
 *       small ones is 50 MiB or more, so framed in the archive;
 *   <li>{@code extracted/parquet/}: the same rows written by Spark as Parquet (Snappy), in
 *       {@code part-NNNNN.snappy.parquet} files (24 at 1,024 MiB; no {@code .crc} or {@code
 *       _SUCCESS} files);
 *   <li>{@code extracted/small/}: 10,000 text files of 200 B to 2 KiB, {@code
 *       file-NNNNN.txt}, in one directory;
 *   <li>{@code engram/csv.eng}, {@code parquet.eng}, {@code small.eng}: each folder above as
 *       entries {@code csv/...}, {@code parquet/...}, {@code small/...}, written by {@link
 *       ArchiveWriter} with its defaults (the method chosen by extension: Zstandard 6 for CSV
 *       and text, LZ4 for Parquet, stored when that gains nothing; files of 50 MiB or more
 *       framed), checked against the files (names, sizes, CRC32s); with {@code --csv-method},
 *       the CSV archive is {@code csv-<method>.eng}, every entry in that method;
 *   <li>{@code har/csv.har}, {@code parquet.har}, {@code small.har}: the same folders archived
 *       by Hadoop's own {@code HadoopArchives} ({@link HarBuilder}), checked against the files
 *       (names, sizes).
 * </ul>
 *
 * <p>A folder or archive is complete when it exists: each is made under a temporary name and
 * renamed (the archives: {@link ArchiveWriter#finish()}; HAR: {@code HadoopArchives} fails if its
 * archive exists, so a failed one is deleted).
 */
final class HadoopBenchData {
  static final String CSV = "csv";
  static final String PARQUET = "parquet";
  static final String SMALL = "small";
  static final int SMALL_FILES = 10_000;
  static final String[] CATEGORIES = {"apparel", "appliances", "art", "audio", "automotive",
      "baby", "beauty", "books", "cameras", "cleaning", "computers", "crafts", "dairy", "drinks",
      "electronics", "fitness", "flowers", "frozen", "furniture", "games", "garden", "grocery",
      "hardware", "health", "jewelry", "kitchen", "lighting", "luggage", "music", "office",
      "outdoor", "pets", "pharmacy", "phones", "shoes", "software", "sports", "tools", "toys",
      "video"};
  private static final long CSV_SEED = 1018;
  private static final long SMALL_SEED = 2018;
  private static final Instant MODIFIED = Instant.parse("2025-01-01T00:00:00Z");
  private static final int PARQUET_FILES_PER_GIB = 24;
  private static final String HEADER = "id,qty,category,price,note\n";
  private static final int VOCABULARY = 4000;

  /** Writes the Parquet copy of the CSV rows (Spark's part, see {@code HadoopBench}). */
  @FunctionalInterface
  interface ParquetWriter {
    void write(Path csvDir, Path parquetDir, int files) throws Exception;
  }

  private final int csvMib;
  private final Path root;
  private final CompressionMethod csvMethod;

  /**
   * The data of one size.
   *
   * @param csvMethod the method of the CSV archive's entries ({@code engram/csv-<method>.eng}),
   *     or null for the writer's choice ({@code engram/csv.eng})
   */
  HadoopBenchData(Path dataDir, int csvMib, CompressionMethod csvMethod) {
    this.csvMib = csvMib;
    this.root = dataDir.resolve("mib-" + csvMib);
    this.csvMethod = csvMethod;
  }

  Path root() {
    return root;
  }

  /** Where Hadoop and Spark keep their temporary files. */
  Path tmp() {
    return root.resolve("tmp");
  }

  /** A dataset's folder of plain files (the extracted copy). */
  Path extracted(String dataset) {
    return root.resolve("extracted").resolve(dataset);
  }

  Path engramArchive(String dataset) {
    String method = dataset.equals(CSV) && csvMethod != null
        ? "-" + csvMethod.name().toLowerCase(Locale.ROOT) : "";
    return root.resolve("engram").resolve(dataset + method + ".eng");
  }

  Path harArchive(String dataset) {
    return root.resolve("har").resolve(dataset + ".har");
  }

  /** {@code file:///.../extracted/<dataset>}. */
  URI extractedUri(String dataset) {
    return URI.create("file://" + extracted(dataset));
  }

  /** {@code engram:///.../engram/<dataset>.eng/<dataset>}: the folder inside the archive. */
  URI engramUri(String dataset) {
    return URI.create("engram://" + engramArchive(dataset) + "/" + dataset);
  }

  /** {@code har:///.../har/<dataset>.har/<dataset>}: the folder inside the archive. */
  URI harUri(String dataset) {
    return URI.create("har://" + harArchive(dataset) + "/" + dataset);
  }

  /** The number of CSV rows generated (written beside the data when it was made). */
  long csvRows() throws IOException {
    return Long.parseLong(Files.readString(root.resolve("csv.rows")).trim());
  }

  /**
   * Makes whatever is missing of the plain files and the engram archives.
   *
   * @param parquet writes the Parquet files from the CSV files
   */
  void prepare(ParquetWriter parquet) throws Exception {
    Files.createDirectories(tmp());
    if (!Files.isDirectory(extracted(CSV))) {
      timed("CSV files", this::writeCsv);
    }
    if (!Files.isDirectory(extracted(PARQUET))) {
      timed("Parquet files", () -> writeParquet(parquet));
    }
    if (!Files.isDirectory(extracted(SMALL))) {
      timed("10,000 small files", this::writeSmallFiles);
    }
    for (String dataset : List.of(CSV, PARQUET, SMALL)) {
      if (!Files.exists(engramArchive(dataset))) {
        timed("engram archive " + dataset, () -> writeEngram(dataset));
      }
    }
  }

  /**
   * Makes the HAR archives that are missing with Hadoop's own tool.
   *
   * @return null when all exist, else why one could not be made (the message of what failed)
   */
  String prepareHar() throws Exception {
    for (String dataset : List.of(CSV, PARQUET, SMALL)) {
      Path archive = harArchive(dataset);
      if (Files.exists(archive)) {
        continue;
      }
      long start = System.nanoTime();
      System.err.println("making har " + dataset + " with HadoopArchives (in-process)");
      try {
        HarBuilder.build(extracted(dataset).getParent(), dataset, archive, tmp());
      } catch (Exception | LinkageError e) {
        deleteTree(archive);
        System.err.println("HadoopArchives failed:");
        e.printStackTrace();
        return e.getClass().getName() + ": " + e.getMessage();
      }
      HarBuilder.check(archive, dataset, extracted(dataset));
      System.err.printf(Locale.ROOT, "  %.1f s, %,d bytes%n", (System.nanoTime() - start) / 1e9,
          treeSize(archive));
    }
    return null;
  }

  // ------------------------------------------------------------------------------ CSV

  /** The CSV files: name and size in bytes (each ends at the first row boundary past it). */
  private List<Object[]> csvPlan() {
    long total = (long) csvMib << 20;
    long large = Math.round(total * 0.30);
    long small = Math.round(total * 0.0125);
    long medium = (total - large - 2 * small) / 7;
    List<Object[]> plan = new ArrayList<>();
    plan.add(new Object[] {"sales-large.csv", large});
    for (int i = 0; i < 7; i++) {
      plan.add(new Object[] {String.format(Locale.ROOT, "sales-%02d.csv", i), medium});
    }
    plan.add(new Object[] {"sales-small-0.csv", small});
    plan.add(new Object[] {"sales-small-1.csv", small});
    return plan;
  }

  private void writeCsv() throws IOException {
    Path partial = extracted(CSV).resolveSibling(CSV + ".partial");
    deleteTree(partial);
    Files.createDirectories(partial);
    SplittableRandom random = new SplittableRandom(CSV_SEED);
    Words words = new Words(random);
    byte[][] categories = new byte[CATEGORIES.length][];
    for (int i = 0; i < CATEGORIES.length; i++) {
      categories[i] = CATEGORIES[i].getBytes(StandardCharsets.US_ASCII);
    }
    long id = 0;
    byte[] row = new byte[1024];
    for (Object[] file : csvPlan()) {
      long target = (long) file[1];
      long written = 0;
      try (OutputStream out = new BufferedOutputStream(
          Files.newOutputStream(partial.resolve((String) file[0])), 1 << 20)) {
        byte[] header = HEADER.getBytes(StandardCharsets.US_ASCII);
        out.write(header);
        written += header.length;
        while (written < target) {
          int n = 0;
          n = digits(row, n, id++);
          row[n++] = ',';
          n = digits(row, n, 1 + random.nextInt(1000));
          row[n++] = ',';
          // a skewed choice: some categories are much more common than others
          byte[] category = categories[(int) (CATEGORIES.length
              * Math.pow(random.nextDouble(), 1.7))];
          System.arraycopy(category, 0, row, n, category.length);
          n += category.length;
          row[n++] = ',';
          long cents = 1 + random.nextLong(999_999);
          n = digits(row, n, cents / 100);
          row[n++] = '.';
          row[n++] = (byte) ('0' + cents / 10 % 10);
          row[n++] = (byte) ('0' + cents % 10);
          row[n++] = ',';
          for (int w = 4 + random.nextInt(11); w > 0; w--) {
            byte[] word = words.next(random);
            System.arraycopy(word, 0, row, n, word.length);
            n += word.length;
            row[n++] = w == 1 ? (byte) '\n' : (byte) ' ';
          }
          out.write(row, 0, n);
          written += n;
        }
      }
    }
    Files.writeString(root.resolve("csv.rows"), id + "\n");
    Files.move(partial, extracted(CSV));
    System.err.printf(Locale.ROOT, "  %,d rows%n", id);
  }

  private static int digits(byte[] into, int at, long value) {
    if (value == 0) {
      into[at] = '0';
      return at + 1;
    }
    int length = 0;
    for (long v = value; v > 0; v /= 10) {
      length++;
    }
    for (int i = at + length - 1; i >= at; i--) {
      into[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return at + length;
  }

  /** Pseudo-words, Zipf-distributed (as ContentBlocks' text), for the note column. */
  private static final class Words {
    private static final String[] SYLLABLES = {"en", "gram", "ar", "chive", "frame", "to", "the",
        "of", "know", "ledge", "com", "press", "ran", "dom", "ac", "cess", "di", "rec", "tor",
        "y", "try", "que", "ry", "da", "ta", "stre", "am", "thre", "ad", "po", "ol", "or", "der",
        "me", "mo", "bo", "und", "wri", "ter", "rea", "in", "dex", "ion", "al", "ly", "ment"};
    private final byte[][] words = new byte[VOCABULARY][];
    /** 64k slots filled in proportion to each word's weight: a draw is one array read. */
    private final short[] table = new short[1 << 16];

    Words(SplittableRandom random) {
      double[] cumulative = new double[VOCABULARY];
      double total = 0;
      for (int rank = 0; rank < VOCABULARY; rank++) {
        StringBuilder word = new StringBuilder();
        for (int n = 1 + random.nextInt(1 + rank % 4); n > 0; n--) {
          word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
        }
        words[rank] = word.toString().getBytes(StandardCharsets.US_ASCII);
        total += 1.0 / (rank + 1);
        cumulative[rank] = total;
      }
      int rank = 0;
      for (int slot = 0; slot < table.length; slot++) {
        double at = (slot + 0.5) / table.length * total;
        while (cumulative[rank] < at) {
          rank++;
        }
        table[slot] = (short) rank;
      }
    }

    byte[] next(SplittableRandom random) {
      return words[table[random.nextInt(table.length)]];
    }
  }

  // -------------------------------------------------------------------------- Parquet

  private void writeParquet(ParquetWriter writer) throws Exception {
    Path partial = extracted(PARQUET).resolveSibling(PARQUET + ".partial");
    deleteTree(partial);
    int files = Math.max(4, (int) Math.round(PARQUET_FILES_PER_GIB * csvMib / 1024.0));
    writer.write(extracted(CSV), partial, files);
    // what Spark leaves beside the data: checksums of the local file system, the marker
    List<Path> parts = new ArrayList<>();
    try (Stream<Path> list = Files.list(partial)) {
      for (Path file : (Iterable<Path>) list.sorted()::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(".parquet") && !name.startsWith(".")) {
          parts.add(file);
        } else {
          Files.delete(file);
        }
      }
    }
    for (int i = 0; i < parts.size(); i++) {
      Files.move(parts.get(i),
          partial.resolve(String.format(Locale.ROOT, "part-%05d.snappy.parquet", i)));
    }
    Files.move(partial, extracted(PARQUET));
    System.err.printf(Locale.ROOT, "  %d files, %,d bytes%n", parts.size(),
        treeSize(extracted(PARQUET)));
  }

  // ---------------------------------------------------------------------- small files

  private void writeSmallFiles() throws IOException {
    Path partial = extracted(SMALL).resolveSibling(SMALL + ".partial");
    deleteTree(partial);
    Files.createDirectories(partial);
    SplittableRandom random = new SplittableRandom(SMALL_SEED);
    ContentBlocks content = new ContentBlocks(SMALL_SEED);
    for (int n = 0; n < SMALL_FILES; n++) {
      int size = 200 + random.nextInt(2048 - 200 + 1);
      Files.write(partial.resolve(String.format(Locale.ROOT, "file-%05d.txt", n)),
          content.bytes(ContentKind.TEXT, size, random));
    }
    Files.move(partial, extracted(SMALL));
  }

  // -------------------------------------------------------------------- engram archives

  private void writeEngram(String dataset) throws IOException {
    Path archive = engramArchive(dataset);
    Files.createDirectories(archive.getParent());
    List<Path> files = files(extracted(dataset));
    WriterOptions options = WriterOptions.builder().modifiedTime(MODIFIED).build();
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      for (Path file : files) {
        if (dataset.equals(CSV) && csvMethod != null) {
          writer.addFile(dataset + "/" + file.getFileName(), file, csvMethod);
        } else {
          writer.addFile(dataset + "/" + file.getFileName(), file);
        }
      }
      writer.finish();
    }
    // the archive holds exactly the files: names, sizes, CRC32s
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      if (reader.entryCount() != files.size()) {
        throw new IllegalStateException(archive + ": " + reader.entryCount() + " entries, "
            + files.size() + " files");
      }
      int framed = 0;
      for (Path file : files) {
        String name = dataset + "/" + file.getFileName();
        EntryInfo entry = reader.entry(name).orElseThrow(
            () -> new IllegalStateException(archive + " lacks " + name));
        if (entry.uncompressedSize() != Files.size(file) || entry.crc32() != crc32(file)) {
          throw new IllegalStateException(archive + ": " + name + " differs from " + file);
        }
        framed += entry.isFramed() ? 1 : 0;
      }
      System.err.printf(Locale.ROOT, "  %,d entries (%d framed), %,d bytes%n", files.size(),
          framed, Files.size(archive));
    }
  }

  private static int crc32(Path file) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        crc.update(buffer, 0, n);
      }
    }
    return (int) crc.getValue();
  }

  // ----------------------------------------------------------------------------- files

  /** The regular files directly in a folder, by name. */
  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isRegularFile).sorted().toList();
    }
  }

  static long treeSize(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      long size = 0;
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        size += Files.size(file);
      }
      return size;
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }

  /** Something to make, with its time on standard error. */
  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private static void timed(String what, Step step) throws Exception {
    System.err.println("making " + what);
    long start = System.nanoTime();
    step.run();
    System.err.printf(Locale.ROOT, "  %.1f s%n", (System.nanoTime() - start) / 1e9);
  }
}
