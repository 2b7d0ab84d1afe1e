package dev.engram.hadoop;

import dev.engram.apilisting.ApiListing;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API of engram-hadoop is the one listed in {@code api/engram-hadoop.api}. */
class ApiListingTest {
  @Test
  void apiIsAsListed() throws IOException {
    ApiListing.check(EngramFileSystem.class,
        Path.of(System.getProperty("basedir", ""), "api", "engram-hadoop.api"),
        "./run-tests -pl engram-hadoop -am -Dtest=ApiListingTest -Dengram.api.update=true");
  }
}
