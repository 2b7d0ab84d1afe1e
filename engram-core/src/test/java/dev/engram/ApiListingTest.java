package dev.engram;

import dev.engram.apilisting.ApiListing;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API of engram-core is the one listed in {@code api/engram-core.api}. */
class ApiListingTest {
  @Test
  void apiIsAsListed() throws IOException {
    ApiListing.check(ArchiveReader.class,
        Path.of(System.getProperty("basedir", ""), "api", "engram-core.api"),
        "./run-tests -pl engram-core -Dtest=ApiListingTest -Dengram.api.update=true");
  }
}
