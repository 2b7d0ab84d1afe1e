package dev.engram.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes manifest JSON as engram-rs does: parsing is as strict as serde's (duplicate
 * keys, wrong types, numbers that are not unsigned 64-bit integers and lone surrogates are
 * errors; unknown fields are kept aside), the canonical form is serde_json's compact output of
 * the known fields, and the pretty form is serde_json's pretty output plus the unknown fields.
 * Thread-safe (stateless).
 */
final class ManifestJson {
  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final Set<String> MANIFEST_FIELDS = Set.of("version", "id", "name",
      "description", "author", "metadata", "capabilities", "files", "signatures");
  private static final Set<String> AUTHOR_FIELDS = Set.of("name", "email", "url");
  private static final Set<String> METADATA_FIELDS =
      Set.of("version", "created", "modified", "license", "tags");
  private static final Set<String> FILE_FIELDS = Set.of("path", "sha256", "size", "mime_type");
  private static final Set<String> SIGNATURE_FIELDS =
      Set.of("algorithm", "public_key", "signature", "timestamp", "signer");

  private ManifestJson() {}

  // --- parsing ---------------------------------------------------------------------------------

  static Manifest parse(byte[] json) throws ManifestException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ManifestException("manifest is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ManifestException("manifest cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ManifestException("manifest must be a JSON object");
    }
    Obj m = new Obj(root, "");
    return new Manifest(m.string("version"), m.string("id"), m.string("name"),
        m.optionalString("description"), author(m.object("author")),
        metadata(m.object("metadata")), m.strings("capabilities"), files(m.optionalArray("files")),
        signatures(m.optionalArray("signatures")), m.unknown(MANIFEST_FIELDS));
  }

  private static Author author(Obj a) throws ManifestException {
    return new Author(a.string("name"), a.optionalString("email"), a.optionalString("url"),
        a.unknown(AUTHOR_FIELDS));
  }

  private static Metadata metadata(Obj m) throws ManifestException {
    return new Metadata(m.string("version"), m.u64("created"), m.optionalU64("modified"),
        m.optionalString("license"), m.strings("tags"), m.unknown(METADATA_FIELDS));
  }

  private static List<FileEntry> files(List<Obj> files) throws ManifestException {
    List<FileEntry> out = new ArrayList<>(files.size());
    for (Obj f : files) {
      out.add(new FileEntry(f.string("path"), f.string("sha256"), f.u64("size"),
          f.optionalString("mime_type"), f.unknown(FILE_FIELDS)));
    }
    return out;
  }

  private static List<SignatureEntry> signatures(List<Obj> signatures) throws ManifestException {
    List<SignatureEntry> out = new ArrayList<>(signatures.size());
    for (Obj s : signatures) {
      out.add(new SignatureEntry(s.string("algorithm"), s.string("public_key"),
          s.string("signature"), s.u64("timestamp"), s.optionalString("signer"),
          s.unknown(SIGNATURE_FIELDS)));
    }
    return out;
  }

  /** A JSON object being read, with its path for messages. */
  private static final class Obj {
    private final JsonNode node;
    private final String path;

    Obj(JsonNode node, String path) {
      this.node = node;
      this.path = path;
    }

    private String where(String field) {
      return path.isEmpty() ? field : path + "." + field;
    }

    private JsonNode required(String field) throws ManifestException {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        throw new ManifestException("manifest: " + where(field) + " is missing");
      }
      return value;
    }

    String string(String field) throws ManifestException {
      return text(required(field), where(field));
    }

    String optionalString(String field) throws ManifestException {
      JsonNode value = node.get(field);
      return value == null || value.isNull() ? null : text(value, where(field));
    }

    long u64(String field) throws ManifestException {
      return unsigned(required(field), where(field));
    }

    Long optionalU64(String field) throws ManifestException {
      JsonNode value = node.get(field);
      return value == null || value.isNull() ? null : unsigned(value, where(field));
    }

    Obj object(String field) throws ManifestException {
      JsonNode value = required(field);
      if (!value.isObject()) {
        throw new ManifestException("manifest: " + where(field) + " must be an object");
      }
      return new Obj(value, where(field));
    }

    /** An array that defaults to empty when missing (serde's {@code #[serde(default)]}). */
    private JsonNode array(String field) throws ManifestException {
      JsonNode value = node.get(field);
      if (value == null) {
        return NODES.arrayNode();
      }
      if (!value.isArray()) {
        throw new ManifestException("manifest: " + where(field) + " must be an array");
      }
      return value;
    }

    List<String> strings(String field) throws ManifestException {
      List<String> out = new ArrayList<>();
      JsonNode array = array(field);
      for (int i = 0; i < array.size(); i++) {
        out.add(text(array.get(i), where(field) + "[" + i + "]"));
      }
      return out;
    }

    List<Obj> optionalArray(String field) throws ManifestException {
      List<Obj> out = new ArrayList<>();
      JsonNode array = array(field);
      for (int i = 0; i < array.size(); i++) {
        JsonNode item = array.get(i);
        String at = where(field) + "[" + i + "]";
        if (!item.isObject()) {
          throw new ManifestException("manifest: " + at + " must be an object");
        }
        out.add(new Obj(item, at));
      }
      return out;
    }

    Map<String, String> unknown(Set<String> known) {
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (!known.contains(field.getKey())) {
          out.put(field.getKey(), field.getValue().toString());
        }
      }
      return out;
    }
  }

  private static String text(JsonNode value, String where) throws ManifestException {
    if (!value.isTextual()) {
      throw new ManifestException("manifest: " + where + " must be a string");
    }
    String s = value.textValue();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new ManifestException("manifest: " + where + " holds a lone UTF-16 surrogate");
      }
    }
    return s;
  }

  private static long unsigned(JsonNode value, String where) throws ManifestException {
    if (!value.isIntegralNumber()) {
      throw new ManifestException("manifest: " + where + " must be an integer");
    }
    BigInteger n = value.bigIntegerValue();
    if (n.signum() < 0 || n.compareTo(MAX_U64) > 0) {
      throw new ManifestException("manifest: " + where + " must be between 0 and 2^64-1: " + n);
    }
    return n.longValue(); // unsigned 64-bit, as engram-rs's u64
  }

  // --- canonical form --------------------------------------------------------------------------

  /** serde_json's compact serialization of the known fields, with {@code signatures} empty. */
  static byte[] canonical(Manifest m) {
    StringBuilder out = new StringBuilder(256 + 160 * m.files().size());
    out.append('{');
    field(out, "version", m.version(), true);
    field(out, "id", m.id(), false);
    field(out, "name", m.name(), false);
    if (m.description() != null) {
      field(out, "description", m.description(), false);
    }
    key(out, "author", false).append('{');
    field(out, "name", m.author().name(), true);
    if (m.author().email() != null) {
      field(out, "email", m.author().email(), false);
    }
    if (m.author().url() != null) {
      field(out, "url", m.author().url(), false);
    }
    out.append('}');
    key(out, "metadata", false).append('{');
    field(out, "version", m.metadata().version(), true);
    key(out, "created", false).append(Long.toUnsignedString(m.metadata().created()));
    if (m.metadata().modified() != null) {
      key(out, "modified", false).append(Long.toUnsignedString(m.metadata().modified()));
    }
    if (m.metadata().license() != null) {
      field(out, "license", m.metadata().license(), false);
    }
    key(out, "tags", false);
    stringArray(out, m.metadata().tags());
    out.append('}');
    key(out, "capabilities", false);
    stringArray(out, m.capabilities());
    key(out, "files", false).append('[');
    for (int i = 0; i < m.files().size(); i++) {
      FileEntry f = m.files().get(i);
      out.append(i == 0 ? "{" : ",{");
      field(out, "path", f.path(), true);
      field(out, "sha256", f.sha256(), false);
      key(out, "size", false).append(Long.toUnsignedString(f.size()));
      if (f.mimeType() != null) {
        field(out, "mime_type", f.mimeType(), false);
      }
      out.append('}');
    }
    out.append(']');
    key(out, "signatures", false).append("[]");
    out.append('}');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static StringBuilder key(StringBuilder out, String key, boolean first) {
    if (!first) {
      out.append(',');
    }
    return quote(out, key).append(':');
  }

  private static void field(StringBuilder out, String key, String value, boolean first) {
    quote(key(out, key, first), value);
  }

  private static void stringArray(StringBuilder out, List<String> values) {
    out.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      quote(out, values.get(i));
    }
    out.append(']');
  }

  /**
   * serde_json's string escaping: quote and backslash escaped, the short forms for backspace,
   * form feed, newline, carriage return and tab, six-character escapes with lower-case hex for
   * the other control characters, everything else (including {@code /} and non-ASCII) as is.
   */
  static StringBuilder quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20) {
            out.append("\\u00").append(Character.forDigit(c >> 4, 16))
                .append(Character.forDigit(c & 0xF, 16));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"');
  }

  // --- pretty form -----------------------------------------------------------------------------

  /** serde_json's pretty layout (two spaces, {@code "key": value}), unknown fields kept. */
  static byte[] pretty(Manifest m) {
    ObjectNode root = NODES.objectNode();
    root.put("version", m.version());
    root.put("id", m.id());
    root.put("name", m.name());
    putIfPresent(root, "description", m.description());
    ObjectNode author = root.putObject("author");
    author.put("name", m.author().name());
    putIfPresent(author, "email", m.author().email());
    putIfPresent(author, "url", m.author().url());
    putUnknown(author, m.author().unknownFields());
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("version", m.metadata().version());
    metadata.put("created", unsigned(m.metadata().created()));
    if (m.metadata().modified() != null) {
      metadata.put("modified", unsigned(m.metadata().modified()));
    }
    putIfPresent(metadata, "license", m.metadata().license());
    ArrayNode tags = metadata.putArray("tags");
    m.metadata().tags().forEach(tags::add);
    putUnknown(metadata, m.metadata().unknownFields());
    ArrayNode capabilities = root.putArray("capabilities");
    m.capabilities().forEach(capabilities::add);
    ArrayNode files = root.putArray("files");
    for (FileEntry f : m.files()) {
      ObjectNode file = files.addObject();
      file.put("path", f.path());
      file.put("sha256", f.sha256());
      file.put("size", unsigned(f.size()));
      putIfPresent(file, "mime_type", f.mimeType());
      putUnknown(file, f.unknownFields());
    }
    ArrayNode signatures = root.putArray("signatures");
    for (SignatureEntry s : m.signatures()) {
      ObjectNode signature = signatures.addObject();
      signature.put("algorithm", s.algorithm());
      signature.put("public_key", s.publicKey());
      signature.put("signature", s.signature());
      signature.put("timestamp", unsigned(s.timestamp()));
      putIfPresent(signature, "signer", s.signer());
      putUnknown(signature, s.unknownFields());
    }
    putUnknown(root, m.unknownFields());
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator(""))
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter);
    try {
      return MAPPER.writer(printer).writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a tree of strings and numbers always serializes
    }
  }

  private static BigInteger unsigned(long value) {
    return new BigInteger(Long.toUnsignedString(value));
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static void putUnknown(ObjectNode node, Map<String, String> unknown) {
    for (Map.Entry<String, String> field : unknown.entrySet()) {
      if (node.has(field.getKey())) {
        continue; // a known field of the same name wins, as when engram-rs parses it
      }
      try {
        node.set(field.getKey(), MAPPER.readTree(field.getValue()));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("unknown field '" + field.getKey()
            + "' does not hold valid JSON: " + e.getOriginalMessage(), e);
      }
    }
  }
}
