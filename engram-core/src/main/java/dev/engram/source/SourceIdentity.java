package dev.engram.source;

import java.util.Objects;

/**
 * Which bytes an {@link ArchiveSource} serves: where they come from, how many there are, and
 * which version of them. Two identities are equal only if all three are, so a cache keyed on an
 * identity never serves bytes of another version; a change of version (a file rewritten, an
 * HTTP ETag or S3 version that differs) means the archive changed. Immutable and thread-safe.
 *
 * @param location where the bytes come from: a URI such as {@code file:///data/docs.eng}, or a
 *     name for bytes that have no location
 * @param size the number of bytes
 * @param version what tells versions at one location apart: for a file its modified time and
 *     file key; an ETag or object version; empty when the storage offers none
 */
public record SourceIdentity(String location, long size, String version) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException if location or version is null
   * @throws IllegalArgumentException if size is negative
   */
  public SourceIdentity {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(version, "version");
    if (size < 0) {
      throw new IllegalArgumentException("size " + size + " is negative");
    }
  }
}
