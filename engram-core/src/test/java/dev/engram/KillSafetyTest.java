package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.engram.KillSafetyProbe.Planned;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kill safety: a child JVM ({@link KillSafetyProbe}) writes a new archive over a target that
 * holds an older one and is killed with SIGKILL at many points: while it adds entries (before,
 * inside and after a framed 50 MiB entry), at several small delays into {@code finish()}, and
 * after {@code finish()} returned. Whatever the point, the target afterwards is either the old
 * archive, byte for byte, or the complete new archive, every entry read back and checked; never
 * a file that fails to open and never part of the new archive. It is the old archive whenever
 * the child had not yet announced {@code finishing}, and the new one whenever it had announced
 * {@code finished}.
 *
 * <p>A killed writer may leave its temporary sibling behind (its {@code close()} never ran).
 * Such a file never opens as an archive, with one exception that no writer can avoid: killed
 * inside {@code finish()} after the header was written and before the rename, the temporary file
 * already is the complete new archive, and it is checked as such.
 *
 * <p>The {@code @Timeout} and the kill watchdog only turn a hang into a failure; nothing asserts
 * speed.
 */
@Timeout(180)
class KillSafetyTest {
  /** Exit status the JDK reports for a process killed by a signal: 128 + signal number. */
  private static final int KILLED_BY_SIGKILL = 128 + 9;
  private static final String TARGET = "data.eng";
  private static final Pattern TEMPORARY =
      Pattern.compile("\\." + Pattern.quote(TARGET) + "\\.[0-9]+-[0-9a-f]+\\.tmp");
  private static final Duration WATCHDOG = Duration.ofSeconds(120);

  /** What the target is after the kill. */
  enum Outcome { PREVIOUS, NEW }

  /**
   * What a kill point must produce: one outcome, or either of them. {@code PREVIOUS} is required
   * only where the framed entry (hundreds of milliseconds of work) still lies ahead, so the kill
   * surely lands before {@code finish()}; for every point the test also requires {@code PREVIOUS}
   * when the child never printed {@code finishing} and {@code NEW} when it printed {@code
   * finished}.
   */
  enum Expect { PREVIOUS, NEW, EITHER }

  /**
   * Kill the child {@code delayMillis} after it printed {@code line}.
   *
   * @param line the progress line that triggers the kill
   * @param delayMillis extra wait before the kill
   * @param expect the outcome required
   * @param where what the child is doing then, for the report
   */
  record KillPoint(String line, int delayMillis, Expect expect, String where) {
    @Override
    public String toString() {
      return delayMillis + " ms after '" + line + "' (" + where + ")";
    }
  }

  /** Outcome per kill point, for the summary printed after the class. */
  private static final Map<String, String> OUTCOMES = new ConcurrentSkipListMap<>();

  private static List<Planned> newPlan;
  private static int framedCrc;
  private static byte[] previousBytes;

  @TempDir
  static Path shared;

  @TempDir
  Path dir;

  private static final List<KillPoint> KILL_POINTS = List.of(
      new KillPoint("created", 0, Expect.PREVIOUS, "temporary file just created"),
      new KillPoint("added 1", 0, Expect.PREVIOUS, "early, small entries"),
      new KillPoint("added 4", 0, Expect.PREVIOUS, "early, before a 1 MiB stored entry"),
      new KillPoint("added 8", 0, Expect.PREVIOUS, "middle, before a 4 MiB LZ4 entry"),
      new KillPoint("added 10", 0, Expect.PREVIOUS, "start of the framed entry"),
      new KillPoint("added 10", 60, Expect.PREVIOUS, "inside the framed entry"),
      new KillPoint("added 11", 0, Expect.EITHER, "just after the framed entry"),
      new KillPoint("added 17", 0, Expect.EITHER, "late entries, finish() a few ms away"),
      new KillPoint("added " + KillSafetyProbe.ENTRY_COUNT, 0, Expect.EITHER,
          "last entry added, finish() next"),
      new KillPoint("finishing", 0, Expect.EITHER, "entering finish()"),
      new KillPoint("finishing", 1, Expect.EITHER, "inside finish()"),
      new KillPoint("finishing", 2, Expect.EITHER, "inside finish()"),
      new KillPoint("finishing", 3, Expect.EITHER, "inside finish()"),
      new KillPoint("finishing", 5, Expect.EITHER, "inside or just after finish()"),
      new KillPoint("finishing", 10, Expect.EITHER, "inside or just after finish()"),
      new KillPoint("finished", 0, Expect.NEW, "finish() returned"));

  static Stream<KillPoint> killPoints() {
    return KILL_POINTS.stream();
  }

  @BeforeAll
  static void writePreviousArchiveAndPlan() throws IOException {
    Path previous = shared.resolve("previous.eng");
    write(previous, KillSafetyProbe.previousArchive());
    previousBytes = Files.readAllBytes(previous);
    newPlan = KillSafetyProbe.newArchive();
    assertEquals(KillSafetyProbe.ENTRY_COUNT, newPlan.size(), "entries in the new archive");
    framedCrc = TestData.patternCrc(KillSafetyProbe.FRAMED_SIZE);
  }

  @AfterAll
  static void printOutcomes() {
    System.out.println("KillSafetyTest outcomes:");
    OUTCOMES.forEach((point, outcome) -> System.out.println("  " + point + " -> " + outcome));
  }

  @ParameterizedTest(name = "[{index}] SIGKILL {0}")
  @MethodSource("killPoints")
  void sigkillAtAnyPointLeavesThePreviousArchiveUntouchedOrTheCompleteNewOne(KillPoint point)
      throws Exception {
    Path target = dir.resolve(TARGET);
    writePrevious(target);

    Process process = startProbe("finish", target);
    List<String> output = new ArrayList<>();
    try {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null && !line.equals(point.line())) {
        output.add(line);
      }
      if (line == null) {
        fail("the child ended before printing '" + point.line() + "' (exit "
            + process.waitFor() + "):\n" + String.join("\n", output));
      }
      output.add(line);
      if (point.delayMillis() > 0) {
        Thread.sleep(point.delayMillis());
      }
      // ProcessHandle.destroyForcibly() sends SIGKILL on Linux and, unlike
      // Process.destroyForcibly(), leaves the pipe open so the child's last lines can be read.
      assertTrue(process.toHandle().supportsNormalTermination(),
          "on this platform destroy() is graceful, so destroyForcibly() is the SIGKILL");
      assertTrue(process.toHandle().destroyForcibly(), "the kill request must be sent");
      assertTrue(process.waitFor(WATCHDOG.toSeconds(), TimeUnit.SECONDS), "child did not die");
      // Whatever the child printed before it died is still in the pipe.
      while ((line = lines.readLine()) != null) {
        output.add(line);
      }
    } finally {
      process.destroyForcibly();
    }
    assertEquals(KILLED_BY_SIGKILL, process.exitValue(),
        "the child must die of SIGKILL, not exit by itself; output:\n" + output);
    boolean enteredFinish = output.contains("finishing");
    boolean finished = output.contains("finished");

    Outcome outcome = classifyTarget(target);
    if (finished) {
      assertEquals(Outcome.NEW, outcome,
          "finish() returned, so the target must be the new archive");
    }
    if (!enteredFinish) {
      assertEquals(Outcome.PREVIOUS, outcome,
          "killed before finish() was called, so the target must be untouched");
    }
    if (point.expect() != Expect.EITHER) {
      assertEquals(point.expect().name(), outcome.name(), "outcome of a kill " + point);
    }

    String leftover = checkAndRemoveLeftovers(outcome, enteredFinish);
    OUTCOMES.put(String.format("%02d %s", KILL_POINTS.indexOf(point) + 1, point),
        outcome + " (last line before death: '" + output.get(output.size() - 1) + "'; "
            + leftover + ")");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList(), "only the target is left after cleaning");
    }
  }

  @Test
  void closeWithoutFinishInAChildThatExitsNormallyLeavesNoTemporaryFileAndThePreviousArchive()
      throws Exception {
    Path target = dir.resolve(TARGET);
    writePrevious(target);

    Process process = startProbe("abandon", target);
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(WATCHDOG.toSeconds(), TimeUnit.SECONDS), "child did not end");
    } finally {
      process.destroyForcibly();
    }
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.endsWith("added " + newPlan.size() + "\nclosing\nclosed\n"), output);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList(), "no temporary file may be left");
    }
    assertArrayEquals(previousBytes, Files.readAllBytes(target), "the target must be untouched");
  }

  // ---------------------------------------------------------------------------------------------

  private Process startProbe(String mode, Path target) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = List.of(java.toString(), "-Xmx128m",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        KillSafetyProbe.class.getName(), mode, target.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Guard against a hang: a child still alive after the watchdog is killed, which ends the
    // parent's reads.
    CompletableFuture.delayedExecutor(WATCHDOG.toSeconds(), TimeUnit.SECONDS)
        .execute(process::destroyForcibly);
    return process;
  }

  private static void writePrevious(Path target) throws IOException {
    write(target, KillSafetyProbe.previousArchive());
    assertArrayEquals(previousBytes, Files.readAllBytes(target),
        "the previous archive is written deterministically");
  }

  private static void write(Path archive, List<Planned> plan) throws IOException {
    WriterOptions options =
        WriterOptions.builder().modifiedTime(KillSafetyProbe.MODIFIED).build();
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      for (Planned entry : plan) {
        entry.addTo(writer);
      }
      writer.finish();
    }
  }

  /**
   * The target must be the previous archive byte for byte, or else open as the complete new one.
   */
  private static Outcome classifyTarget(Path target) throws IOException {
    assertTrue(Files.isRegularFile(target), "the target must still exist");
    byte[] bytes = Files.readAllBytes(target);
    if (Arrays.equals(previousBytes, bytes)) {
      return Outcome.PREVIOUS;
    }
    assertCompleteNewArchive(target, "the target (neither the previous archive, "
        + bytes.length + " bytes against " + previousBytes.length + ")");
    return Outcome.NEW;
  }

  /**
   * Checks each file the killed writer left next to the target, then deletes it. A leftover is
   * allowed only while the target is the previous archive, is at most one, and must not open as
   * an archive; the one exception is a kill inside {@code finish()} after the header was written
   * and before the rename, where the temporary file is already the complete new archive.
   *
   * @return a description of the leftover, for the report
   */
  private String checkAndRemoveLeftovers(Outcome outcome, boolean enteredFinish)
      throws IOException {
    List<Path> leftovers;
    try (Stream<Path> files = Files.list(dir)) {
      leftovers = files.filter(p -> !p.getFileName().toString().equals(TARGET)).toList();
    }
    for (Path leftover : leftovers) {
      assertTrue(TEMPORARY.matcher(leftover.getFileName().toString()).matches(),
          "unexpected file next to the target: " + leftover.getFileName());
    }
    if (leftovers.isEmpty()) {
      return "no temporary file left";
    }
    assertEquals(1, leftovers.size(), "one writer leaves at most one temporary file: " + leftovers);
    assertEquals(Outcome.PREVIOUS, outcome,
        "a renamed temporary file cannot also be left behind: " + leftovers);
    Path leftover = leftovers.get(0);
    long size = Files.size(leftover);
    String description;
    try {
      ArchiveReader.open(leftover).close();
      // It opened: only acceptable as the complete new archive, killed inside finish().
      assertTrue(enteredFinish, "a temporary file of a writer killed before finish() opened as an"
          + " archive: " + leftover.getFileName() + ", " + size + " bytes");
      assertCompleteNewArchive(leftover, "the leftover temporary file, which opens");
      description = "leftover temporary file of " + size
          + " bytes OPENS and is the complete new archive";
    } catch (CorruptArchiveException expected) {
      description = "leftover temporary file of " + size + " bytes rejected: "
          + expected.getMessage();
    }
    // the next writer of the target deletes what the killed one left
    ArchiveWriter.create(leftover.resolveSibling(TARGET)).close();
    assertFalse(Files.exists(leftover), "the next writer deletes the killed one's temporary file");
    return description + ", deleted by the next writer";
  }

  /** Opens the file and checks that it holds exactly the new archive's entries and content. */
  private static void assertCompleteNewArchive(Path file, String what) throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(file)) {
      assertEquals(newPlan.stream().map(Planned::path).toList(), reader.list(),
          what + ": entry list");
      for (Planned planned : newPlan) {
        String path = planned.path();
        EntryInfo info = reader.entry(path).orElseThrow();
        assertEquals(planned.size(), info.uncompressedSize(), what + ": size of " + path);
        assertEquals(KillSafetyProbe.MODIFIED, info.modifiedTime(), what + ": time of " + path);
        if (planned.bytes() != null) {
          assertEquals(TestData.crc(planned.bytes()), info.crc32(), what + ": CRC of " + path);
          byte[] content = reader.read(path);
          assertEquals(TestData.sha256(planned.bytes()), TestData.sha256(content),
              what + ": SHA-256 of " + path);
        } else {
          assertTrue(info.isFramed(), what + ": " + path + " must be framed");
          assertEquals(CompressionMethod.LZ4, info.compression(), what + ": method of " + path);
          assertEquals(framedCrc, info.crc32(), what + ": CRC of " + path);
          assertEquals(framedCrc, TestData.crc(reader.openStream(path)), what + ": content of " + path);
        }
      }
    } catch (EngramException e) {
      throw new AssertionError(what + " does not open or read as the new archive: " + e, e);
    }
  }
}
