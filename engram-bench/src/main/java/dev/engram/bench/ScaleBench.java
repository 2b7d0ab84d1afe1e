package dev.engram.bench;

import dev.engram.ArchiveReader;
import dev.engram.EntryInfo;
import dev.engram.RandomAccessEntry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The Java half of {@code scripts/bench-scale} (docs/BENCHMARKS.md, "Scale"), which runs it once
 * per data set and per measure, each time in a new JVM:
 *
 * <ul>
 *   <li>{@code sizes DIR MIB FILES}: the folder of the size series, {@link UpdateData} (exactly
 *       {@code MIB} MiB in exactly {@code FILES} files of mixed content);
 *   <li>{@code counts DIR N}: the folder of the entry-count series, {@code N} files of 100 to 1,000
 *       bytes in a tree of directories of 100 ({@link SmallFiles.Layout#TREE});
 *   <li>{@code big DIR MIB}: a folder of one text file of {@code MIB} MiB;
 *   <li>{@code inproc ARCHIVE OPENS READS}: the in-process measures of an archive: the median
 *       and minimum time of {@link ArchiveReader#open(Path)} (and close) over {@code OPENS} runs
 *       after warm-ups, and {@code READS} reads of up to 4 KiB at a random offset of a random entry
 *       through one reader ({@link ArchiveReader#openRandomAccess}), after {@code READS / 10}
 *       untimed ones; printed as {@code key=value} lines.
 * </ul>
 *
 * <p>Every folder is generated with fixed seeds into a {@code .partial} sibling and renamed when
 * complete.
 */
public final class ScaleBench {
  private static final long MIB = 1 << 20;
  private static final int READ_SIZE = 4096;
  private static final int OPEN_WARM_UPS = 3;
  private static final String USAGE = "usage: ScaleBench sizes DIR MIB FILES | counts DIR N"
      + " | big DIR MIB | inproc ARCHIVE OPENS READS";

  private ScaleBench() {}

  /**
   * Runs one command.
   *
   * @param args the command and its arguments (see the class comment)
   * @throws Exception if generating or reading fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      throw new IllegalArgumentException(USAGE);
    }
    Path path = Path.of(args[1]);
    switch (args[0]) {
      case "sizes" -> generate(path, dir -> UpdateData.generate(dir,
          Long.parseLong(args[2]) * MIB, Integer.parseInt(args[3]), BenchData.SEED,
          new ContentBlocks(BenchData.SEED)));
      case "counts" -> generate(path, new SmallFiles(Integer.parseInt(args[2]), 100, 1000,
          BenchData.SEED, SmallFiles.Layout.TREE)::writeFiles);
      case "big" -> generate(path, dir -> new ContentBlocks(BenchData.SEED).write(
          dir.resolve("big.txt"), ContentKind.TEXT, Long.parseLong(args[2]) * MIB,
          new SplittableRandom(BenchData.SEED)));
      case "inproc" -> inProcess(path, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(USAGE);
    }
  }

  /** Makes a folder. */
  @FunctionalInterface
  private interface Generator {
    void generate(Path dir) throws Exception;
  }

  private static void generate(Path dir, Generator generator) throws Exception {
    Path partial = dir.resolveSibling(dir.getFileName() + ".partial");
    if (Files.exists(partial)) {
      try (Stream<Path> walk = Files.walk(partial)) {
        for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(partial);
    generator.generate(partial);
    Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void inProcess(Path archive, int opens, int reads) throws Exception {
    List<Double> times = new ArrayList<>();
    int entries = 0;
    for (int run = -OPEN_WARM_UPS; run < opens; run++) {
      long start = System.nanoTime();
      try (ArchiveReader reader = ArchiveReader.open(archive)) {
        double seconds = (System.nanoTime() - start) / 1e9;
        entries = reader.entryCount();
        if (run >= 0) {
          times.add(seconds);
        }
      }
    }
    System.out.printf(Locale.ROOT, "entries=%d%nopen_median_s=%.6f%nopen_min_s=%.6f%n", entries,
        Rounds.median(times), times.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      List<EntryInfo> files = reader.entries().stream()
          .filter(e -> e.uncompressedSize() > 0).toList();
      SplittableRandom random = new SplittableRandom(BenchData.SEED);
      ByteBuffer buffer = ByteBuffer.allocate(READ_SIZE);
      long bytes = 0;
      long start = 0;
      for (int i = -reads / 10; i < reads; i++) {
        if (i == 0) {
          bytes = 0;
          start = System.nanoTime();
        }
        EntryInfo entry = files.get(random.nextInt(files.size()));
        long size = entry.uncompressedSize();
        long position = size <= READ_SIZE ? 0 : random.nextLong(size - READ_SIZE + 1);
        buffer.clear().limit((int) Math.min(READ_SIZE, size));
        RandomAccessEntry access = reader.openRandomAccess(entry.path());
        access.readFully(position, buffer);
        bytes += buffer.position();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "reads=%d%nreads_s=%.6f%nread_bytes=%d%n", reads, seconds,
          bytes);
    }
  }
}
