package dev.engram;

import dev.engram.codec.Codecs;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SigningKeys;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link ArchiveWriter} writes. Immutable and thread-safe; build one with {@link
 * #builder()}:
 *
 * <pre>{@code
 * WriterOptions options = WriterOptions.builder()
 *     .zstdLevel(3)
 *     .modifiedTime(Instant.parse("2025-01-01T00:00:00Z"))
 *     .build();
 * }</pre>
 */
public final class WriterOptions {
  /** Zstandard level engram-rs uses, and the default here. */
  public static final int DEFAULT_ZSTD_LEVEL = 6;

  private static final WriterOptions DEFAULTS = new Builder().build();

  private final int zstdLevel;
  private final Instant modifiedTime;
  private final int contentVersion;
  private final Manifest manifest;
  private final List<Signer> signers;

  /** A key to sign the generated manifest with, and the name recorded with the signature. */
  record Signer(PrivateKey key, String name) {}

  private WriterOptions(Builder b) {
    this.zstdLevel = b.zstdLevel;
    this.modifiedTime = b.modifiedTime;
    this.contentVersion = b.contentVersion;
    this.manifest = b.manifest;
    this.signers = List.copyOf(b.signers);
  }

  /**
   * Returns the default options: Zstandard level 6, the current time for entries without one,
   * content version 0.
   *
   * @return the defaults
   */
  public static WriterOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts building options from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts building options from these.
   *
   * @return a new builder holding these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.zstdLevel = zstdLevel;
    b.modifiedTime = modifiedTime;
    b.contentVersion = contentVersion;
    b.manifest = manifest;
    b.signers.addAll(signers);
    return b;
  }

  /**
   * Returns the Zstandard compression level.
   *
   * @return the level
   */
  public int zstdLevel() {
    return zstdLevel;
  }

  /**
   * Returns the modified time recorded for entries added from bytes or streams. Entries added from
   * a file record that file's modified time. When empty, each entry records the time it was added.
   *
   * @return the fixed time, if any
   */
  public Optional<Instant> modifiedTime() {
    return Optional.ofNullable(modifiedTime);
  }

  /**
   * Returns the application content version written to the header.
   *
   * @return the content version
   */
  public int contentVersion() {
    return contentVersion;
  }

  /**
   * Returns the manifest the writer generates at {@link ArchiveWriter#finish()}, if any: this
   * template with its {@code files} filled from every entry added.
   *
   * @return the template
   */
  public Optional<Manifest> manifest() {
    return Optional.ofNullable(manifest);
  }

  /** The keys the generated manifest is signed with, in order. */
  List<Signer> signers() {
    return signers;
  }

  /**
   * Returns how many keys the generated manifest will be signed with.
   *
   * @return the number of signers
   */
  public int signerCount() {
    return signers.size();
  }

  @Override
  public String toString() {
    return "WriterOptions[zstdLevel=" + zstdLevel + ", modifiedTime=" + modifiedTime
        + ", contentVersion=" + contentVersion + ", manifest=" + manifest + ", signers="
        + signers.size() + "]"; // never the keys
  }

  /** Builds {@link WriterOptions}. Not thread-safe. */
  public static final class Builder {
    private int zstdLevel = DEFAULT_ZSTD_LEVEL;
    private Instant modifiedTime;
    private int contentVersion;
    private Manifest manifest;
    private final List<Signer> signers = new ArrayList<>();

    private Builder() {}

    /**
     * Has the writer generate {@code manifest.json} at {@link ArchiveWriter#finish()}: this
     * template, with {@code files} replaced by every entry added (path, SHA-256 and size computed
     * while the content streams through, MIME type guessed from the extension), signed with the
     * keys given to {@link #signWith}, and stored uncompressed as engram-rs does. The writer then
     * refuses an entry named {@code manifest.json} of its own.
     *
     * @param template the manifest to complete; its signatures are dropped
     * @return this builder
     */
    public Builder manifest(Manifest template) {
      this.manifest = Objects.requireNonNull(template, "template").toBuilder().clearSignatures()
          .build();
      return this;
    }

    /**
     * Adds a key to sign the generated manifest with (call once per signer). Signatures record
     * the {@link #modifiedTime} when set, else the time of {@code finish()}.
     *
     * @param key an Ed25519 private key
     * @param signer a name recorded with the signature, or null
     * @return this builder
     * @throws IllegalArgumentException if the key is not Ed25519
     */
    public Builder signWith(PrivateKey key, String signer) {
      SigningKeys.publicKeyOf(Objects.requireNonNull(key, "key")); // fails for a non-Ed25519 key
      signers.add(new Signer(key, signer));
      return this;
    }

    /**
     * Sets the Zstandard level.
     *
     * @param level from {@link Codecs#ZSTD_MIN_LEVEL} (fastest) to {@link Codecs#ZSTD_MAX_LEVEL}
     * @return this builder
     * @throws IllegalArgumentException if the level is out of that range
     */
    public Builder zstdLevel(int level) {
      if (level < Codecs.ZSTD_MIN_LEVEL || level > Codecs.ZSTD_MAX_LEVEL) {
        throw new IllegalArgumentException("Zstandard level " + level + " is outside "
            + Codecs.ZSTD_MIN_LEVEL + ".." + Codecs.ZSTD_MAX_LEVEL);
      }
      this.zstdLevel = level;
      return this;
    }

    /**
     * Fixes the modified time recorded for entries added from bytes or streams (the format keeps
     * whole seconds; the fraction is dropped). Useful for reproducible archives.
     *
     * @param time a time at or after 1970-01-01T00:00:00Z
     * @return this builder
     * @throws IllegalArgumentException if the time is before the Unix epoch
     */
    public Builder modifiedTime(Instant time) {
      Objects.requireNonNull(time, "time");
      if (time.getEpochSecond() < 0) {
        throw new IllegalArgumentException("modified time " + time + " is before 1970");
      }
      this.modifiedTime = time;
      return this;
    }

    /**
     * Sets the application content version stored in the header (opaque to the format).
     *
     * @param version any value, read back as an unsigned 32-bit number by other tools
     * @return this builder
     */
    public Builder contentVersion(int version) {
      this.contentVersion = version;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return immutable options
     * @throws IllegalStateException if keys were given without a {@link #manifest} template
     */
    public WriterOptions build() {
      if (!signers.isEmpty() && manifest == null) {
        throw new IllegalStateException("signWith(...) signs the generated manifest: set"
            + " manifest(...) too");
      }
      return new WriterOptions(this);
    }
  }
}
