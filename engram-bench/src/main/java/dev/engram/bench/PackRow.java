package dev.engram.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Row 1: pack the mixed data from disk. engram with Zstandard 3 and 6 and LZ4, on 1 and 2
 * threads ({@code WriterOptions.threads}), against {@code ZipOutputStream} (deflate, default
 * level) and the codec libraries compressing the same bytes on one thread ({@link RawPacker}).
 * Warm-ups pack every 8th file under 50 MiB.
 *
 * @param data where the data and archives come from
 * @param runs timed rounds per contender
 * @param packDir where the packed archives are written (and deleted)
 */
record PackRow(BenchData data, int runs, Path packDir) implements BenchRow {
  private static final String ROW = "1 pack";
  private static final String ZIP = "ZipOutputStream (deflate)";
  private static final List<PackCodec> CODECS = List.of(PackCodec.ZSTD_3, PackCodec.ZSTD_6,
      PackCodec.LZ4);


  @Override
  public void run(ResultTable table) throws Exception {
    FileSet files = data.mixedFiles();
    FileSet warmUp = files.sample(8, RawPacker.FRAMED_FROM);
    Files.createDirectories(packDir);
    Path output = packDir.resolve("engram-bench-pack-output");
    Files.deleteIfExists(output);
    // untimed: freeing the previous archive's pages is no part of packing the next one
    Rounds.Task deleteOutput = () -> Files.deleteIfExists(output);
    System.err.printf("row 1: packing %,d files, %,d bytes%n", files.files().size(),
        files.totalBytes());
    Map<String, Long> sizes = new HashMap<>();
    Rounds rounds = new Rounds(runs);
    for (PackCodec codec : CODECS) {
      for (int threads = 1; threads <= 2; threads++) {
        int n = threads;
        String name = engramName(codec, n);
        rounds.add(name, () -> Packers.engram(warmUp, output, codec, n),
            () -> sizes.put(name, Packers.engram(files, output, codec, n)), deleteOutput);
      }
    }
    rounds.add(ZIP, () -> Packers.zip(warmUp, output),
        () -> sizes.put(ZIP, Packers.zip(files, output)), deleteOutput);
    Map<PackCodec, RawPacker> raw = new HashMap<>();
    for (PackCodec codec : CODECS) {
      RawPacker packer = new RawPacker(codec);
      raw.put(codec, packer);
      rounds.add(rawName(codec), () -> packer.pack(warmUp),
          () -> sizes.put(rawName(codec), packer.pack(files)));
    }
    Map<String, Double> seconds;
    try {
      seconds = rounds.medianSeconds();
    } finally {
      raw.values().forEach(RawPacker::close);
      Files.deleteIfExists(output);
    }
    report(table, files.totalBytes(), seconds, sizes);
  }

  private static void report(ResultTable table, long bytes, Map<String, Double> seconds,
      Map<String, Long> sizes) {
    for (PackCodec codec : CODECS) {
      String one = engramName(codec, 1);
      String two = engramName(codec, 2);
      line(table, one, bytes, seconds, sizes)
          .ratio(seconds.get(rawName(codec)) / seconds.get(one), "of raw " + codec.label());
      line(table, two, bytes, seconds, sizes).ratio(seconds.get(one) / seconds.get(two),
          "of 1 thread").target(">= 1.8x of 1 thread",
          seconds.get(one) / seconds.get(two) >= 1.8);
    }
    String zstd = engramName(PackCodec.ZSTD_3, 2);
    double vsZip = seconds.get(ZIP) / seconds.get(zstd);
    boolean smaller = sizes.get(zstd) < sizes.get(ZIP);
    table.add(ROW, "  " + zstd + " vs ZIP", "")
        .size(String.format("%.0f%% of ZIP", 100.0 * sizes.get(zstd) / sizes.get(ZIP)))
        .ratio(vsZip, "of ZIP").target(">= 3x of ZIP, smaller", vsZip >= 3 && smaller);
    line(table, ZIP, bytes, seconds, sizes);
    for (PackCodec codec : CODECS) {
      line(table, rawName(codec), bytes, seconds, sizes);
    }
  }

  private static ResultTable.Line line(ResultTable table, String name, long bytes,
      Map<String, Double> seconds, Map<String, Long> sizes) {
    return table.add(ROW, name, ResultTable.mbPerSecond(bytes, seconds.get(name)))
        .size(sizes.get(name));
  }

  private static String engramName(PackCodec codec, int threads) {
    return "engram " + codec.label() + ", " + threads + (threads == 1 ? " thread" : " threads");
  }

  private static String rawName(PackCodec codec) {
    return "raw " + codec.label() + ", 1 thread, no output";
  }
}
