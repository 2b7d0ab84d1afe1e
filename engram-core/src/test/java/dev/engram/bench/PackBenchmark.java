package dev.engram.bench;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Packs a directory of generated mixed data (text, JSON, random binary; many small files, some
 * medium ones, a few large ones) with 1 and 2 threads, Zstandard level 3 and LZ4, and prints the
 * rates side by side. Run by {@code scripts/bench-pack}; a plain main, not a test.
 *
 * <p>Arguments: working directory, data size in MiB (default 1024), runs per case (default 3;
 * the best is reported), and optionally a path prefix to pack only part of the data ({@code
 * large/l2} is the random binary file, {@code small/} the small files). The data is generated
 * once into {@code <dir>/data-<MiB>} and reused. With the environment variable {@code
 * BENCH_DEBUG} set, each run's time in {@code addFile} calls and in {@code finish()} is printed.
 */
public final class PackBenchmark {
  private static final long MIB = 1 << 20;
  /** Each kind of content is sliced from a block this large, so generating 1 GiB is quick. */
  private static final int BLOCK = 8 << 20;
  private static final String[] WORDS = {"engram", "archive", "frame", "the", "of", "knowledge",
      "compress", "random", "access", "directory", "entry", "sqlite", "query", "and", "data",
      "stream", "thread", "pool", "order", "memory", "bounded", "writer", "reader", "index"};

  private PackBenchmark() {}

  /**
   * Entry point.
   *
   * @param args working directory, data MiB, runs per case
   * @throws IOException if generating or packing fails
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-pack");
    long mib = args.length > 1 ? Long.parseLong(args[1]) : 1024;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String only = args.length > 3 ? args[3] : ""; // e.g. "large/": pack only that part
    Path data = dir.resolve("data-" + mib);
    if (!Files.isDirectory(data)) {
      generate(data, mib * MIB);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(data)) {
      files = walk.filter(Files::isRegularFile)
          .filter(f -> data.relativize(f).toString().startsWith(only))
          .sorted().collect(Collectors.toList());
    }
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    System.out.printf(Locale.ROOT, "%d files, %.1f MB, %d cores, best of %d runs%n",
        files.size(), total / 1e6, Runtime.getRuntime().availableProcessors(), runs);
    Path archive = dir.resolve("pack.eng");
    pack(files, data, archive, CompressionMethod.LZ4, 2); // warm-up: JIT, page cache, heap
    System.out.println("| codec | 1 thread MB/s | 2 threads MB/s | 2/1 | archive MB |");
    System.out.println("|---|---|---|---|---|");
    for (CompressionMethod method : List.of(CompressionMethod.ZSTD, CompressionMethod.LZ4)) {
      double[] best = new double[3];
      for (int run = 0; run < runs; run++) {
        for (int threads = 1; threads <= 2; threads++) {
          double seconds = pack(files, data, archive, method, threads);
          best[threads] = Math.max(best[threads], total / seconds / 1e6);
        }
      }
      System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2fx | %.1f |%n",
          method == CompressionMethod.ZSTD ? "zstd-3" : "lz4", best[1], best[2],
          best[2] / best[1], Files.size(archive) / 1e6);
    }
    Files.deleteIfExists(archive);
  }

  /** Packs every file in order, finish() (and its fsync) included; returns the seconds taken. */
  private static double pack(List<Path> files, Path data, Path archive, CompressionMethod method,
      int threads) throws IOException {
    WriterOptions options = WriterOptions.builder().threads(threads).zstdLevel(3)
        .modifiedTime(Instant.parse("2025-01-01T00:00:00Z")).build();
    long start = System.nanoTime();
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      for (Path file : files) {
        writer.addFile(data.relativize(file).toString(), file, method);
      }
      long added = System.nanoTime();
      writer.finish();
      if (System.getenv("BENCH_DEBUG") != null) {
        System.err.printf(Locale.ROOT, "%s %d threads: add %.2f s, finish %.2f s%n", method,
            threads, (added - start) / 1e9, (System.nanoTime() - added) / 1e9);
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Writes about {@code bytes} of data: a quarter in small files (4-64 KiB), a quarter in medium
   * ones (1-8 MiB), half in three large ones (text, JSON, binary), each kind two parts text-like
   * or JSON-like to one part random.
   */
  private static void generate(Path data, long bytes) throws IOException {
    System.out.println("generating " + bytes / MIB + " MiB of data in " + data);
    SplittableRandom random = new SplittableRandom(42);
    byte[][] kinds = {text(random), json(random), binary(random)};
    String[] extensions = {".txt", ".json", ".bin"};
    Path tmp = data.resolveSibling(data.getFileName() + ".partial");
    Files.createDirectories(tmp);
    long written = 0;
    int n = 0;
    while (written < bytes / 4) {
      int kind = n % 3;
      int size = 4096 + random.nextInt(60 * 1024);
      written += write(tmp.resolve("small/" + (n / 500) + "/f" + n++ + extensions[kind]),
          kinds[kind], size, random);
    }
    while (written < bytes / 2) {
      int kind = n % 3;
      int size = (int) MIB + random.nextInt(7 * (int) MIB);
      written += write(tmp.resolve("medium/m" + n++ + extensions[kind]), kinds[kind], size,
          random);
    }
    long large = (bytes - written) / 3;
    for (int kind = 0; kind < 3; kind++) {
      write(tmp.resolve("large/l" + kind + extensions[kind]), kinds[kind], large, random);
    }
    Files.move(tmp, data);
  }

  /** Writes {@code size} bytes sliced from a block at random offsets; returns the size. */
  private static long write(Path file, byte[] block, long size, SplittableRandom random)
      throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      long left = size;
      while (left > 0) {
        int offset = random.nextInt(BLOCK / 2);
        int n = (int) Math.min(left, BLOCK - offset);
        out.write(block, offset, n);
        left -= n;
      }
    }
    return size;
  }

  private static byte[] text(SplittableRandom random) {
    StringBuilder out = new StringBuilder(BLOCK + 64);
    while (out.length() < BLOCK) {
      out.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(9) == 0 ? '\n' : ' ');
    }
    return out.substring(0, BLOCK).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] json(SplittableRandom random) {
    StringBuilder out = new StringBuilder(BLOCK + 256);
    for (long id = 0; out.length() < BLOCK; id++) {
      out.append("{\"id\":").append(id).append(",\"name\":\"")
          .append(WORDS[random.nextInt(WORDS.length)]).append('-').append(random.nextInt(1000))
          .append("\",\"score\":").append(random.nextDouble() * 100)
          .append(",\"tags\":[\"").append(WORDS[random.nextInt(WORDS.length)]).append("\",\"")
          .append(WORDS[random.nextInt(WORDS.length)]).append("\"],\"active\":")
          .append(random.nextBoolean()).append("}\n");
    }
    return out.substring(0, BLOCK).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] binary(SplittableRandom random) {
    byte[] out = new byte[BLOCK];
    random.nextBytes(out);
    return out;
  }
}
