package dev.engram.s3;

import dev.engram.apilisting.ApiListing;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API of engram-s3 is the one listed in {@code api/engram-s3.api}. */
class ApiListingTest {
  @Test
  void apiIsAsListed() throws IOException {
    ApiListing.check(S3Archives.class,
        Path.of(System.getProperty("basedir", ""), "api", "engram-s3.api"),
        "./run-tests -pl engram-s3 -am -Dtest=ApiListingTest -Dengram.api.update=true");
  }
}
