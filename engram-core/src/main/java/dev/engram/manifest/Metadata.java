package dev.engram.manifest;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Descriptive metadata of an archive. Immutable and thread-safe.
 *
 * @param version the content's own version, for example a semantic version
 * @param created creation time in Unix seconds (unsigned 64-bit)
 * @param modified last modification in Unix seconds, or null when absent
 * @param license an SPDX license identifier, or null when absent
 * @param tags tags for categorization
 * @param unknownFields fields this model does not know, as raw JSON by name (not signed)
 */
public record Metadata(String version, long created, Long modified, String license,
    List<String> tags, Map<String, String> unknownFields) {
  /** Validates and copies the components. */
  public Metadata {
    Objects.requireNonNull(version, "version");
    tags = Fields.list(tags, "tags");
    unknownFields = Fields.unknown(unknownFields);
  }
}
