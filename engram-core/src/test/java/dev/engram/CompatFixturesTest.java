package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Missing engram-rs fixtures fail the tests that need them under CI and skip them elsewhere. */
class CompatFixturesTest {
  @TempDir Path present;

  private Path missing() {
    return present.resolve("no-such-compat");
  }

  @Test
  void missingFixturesFailUnderCiSayingWhereTheyWereLookedFor() {
    for (String ci : new String[] {"true", "TRUE", " true\n"}) {
      assertEquals(CompatFixtures.Decision.FAIL, CompatFixtures.decide(ci, missing()), ci);
      AssertionFailedError e = assertThrows(AssertionFailedError.class,
          () -> CompatFixtures.require(ci, missing()));
      assertEquals("engram-rs compatibility fixtures not found at " + missing() + ": CI=true"
          + " requires them (they come with shared/compat, or set -Dengram.compat.dir=... to"
          + " where they are)", e.getMessage());
    }
  }

  @Test
  void missingFixturesSkipOutsideCi() {
    for (String ci : new String[] {null, "", "false", "1"}) {
      assertEquals(CompatFixtures.Decision.SKIP, CompatFixtures.decide(ci, missing()), ci);
      TestAbortedException e = assertThrows(TestAbortedException.class,
          () -> CompatFixtures.require(ci, missing()));
      assertEquals("engram-rs compatibility fixtures not found at " + missing(), e.getMessage());
    }
  }

  @Test
  void presentFixturesRunWhetherOrNotUnderCi() {
    for (String ci : new String[] {null, "true"}) {
      assertEquals(CompatFixtures.Decision.RUN, CompatFixtures.decide(ci, present), ci);
      assertEquals(present, CompatFixtures.require(ci, present));
    }
  }
}
