package dev.engram.manifest;

import java.util.Map;
import java.util.Objects;

/**
 * Who made an archive. Immutable and thread-safe.
 *
 * @param name the author's name
 * @param email an e-mail address, or null when absent
 * @param url a web address, or null when absent
 * @param unknownFields fields this model does not know, as raw JSON by name, kept when the
 *     manifest is rewritten (and, as in engram-rs, not covered by signatures)
 */
public record Author(String name, String email, String url, Map<String, String> unknownFields) {
  /** Validates and copies the components. */
  public Author {
    Objects.requireNonNull(name, "name");
    unknownFields = Fields.unknown(unknownFields);
  }

  /**
   * Creates an author with a name only.
   *
   * @param name the author's name
   * @return the author
   */
  public static Author of(String name) {
    return new Author(name, null, null, Map.of());
  }

  /**
   * Creates an author.
   *
   * @param name the author's name
   * @param email an e-mail address, or null
   * @param url a web address, or null
   * @return the author
   */
  public static Author of(String name, String email, String url) {
    return new Author(name, email, url, Map.of());
  }
}
