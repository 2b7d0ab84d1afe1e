package dev.engram.bench;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Row 2: read every entry back, opening included. The mixed data through {@link ArchiveReader}
 * ({@code openStream}, default threads) from the Zstandard 3 and LZ4 archives of row 1's data, vs
 * {@link ZipFile} and the codec libraries decompressing the same payloads ({@link RawUnpacker}).
 * Then the cost target: one 100 MiB framed entry through a reader with {@code threads(1)} vs the
 * raw decompression of the same frames.
 *
 * @param data where the data and archives come from
 * @param runs timed rounds per contender
 */
record ReadBackRow(BenchData data, int runs) implements BenchRow {
  private static final String ROW = "2 read back";
  private static final String ZIP = "ZipFile";
  private static final List<PackCodec> CODECS = List.of(PackCodec.ZSTD_3, PackCodec.LZ4);


  @Override
  public void run(ResultTable table) throws Exception {
    long bytes = data.mixedFiles().totalBytes();
    Rounds rounds = new Rounds(runs);
    for (PackCodec codec : CODECS) {
      Path archive = data.mixArchive(codec);
      rounds.add(engramName(codec), () -> readEngram(archive, ReaderOptions.defaults(), null));
      rounds.add(rawName(codec), () -> unpackRaw(archive, codec, null));
    }
    Path zip = data.mixZip();
    rounds.add(ZIP, () -> readZip(zip));
    System.err.println("row 2: reading every entry back");
    Map<String, Double> seconds = rounds.medianSeconds();
    for (PackCodec codec : CODECS) {
      table.add(ROW, engramName(codec) + ", mixed data",
          ResultTable.mbPerSecond(bytes, seconds.get(engramName(codec))))
          .ratio(seconds.get(rawName(codec)) / seconds.get(engramName(codec)), "of raw");
    }
    table.add(ROW, ZIP + ", mixed data", ResultTable.mbPerSecond(bytes, seconds.get(ZIP)));
    for (PackCodec codec : CODECS) {
      table.add(ROW, rawName(codec) + ", mixed data",
          ResultTable.mbPerSecond(bytes, seconds.get(rawName(codec))));
    }
    entryCost(table);
  }

  /**
   * The 100 MiB entry with threads(1) vs raw frames, time ratio against a target: a new reader
   * each time (open and frame index included, as the raw baseline parses the archive too), and a
   * reader kept open, whose frame index is built by the warm-up and cached.
   */
  private void entryCost(ResultTable table) throws Exception {
    Rounds rounds = new Rounds(runs);
    ReaderOptions oneThread = ReaderOptions.builder().threads(1).build();
    List<ArchiveReader> openReaders = new ArrayList<>();
    try {
      for (PackCodec codec : CODECS) {
        Path archive = data.framedArchive(codec);
        ArchiveReader open = ArchiveReader.open(archive, oneThread);
        openReaders.add(open);
        Drain drain = new Drain();
        rounds.add(engramName(codec),
            () -> readEngram(archive, oneThread, BenchData.ENTRY_100_MIB));
        rounds.add(engramName(codec) + " open",
            () -> drain.all(open.openStream(BenchData.ENTRY_100_MIB)));
        rounds.add(rawName(codec), () -> unpackRaw(archive, codec, BenchData.ENTRY_100_MIB));
      }
      System.err.println("row 2: one 100 MiB framed entry");
      Map<String, Double> seconds = rounds.medianSeconds();
      for (PackCodec codec : CODECS) {
        double raw = seconds.get(rawName(codec));
        double cost = seconds.get(engramName(codec)) / raw;
        double allowed = codec == PackCodec.LZ4 ? 1.15 : 1.10;
        entryLine(table, engramName(codec) + ", threads(1), new reader, 100 MiB entry",
            seconds.get(engramName(codec))).ratio(cost, "time of raw")
            .target(String.format("<= %.2fx time of raw", allowed), cost <= allowed);
        double openTime = seconds.get(engramName(codec) + " open");
        entryLine(table, engramName(codec) + ", threads(1), reader kept open, 100 MiB entry",
            openTime).ratio(openTime / raw, "time of raw");
        entryLine(table, rawName(codec) + ", 100 MiB entry", raw);
      }
    } finally {
      for (ArchiveReader reader : openReaders) {
        reader.close();
      }
    }
  }

  private static ResultTable.Line entryLine(ResultTable table, String contender, double seconds) {
    return table.add(ROW, contender, ResultTable.mbPerSecond(100 << 20, seconds));
  }

  /** Opens the archive and reads every entry, or only {@code only} if not null. */
  private static void readEngram(Path archive, ReaderOptions options, String only) throws Exception {
    Drain drain = new Drain();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      List<String> paths = only == null ? reader.list() : List.of(only);
      for (String path : paths) {
        drain.all(reader.openStream(path));
      }
    }
  }

  private static void readZip(Path archive) throws Exception {
    Drain drain = new Drain();
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        drain.all(zip.getInputStream(entry));
      }
    }
  }

  /** Decompresses every payload of the archive, or only {@code only}'s if not null. */
  private static void unpackRaw(Path archive, PackCodec codec, String only) throws Exception {
    try (FileChannel channel = FileChannel.open(archive)) {
      List<RawArchive.Payload> payloads = RawArchive.payloads(channel);
      try (RawUnpacker unpacker = new RawUnpacker(codec.method())) {
        for (RawArchive.Payload payload : payloads) {
          if (only == null || only.equals(payload.path())) {
            unpacker.unpack(channel, payload);
          }
        }
      }
    }
  }

  private static String engramName(PackCodec codec) {
    return "engram " + codec.label();
  }

  private static String rawName(PackCodec codec) {
    return "raw " + codec.label() + ", 1 thread";
  }
}
