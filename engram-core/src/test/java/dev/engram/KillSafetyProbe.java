package dev.engram;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link KillSafetyTest}, which kills it with SIGKILL part way: writes the
 * {@linkplain #newArchive() new archive} over a target that already holds an older one, printing
 * a progress line after every step so the parent knows where the writer is.
 *
 * <p>Everything written is deterministic (fixed content seeds, fixed modified time), so the
 * parent can rebuild the same {@link #newArchive() plan} and check a finished archive entry by
 * entry.
 */
public final class KillSafetyProbe {
  /** The modified time of every entry, in both archives. */
  static final Instant MODIFIED = Instant.ofEpochSecond(1_700_000_000L);
  /** Size of the framed entry: just over the 52,428,800-byte framing threshold. */
  static final long FRAMED_SIZE = 52_428_800L + 77_777L;
  /** Number of entries in the new archive. */
  static final int ENTRY_COUNT = 24;
  /** Path of the framed entry. */
  static final String FRAMED_PATH = "big/framed-pattern.bin";

  private KillSafetyProbe() {}

  /**
   * One entry of an archive: its content is either {@code bytes}, added from memory (or from a
   * stream, when {@code asStream}), or the first {@code patternSize} bytes of {@link
   * TestData#patternStream}, added as a stream.
   *
   * @param path the entry path
   * @param method the requested method, or {@code null} for the automatic choice
   * @param bytes the content, or {@code null} for pattern content
   * @param patternSize the pattern length when {@code bytes} is {@code null}
   * @param asStream whether {@code bytes} is added through {@code addFile(String, InputStream)}
   */
  record Planned(String path, CompressionMethod method, byte[] bytes, long patternSize,
      boolean asStream) {
    long size() {
      return bytes != null ? bytes.length : patternSize;
    }

    void addTo(ArchiveWriter writer) throws IOException {
      if (bytes == null) {
        writer.addFile(path, TestData.patternStream(patternSize), method);
      } else if (asStream) {
        writer.addFile(path, new ByteArrayInputStream(bytes), method);
      } else if (method == null) {
        writer.addFile(path, bytes);
      } else {
        writer.addFile(path, bytes, method);
      }
    }
  }

  /**
   * The archive the target holds before the child starts.
   *
   * @return its entries, in order
   */
  static List<Planned> previousArchive() {
    return List.of(
        bytes("old/readme.txt", null, TestData.text(2_000, 901)),
        bytes("old/notes.md", CompressionMethod.ZSTD, TestData.text(120_000, 902)),
        bytes("old/log.log", CompressionMethod.LZ4, TestData.text(80_000, 903)),
        bytes("old/random.bin", CompressionMethod.NONE, TestData.random(50_000, 904)));
  }

  /**
   * The archive the child writes: 24 entries of every method and many sizes, the 11th of them
   * framed (LZ4, {@link #FRAMED_SIZE} bytes).
   *
   * @return its entries, in order
   */
  static List<Planned> newArchive() {
    List<Planned> plan = new ArrayList<>();
    plan.add(bytes("docs/empty.txt", CompressionMethod.NONE, new byte[0]));
    plan.add(bytes("docs/readme.md", null, TestData.text(3_000, 1)));
    plan.add(bytes("docs/guide.md", CompressionMethod.ZSTD, TestData.text(200_000, 2)));
    plan.add(bytes("logs/app-1.log", CompressionMethod.LZ4, TestData.text(100_000, 3)));
    plan.add(bytes("bin/random-1m.bin", CompressionMethod.NONE, TestData.random(1 << 20, 4)));
    plan.add(bytes("bin/random-lz4.bin", CompressionMethod.LZ4, TestData.random(300_000, 5)));
    plan.add(bytes("data/table.json", null, TestData.text(500_000, 6)));
    plan.add(bytes("logs/app-2.log", CompressionMethod.LZ4, TestData.text(1_000_000, 7)));
    plan.add(bytes("data/pattern-4m.bin", CompressionMethod.LZ4, TestData.pattern(4 << 20)));
    plan.add(new Planned("stream/notes.txt", CompressionMethod.ZSTD, TestData.text(50_000, 8),
        0, true));
    plan.add(new Planned(FRAMED_PATH, CompressionMethod.LZ4, null, FRAMED_SIZE, false));
    CompressionMethod[] methods = {CompressionMethod.NONE, CompressionMethod.LZ4,
        CompressionMethod.ZSTD, null};
    int[] sizes = {1, 4_095, 4_096, 17_000, 250_000, 600_000};
    for (int i = 0; i < 12; i++) {
      CompressionMethod method = methods[i % methods.length];
      int size = sizes[i % sizes.length];
      byte[] content = i % 3 == 2 ? TestData.random(size, 100 + i) : TestData.text(size, 100 + i);
      plan.add(bytes("mix/entry-" + i + (i % 2 == 0 ? ".txt" : ".bin"), method, content));
    }
    plan.add(bytes("bin/random-2m.bin", CompressionMethod.NONE, TestData.random(2 << 20, 9)));
    return plan;
  }

  /**
   * Entry point. Prints {@code created} once the writer exists, {@code added <n>} after the
   * {@code n}-th entry (1-based), and then, in mode {@code finish}, {@code finishing} just
   * before {@link ArchiveWriter#finish()} and {@code finished} after it, then waits for standard
   * input to end so that a kill after {@code finished} still finds it alive. In mode {@code
   * abandon} it prints {@code closing}, closes the writer without finishing, prints {@code
   * closed} and exits normally. Every line is flushed at once; any failure is an exception and
   * a non-zero exit.
   *
   * @param args {@code finish} or {@code abandon}, then the target path
   * @throws IOException on failure
   */
  public static void main(String[] args) throws IOException {
    String mode = args[0];
    Path target = Path.of(args[1]);
    List<Planned> plan = newArchive();
    WriterOptions options = WriterOptions.builder().modifiedTime(MODIFIED).build();
    try (ArchiveWriter writer = ArchiveWriter.create(target, options)) {
      say("created");
      for (Planned entry : plan) {
        entry.addTo(writer);
        say("added " + writer.entryCount());
      }
      if (mode.equals("abandon")) {
        say("closing");
      } else {
        say("finishing");
        writer.finish();
        say("finished");
      }
    }
    if (mode.equals("abandon")) {
      say("closed");
      return;
    }
    // Stay alive until the parent kills us (or closes our standard input).
    while (System.in.read() >= 0) {
      // ignore input
    }
  }

  private static Planned bytes(String path, CompressionMethod method, byte[] content) {
    return new Planned(path, method, content, 0, false);
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
