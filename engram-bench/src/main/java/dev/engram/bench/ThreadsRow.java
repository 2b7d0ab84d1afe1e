package dev.engram.bench;

import dev.engram.ArchiveReader;
import dev.engram.RandomAccessEntry;
import dev.engram.ReaderOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Row 5: threads and one reader. First the reader's own threads ({@code ReaderOptions.threads} 1,
 * 2, 4) decoding ahead of one sequential {@code openStream} of the 100 MiB entry; then 1, 2 and 4
 * application threads sharing one reader (default options), splitting a fixed amount of work:
 * random 4 KiB reads in the large framed entry through one shared {@link RandomAccessEntry}, and
 * random reads of the 10,000 small files.
 *
 * @param data where the data and archives come from
 * @param runs timed rounds per contender
 */
record ThreadsRow(BenchData data, int runs) implements BenchRow {
  private static final String ROW = "5 threads";
  private static final int[] THREADS = {1, 2, 4};
  private static final int FRAMED_READS = 20_000;
  private static final int SMALL_READS = 100_000;


  @Override
  public void run(ResultTable table) throws Exception {
    for (PackCodec codec : List.of(PackCodec.ZSTD_3, PackCodec.LZ4)) {
      readerThreads(table, codec);
      rawCeiling(table, codec);
    }
    sharedRandomAccess(table);
    sharedSmallFiles(table);
  }

  /**
   * ReaderOptions.threads 1, 2, 4 on one sequential openStream: a new reader each time (frame
   * index walk included), and readers kept open (frame index cached).
   */
  private void readerThreads(ResultTable table, PackCodec codec) throws Exception {
    Path archive = data.framedArchive(codec);
    System.err.println("row 5: reader threads, " + archive.getFileName());
    Rounds rounds = new Rounds(runs);
    List<ArchiveReader> openReaders = new ArrayList<>();
    Map<String, Double> seconds;
    try {
      for (int threads : THREADS) {
        ReaderOptions options = ReaderOptions.builder().threads(threads).build();
        ArchiveReader open = ArchiveReader.open(archive, options);
        openReaders.add(open);
        Drain drain = new Drain();
        rounds.add("new " + threads, () -> {
          try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
            drain.all(reader.openStream(BenchData.ENTRY_100_MIB));
          }
        });
        rounds.add("open " + threads, () -> drain.all(open.openStream(BenchData.ENTRY_100_MIB)));
      }
      seconds = rounds.medianSeconds();
    } finally {
      for (ArchiveReader reader : openReaders) {
        reader.close();
      }
    }
    for (String kind : List.of("new", "open")) {
      for (int threads : THREADS) {
        double time = seconds.get(kind + " " + threads);
        double speedUp = seconds.get(kind + " 1") / time;
        ResultTable.Line line = table.add(ROW, String.format(
            "openStream 100 MiB, engram %s, ReaderOptions.threads(%d), %s", codec.label(),
            threads, kind.equals("new") ? "new reader" : "reader kept open"),
            ResultTable.mbPerSecond(100 << 20, time));
        if (threads > 1) {
          line.ratio(speedUp, "of threads(1)");
        }
        if (threads == 2 && kind.equals("new")) {
          line.target(">= 1.7x of threads(1)", speedUp >= 1.7);
        }
      }
    }
  }

  /**
   * What the machine itself allows: the codec library decompressing the 100 MiB entry's frames,
   * held in memory, on 1, 2 and 4 threads, each with a codec of its own and every n-th frame (no
   * I/O, no order, no CRC, nothing handed between threads). The reader's threads rows compare
   * with this.
   */
  private void rawCeiling(ResultTable table, PackCodec codec) throws Exception {
    Path archive = data.framedArchive(codec);
    System.err.println("row 5: raw decompression on threads, " + archive.getFileName());
    List<byte[]> frames = new ArrayList<>();
    long size;
    try (FileChannel channel = FileChannel.open(archive)) {
      RawArchive.Payload payload = RawArchive.payloads(channel).stream()
          .filter(p -> p.path().equals(BenchData.ENTRY_100_MIB)).findFirst().orElseThrow();
      size = payload.size();
      ByteBuffer bytes = RawArchive.read(channel, payload.offset(), payload.storedSize());
      for (long k = Integer.toUnsignedLong(bytes.getInt()); k > 0; k--) {
        byte[] frame = new byte[bytes.getInt()];
        bytes.get(frame);
        frames.add(frame);
      }
    }
    long frameSize = RawPacker.FRAME_SIZE;
    Rounds rounds = new Rounds(runs);
    for (int threads : THREADS) {
      rounds.add(String.valueOf(threads), () -> Parallel.run(threads, thread -> {
        try (RawCodec raw = new RawCodec(codec)) {
          byte[] out = new byte[RawPacker.FRAME_SIZE];
          for (int k = thread; k < frames.size(); k += threads) {
            byte[] frame = frames.get(k);
            raw.decompress(frame, 0, frame.length, out,
                (int) Math.min(frameSize, size - k * frameSize));
          }
        }
      }));
    }
    Map<String, Double> seconds = rounds.medianSeconds();
    for (int threads : THREADS) {
      double time = seconds.get(String.valueOf(threads));
      ResultTable.Line line = table.add(ROW, String.format(
          "raw %s decompression of the 100 MiB entry's frames in memory, %d %s", codec.label(),
          threads, threads == 1 ? "thread" : "threads"), ResultTable.mbPerSecond(size, time));
      if (threads > 1) {
        line.ratio(seconds.get("1") / time, "of 1 thread");
      }
    }
  }

  private void sharedRandomAccess(ResultTable table) throws Exception {
    Path archive = data.framedArchive(PackCodec.ZSTD_3);
    System.err.println("row 5: application threads, random 4 KiB reads");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      RandomAccessEntry entry = reader.openRandomAccess(BenchData.LARGE_ENTRY);
      long limit = entry.size() - 4096;
      Map<String, Double> seconds = byThreadCount(FRAMED_READS, (thread, reads) -> {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        SplittableRandom random = new SplittableRandom(100 + thread);
        for (int i = 0; i < reads; i++) {
          buffer.clear();
          entry.readFully(random.nextLong(limit), buffer);
        }
      });
      threadLines(table, "random 4 KiB reads, one RandomAccessEntry, engram zstd-3",
          FRAMED_READS, seconds);
    }
  }

  private void sharedSmallFiles(ResultTable table) throws Exception {
    SmallFiles files = data.smallFiles(10_000);
    List<String> names = files.names();
    System.err.println("row 5: application threads, small-file reads");
    try (ArchiveReader reader = ArchiveReader.open(data.smallArchive(files))) {
      Map<String, Double> seconds = byThreadCount(SMALL_READS, (thread, reads) -> {
        SplittableRandom random = new SplittableRandom(200 + thread);
        for (int i = 0; i < reads; i++) {
          reader.read(names.get(random.nextInt(names.size())));
        }
      });
      threadLines(table, "random small-file reads (10,000 files), engram", SMALL_READS,
          seconds);
    }
  }

  /** Some reads on one thread, with a seed of its own. */
  @FunctionalInterface
  private interface Reads {
    void run(int thread, int count) throws Exception;
  }

  /** Times {@code total} reads split over 1, 2 and 4 threads; medians by thread count. */
  private Map<String, Double> byThreadCount(int total, Reads reads) throws Exception {
    Rounds rounds = new Rounds(runs);
    for (int threads : THREADS) {
      rounds.add(String.valueOf(threads),
          () -> Parallel.run(threads, thread -> reads.run(thread, total / threads)));
    }
    return rounds.medianSeconds();
  }

  private static void threadLines(ResultTable table, String what, int reads,
      Map<String, Double> seconds) {
    for (int threads : THREADS) {
      double time = seconds.get(String.valueOf(threads));
      ResultTable.Line line = table.add(ROW, what + ", " + threads
              + (threads == 1 ? " thread" : " threads"),
          String.format("%,.0f reads/s", reads / time));
      if (threads > 1) {
        line.ratio(seconds.get("1") / time, "of 1 thread");
      }
    }
  }
}
