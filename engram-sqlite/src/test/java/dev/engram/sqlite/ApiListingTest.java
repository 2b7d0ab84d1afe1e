package dev.engram.sqlite;

import dev.engram.apilisting.ApiListing;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API of engram-sqlite is the one listed in {@code api/engram-sqlite.api}. */
class ApiListingTest {
  @Test
  void apiIsAsListed() throws IOException {
    ApiListing.check(VfsReader.class,
        Path.of(System.getProperty("basedir", ""), "api", "engram-sqlite.api"),
        "./run-tests -pl engram-sqlite -am -Dtest=ApiListingTest -Dengram.api.update=true");
  }
}
