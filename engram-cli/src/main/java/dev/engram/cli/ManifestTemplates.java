package dev.engram.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.engram.manifest.Author;
import dev.engram.manifest.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the manifest template {@code pack --manifest} and {@code sign --manifest} take: a TOML
 * or JSON file with {@code name}, {@code version}, {@code author} (a string {@code "Name
 * <email>"} or a table with {@code name}, {@code email}, {@code url}), and optionally {@code id}
 * (default: the name in lower case with dashes), {@code description}, {@code license} and
 * {@code tags}. The files and signatures are filled in when the archive is written.
 */
final class ManifestTemplates {
  private static final Set<String> KEYS =
      Set.of("name", "id", "version", "author", "description", "license", "tags");
  private static final Set<String> AUTHOR_KEYS = Set.of("name", "email", "url");
  private static final Pattern NAME_AND_EMAIL = Pattern.compile("^(.*?)\\s*<([^<>]+)>$");
  /** Templates are a few lines; refuse to parse anything unreasonable. */
  private static final long MAX_SIZE = 1 << 20;

  private ManifestTemplates() {}

  /**
   * Reads a template, {@code .json} as JSON and anything else as TOML.
   *
   * @param created the creation time to record
   * @throws CliException (usage) naming the file and the field at fault
   */
  static Manifest read(Path file, Instant created) throws IOException {
    if (Files.size(file) > MAX_SIZE) {
      throw invalid(file, "larger than " + MAX_SIZE + " bytes");
    }
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    JsonNode root;
    try {
      root = (json ? new ObjectMapper() : new TomlMapper()).readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw invalid(file, "not valid " + (json ? "JSON" : "TOML") + ": "
          + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid(file, "expected a " + (json ? "JSON object" : "TOML table") + " of fields");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (!KEYS.contains(key)) {
        throw invalid(file, "unknown field '" + key + "' (known: author, description, id,"
            + " license, name, tags, version)");
      }
    }
    String name = text(file, root, "name", true);
    String version = text(file, root, "version", true);
    String id = text(file, root, "id", false);
    Manifest.Builder manifest = Manifest.builder(id != null ? id : idOf(name), name,
        author(file, root.get("author")), version).created(created);
    manifest.description(text(file, root, "description", false));
    manifest.license(text(file, root, "license", false));
    JsonNode tags = root.get("tags");
    if (tags != null) {
      if (!tags.isArray()) {
        throw invalid(file, "'tags' must be a list of strings");
      }
      List<String> values = new ArrayList<>();
      for (JsonNode tag : tags) {
        if (!tag.isTextual()) {
          throw invalid(file, "'tags' must be a list of strings");
        }
        values.add(tag.asText());
      }
      manifest.tags(values);
    }
    return manifest.build();
  }

  /** The manifest of an archive signed with no template: named after the archive file. */
  static Manifest named(Path archive, String signer, Instant created) {
    String name = archive.getFileName().toString().replaceFirst("\\.eng$", "");
    return Manifest.builder(idOf(name), name, Author.of(signer), "1.0.0").created(created)
        .build();
  }

  /** "My Data Set" becomes "my-data-set". */
  static String idOf(String name) {
    String id = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
        .replaceAll("^-+|-+$", "");
    return id.isEmpty() ? "archive" : id;
  }

  private static Author author(Path file, JsonNode node) {
    if (node == null) {
      throw invalid(file, "missing field 'author' (\"Name <email>\", or a table with name,"
          + " email, url)");
    }
    if (node.isTextual()) {
      Matcher m = NAME_AND_EMAIL.matcher(node.asText().strip());
      return m.matches() ? Author.of(m.group(1), m.group(2), null) : Author.of(node.asText());
    }
    if (!node.isObject()) {
      throw invalid(file, "'author' must be a string or a table with name, email, url");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (!AUTHOR_KEYS.contains(key)) {
        throw invalid(file, "unknown field 'author." + key + "' (known: name, email, url)");
      }
    }
    return Author.of(text(file, node, "name", true), text(file, node, "email", false),
        text(file, node, "url", false));
  }

  private static String text(Path file, JsonNode node, String key, boolean required) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      if (required) {
        throw invalid(file, "missing field '" + key + "'");
      }
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw invalid(file, "'" + key + "' must be a non-empty string");
    }
    return value.asText();
  }

  private static CliException invalid(Path file, String why) {
    return new CliException(ExitCodes.USAGE, "manifest template " + file + ": " + why);
  }
}
