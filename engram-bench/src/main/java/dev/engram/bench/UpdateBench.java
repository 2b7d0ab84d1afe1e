package dev.engram.bench;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveUpdate;
import dev.engram.UpdateOptions;
import dev.engram.VerificationReport;
import dev.engram.VerifyOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * The benchmark of issue 19, run by {@code scripts/bench-update}: updating one 1 KiB file in an
 * archive of a folder ({@link UpdateData}: 1 GiB, 10,000 files by default) with {@link
 * ArchiveUpdate}, beside copying the archive file ({@code cp}, and {@link Files#copy}), the JDK's
 * zip file system ({@code jdk.zipfs}) doing the same update on a ZIP of the folder, and packing
 * the whole folder again. Prints one Markdown table; progress goes to standard error, the table to
 * standard output.
 *
 * <p>Every contender works on a fresh copy of its archive, made (and flushed to disk with {@code
 * sync}) before each run, untimed; it is warmed up once, then timed in interleaved rounds ({@link
 * Rounds}). After every run, untimed, the result is checked: a copy is the archive byte for byte;
 * an updated archive or ZIP holds the right number of entries and the new bytes (and the others
 * as they were); after a contender's first run, every entry of its result is read and checked
 * too. A wrong result stops the benchmark.
 */
public final class UpdateBench {
  private static final String CP = "cp";
  private static final String ZIPFS = "zipfs";
  private static final double CP_TARGET = 1.5;

  /** Checks what a run left, untimed; returns the size of the file it wrote. */
  @FunctionalInterface
  private interface Check {
    long check(boolean thorough) throws Exception;
  }

  /** A change an update makes. */
  @FunctionalInterface
  private interface Change {
    void apply(ArchiveUpdate update) throws IOException;
  }

  /**
   * One line of the table.
   *
   * @param row the row's number and label
   * @param name the contender's unique name (for the rounds)
   * @param what what is timed, for the table
   * @param targeted whether the targets apply (the update rows)
   * @param before untimed, before each run
   * @param timed the work
   * @param check untimed, after each run
   * @param after untimed, after each check: delete the result, undo a change
   */
  private record Contender(String row, String name, String what, boolean targeted,
      Rounds.Task before, Rounds.Task timed, Check check, Rounds.Task after) {}

  private final UpdateBenchOptions options;
  private final FileSet folder;
  private final Path archive;
  private final Path zip;
  private final Path work;
  private final String target;
  private final String added;
  private final byte[] original;
  private final byte[] replacement;
  private final Map<String, Long> written = new LinkedHashMap<>();
  private final Set<String> checkedThoroughly = new HashSet<>();

  private UpdateBench(UpdateBenchOptions options) throws Exception {
    this.options = options;
    ContentBlocks content = new ContentBlocks(BenchData.SEED);
    BenchData data = new BenchData(options.dataDir(), options.mib());
    folder = data.updateFolder(options.files(), content);
    target = UpdateData.target(options.files());
    added = target.substring(0, target.lastIndexOf('/') + 1) + "added.txt";
    original = UpdateData.targetContent(content, BenchData.SEED);
    replacement = UpdateData.newContent(content, BenchData.SEED);
    if (Arrays.equals(original, replacement)) {
      throw new IllegalStateException("the new content equals the old");
    }
    restoreTarget(); // a run that was stopped during the repack row left it changed
    if (folder.files().size() != options.files()) {
      throw new IllegalStateException(folder.root() + " holds " + folder.files().size()
          + " files, not " + options.files() + ": delete it to generate it again");
    }
    archive = data.updateArchive(folder);
    zip = data.updateZip(folder);
    work = options.dataDir().resolve("work");
    Files.createDirectories(work);
    try (Stream<Path> leftovers = Files.list(work)) {
      for (Path leftover : (Iterable<Path>) leftovers::iterator) {
        Files.delete(leftover);
      }
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code [--quick] [--mib MiB] [--files N] [--runs N] [--data DIR]}
   * @throws Exception if generating data, a measurement or a check fails
   */
  public static void main(String[] args) throws Exception {
    UpdateBenchOptions options;
    try {
      options = UpdateBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    UpdateBench bench = new UpdateBench(options);
    SideBySideTable table = bench.run();
    Runtime runtime = Runtime.getRuntime();
    FileStore store = Files.getFileStore(bench.work);
    System.out.printf(Locale.ROOT, "> %s: a folder of %,d files, %,d bytes; its archive (ArchiveWriter"
            + " defaults) %,d bytes, its ZIP (java.util.zip, deflate) %,d bytes; the 1 KiB file"
            + " %s; median and min of %s after a warm-up; every file in the page cache;"
            + " %s on %s (%s); %d cores, Java %s, heap %d MiB%n%n",
        ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE), options.files(),
        bench.folder.totalBytes(), Files.size(bench.archive), Files.size(bench.zip),
        bench.target, options.runs() == 1 ? "1 run" : options.runs() + " runs", bench.work, store.type(), store.name(),
        runtime.availableProcessors(), Runtime.version(), runtime.maxMemory() >> 20);
    table.print(System.out);
  }

  private SideBySideTable run() throws Exception {
    int entries = options.files();
    checkArchive(archive, entries, Map.of(target, original), false);
    Path copy = work.resolve("copy.eng");
    Path updated = work.resolve("update.eng");
    Path updatedZip = work.resolve("update.zip");
    Path repacked = work.resolve("repack.eng");
    Path targetFile = folder.root().resolve(target);
    List<Contender> contenders = List.of(
        copying(CP, "`cp` of the .eng (a process)", copy, () -> command("cp", archive, copy)),
        copying("cp + fsync", "`cp` of the .eng, then an fsync of the copy (as a commit forces"
            + " its archive)", copy, () -> {
              command("cp", archive, copy);
              try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                channel.force(true);
              }
            }),
        copying("Files.copy", "`Files.copy` of the .eng", copy, () -> Files.copy(archive, copy)),
        updating("2 replace", "ArchiveUpdate replace", "`ArchiveUpdate.open(archive)`,"
            + " `write(path, 1 KiB)` of the existing file, `commit()`, `close()`", null,
            update -> update.write(target, replacement), updated, entries,
            Map.of(target, replacement)),
        updating("3 add", "ArchiveUpdate add", "the same, writing a new path (`" + added + "`)",
            null, update -> update.write(added, replacement), updated, entries + 1,
            Map.of(added, replacement, target, original)),
        updating("4 replace, verified", "ArchiveUpdate replace, verifyCopies",
            "the replace of row 2 with `UpdateOptions.builder().verifyCopies(true)`: every kept"
                + " entry decoded and its CRC32 checked first (`engram add --verify`)",
            () -> UpdateOptions.builder().verifyCopies(true).build(),
            update -> update.write(target, replacement), updated, entries,
            Map.of(target, replacement)),
        new Contender("5 zipfs", ZIPFS, "the ZIP: `FileSystems.newFileSystem(zip, Map.of())`,"
            + " `Files.write` of the existing file, `close()` (which writes the new ZIP)", false,
            () -> freshCopy(zip, updatedZip), () -> {
              try (FileSystem fs = FileSystems.newFileSystem(updatedZip, Map.of())) {
                Files.write(fs.getPath("/" + target), replacement);
              }
            }, thorough -> checkZip(updatedZip, entries, thorough),
            () -> Files.delete(updatedZip)),
        new Contender("6 repack", "repack", "the file changed in the folder (untimed), then the"
            + " folder listed and packed again by `ArchiveWriter` with its defaults", false,
            () -> {
              Files.write(targetFile, replacement);
              command("sync");
            }, () -> Packers.engramDefaults(FileSet.of(folder.root()), repacked),
            thorough -> checkArchive(repacked, entries, Map.of(target, replacement), thorough),
            () -> {
              restoreTarget();
              Files.delete(repacked);
            }));
    Rounds rounds = new Rounds(options.runs());
    for (Contender contender : contenders) {
      rounds.add(contender.name(), contender.before(), contender.timed(), contender.timed(),
          () -> {
            boolean thorough = checkedThoroughly.add(contender.name());
            written.put(contender.name(), contender.check().check(thorough));
            contender.after().run();
          });
    }
    Map<String, List<Double>> seconds = rounds.seconds();
    double cp = Rounds.median(seconds.get(CP));
    double zipfs = Rounds.median(seconds.get(ZIPFS));
    SideBySideTable table = new SideBySideTable("row", "what is timed", "median", "min",
        "bytes written", "time of cp", "time of zipfs", "target", "result");
    for (Contender contender : contenders) {
      List<Double> times = seconds.get(contender.name());
      double median = Rounds.median(times);
      table.add(contender.row(), contender.what(), ResultTable.millis(median),
          ResultTable.millis(Collections.min(times)),
          String.format(Locale.ROOT, "%,d", written.get(contender.name())),
          ResultTable.ratio(median / cp), ResultTable.ratio(median / zipfs),
          contender.targeted() ? "<= " + ResultTable.ratio(CP_TARGET) + " cp, < 1.00x zipfs" : "",
          contender.targeted() ? SideBySideTable.result(median <= CP_TARGET * cp) + ", "
              + SideBySideTable.result(median < zipfs) : "");
    }
    return table;
  }

  /** Row 1: a copy of the archive, checked byte for byte. */
  private Contender copying(String name, String what, Path copy, Rounds.Task timed) {
    return new Contender("1 copy", name, what, false, () -> {
      Files.deleteIfExists(copy);
      command("sync");
    }, timed, thorough -> {
      if (Files.mismatch(archive, copy) != -1) {
        throw new IllegalStateException(name + " made a copy that differs from " + archive);
      }
      return Files.size(copy);
    }, () -> Files.delete(copy));
  }

  /** Rows 2 to 4: one change by {@link ArchiveUpdate} on a fresh copy of the archive. */
  private Contender updating(String row, String name, String what,
      Supplier<UpdateOptions> updateOptions, Change change, Path copy,
      int entries, Map<String, byte[]> expected) {
    return new Contender(row, name, what, true, () -> freshCopy(archive, copy), () -> {
      try (ArchiveUpdate update = updateOptions == null ? ArchiveUpdate.open(copy)
          : ArchiveUpdate.open(copy, updateOptions.get())) {
        change.apply(update);
        update.commit();
      }
    }, thorough -> checkArchive(copy, entries, expected, thorough), () -> Files.delete(copy));
  }

  /**
   * Fails unless an archive holds {@code entries} entries and the expected content; when
   * thorough, unless every entry verifies too.
   *
   * @return the archive's size
   */
  private static long checkArchive(Path path, int entries, Map<String, byte[]> expected,
      boolean thorough) throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(path)) {
      int count = reader.list().size();
      if (count != entries) {
        throw new IllegalStateException(path + " holds " + count + " entries, not " + entries);
      }
      for (Map.Entry<String, byte[]> entry : expected.entrySet()) {
        if (!Arrays.equals(reader.read(entry.getKey()), entry.getValue())) {
          throw new IllegalStateException(path + ": " + entry.getKey() + " holds other bytes");
        }
      }
      if (thorough) {
        System.err.println("  verifying every entry of " + path);
        VerificationReport report = reader.verify(VerifyOptions.builder().build());
        if (!report.isIntact()) {
          throw new IllegalStateException(report.toString());
        }
      }
    }
    return Files.size(path);
  }

  /** As {@link #checkArchive} for the ZIP; thorough: every entry inflated, its CRC checked. */
  private long checkZip(Path path, int entries, boolean thorough) throws IOException {
    try (ZipFile file = new ZipFile(path.toFile())) {
      if (file.size() != entries) {
        throw new IllegalStateException(path + " holds " + file.size() + " entries, not "
            + entries);
      }
      ZipEntry entry = file.getEntry(target);
      try (InputStream in = file.getInputStream(entry)) {
        if (!Arrays.equals(in.readAllBytes(), replacement)) {
          throw new IllegalStateException(path + ": " + target + " holds other bytes");
        }
      }
    }
    if (thorough) {
      System.err.println("  inflating every entry of " + path);
      int count = 0;
      try (ZipInputStream in = new ZipInputStream(Files.newInputStream(path))) {
        while (in.getNextEntry() != null) {
          in.transferTo(OutputStream.nullOutputStream()); // ZipInputStream checks each CRC32
          count++;
        }
      }
      if (count != entries) {
        throw new IllegalStateException(path + " streams " + count + " entries, not " + entries);
      }
    }
    return Files.size(path);
  }

  /** Writes the folder's 1 KiB file back as generated, if it differs. */
  private void restoreTarget() throws IOException {
    Path file = folder.root().resolve(target);
    if (!Arrays.equals(Files.readAllBytes(file), original)) {
      Files.write(file, original);
    }
  }

  /** A copy of {@code source} at {@code copy}, on disk before the timed run starts. */
  private static void freshCopy(Path source, Path copy) throws IOException {
    Files.deleteIfExists(copy);
    Files.copy(source, copy);
    command("sync");
  }

  /** Runs a command to its end; fails on a non-zero exit. */
  private static void command(Object... argv) throws IOException {
    String[] strings = Arrays.stream(argv).map(Object::toString).toArray(String[]::new);
    Process process = new ProcessBuilder(strings).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      int exit = process.waitFor();
      if (exit != 0) {
        throw new IOException(String.join(" ", strings) + " exited with " + exit);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
