package dev.engram.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.source.RemoteOptions;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pieces of the HTTP source that need no server: backoff, URLs shown, options, validators. */
class RemotePartsTest {
  private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

  @Test
  void backoffDoublesWithJitterUpToItsMaximum() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    assertEquals(Duration.ofMillis(50), backoff.delay(0, Optional.empty(), NOW, 0.0));
    assertEquals(Duration.ofMillis(75), backoff.delay(0, Optional.empty(), NOW, 0.5));
    assertEquals(Duration.ofMillis(200), backoff.delay(2, Optional.empty(), NOW, 0.0));
    assertEquals(Duration.ofMillis(500), backoff.delay(10, Optional.empty(), NOW, 0.0));
    assertEquals(Duration.ofMillis(500), backoff.delay(Integer.MAX_VALUE, Optional.empty(), NOW,
        0.0));
  }

  @Test
  void retryAfterInSecondsOrAsADateReplacesTheBackoffUpToItsMaximum() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    assertEquals(Duration.ofSeconds(3), backoff.delay(0, Optional.of("3"), NOW, 0.5));
    assertEquals(Duration.ofSeconds(10), backoff.delay(0, Optional.of("120"), NOW, 0.5));
    assertEquals(Duration.ofSeconds(7),
        backoff.delay(0, Optional.of("Fri, 04 Dec 2026 10:00:07 GMT"), NOW, 0.5));
    assertEquals(Duration.ZERO,
        backoff.delay(0, Optional.of("Fri, 04 Dec 2026 09:00:00 GMT"), NOW, 0.5));
    // not a value: the backoff's own pause
    assertEquals(Duration.ofMillis(50), backoff.delay(0, Optional.of("soon"), NOW, 0.0));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter("99999999999999999999", NOW));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter("-1", NOW));
  }

  @Test
  void urlsAreShownWithoutUserInformationQueryOrFragment() {
    assertEquals("https://example.org:8443/a/b%20c.eng", Locations.redact(
        URI.create("https://ann:pw@example.org:8443/a/b%20c.eng?X-Amz-Signature=x#f")));
    assertEquals("http://[::1]/x.eng", Locations.redact(URI.create("http://[::1]/x.eng")));
    assertEquals("http://h/x?y", Locations.forRequest(URI.create("http://u:p@h/x?y#z"))
        .toString());
    assertEquals("http://h/", Locations.forRequest(URI.create("http://h")).toString());
    assertTrue(Locations.sameOrigin(URI.create("https://H/a"), URI.create("https://h:443/b")));
    assertFalse(Locations.sameOrigin(URI.create("https://h/a"), URI.create("http://h/a")));
    assertFalse(Locations.sameOrigin(URI.create("http://h/a"), URI.create("http://h:81/a")));
  }

  @Test
  void optionsCheckWhatTheyAreGivenAndNeverShowHeaderValues() {
    RemoteOptions defaults = RemoteOptions.defaults();
    assertEquals(Duration.ofSeconds(10), defaults.connectTimeout());
    assertEquals(Duration.ofSeconds(30), defaults.requestTimeout());
    assertEquals(3, defaults.retries());
    assertEquals(5, defaults.maxRedirects());
    assertTrue(defaults.sslContext().isEmpty());
    RemoteOptions.Builder builder = RemoteOptions.builder();
    for (String reserved : List.of("Range", "if-match", "Host", "Connection", "Accept-Encoding")) {
      assertThrows(IllegalArgumentException.class, () -> builder.header(reserved, "x"), reserved);
    }
    assertThrows(IllegalArgumentException.class, () -> builder.header("Bad Name", "x"));
    assertThrows(IllegalArgumentException.class, () -> builder.header("X-A", "a\r\nB: c"));
    assertThrows(IllegalArgumentException.class, () -> builder.retries(-1));
    assertThrows(IllegalArgumentException.class, () -> builder.requestTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> builder.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    RemoteOptions options = builder.header("authorization", "Bearer one")
        .header("Authorization", "Bearer two").build();
    assertEquals(Map.of("Authorization", "Bearer two"), Map.copyOf(options.headers()));
    assertEquals("Bearer two", options.headers().get("AUTHORIZATION"));
    assertFalse(options.toString().contains("Bearer"), options.toString());
    assertTrue(options.toString().contains("Authorization"), options.toString());
  }

  @Test
  void validatorsPinEtagsFirstAndOnlyStrongOnesGoInIfMatch() {
    Validator strong = Validator.of(headers("ETag", "\"a\"", "Last-Modified", "d"));
    assertEquals("etag \"a\"", strong.version());
    assertEquals(Map.of("If-Match", "\"a\""), strong.conditions());
    assertEquals(Optional.empty(), strong.mismatch(headers("ETag", "\"a\"")));
    assertEquals(Optional.of("ETag was \"a\", now none"), strong.mismatch(headers()));
    Validator weak = Validator.of(headers("ETag", "W/\"a\""));
    assertEquals(Map.of(), weak.conditions());
    assertEquals(Optional.of("ETag was W/\"a\", now \"a\""), weak.mismatch(headers("ETag",
        "\"a\"")));
    Validator dated = Validator.of(headers("Last-Modified", "d"));
    assertEquals(Map.of("If-Unmodified-Since", "d"), dated.conditions());
    assertEquals(Optional.of("Last-Modified was d, now e"), dated.mismatch(headers(
        "Last-Modified", "e")));
    Validator none = Validator.of(headers());
    assertEquals("", none.version());
    assertEquals(Map.of(), none.conditions());
    assertEquals(Optional.empty(), none.mismatch(headers("ETag", "\"new\"")));
  }

  private static HttpHeaders headers(String... namesAndValues) {
    java.util.Map<String, List<String>> map = new java.util.HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
    }
    return HttpHeaders.of(map, (name, value) -> true);
  }
}
