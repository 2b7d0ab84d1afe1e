package dev.engram;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link UpdateKillSafetyTest}, which kills it with SIGKILL part way: opens
 * an update of the archive at the target, stages {@link #stage its changes}, and commits, printing
 * {@code staged}, {@code committing} and {@code committed} as it goes, then waits for standard
 * input to end so that a kill after {@code committed} still finds it alive.
 */
public final class UpdateKillProbe {
  private UpdateKillProbe() {}

  /** The changes every run stages: deterministic, so the parent knows the result to expect. */
  static void stage(ArchiveUpdate update) throws IOException {
    update.delete("old/log.log");
    update.move("old/notes.md", "moved/notes.md");
    update.write("new/text.txt", TestData.text(300_000, 77));
    update.write("old/readme.txt", TestData.text(5_000, 78));
  }

  /**
   * Entry point.
   *
   * @param args the target path
   * @throws IOException on failure
   */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args[0]);
    try (ArchiveUpdate update = ArchiveUpdate.open(target)) {
      stage(update);
      say("staged");
      say("committing");
      update.commit();
      say("committed");
    }
    while (System.in.read() >= 0) {
      // stay alive until the parent kills us
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
