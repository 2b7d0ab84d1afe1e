package dev.engram.bench;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the frame index saves (docs/BENCHMARKS.md, "Frame index"), run by {@code
 * scripts/bench-frame-index [MiB] [--runs N]}: the large text entry of {@link
 * BenchData#largeArchive()} (1 GiB by default, Zstandard 6, 64 KiB frames) packed with and
 * without its frame index, and for each, opening a channel on it through a new reader, which
 * reads the local header and finds every frame: the reads and bytes that takes, counted by the
 * source, its median time (archive in the page cache, rounds interleaved after warm-ups), and
 * the reads at a 20 ms round trip. Prints one Markdown table; progress goes to standard error.
 */
public final class FrameIndexBench {
  private static final double ROUND_TRIP_SECONDS = 0.020;
  /** Untimed rounds first: the walk's loop needs a few before the JIT has compiled it. */
  private static final int WARM_UP_ROUNDS = 3;

  private FrameIndexBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code [MiB] [--runs N] [--data DIR]}
   * @throws Exception if generating the data or reading fails
   */
  public static void main(String[] args) throws Exception {
    BenchOptions options = BenchOptions.parse(args);
    BenchData data = new BenchData(options.dataDir(), options.mib());
    List<Path> archives = List.of(data.largeArchive(true), data.largeArchive(false));
    List<List<Double>> times = List.of(new ArrayList<>(), new ArrayList<>());
    long[] reads = new long[archives.size()];
    long[] bytes = new long[archives.size()];
    for (int round = 1 - WARM_UP_ROUNDS; round <= options.runs(); round++) {
      for (int i = 0; i < archives.size(); i++) {
        Counting source = new Counting(ArchiveSource.open(archives.get(i)));
        try (ArchiveReader reader = ArchiveReader.open(source,
            ReaderOptions.builder().threads(1).build())) {
          source.reset();
          long start = System.nanoTime();
          try (SeekableByteChannel channel = reader.openChannel(BenchData.LARGE_ENTRY)) {
            double seconds = (System.nanoTime() - start) / 1e9;
            reads[i] = source.reads;
            bytes[i] = source.bytes;
            if (round > 0) {
              times.get(i).add(seconds);
            }
            System.err.printf(Locale.ROOT, "  %s: %s: %,d reads, %.3f ms%n",
                round > 0 ? "round " + round : "warm-up", archives.get(i).getFileName(),
                reads[i], seconds * 1e3);
            channel.read(ByteBuffer.allocate(1)); // the channel works (not counted)
          }
        }
      }
    }
    System.out.println("| archive | size | reads to open the channel | bytes read | median time"
        + " | at 20 ms per read |");
    System.out.println("|---|---|---|---|---|---|");
    for (int i = 0; i < archives.size(); i++) {
      System.out.printf(Locale.ROOT, "| %s | %,d B | %,d | %,d B | %.2f ms | %.2f s |%n",
          archives.get(i).getFileName(), Files.size(archives.get(i)), reads[i], bytes[i],
          Rounds.median(times.get(i)) * 1e3, reads[i] * ROUND_TRIP_SECONDS);
    }
  }

  /** A file source that counts the reads made through it and their bytes. */
  private static final class Counting implements ArchiveSource {
    private final ArchiveSource file;
    private long reads;
    private long bytes;

    Counting(ArchiveSource file) {
      this.file = file;
    }

    void reset() {
      reads = 0;
      bytes = 0;
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
      reads++; // one thread reads: the reader has no pool threads (threads(1))
      bytes += dst.remaining();
      file.readFully(position, dst);
    }

    @Override
    public String name() {
      return file.name();
    }

    @Override
    public SourceIdentity identity() {
      return file.identity();
    }

    @Override
    public long size() {
      return file.size();
    }

    @Override
    public boolean isOpen() {
      return file.isOpen();
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }
}
