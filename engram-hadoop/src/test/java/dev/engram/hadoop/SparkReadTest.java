package dev.engram.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveWriter;
import dev.engram.ArchiveReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Spark in local mode ({@code local[2]}, bound to 127.0.0.1) reads files inside an archive
 * through {@code engram:///} paths, found through Hadoop's service loader, and gets exactly what
 * the same read of the extracted files gives: CSV (one entry large enough to be framed and split
 * into several partitions), JSON lines, Parquet (footer read at the end of the entry, in place)
 * and the {@code binaryFile} source. One session serves every test.
 */
class SparkReadTest {
  /** Rows of the large CSV entry: about 66 MiB, so framed and split at 16 MiB partitions. */
  private static final int BIG_ROWS = 1_250_000;
  private static final int SMALL_ROWS = 20_000;
  private static final StructType CSV_SCHEMA = new StructType()
      .add("id", DataTypes.LongType)
      .add("category", DataTypes.StringType)
      .add("amount", DataTypes.DoubleType)
      .add("note", DataTypes.StringType);

  @TempDir
  static Path dir;
  static Path extracted;
  static Path archive;
  static SparkSession spark;

  @BeforeAll
  static void startSparkAndWriteData() throws IOException {
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("engram-hadoop-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.files.maxPartitionBytes", String.valueOf(16 * 1024 * 1024))
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    extracted = dir.resolve("extracted");
    Path csv = Files.createDirectories(extracted.resolve("csv"));
    writeCsv(csv.resolve("big.csv"), 0, BIG_ROWS);
    writeCsv(csv.resolve("small-1.csv"), BIG_ROWS, SMALL_ROWS);
    writeCsv(csv.resolve("small-2.csv"), BIG_ROWS + SMALL_ROWS, SMALL_ROWS);
    Path json = Files.createDirectories(extracted.resolve("json"));
    for (int part = 0; part < 3; part++) {
      try (BufferedWriter out = Files.newBufferedWriter(json.resolve("part-" + part + ".json"))) {
        for (int i = 0; i < 5000; i++) {
          long id = part * 5000L + i;
          out.write("{\"id\":" + id + ",\"name\":\"n" + (id % 97) + "\",\"tags\":[\"t"
              + (id % 5) + "\"],\"nested\":{\"v\":" + (id * 3) + "}}\n");
        }
      }
    }
    spark.range(0, 300_000, 1, 3)
        .selectExpr("id", "cast(id % 13 as string) as bucket", "id * 1.5 as value",
            "concat('row-', id) as label")
        .write().parquet(extracted.resolve("parquet").toString());
    Path docs = Files.createDirectories(extracted.resolve("docs"));
    Random random = new Random(7);
    for (int i = 0; i < 5; i++) {
      byte[] bytes = new byte[1000 * (i + 1)];
      random.nextBytes(bytes);
      Files.write(docs.resolve("doc-" + i + ".bin"), bytes);
    }
    archive = dir.resolve("store/data.eng");
    Files.createDirectories(archive.getParent());
    try (ArchiveWriter writer = ArchiveWriter.create(archive);
        Stream<Path> files = Files.walk(extracted)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        writer.addFile(extracted.relativize(file).toString().replace('\\', '/'), file);
      }
      writer.finish();
    }
  }

  private static void writeCsv(Path file, long first, int rows) throws IOException {
    Random random = new Random(first);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("id,category,amount,note\n");
      for (long id = first; id < first + rows; id++) {
        out.write(id + ",c" + random.nextInt(40) + ","
            + String.format(Locale.ROOT, "%.2f", random.nextDouble() * 1000) + ",note "
            + Long.toHexString(random.nextLong()) + " " + Long.toHexString(random.nextLong())
            + "\n");
      }
    }
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static String inArchive(String relative) {
    return "engram://" + archive.toAbsolutePath() + "/" + relative;
  }

  private static String onDisk(String relative) {
    return extracted.resolve(relative).toUri().toString();
  }

  private static List<String> sorted(Dataset<Row> rows) {
    List<String> out = new ArrayList<>();
    for (Row row : rows.collectAsList()) {
      out.add(row.toString());
    }
    out.sort(null);
    return out;
  }

  private static Dataset<Row> csv(String path) {
    return spark.read().option("header", "true").schema(CSV_SCHEMA).csv(path);
  }

  @Test
  void theLargeCsvEntryIsFramedAndSplitIntoSeveralPartitions() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertTrue(reader.entry("csv/big.csv").orElseThrow().isFramed());
      assertTrue(reader.entry("csv/big.csv").orElseThrow().uncompressedSize()
          >= 60L * 1024 * 1024);
    }
    Dataset<Row> big = csv(inArchive("csv/big.csv"));
    assertTrue(big.rdd().getNumPartitions() >= 4, "partitions: " + big.rdd().getNumPartitions());
    assertEquals(BIG_ROWS, big.count());
    assertEquals(BIG_ROWS - 1, ((Number) big.agg(functions.max("id")).first().get(0))
        .longValue());
  }

  @Test
  void csvCountAndGroupByEqualTheExtractedFiles() {
    Dataset<Row> engram = csv(inArchive("csv/"));
    Dataset<Row> disk = csv(onDisk("csv"));
    assertEquals(BIG_ROWS + 2L * SMALL_ROWS, engram.count());
    assertEquals(disk.count(), engram.count());
    assertEquals(sorted(groupBy(disk)), sorted(groupBy(engram)));
  }

  private static Dataset<Row> groupBy(Dataset<Row> rows) {
    return rows.groupBy("category").agg(functions.count("*"), functions.sum("id"),
        functions.round(functions.sum("amount"), 2));
  }

  @Test
  void csvGlobsInsideTheArchiveReadTheMatchingEntries() {
    assertEquals(2L * SMALL_ROWS, csv(inArchive("csv/small-*.csv")).count());
  }

  @Test
  void jsonLinesEqualTheExtractedFiles() {
    Dataset<Row> engram = spark.read().json(inArchive("json"));
    assertEquals(15_000, engram.count());
    assertEquals(sorted(spark.read().json(onDisk("json"))), sorted(engram));
  }

  @Test
  void parquetReadsInPlaceAndEqualsTheExtractedFiles() {
    Dataset<Row> engram = spark.read().parquet(inArchive("parquet"));
    Dataset<Row> disk = spark.read().parquet(onDisk("parquet"));
    assertEquals(300_000, engram.count());
    assertEquals(disk.schema(), engram.schema());
    assertEquals(sorted(disk.groupBy("bucket").agg(functions.sum("value"))),
        sorted(engram.groupBy("bucket").agg(functions.sum("value"))));
    assertEquals(sorted(disk.where("id % 1000 = 7")), sorted(engram.where("id % 1000 = 7")));
  }

  @Test
  void binaryFileRowsCarryEachEntrysBytes() {
    List<Row> engram = spark.read().format("binaryFile").load(inArchive("docs"))
        .select("path", "length", "content").collectAsList();
    List<Row> disk = spark.read().format("binaryFile").load(onDisk("docs"))
        .select("path", "length", "content").collectAsList();
    assertEquals(5, engram.size());
    TreeMap<String, Row> byName = new TreeMap<>();
    for (Row row : disk) {
      byName.put(name(row.getString(0)), row);
    }
    for (Row row : engram) {
      String path = row.getString(0);
      assertTrue(path.startsWith("engram:"), path);
      Row expected = byName.get(name(path));
      assertEquals(expected.getLong(1), row.getLong(1), path);
      assertArrayEquals((byte[]) expected.get(2), (byte[]) row.get(2), path);
    }
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
