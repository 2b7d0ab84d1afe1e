package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kill safety of {@link ArchiveUpdate#commit()}: a child JVM ({@link UpdateKillProbe}) updates an
 * archive holding a framed 52 MiB entry (so the commit takes a while: every kept entry is decoded
 * to check its CRC32 and copied) and is killed with SIGKILL at delays into the commit. Whatever
 * the point, the archive afterwards is the old one byte for byte, or the complete updated one
 * (every entry read back and compared); never anything else. The old one whenever the child had
 * not announced {@code committing}, the new one whenever it announced {@code committed}. A killed
 * commit can leave its temporary files ({@code .a.eng.PID-RANDOM.tmp}) next to the archive: they
 * are checked to be nothing else, and the next update of the archive deletes them.
 */
@Timeout(180)
class UpdateKillSafetyTest {
  private static final int KILLED_BY_SIGKILL = 128 + 9;

  @TempDir static Path shared;
  @TempDir Path dir;

  private static byte[] oldBytes;
  private static Map<String, byte[]> expectedNew;

  @BeforeAll
  static void writeArchiveAndExpectedResult() throws IOException {
    Path old = shared.resolve("a.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(old)) {
      writer.addFile("old/readme.txt", TestData.text(2_000, 1));
      writer.addFile("old/notes.md", TestData.text(120_000, 2), CompressionMethod.ZSTD);
      writer.addFile("old/log.log", TestData.text(80_000, 3), CompressionMethod.LZ4);
      writer.addFile("big/framed.bin", TestData.patternStream(52_428_800L + 1_000),
          CompressionMethod.LZ4);
      writer.finish();
    }
    oldBytes = Files.readAllBytes(old);
    Path updated = shared.resolve("expected.eng");
    Files.copy(old, updated);
    try (ArchiveUpdate update = ArchiveUpdate.open(updated)) {
      UpdateKillProbe.stage(update);
      update.commit();
    }
    expectedNew = TestData.contents(updated);
    assertEquals(List.of("big/framed.bin", "moved/notes.md", "new/text.txt", "old/readme.txt"),
        List.copyOf(expectedNew.keySet()));
  }

  @ParameterizedTest(name = "SIGKILL {0} ms after 'committing'")
  @ValueSource(ints = {-1, 0, 5, 20, 60, 150, 300, 600, 1000, 1500, 2500, 100_000})
  void aKilledCommitLeavesTheOldArchiveOrTheCompleteNewOne(int delayMillis) throws Exception {
    Path target = dir.resolve("a.eng");
    Files.write(target, oldBytes);
    Path javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(javaBinary.toString(), "-Xmx256m",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        UpdateKillProbe.class.getName(), target.toString()).redirectErrorStream(true).start();
    CompletableFuture.delayedExecutor(120, TimeUnit.SECONDS).execute(process::destroyForcibly);
    // -1: kill at 'staged'; 100,000: at 'committed'; otherwise after 'committing'
    String trigger = delayMillis < 0 ? "staged" : delayMillis >= 100_000 ? "committed"
        : "committing";
    List<String> output = new ArrayList<>();
    try {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null && !line.equals(trigger)) {
        output.add(line);
      }
      if (line == null) {
        fail("the child ended before '" + trigger + "' (exit " + process.waitFor() + "):\n"
            + String.join("\n", output));
      }
      output.add(line);
      if (delayMillis > 0 && delayMillis < 100_000) {
        Thread.sleep(delayMillis);
      }
      assertTrue(process.toHandle().destroyForcibly());
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child did not die");
      while ((line = lines.readLine()) != null) {
        output.add(line);
      }
    } finally {
      process.destroyForcibly();
    }
    assertEquals(KILLED_BY_SIGKILL, process.exitValue(), "output:\n" + output);

    boolean isOld = java.util.Arrays.equals(oldBytes, Files.readAllBytes(target));
    if (!isOld) {
      Map<String, byte[]> actual = TestData.contents(target);
      assertEquals(expectedNew.keySet(), actual.keySet(), "neither the old nor the new archive");
      for (String path : expectedNew.keySet()) {
        assertArrayEquals(expectedNew.get(path), actual.get(path), path);
      }
    }
    System.out.println("UpdateKillSafetyTest: SIGKILL at '" + trigger + "' + " + Math.max(0,
        delayMillis % 100_000) + " ms -> the " + (isOld ? "old" : "new") + " archive");
    if (!output.contains("committing")) {
      assertTrue(isOld, "killed before the commit, so the archive must be untouched");
    }
    if (output.contains("committed")) {
      assertTrue(!isOld, "the commit returned, so the archive must be the new one");
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        if (file.equals(target)) {
          continue;
        }
        String name = file.getFileName().toString();
        assertTrue(name.matches("\\.a\\.eng\\.[0-9]+-[0-9a-f]+\\.tmp"),
            "only temporary files may be left: " + name);
      }
    }
    ArchiveUpdate.open(target).close(); // deletes what the killed update left
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList(), "the next update deletes the temporary files");
    }
  }
}
