package dev.engram.bench;

import dev.engram.ArchiveWriter;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The generated data and the archives made from it, kept in one directory between runs: each is
 * made the first time a row needs it (into a {@code .partial} sibling, renamed when complete) and
 * reused afterwards. Everything is deterministic (fixed seeds), so a deleted file comes back the
 * same.
 */
final class BenchData {
  /** The large framed entry of rows 4 and 5 (as many MiB as the run's size). */
  static final String LARGE_ENTRY = "large.txt";
  /** The 100 MiB framed entry of the read-cost and reader-thread targets. */
  static final String ENTRY_100_MIB = "entry-100MiB.txt";
  /** The database's entry in {@link #libraryArchive()}, named as engram-sqlite's benchmark does. */
  static final String DATABASE_ENTRY = "bench.db";
  private static final long MIB = 1 << 20;
  /** The seed of every generated file. */
  static final long SEED = 42;

  /** Makes one cached file or directory at a temporary path. */
  @FunctionalInterface
  private interface Maker {
    void make(Path target) throws Exception;
  }

  private final Path dir;
  private final int mib;

  BenchData(Path dir, int mib) {
    this.dir = dir;
    this.mib = mib;
  }

  /** The mixed data set of rows 1 and 2 ({@link MixedData}). */
  FileSet mixedFiles() throws Exception {
    return FileSet.of(cached("mix-" + mib,
        target -> MixedData.generate(target, mib * MIB, SEED)));
  }

  /** The mixed data packed by engram with one codec for every file. */
  Path mixArchive(PackCodec codec) throws Exception {
    FileSet files = mixedFiles();
    return cached("mix-" + mib + "-" + codec.label() + ".eng",
        target -> Packers.engram(files, target, codec, cores()));
  }

  /** The mixed data packed by {@link java.util.zip.ZipOutputStream}. */
  Path mixZip() throws Exception {
    FileSet files = mixedFiles();
    return cached("mix-" + mib + ".zip", target -> Packers.zip(files, target));
  }

  /** An archive of two text entries, {@link #LARGE_ENTRY} and {@link #ENTRY_100_MIB}. */
  Path framedArchive(PackCodec codec) throws Exception {
    Path files = cached("framed-" + mib, target -> {
      SplittableRandom random = new SplittableRandom(SEED);
      ContentBlocks content = new ContentBlocks(SEED);
      content.write(target.resolve(LARGE_ENTRY), ContentKind.TEXT, mib * MIB, random);
      content.write(target.resolve(ENTRY_100_MIB), ContentKind.TEXT, 100 * MIB, random);
    });
    return cached("framed-" + mib + "-" + codec.label() + ".eng",
        target -> Packers.engram(FileSet.of(files), target, codec, cores()));
  }

  /** The small-file set of row 3: 256 bytes up to 16 KiB each, or 2 KiB for 100,000 and more. */
  SmallFiles smallFiles(int count) {
    return new SmallFiles(count, 256, count >= 100_000 ? 2 << 10 : 16 << 10, SEED,
        SmallFiles.Layout.FLAT);
  }

  /** The small files of the file-system benchmark: 200 bytes to 8 KiB, in a directory tree. */
  SmallFiles treeFiles(int count) {
    return new SmallFiles(count, 200, 8 << 10, SEED, SmallFiles.Layout.TREE);
  }

  Path smallArchive(SmallFiles files) throws Exception {
    return cached(files.label() + ".eng", files::writeEngram);
  }

  Path smallZip(SmallFiles files) throws Exception {
    return cached(files.label() + ".zip", files::writeZip);
  }

  /**
   * An archive of one text entry, {@link #LARGE_ENTRY}, of the run's size, packed with the
   * writer's default codec (Zstandard 6), framed from 50 MiB.
   */
  Path largeArchive() throws Exception {
    FileSet files = FileSet.of(largeText());
    return cached("large-" + mib + ".eng",
        target -> Packers.engram(files, target, PackCodec.ZSTD_6, cores()));
  }

  /**
   * The entry of {@link #largeArchive()}, packed the same way, with or without its frame index;
   * both named for it, so that neither is an archive a build before the index wrote.
   */
  Path largeArchive(boolean frameIndex) throws Exception {
    FileSet files = FileSet.of(largeText());
    return cached("large-" + mib + (frameIndex ? "-frame-index" : "-no-frame-index") + ".eng",
        target -> Packers.engram(files, target, PackCodec.ZSTD_6, cores(), frameIndex));
  }

  /** The same entry as {@link #largeArchive()} in a ZIP, deflated. */
  Path largeZip() throws Exception {
    FileSet files = FileSet.of(largeText());
    return cached("large-" + mib + ".zip", target -> Packers.zip(files, target));
  }

  /** Issue 6's database ({@link LibraryDatabase}) of about the run's size. */
  Path libraryDatabase() throws Exception {
    return cached("library-" + mib + "MiB.db", target -> LibraryDatabase.create(target, mib));
  }

  /**
   * {@link #libraryDatabase()} as {@link #DATABASE_ENTRY} in an archive written by {@link
   * ArchiveWriter} with its defaults (Zstandard 6, framed in 64 KiB frames from 50 MiB, with a
   * frame index).
   */
  Path libraryArchive() throws Exception {
    Path database = libraryDatabase();
    return cached("library-" + mib + "MiB.eng", target -> {
      WriterOptions options = WriterOptions.builder()
          .modifiedTime(Instant.parse("2025-01-01T00:00:00Z")).build();
      try (ArchiveWriter writer = ArchiveWriter.create(target, options)) {
        writer.addFile(DATABASE_ENTRY, database);
        writer.finish();
      }
    });
  }

  /**
   * The folder of the update benchmark ({@link UpdateData}): {@code files} files totalling
   * exactly the run's size.
   */
  FileSet updateFolder(int files, ContentBlocks content) throws Exception {
    return FileSet.of(cached(updateLabel(files), target -> UpdateData.generate(target, mib * MIB,
        files, SEED, content)));
  }

  /** {@link #updateFolder} packed by {@link ArchiveWriter} with its defaults. */
  Path updateArchive(FileSet folder) throws Exception {
    return cached(folder.root().getFileName() + ".eng",
        target -> Packers.engramDefaults(folder, target));
  }

  /** {@link #updateFolder} in a ZIP, every entry deflated. */
  Path updateZip(FileSet folder) throws Exception {
    return cached(folder.root().getFileName() + ".zip", target -> Packers.zip(folder, target));
  }

  private String updateLabel(int files) {
    return "update-" + mib + "MiB-" + files;
  }

  private Path largeText() throws Exception {
    return cached("large-" + mib, target -> new ContentBlocks(SEED).write(
        target.resolve(LARGE_ENTRY), ContentKind.TEXT, mib * MIB, new SplittableRandom(SEED)));
  }

  private Path cached(String name, Maker maker) throws Exception {
    Path target = dir.resolve(name);
    if (Files.exists(target)) {
      return target;
    }
    Path partial = dir.resolve(name + ".partial");
    delete(partial);
    Files.createDirectories(dir);
    System.err.println("generating " + target);
    maker.make(partial);
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  private static void delete(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }
}
