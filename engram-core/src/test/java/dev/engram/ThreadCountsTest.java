package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Readers and writers share one thread-count rule: the same default, cap and checks. */
class ThreadCountsTest {

  @Test
  void defaultThreadCountsAreCappedOnAMachineWithMoreProcessorsThanAllowed() throws Exception {
    // the JVM reports the processors it is told to: a child JVM sees 300
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-XX:ActiveProcessorCount=300",
        "-cp", System.getProperty("java.class.path"), PrintDefaults.class.getName())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    assertEquals(0, process.exitValue(), output);
    assertEquals("processors=300 reader=256 writer=256", output.strip());
  }

  @Test
  void readerAndWriterAcceptTheSameThreadCounts() {
    assertEquals(ReaderOptions.MAX_THREADS, WriterOptions.MAX_THREADS);
    assertEquals(256, ReaderOptions.builder().threads(256).build().threads());
    assertEquals(1, ReaderOptions.builder().threads(1).build().threads());
    for (int bad : new int[] {0, -1, 257}) {
      assertEquals("thread count " + bad + " is outside 1..256", assertThrows(
          IllegalArgumentException.class, () -> ReaderOptions.builder().threads(bad))
          .getMessage());
      assertEquals("thread count " + bad + " is outside 1..256", assertThrows(
          IllegalArgumentException.class, () -> WriterOptions.builder().threads(bad))
          .getMessage());
    }
    int processors = Runtime.getRuntime().availableProcessors();
    assertEquals(Math.min(256, processors), ReaderOptions.defaults().threads());
    assertEquals(Math.min(256, processors), WriterOptions.defaults().threads());
  }

  /** Run in the child JVM: prints what it sees and the default thread counts. */
  static final class PrintDefaults {
    public static void main(String[] args) {
      System.out.println("processors=" + Runtime.getRuntime().availableProcessors()
          + " reader=" + ReaderOptions.defaults().threads()
          + " writer=" + WriterOptions.defaults().threads());
    }
  }
}
