package dev.engram.s3;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;

/**
 * Where an archive lies in S3: a bucket and a key. The one place that reads {@code s3://} URIs and
 * writes the name messages show ({@code s3://bucket/key}, the key as stored, not encoded).
 * Immutable and thread-safe.
 *
 * @param bucket the bucket's name
 * @param key the object's key
 */
record S3Location(String bucket, String key) {
  S3Location {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    if (bucket.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException("an S3 location needs a bucket and a key, got bucket '"
          + bucket + "' and key '" + key + "'");
    }
  }

  /**
   * Reads {@code s3://bucket/key}: the authority is the bucket, the path after its first
   * {@code /} the key, percent-decoded (UTF-8), so a key may hold {@code /} and any character.
   */
  static S3Location of(URI uri) {
    if (!"s3".equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.isOpaque()) {
      throw new IllegalArgumentException("not an s3://bucket/key URI: " + shown(uri));
    }
    String bucket = uri.getRawAuthority();
    if (bucket == null || bucket.isEmpty() || bucket.contains("@") || bucket.contains(":")) {
      throw new IllegalArgumentException("an s3: URI names a bucket, without user or port, as in"
          + " s3://bucket/key: " + shown(uri));
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("an s3: URI has no query or fragment (s3://bucket/key): "
          + shown(uri));
    }
    String path = uri.getPath();
    if (path == null || path.length() <= 1) {
      throw new IllegalArgumentException("no key in " + shown(uri) + " (s3://bucket/key)");
    }
    return new S3Location(bucket, path.substring(1));
  }

  /** A URI as a message may show it: without user information, query or fragment. */
  private static String shown(URI uri) {
    if (uri.isOpaque() || uri.getRawAuthority() == null) {
      return uri.getScheme() + ":...";
    }
    String authority = uri.getRawAuthority();
    return uri.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  /** Starts a GetObject of this object. */
  GetObjectRequest.Builder get() {
    return GetObjectRequest.builder().bucket(bucket).key(key);
  }

  /** A HeadObject of this object's current version. */
  HeadObjectRequest head() {
    return HeadObjectRequest.builder().bucket(bucket).key(key).build();
  }

  /** Returns {@code s3://bucket/key}, as messages name the archive. */
  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }
}
