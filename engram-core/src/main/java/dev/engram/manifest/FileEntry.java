package dev.engram.manifest;

import java.util.Map;
import java.util.Objects;

/**
 * One file a manifest vouches for: its path in the archive, the SHA-256 and size of its content.
 * Immutable and thread-safe.
 *
 * @param path the entry path
 * @param sha256 SHA-256 of the uncompressed content, 64 lower-case hex digits
 * @param size size of the uncompressed content (unsigned 64-bit)
 * @param mimeType a MIME type, or null when absent
 * @param unknownFields fields this model does not know, as raw JSON by name (not signed)
 */
public record FileEntry(String path, String sha256, long size, String mimeType,
    Map<String, String> unknownFields) {
  /** Validates and copies the components. */
  public FileEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
    unknownFields = Fields.unknown(unknownFields);
  }

  /**
   * Creates a file entry.
   *
   * @param path the entry path
   * @param sha256 SHA-256 of the content, hex
   * @param size content size
   * @param mimeType a MIME type, or null
   * @return the file entry
   */
  public static FileEntry of(String path, String sha256, long size, String mimeType) {
    return new FileEntry(path, sha256, size, mimeType, Map.of());
  }
}
