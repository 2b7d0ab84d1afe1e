package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming with bounded memory: child JVMs with small fixed heaps add a 10 GiB file and a 3 GiB
 * stream of unknown size, and pack many entries and a 3 GiB stream on four threads, then read them
 * back (see {@link LargeEntryProbe}). The slowest tests of
 * the suite; the 10 GiB source is a sparse file, so it costs little disk.
 */
class LargeEntryTest {
  @TempDir Path dir;

  @Test
  void tenGibFileIsFramedStraightFromDiskInA32MibHeap() throws Exception {
    runProbe("32m", "file", 10L << 30);
  }

  @Test
  void threeGibStreamOfUnknownSizeNeedsOnlyItsFiftyMibHeadInMemory() throws Exception {
    runProbe("96m", "stream", 3L << 30);
  }

  @Test
  void parallelPackingFitsTheHeapOfAStreamAlone() throws Exception {
    runProbe("96m", "parallel", 3L << 30);
  }

  private void runProbe(String heap, String mode, long size) throws IOException,
      InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = List.of(java.toString(), "-Xmx" + heap,
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        LargeEntryProbe.class.getName(), mode, dir.toString(), Long.toString(size));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(10, TimeUnit.MINUTES), "probe did not finish");
    } finally {
      process.destroyForcibly();
    }
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.startsWith("OK " + mode), output);
  }
}
