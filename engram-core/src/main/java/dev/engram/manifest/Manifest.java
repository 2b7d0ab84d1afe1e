package dev.engram.manifest;

import dev.engram.crypto.ConstantTime;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An archive's {@code manifest.json}: what the archive is, who made it, every file with its
 * SHA-256, and Ed25519 signatures over all of that. Immutable and thread-safe.
 *
 * <p><b>Compatibility.</b> The JSON is engram-rs's. Signatures are made and checked exactly as
 * there: the manifest with {@code signatures} emptied is serialized as compact JSON in a fixed
 * field order ({@link #canonicalBytes()}), hashed with SHA-256, and the 32-byte digest is signed
 * with Ed25519. A signature made by engram-rs verifies here and one made here verifies there.
 * Fields this model does not know are kept when the manifest is rewritten, but, as in engram-rs,
 * they are not covered by signatures; neither is a signature's timestamp.
 *
 * <pre>{@code
 * Manifest manifest = Manifest.builder("docs-2025", "Team docs", Author.of("Ada"), "1.0.0")
 *     .description("Everything we wrote down")
 *     .build()
 *     .sign(privateKey, "ada@example.org");
 * List<Boolean> valid = manifest.verifySignatures();
 * }</pre>
 */
public final class Manifest {
  /** Manifest format version engram-rs writes, and this library's default. */
  public static final String FORMAT_VERSION = "0.4.0";
  /** Name of the manifest entry in an archive. */
  public static final String ENTRY_NAME = "manifest.json";
  /** The one signature algorithm the format defines. */
  public static final String ED25519 = "ed25519";

  private final String version;
  private final String id;
  private final String name;
  private final String description;
  private final Author author;
  private final Metadata metadata;
  private final List<String> capabilities;
  private final List<FileEntry> files;
  private final List<SignatureEntry> signatures;
  private final Map<String, String> unknownFields;

  Manifest(String version, String id, String name, String description, Author author,
      Metadata metadata, List<String> capabilities, List<FileEntry> files,
      List<SignatureEntry> signatures, Map<String, String> unknownFields) {
    this.version = Objects.requireNonNull(version, "version");
    this.id = Objects.requireNonNull(id, "id");
    this.name = Objects.requireNonNull(name, "name");
    this.description = description;
    this.author = Objects.requireNonNull(author, "author");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.capabilities = Fields.list(capabilities, "capabilities");
    this.files = Fields.list(files, "files");
    this.signatures = Fields.list(signatures, "signatures");
    this.unknownFields = Fields.unknown(unknownFields);
  }

  /**
   * Parses manifest JSON as engram-rs does: required fields must be present with the right
   * types, integers must fit an unsigned 64-bit value, duplicate keys are refused, and unknown
   * fields are kept aside.
   *
   * @param json the UTF-8 JSON
   * @return the manifest
   * @throws ManifestException naming the field that is missing or wrong
   */
  public static Manifest parse(byte[] json) throws ManifestException {
    return ManifestJson.parse(Objects.requireNonNull(json, "json"));
  }

  /**
   * Starts a new manifest, created now, with format version {@value #FORMAT_VERSION}.
   *
   * @param id a stable identifier of the archive
   * @param name a human-readable name
   * @param author who made it
   * @param version the content's own version
   * @return a builder
   */
  public static Builder builder(String id, String name, Author author, String version) {
    return new Builder(id, name, author, version);
  }

  /**
   * Starts a builder holding this manifest's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(id, name, author, metadata.version());
    b.formatVersion = version;
    b.description = description;
    b.created = metadata.created();
    b.modified = metadata.modified();
    b.license = metadata.license();
    b.tags = metadata.tags();
    b.metadataUnknown = metadata.unknownFields();
    b.capabilities = capabilities;
    b.files = files;
    b.signatures = signatures;
    b.unknownFields = unknownFields;
    return b;
  }

  /**
   * Returns the manifest format version, for example {@code "0.4.0"}.
   *
   * @return the version
   */
  public String version() {
    return version;
  }

  /**
   * Returns the archive's identifier.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the archive's human-readable name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the description, or null when absent.
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  /**
   * Returns who made the archive.
   *
   * @return the author
   */
  public Author author() {
    return author;
  }

  /**
   * Returns the descriptive metadata.
   *
   * @return the metadata
   */
  public Metadata metadata() {
    return metadata;
  }

  /**
   * Returns the declared capabilities.
   *
   * @return an unmodifiable list
   */
  public List<String> capabilities() {
    return capabilities;
  }

  /**
   * Returns the files the manifest vouches for.
   *
   * @return an unmodifiable list
   */
  public List<FileEntry> files() {
    return files;
  }

  /**
   * Returns the signatures, in order.
   *
   * @return an unmodifiable list
   */
  public List<SignatureEntry> signatures() {
    return signatures;
  }

  /**
   * Returns top-level fields this model does not know, as raw JSON by name. They are kept when
   * the manifest is rewritten but are not covered by signatures.
   *
   * @return an unmodifiable map in document order
   */
  public Map<String, String> unknownFields() {
    return unknownFields;
  }

  /**
   * Serializes the whole manifest, signatures and unknown fields included, as indented JSON (the
   * layout engram-rs writes).
   *
   * @return UTF-8 JSON
   */
  public byte[] toJson() {
    return ManifestJson.pretty(this);
  }

  /**
   * Returns the exact bytes signatures cover: compact JSON of the known fields in format order,
   * absent optional fields left out, {@code "signatures":[]}.
   *
   * @return UTF-8 JSON
   */
  public byte[] canonicalBytes() {
    return ManifestJson.canonical(this);
  }

  /**
   * Returns the SHA-256 of {@link #canonicalBytes()}: what each Ed25519 signature signs.
   *
   * @return 32 bytes
   */
  public byte[] canonicalHash() {
    return sha256(canonicalBytes());
  }

  /**
   * Returns a copy with another list of files (its signatures then no longer match).
   *
   * @param newFiles the files
   * @return the new manifest
   */
  public Manifest withFiles(List<FileEntry> newFiles) {
    return new Manifest(version, id, name, description, author, metadata, capabilities, newFiles,
        signatures, unknownFields);
  }

  /**
   * Signs this manifest now and returns a copy with the signature appended. Other signatures
   * stay valid: every signature covers the same canonical bytes.
   *
   * @param key an Ed25519 private key
   * @param signer the signer's name, or null
   * @return the signed manifest
   * @throws IllegalArgumentException if the key is not Ed25519
   */
  public Manifest sign(PrivateKey key, String signer) {
    return sign(key, signer, Instant.now());
  }

  /**
   * Signs this manifest, recording a given time, and returns a copy with the signature appended.
   * Ed25519 is deterministic: the same key and manifest give the same signature, which makes
   * reproducible archives possible.
   *
   * @param key an Ed25519 private key
   * @param signer the signer's name, or null
   * @param timestamp the time to record (not covered by the signature)
   * @return the signed manifest
   * @throws IllegalArgumentException if the key is not Ed25519 or the time is before 1970
   */
  public Manifest sign(PrivateKey key, String signer, Instant timestamp) {
    Objects.requireNonNull(key, "key");
    if (timestamp.getEpochSecond() < 0) {
      throw new IllegalArgumentException("signature time " + timestamp + " is before 1970");
    }
    byte[] publicKey = SigningKeys.rawPublicKey(SigningKeys.publicKeyOf(key));
    byte[] signature;
    try {
      Signature ed25519 = Signature.getInstance("Ed25519");
      ed25519.initSign(key);
      ed25519.update(canonicalHash());
      signature = ed25519.sign();
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException | SignatureException e) {
      throw new IllegalStateException("the JDK could not sign with Ed25519", e);
    }
    List<SignatureEntry> signed = new ArrayList<>(signatures);
    signed.add(new SignatureEntry(ED25519, HexFormat.of().formatHex(publicKey),
        HexFormat.of().formatHex(signature), timestamp.getEpochSecond(), signer, Map.of()));
    return new Manifest(version, id, name, description, author, metadata, capabilities, files,
        signed, unknownFields);
  }

  /**
   * Checks every signature, as engram-rs's {@code verify_signatures}: one result per signature,
   * in order, true when it is a correct Ed25519 signature of this manifest by the key it names.
   * Never throws for a malformed signature: that is a false.
   *
   * @return one boolean per signature
   */
  public List<Boolean> verifySignatures() {
    return checkSignatures(Set.of()).stream().map(SignatureCheck::isValid)
        .collect(Collectors.toUnmodifiableList());
  }

  /**
   * Checks every signature, with reasons: correct signatures by a key outside {@code trusted}
   * are {@link SignatureCheck.Status#UNTRUSTED}. With no trusted keys given, every correct
   * signature is {@link SignatureCheck.Status#VALID}.
   *
   * @param trusted the keys whose signatures count; empty to accept any key
   * @return one verdict per signature, in order
   */
  public List<SignatureCheck> checkSignatures(Collection<PublicKey> trusted) {
    List<byte[]> trustedKeys = trusted.stream().map(SigningKeys::rawPublicKey).toList();
    byte[] digest = canonicalHash();
    List<SignatureCheck> checks = new ArrayList<>(signatures.size());
    for (int i = 0; i < signatures.size(); i++) {
      SignatureEntry entry = signatures.get(i);
      String problem = problemWith(entry, digest);
      SignatureCheck.Status status;
      if (problem != null) {
        status = SignatureCheck.Status.INVALID;
      } else if (!trustedKeys.isEmpty() && !isTrusted(entry, trustedKeys)) {
        status = SignatureCheck.Status.UNTRUSTED;
      } else {
        status = SignatureCheck.Status.VALID;
      }
      checks.add(new SignatureCheck(i, entry, status, problem));
    }
    return List.copyOf(checks);
  }

  /**
   * Says whether a correct signature's key is one of the trusted keys, comparing raw key bytes in
   * constant time with every trusted key (docs/SECURITY.md, "Timing").
   */
  private static boolean isTrusted(SignatureEntry entry, List<byte[]> trustedKeys) {
    byte[] key = hex(entry.publicKey(), 32);
    boolean trusted = false;
    for (byte[] candidate : trustedKeys) {
      trusted |= ConstantTime.equal(key, candidate);
    }
    return trusted;
  }

  /** Returns why a signature does not verify, or null when it does. */
  private static String problemWith(SignatureEntry entry, byte[] digest) {
    if (!isEd25519(entry)) {
      return "unknown algorithm '" + entry.algorithm() + "' (only ed25519 is defined)";
    }
    byte[] key = hex(entry.publicKey(), 32);
    if (key == null) {
      return "public key is not 32 bytes of hex";
    }
    byte[] signature = hex(entry.signature(), 64);
    if (signature == null) {
      return "signature is not 64 bytes of hex";
    }
    if (allZero(key)) {
      return "public key is all zeros";
    }
    if (allZero(signature)) {
      return "signature is all zeros";
    }
    try {
      PublicKey publicKey = SigningKeys.publicKeyFromBytes(key);
      Signature ed25519 = Signature.getInstance("Ed25519");
      ed25519.initVerify(publicKey);
      ed25519.update(digest);
      return ed25519.verify(signature) ? null : "signature does not match this manifest and key";
    } catch (InvalidKeyException e) {
      return "public key is not a valid Ed25519 key";
    } catch (SignatureException e) {
      return "signature is malformed";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** The algorithm's name is public, not authenticity-deciding bytes: a plain comparison. */
  private static boolean isEd25519(SignatureEntry entry) {
    return ED25519.equals(entry.algorithm());
  }

  private static byte[] hex(String text, int bytes) {
    if (text.length() != 2 * bytes) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m && Arrays.equals(toJson(), m.toJson());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toJson());
  }

  @Override
  public String toString() {
    return "Manifest[id=" + id + ", name=" + name + ", files=" + files.size() + ", signatures="
        + signatures.size() + "]";
  }

  /** Builds a {@link Manifest}. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private final String name;
    private final Author author;
    private final String contentVersion;
    private String formatVersion = FORMAT_VERSION;
    private String description;
    private long created = Instant.now().getEpochSecond();
    private Long modified;
    private String license;
    private List<String> tags = List.of();
    private Map<String, String> metadataUnknown = Map.of();
    private List<String> capabilities = List.of();
    private List<FileEntry> files = List.of();
    private List<SignatureEntry> signatures = List.of();
    private Map<String, String> unknownFields = Map.of();

    private Builder(String id, String name, Author author, String version) {
      this.id = Objects.requireNonNull(id, "id");
      this.name = Objects.requireNonNull(name, "name");
      this.author = Objects.requireNonNull(author, "author");
      this.contentVersion = Objects.requireNonNull(version, "version");
    }

    /**
     * Sets the description.
     *
     * @param text the description, or null
     * @return this builder
     */
    public Builder description(String text) {
      this.description = text;
      return this;
    }

    /**
     * Sets the creation time.
     *
     * @param time the time, at or after 1970
     * @return this builder
     */
    public Builder created(Instant time) {
      this.created = seconds(time);
      return this;
    }

    /**
     * Sets the modification time.
     *
     * @param time the time, or null
     * @return this builder
     */
    public Builder modified(Instant time) {
      this.modified = time == null ? null : seconds(time);
      return this;
    }

    /**
     * Sets the SPDX license.
     *
     * @param spdx an SPDX identifier, or null
     * @return this builder
     */
    public Builder license(String spdx) {
      this.license = spdx;
      return this;
    }

    /**
     * Sets the tags.
     *
     * @param values the tags
     * @return this builder
     */
    public Builder tags(List<String> values) {
      this.tags = Fields.list(values, "tags");
      return this;
    }

    /**
     * Sets the capabilities.
     *
     * @param values the capabilities
     * @return this builder
     */
    public Builder capabilities(List<String> values) {
      this.capabilities = Fields.list(values, "capabilities");
      return this;
    }

    /**
     * Sets the files.
     *
     * @param values the file entries
     * @return this builder
     */
    public Builder files(List<FileEntry> values) {
      this.files = Fields.list(values, "files");
      return this;
    }

    /**
     * Removes every signature.
     *
     * @return this builder
     */
    public Builder clearSignatures() {
      this.signatures = List.of();
      return this;
    }

    /**
     * Builds the manifest.
     *
     * @return the manifest, unsigned unless it came from {@link Manifest#toBuilder()}
     */
    public Manifest build() {
      Metadata metadata =
          new Metadata(contentVersion, created, modified, license, tags, metadataUnknown);
      return new Manifest(formatVersion, id, name, description, author, metadata, capabilities,
          files, signatures, unknownFields);
    }

    private static long seconds(Instant time) {
      if (time.getEpochSecond() < 0) {
        throw new IllegalArgumentException("time " + time + " is before 1970");
      }
      return time.getEpochSecond();
    }
  }
}
