package dev.engram.s3;

import java.util.Objects;
import java.util.Optional;

/**
 * Which version of an object an {@link S3Source} pinned when it opened: its ETag and, in a bucket
 * with versioning, its version id. Immutable and thread-safe.
 *
 * @param etag the ETag as S3 sends it (quoted), or null if the store sent none
 * @param versionId the version id, or null outside versioned buckets
 */
record ObjectVersion(String etag, String versionId) {
  /** What {@link dev.engram.source.SourceIdentity#version()} holds. */
  String describe() {
    String shown = etag == null ? "" : "etag " + etag;
    if (versionId != null) {
      shown += (shown.isEmpty() ? "" : ", ") + "version " + versionId;
    }
    return shown;
  }

  /**
   * Says how an answer's ETag and version id differ from these, or empty when they agree. A
   * version id is compared only when both have one.
   */
  Optional<String> mismatch(String etagNow, String versionIdNow) {
    if (!Objects.equals(etag, etagNow)) {
      return Optional.of("ETag was " + (etag == null ? "none" : etag) + ", now "
          + (etagNow == null ? "none" : etagNow));
    }
    if (versionId != null && versionIdNow != null && !versionId.equals(versionIdNow)) {
      return Optional.of("version was " + versionId + ", now " + versionIdNow);
    }
    return Optional.empty();
  }
}
