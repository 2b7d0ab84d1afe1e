package dev.engram.bench;

import dev.engram.ArchiveReader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipFile;

/**
 * Row 3: many small files. Time to open an archive of 10,000 entries (and 100,000) and the heap
 * the open reader retains; then 100,000 random whole-file reads, against {@link ZipFile} and the
 * JDK zip file system on the same files. Opens are timed one at a time, {@code 10 x runs} of
 * each, median.
 *
 * @param data where the data and archives come from
 * @param runs timed rounds per contender
 */
record SmallFilesRow(BenchData data, int runs) implements BenchRow {
  private static final String ROW = "3 small files";
  private static final int FILES = 10_000;
  private static final int MANY_FILES = 100_000;
  private static final int READS = 100_000;


  @Override
  public void run(ResultTable table) throws Exception {
    SmallFiles files = data.smallFiles(FILES);
    SmallFiles manyFiles = data.smallFiles(MANY_FILES);
    Path engram = data.smallArchive(files);
    Path zip = data.smallZip(files);
    Path manyEngram = data.smallArchive(manyFiles);
    Path manyZip = data.smallZip(manyFiles);
    System.err.println("row 3: opening");
    Map<String, Double> open = new Rounds(10 * runs)
        .add("engram 10k", () -> ArchiveReader.open(engram).close())
        .add("ZipFile 10k", () -> new ZipFile(zip.toFile()).close())
        .add("zip fs 10k", () -> FileSystems.newFileSystem(zip).close())
        .add("engram 100k", () -> ArchiveReader.open(manyEngram).close())
        .add("ZipFile 100k", () -> new ZipFile(manyZip.toFile()).close())
        .medianSeconds();
    openLines(table, "10,000", open.get("engram 10k"), open.get("ZipFile 10k"), 0.010);
    table.add(ROW, "open 10,000 entries, JDK zip file system",
        ResultTable.millis(open.get("zip fs 10k")));
    openLines(table, "100,000", open.get("engram 100k"), open.get("ZipFile 100k"), 0.100);
    memoryLine(table, engram, files);
    memoryLine(table, manyEngram, manyFiles);
    randomReads(table, files.names(), engram, zip);
  }

  private static void openLines(ResultTable table, String entries, double engram, double zip,
      double target) {
    table.add(ROW, "open " + entries + " entries, engram", ResultTable.millis(engram))
        .ratio(engram / zip, "time of ZipFile")
        .target("median <= " + ResultTable.millis(target), engram <= target);
    table.add(ROW, "open " + entries + " entries, ZipFile", ResultTable.millis(zip));
  }

  /** Heap retained by an open reader, per entry, without its path strings. */
  private static void memoryLine(ResultTable table, Path archive, SmallFiles files)
      throws Exception {
    long retained = HeapMeter.retainedBytes(() -> ArchiveReader.open(archive));
    long paths = 0;
    for (String name : files.names()) {
      paths += HeapMeter.stringBytes(name.length());
    }
    double perEntry = (double) (retained - paths) / files.count();
    table.add(ROW, String.format("index memory, %,d entries, engram", files.count()),
        String.format("%,.0f B/entry", perEntry))
        .size(String.format("%,.1f MB retained, paths %,.1f MB", retained / 1e6, paths / 1e6))
        .target("<= 200 B/entry + paths", perEntry <= 200);
  }

  private void randomReads(ResultTable table, List<String> names, Path engram, Path zip)
      throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    String[] picks = new String[READS];
    for (int i = 0; i < READS; i++) {
      picks[i] = names.get(random.nextInt(names.size()));
    }
    System.err.println("row 3: random reads");
    Map<String, Double> seconds;
    try (ArchiveReader reader = ArchiveReader.open(engram);
        ZipFile zipFile = new ZipFile(zip.toFile());
        FileSystem zipFs = FileSystems.newFileSystem(zip)) {
      seconds = new Rounds(runs)
          .add("engram", () -> {
            for (String name : picks) {
              reader.read(name);
            }
          })
          .add("ZipFile", () -> {
            for (String name : picks) {
              try (var in = zipFile.getInputStream(zipFile.getEntry(name))) {
                in.readAllBytes();
              }
            }
          })
          .add("zip fs", () -> {
            for (String name : picks) {
              Files.readAllBytes(zipFs.getPath(name));
            }
          })
          .medianSeconds();
    }
    String what = String.format("%,d random reads", READS);
    double engramTime = seconds.get("engram");
    double zipTime = seconds.get("ZipFile");
    table.add(ROW, what + ", engram", ResultTable.micros(engramTime / READS) + " per read")
        .ratio(engramTime / zipTime, "time of ZipFile")
        .target("<= 1.00x time of ZipFile", engramTime <= zipTime);
    table.add(ROW, what + ", ZipFile", ResultTable.micros(zipTime / READS) + " per read");
    table.add(ROW, what + ", JDK zip file system",
        ResultTable.micros(seconds.get("zip fs") / READS) + " per read")
        .ratio(seconds.get("zip fs") / zipTime, "time of ZipFile");
  }
}
