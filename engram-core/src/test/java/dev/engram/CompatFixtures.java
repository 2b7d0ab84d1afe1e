package dev.engram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The compatibility fixtures engram-rs wrote ({@code ../shared/compat}, or wherever {@code
 * -Dengram.compat.dir} points), and the one decision every test that reads them makes when they
 * are missing: under CI (the environment variable {@code CI=true}) they are required, so the test
 * fails and says where they were looked for; anywhere else it is skipped, with a message on
 * standard error as well as in the report.
 */
public final class CompatFixtures {
  /** What a test that needs the fixtures does. */
  enum Decision {
    /** The fixtures are there: run. */
    RUN,
    /** Missing, not under CI: skip. */
    SKIP,
    /** Missing under CI: fail. */
    FAIL
  }

  private CompatFixtures() {}

  /**
   * Returns where the fixtures are looked for, whether or not they are there.
   *
   * @return an absolute, normalized directory
   */
  public static Path dir() {
    String dir = System.getProperty("engram.compat.dir", "../../shared/compat");
    return Path.of(dir).toAbsolutePath().normalize();
  }

  /**
   * Returns the fixtures' directory for a test that needs them, or ends the test when they are
   * missing: as a failure under {@code CI=true}, as skipped anywhere else.
   *
   * @return the directory, which exists
   * @throws org.opentest4j.AssertionFailedError if they are missing under CI
   * @throws org.opentest4j.TestAbortedException if they are missing elsewhere
   */
  public static Path require() {
    return require(System.getenv("CI"), dir());
  }

  /** {@link #require()} given the value of {@code CI} (null when unset) and the directory. */
  static Path require(String ci, Path dir) {
    String missing = "engram-rs compatibility fixtures not found at " + dir;
    switch (decide(ci, dir)) {
      case RUN:
        return dir;
      case FAIL:
        return Assertions.fail(missing + ": CI=true requires them (they come with shared/compat,"
            + " or set -Dengram.compat.dir=... to where they are)");
      default:
        System.err.println("SKIPPED: " + missing + " (set -Dengram.compat.dir=... to run these"
            + " tests; under CI=true they fail instead)");
        return Assumptions.abort(missing);
    }
  }

  /** Decides from the value of {@code CI} (null when unset) and the directory. */
  static Decision decide(String ci, Path dir) {
    if (Files.isDirectory(dir)) {
      return Decision.RUN;
    }
    return ci != null && ci.strip().toLowerCase(Locale.ROOT).equals("true")
        ? Decision.FAIL : Decision.SKIP;
  }
}
