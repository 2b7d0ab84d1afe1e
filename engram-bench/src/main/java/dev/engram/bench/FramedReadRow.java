package dev.engram.bench;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import dev.engram.frame.FramedEntryChannel;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Row 4: random 4 KiB reads at any offset in the large framed entry (as many MiB as the run's
 * size), through one {@link FramedEntryChannel} ({@code openChannel}): latency and frames decoded
 * per read, against decompressing the whole entry ({@code openStream} read to the end). Readers
 * use {@code threads(1)}, so that nothing is decoded ahead.
 *
 * @param data where the data and archives come from
 * @param runs timed rounds per contender
 */
record FramedReadRow(BenchData data, int runs) implements BenchRow {
  private static final String ROW = "4 framed entry";
  private static final int READ = 4096;
  private static final int WARM_UP_READS = 2_000;
  private static final int READS = 10_000;


  @Override
  public void run(ResultTable table) throws Exception {
    ReaderOptions oneThread = ReaderOptions.builder().threads(1).build();
    for (PackCodec codec : List.of(PackCodec.ZSTD_3, PackCodec.LZ4)) {
      Path archive = data.framedArchive(codec);
      System.err.println("row 4: " + archive.getFileName());
      Drain drain = new Drain();
      double whole = new Rounds(runs).add("whole", () -> {
        try (ArchiveReader reader = ArchiveReader.open(archive, oneThread)) {
          drain.all(reader.openStream(BenchData.LARGE_ENTRY));
        }
      }).medianSeconds().get("whole");
      long size;
      try (ArchiveReader reader = ArchiveReader.open(archive, oneThread)) {
        size = reader.entry(BenchData.LARGE_ENTRY).orElseThrow().uncompressedSize();
        RandomReads reads = randomReads(reader, size);
        table.add(ROW, String.format(Locale.ROOT, "random 4 KiB read, engram %s, openChannel",
            codec.label()), String.format(Locale.ROOT, "%s median, %s p99",
                ResultTable.micros(reads.median()), ResultTable.micros(reads.p99())))
            .size(String.format(Locale.ROOT, "%.2f frames/read, max %d", reads.meanFrames(),
                reads.maxFrames()))
            .ratio(reads.median() / whole, "time of whole entry")
            .target("<= 2 frames per read", reads.maxFrames() <= 2);
      }
      table.add(ROW, String.format(Locale.ROOT, "whole %,d MiB entry, engram %s, openStream",
          size >> 20, codec.label()), ResultTable.millis(whole))
          .size(ResultTable.mbPerSecond(size, whole));
    }
  }

  /** Latencies (seconds) and frames decoded of random reads. */
  private record RandomReads(List<Double> latencies, long maxFrames, double meanFrames) {
    double median() {
      return Rounds.median(latencies);
    }

    double p99() {
      List<Double> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      return sorted.get((int) (sorted.size() * 0.99));
    }
  }

  private static RandomReads randomReads(ArchiveReader reader, long size) throws Exception {
    try (FramedEntryChannel channel =
        (FramedEntryChannel) reader.openChannel(BenchData.LARGE_ENTRY)) {
      ByteBuffer buffer = ByteBuffer.allocate(READ);
      SplittableRandom random = new SplittableRandom(11);
      List<Double> latencies = new ArrayList<>(READS);
      long maxFrames = 0;
      long frames = 0;
      for (int i = -WARM_UP_READS; i < READS; i++) {
        long position = random.nextLong(size - READ);
        long decodedBefore = channel.framesDecoded();
        long start = System.nanoTime();
        channel.position(position);
        buffer.clear();
        while (buffer.hasRemaining()) {
          channel.read(buffer);
        }
        long nanos = System.nanoTime() - start;
        long decoded = channel.framesDecoded() - decodedBefore;
        if (i >= 0) {
          latencies.add(nanos / 1e9);
          maxFrames = Math.max(maxFrames, decoded);
          frames += decoded;
        }
      }
      return new RandomReads(latencies, maxFrames, (double) frames / READS);
    }
  }
}
