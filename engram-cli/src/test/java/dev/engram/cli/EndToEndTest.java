package dev.engram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tool as a separate process: what a shell sees (exit codes, stdout, stderr, a terminal). */
class EndToEndTest {
  @TempDir Path dir;

  record Process(int exitCode, String stdout, String stderr) {}

  /** Runs {@code engram args...} in a new JVM, in {@code dir}. */
  private Process engram(String... args) throws Exception {
    List<String> command = new ArrayList<>(javaCommand());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().remove("SOURCE_DATE_EPOCH");
    java.lang.Process process = builder.start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "engram did not finish");
    return new Process(process.exitValue(), Files.readString(dir.resolve("stdout")),
        Files.readString(dir.resolve("stderr")));
  }

  private static List<String> javaCommand() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        Main.class.getName());
  }

  @Test
  void packListVerifyAndQueryFromAShell() throws Exception {
    Path library = Samples.library(dir);
    Process pack = engram("pack", library.toString(), "-o", "lib.eng");
    assertEquals(0, pack.exitCode(), pack.stderr());
    assertTrue(pack.stdout().startsWith("packed 5 files, "), pack.stdout());
    assertEquals("", pack.stderr()); // not a terminal: no progress bar

    Process list = engram("list", "lib.eng");
    assertEquals("README.md\ncatalog.db\ndata/shelves.json\nnotes/a.md\nnotes/b.md\n",
        list.stdout());
    Process verify = engram("verify", "lib.eng");
    assertEquals(0, verify.exitCode());
    assertTrue(verify.stdout().startsWith("lib.eng: INTACT"), verify.stdout());
    Process query = engram("query", "-F", "csv", "lib.eng", "catalog.db",
        "SELECT count(*) AS n FROM books");
    assertEquals(0, query.exitCode(), query.stderr());
    assertEquals("n\r\n100\r\n", query.stdout());
    assertEquals("", query.stderr()); // in place, through the VFS: no fallback warning
  }

  @Test
  void failuresGiveTheirExitCodeAndOneLineOnStandardError() throws Exception {
    Files.writeString(dir.resolve("junk.eng"), "this is not an archive at all, not even close");
    Process corrupt = engram("list", "junk.eng");
    assertEquals(ExitCodes.CORRUPT, corrupt.exitCode());
    assertEquals(1, corrupt.stderr().lines().count(), corrupt.stderr());
    assertTrue(corrupt.stderr().startsWith("engram list: "), corrupt.stderr());
    assertEquals("", corrupt.stdout());

    Process missing = engram("info", "nowhere.eng");
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode());
    assertEquals("engram info: nowhere.eng: no such file\n", missing.stderr());

    Process usage = engram("pack");
    assertEquals(ExitCodes.USAGE, usage.exitCode());
    assertTrue(usage.stderr().startsWith("engram pack: Missing required"), usage.stderr());
  }

  @Test
  void aPackStoppedBySigtermLeavesNoTemporaryFileAndNoArchive() throws Exception {
    // a sparse file: large enough to take seconds, cheap to make and to compress
    try (java.io.RandomAccessFile sparse =
        new java.io.RandomAccessFile(dir.resolve("zeros.bin").toFile(), "rw")) {
      sparse.setLength(16L << 30);
    }
    List<String> command = new ArrayList<>(javaCommand());
    command.addAll(List.of("pack", "zeros.bin", "-o", "out.eng", "-c", "lz4"));
    java.lang.Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    // wait until the writer has written something: it exists, and packing is under way
    while (!writing() && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(process.isAlive(), "pack ended before it could be stopped: "
        + Files.readString(dir.resolve("log")));
    assertEquals(1, temporaryFiles().size());
    process.destroy(); // SIGTERM: shutdown hooks run
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(143, process.exitValue());
    assertEquals(List.of(), temporaryFiles());
    assertTrue(Files.notExists(dir.resolve("out.eng")));
  }

  private boolean writing() throws Exception {
    for (Path file : temporaryFiles()) {
      try {
        if (Files.size(file) > 0) {
          return true;
        }
      } catch (java.nio.file.NoSuchFileException e) {
        // renamed or deleted meanwhile
      }
    }
    return false;
  }

  private List<Path> temporaryFiles() throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  @Test
  void theProgressBarShowsRateAndEtaUnderARealTerminal() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
        "needs util-linux 'script' to run the tool under a pseudo-terminal");
    byte[] data = new byte[64 << 20];
    new Random(3).nextBytes(data);
    Files.write(dir.resolve("big.bin"), data);
    StringBuilder line = new StringBuilder();
    for (String word : javaCommand()) {
      line.append('\'').append(word.replace("'", "'\\''")).append("' ");
    }
    line.append("pack big.bin -o big.eng -c zstd");
    java.lang.Process process = new ProcessBuilder("/usr/bin/script", "-qec", line.toString(),
        "/dev/null").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("tty").toFile()).start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue());
    String screen = new String(Files.readAllBytes(dir.resolve("tty")), StandardCharsets.UTF_8);
    assertTrue(screen.contains("\rpack 100% ["), screen);
    assertTrue(screen.contains("64/64 MiB"), screen);
    assertTrue(screen.matches("(?s).*\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\).*"), screen);
    assertTrue(screen.contains("MiB/s"), screen);
  }

}
