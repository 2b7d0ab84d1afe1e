package dev.engram.remote;

import java.net.http.HttpHeaders;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The version of a resource that an {@link HttpSource} pinned when it opened: the first answer's
 * {@code ETag}, else its {@code Last-Modified}; neither when the server sends neither (then only
 * the size can tell a change). Immutable and thread-safe.
 *
 * @param etag the entity tag, strong ({@code "x"}) or weak ({@code W/"x"}), or null
 * @param lastModified the {@code Last-Modified} date, or null; only used when there is no ETag
 */
record Validator(String etag, String lastModified) {
  /** Takes the validator of an answer. */
  static Validator of(HttpHeaders headers) {
    String etag = headers.firstValue("ETag").orElse(null);
    return new Validator(etag, etag != null ? null
        : headers.firstValue("Last-Modified").orElse(null));
  }

  /** What {@link dev.engram.source.SourceIdentity#version()} holds. */
  String version() {
    if (etag != null) {
      return "etag " + etag;
    }
    return lastModified != null ? "last-modified " + lastModified : "";
  }

  /**
   * The conditions that make the server refuse (412) a request to a changed resource. {@code
   * If-Match} compares strongly, so a weak ETag never matches and is not sent; every answer's
   * validator is compared anyway ({@link #mismatch}).
   */
  Map<String, String> conditions() {
    if (etag != null) {
      return etag.startsWith("\"") ? Map.of("If-Match", etag) : Map.of();
    }
    return lastModified != null ? Map.of("If-Unmodified-Since", lastModified) : Map.of();
  }

  /** Says how an answer's validator differs from this one, or empty when it is the same. */
  Optional<String> mismatch(HttpHeaders headers) {
    Validator now = of(headers);
    if (etag != null && !etag.equals(now.etag)) {
      return Optional.of("ETag was " + etag + ", now " + (now.etag == null ? "none" : now.etag));
    }
    if (etag == null && lastModified != null
        && !Objects.equals(lastModified, headers.firstValue("Last-Modified").orElse(null))) {
      return Optional.of("Last-Modified was " + lastModified + ", now "
          + headers.firstValue("Last-Modified").orElse("none"));
    }
    return Optional.empty();
  }
}
