package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ArchiveUpdate} against a directory: random sessions of adds (from bytes, a file and a
 * stream), replacements, deletes and moves (into new subdirectories too), with random compression
 * methods and contents from empty to a few hundred KiB (databases among them, framed in 4 KiB
 * frames), are applied to an archive and to a plain directory. Sessions are committed, or closed
 * without a commit (discarded), several in a row. After each, the archive holds exactly the
 * directory's files, as packing the directory afresh would, verifies intact, and no temporary file
 * is left beside it. Each seed's failure message carries the seed and the operations so far.
 */
class ArchiveUpdatePropertyTest {
  /** Databases are framed in frames of this size, so that contents above it have several. */
  private static final int DATABASE_FRAME = 4096;
  private static final WriterOptions FRAMING = WriterOptions.builder()
      .databaseFrameSize(DATABASE_FRAME).build();
  private static final int SESSIONS = 6;

  @TempDir Path dir;

  /** What the operations so far were, for the failure message. */
  private final List<String> log = new ArrayList<>();
  private Random random;
  private long seed;
  private int counter;

  private enum Source { BYTES, FILE, STREAM }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void randomCommittedAndDiscardedUpdatesLeaveExactlyTheDirectorysFiles(long seed)
      throws IOException {
    this.seed = seed;
    random = new Random(seed);
    Path archive = Files.createDirectories(dir.resolve("archive")).resolve("a.eng");
    Path committed = Files.createDirectories(dir.resolve("committed"));
    Path staging = dir.resolve("staging");
    Path sources = Files.createDirectories(dir.resolve("sources"));
    for (int i = 0; i < 6; i++) {
      Path file = committed.resolve(freshName());
      Files.createDirectories(file.getParent());
      Files.write(file, content());
    }
    Path database = committed.resolve("db/catalog.db");
    Files.createDirectories(database.getParent());
    Files.write(database, TestData.asDatabase(TestData.text(200_000, seed)));
    pack(committed, archive);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo framed = reader.entry("db/catalog.db").orElseThrow();
      assertTrue(framed.isFramed() && framed.frameSize() == DATABASE_FRAME,
          "the database is framed: " + framed);
    }
    log.add("packed " + names(committed));
    try {
      for (int session = 0; session < SESSIONS; session++) {
        session(session, archive, committed, staging, sources);
      }
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(message("failed: " + e).get(), e);
    }
  }

  /**
   * One session: an update of random operations, committed or discarded, mirrored on a staged
   * copy of the directory, which replaces the directory if the update was committed.
   */
  private void session(int session, Path archive, Path committed, Path staging, Path sources)
      throws IOException {
    copyTree(committed, staging);
    boolean framing = random.nextBoolean();
    UpdateOptions options = framing
        ? UpdateOptions.builder().writerOptions(FRAMING).build() : UpdateOptions.defaults();
    int operations = random.nextInt(12);
    boolean commit = random.nextInt(4) != 0;
    log.add("session " + session + (framing ? " (databases framed)" : "") + ", "
        + operations + " operations, " + (commit ? "committed" : "discarded"));
    try (ArchiveUpdate update = ArchiveUpdate.open(archive, options)) {
      for (int op = 0; op < operations; op++) {
        operate(update, staging, sources);
      }
      assertEquals(new TreeSet<>(names(staging)), new TreeSet<>(update.list()),
          message("the update lists the staged files"));
      if (commit) {
        update.commit();
      }
    }
    if (commit) {
      deleteTree(committed);
      Files.move(staging, committed);
    } else {
      deleteTree(staging);
    }
    deleteTree(sources);
    Files.createDirectories(sources);
    checkArchive(archive, committed);
  }

  /** One random operation, on the update and on the staged directory alike. */
  private void operate(ArchiveUpdate update, Path staging, Path sources) throws IOException {
    List<String> names = names(staging);
    int kind = names.isEmpty() ? 0 : random.nextInt(10);
    if (kind < 4) { // add
      write(update, staging, sources, freshName());
    } else if (kind < 6) { // replace
      write(update, staging, sources, names.get(random.nextInt(names.size())));
    } else if (kind < 8) { // delete
      String name = names.get(random.nextInt(names.size()));
      log.add("  delete " + name);
      update.delete(name);
      Files.delete(staging.resolve(name));
    } else { // move, to a fresh name, often in a new subdirectory
      String from = names.get(random.nextInt(names.size()));
      String to = random.nextBoolean() ? "new" + counter++ + "/sub/" + freshName() : freshName();
      log.add("  move " + from + " -> " + to);
      update.move(from, to);
      Path target = staging.resolve(to);
      Files.createDirectories(target.getParent());
      Files.move(staging.resolve(from), target);
    }
  }

  private void write(ArchiveUpdate update, Path staging, Path sources, String name)
      throws IOException {
    byte[] content = content();
    Source source = Source.values()[random.nextInt(Source.values().length)];
    CompressionMethod method = random.nextInt(3) == 0
        ? CompressionMethod.values()[random.nextInt(CompressionMethod.values().length)] : null;
    log.add("  write " + name + " (" + content.length + " bytes from " + source + ", method "
        + (method == null ? "chosen" : method) + ")");
    switch (source) {
      case BYTES -> update.write(name, content, method);
      case FILE -> {
        Path file = Files.write(sources.resolve("s" + counter++), content);
        update.write(name, file, method);
      }
      case STREAM -> update.write(name, new ByteArrayInputStream(content), method);
    }
    Path target = staging.resolve(name);
    Files.createDirectories(target.getParent());
    Files.write(target, content);
  }

  /** A name no file had: a file {@code f<n>} at the root or in one of a few directories. */
  private String freshName() {
    String[] folders = {"", "a/", "a/b/", "c/"};
    String[] extensions = {".txt", ".bin", ".json", ".db"};
    return folders[random.nextInt(folders.length)] + "f" + counter++
        + extensions[random.nextInt(extensions.length)];
  }

  /**
   * Mostly small content (empty, or up to 4 KiB); some of 10 to 60 KiB; a few of 64 to 200 KiB,
   * half of them databases (framed in 4 KiB frames when the writer options say so); text, random
   * bytes or a pattern.
   */
  private byte[] content() {
    int pick = random.nextInt(10);
    int size = pick < 6 ? (random.nextInt(8) == 0 ? 0 : random.nextInt(4096))
        : pick < 9 ? 10_000 + random.nextInt(50_000) : 65_537 + random.nextInt(135_000);
    long contentSeed = random.nextLong();
    return switch (random.nextInt(3)) {
      case 0 -> pick == 9 && random.nextBoolean()
          ? TestData.asDatabase(TestData.text(size, contentSeed)) : TestData.text(size, contentSeed);
      case 1 -> TestData.random(size, contentSeed);
      default -> TestData.pattern(size);
    };
  }

  /**
   * The archive holds the directory's files, as packing the directory afresh does, verifies
   * intact, and has nothing beside it.
   */
  private void checkArchive(Path archive, Path directory) throws IOException {
    Map<String, byte[]> expected = files(directory);
    Map<String, byte[]> actual = TestData.contents(archive);
    assertEntries(expected, actual, "the archive holds the directory's files");
    Path fresh = dir.resolve("fresh.eng");
    pack(directory, fresh);
    assertEntries(TestData.contents(fresh), actual, "the archive holds what packing afresh gives");
    Files.delete(fresh);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertTrue(report.isIntact(), message("the archive verifies: " + report));
    }
    try (Stream<Path> beside = Files.list(archive.getParent())) {
      assertEquals(List.of(archive), beside.toList(), message("no temporary file is left"));
    }
  }

  private void assertEntries(Map<String, byte[]> expected, Map<String, byte[]> actual,
      String what) {
    assertEquals(expected.keySet(), actual.keySet(), message(what + ": the names"));
    for (Map.Entry<String, byte[]> file : expected.entrySet()) {
      assertArrayEquals(file.getValue(), actual.get(file.getKey()),
          message(what + ": " + file.getKey()));
    }
  }

  private Supplier<String> message(String what) {
    return () -> what + "; seed " + seed + ", operations:\n" + String.join("\n", log);
  }

  /** Packs every file of a directory with the options the archive was first packed with. */
  private static void pack(Path directory, Path archive) throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive, FRAMING)) {
      for (Map.Entry<String, byte[]> file : files(directory).entrySet()) {
        writer.addFile(file.getKey(), file.getValue());
      }
      writer.finish();
    }
  }

  /** Every regular file under a directory, by its path with {@code /}. */
  private static Map<String, byte[]> files(Path directory) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (String name : names(directory)) {
      out.put(name, Files.readAllBytes(directory.resolve(name)));
    }
    return out;
  }

  /** The paths of the regular files under a directory, with {@code /}, sorted. */
  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile)
          .map(file -> directory.relativize(file).toString().replace('\\', '/')).sorted()
          .toList();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    for (Map.Entry<String, byte[]> file : files(from).entrySet()) {
      Path target = to.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
    Files.createDirectories(to);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
