package dev.engram;

import java.security.PrivateKey;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * How an {@link ArchiveUpdate} reads and rewrites an archive. Immutable and thread-safe; build one
 * with {@link #builder()}:
 *
 * <pre>{@code
 * UpdateOptions options = UpdateOptions.builder()
 *     .key(key)                                          // an encrypted archive's key
 *     .writerOptions(WriterOptions.builder().zstdLevel(9).build())    // for new content
 *     .signedManifest(UpdateOptions.SignedManifest.DROP)
 *     .build();
 * }</pre>
 *
 * <p>The options hold copies of keys and passphrases; {@link #destroy()} wipes them.
 */
public final class UpdateOptions implements Destroyable {
  /** What an update does with a manifest that carries signatures, which it cannot keep valid. */
  public enum SignedManifest {
    /** Refuse to commit (the default): a signature is never left that no longer matches. */
    REFUSE,
    /** Write the manifest again without its signatures (its metadata kept, files listed anew). */
    DROP,
    /** Write the manifest again and sign it with {@link Builder#resign}'s key. */
    RESIGN
  }

  private final Secret secret;
  private final WriterOptions writerOptions;
  private final ReaderOptions readerOptions;
  private final SignedManifest signedManifest;
  private final WriterOptions.Signer signer;
  private final boolean verifyCopies;

  private UpdateOptions(Builder b) {
    this.secret = b.secret.copy("UpdateOptions");
    this.writerOptions = b.writerOptions;
    this.readerOptions = b.readerOptions;
    this.signedManifest = b.signedManifest;
    this.signer = b.signer;
    this.verifyCopies = b.verifyCopies;
  }

  /**
   * Returns options for an archive that is not encrypted, with default writer options, refusing
   * signed manifests.
   *
   * @return the defaults
   */
  public static UpdateOptions defaults() {
    return builder().build();
  }

  /**
   * Starts building options.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the writer options for new content (compression, threads, times, progress).
   *
   * @return the options, without encryption or manifest (the update takes those from the archive)
   */
  public WriterOptions writerOptions() {
    return writerOptions;
  }

  /**
   * Returns what happens to a signed manifest.
   *
   * @return the policy
   */
  public SignedManifest signedManifest() {
    return signedManifest;
  }

  /**
   * Says whether the entries an update keeps are decoded to check their CRC32 before they are
   * copied.
   *
   * @return true if they are; false (the default) if only their local headers are checked
   */
  public boolean verifyCopies() {
    return verifyCopies;
  }

  /** The key or passphrase: these options' own, or the reader options'. */
  Secret secret() {
    return readerOptions != null && readerOptions.hasSecret() ? readerOptions.secret() : secret;
  }

  /** The caller's reader options, or null to read with the defaults and {@link #secret()}. */
  ReaderOptions readerOptions() {
    return readerOptions;
  }

  WriterOptions.Signer signer() {
    return signer;
  }

  /** Wipes the key or passphrase these options hold. */
  @Override
  public void destroy() {
    secret.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return secret.isDestroyed();
  }

  @Override
  public String toString() {
    return "UpdateOptions[writerOptions=" + writerOptions + ", signedManifest=" + signedManifest
        + ", verifyCopies=" + verifyCopies + ", secret=" + secret + "]";
  }

  /** Builds {@link UpdateOptions}. Not thread-safe. */
  public static final class Builder {
    private Secret secret = Secret.NONE;
    private WriterOptions writerOptions = WriterOptions.defaults();
    private ReaderOptions readerOptions;
    private SignedManifest signedManifest = SignedManifest.REFUSE;
    private WriterOptions.Signer signer;
    private boolean verifyCopies;

    private Builder() {}

    /**
     * Sets the AES-256 key of an encrypted archive, encrypted as a whole or per file: it reads
     * the archive, and encrypts the new one the same way with the same key. Copied; wipe yours.
     *
     * @param key32 the 32-byte key
     * @return this builder
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public Builder key(byte[] key32) {
      secret = Secret.key(Objects.requireNonNull(key32, "key32"), "UpdateOptions.Builder");
      return this;
    }

    /**
     * Sets the passphrase of an encrypted archive, as {@link #key} does a key; the new archive
     * records the same key derivation (salt and cost), so the key stays the same. Copied.
     *
     * @param phrase the passphrase
     * @return this builder
     * @throws IllegalArgumentException if it is empty
     */
    public Builder passphrase(char[] phrase) {
      secret = Secret.passphrase(Objects.requireNonNull(phrase, "phrase"),
          "UpdateOptions.Builder");
      return this;
    }

    /**
     * Sets how new content is written: compression level, threads, modified times, progress.
     * The archive keeps its header's content version unless these options set one (not 0).
     *
     * @param options writer options without encryption, manifest or signers
     * @return this builder
     * @throws IllegalArgumentException if the options set encryption, a manifest or a signer:
     *     the update takes those from the archive (and from {@link #resign})
     */
    public Builder writerOptions(WriterOptions options) {
      Objects.requireNonNull(options, "options");
      if (options.encryption().isPresent() || options.manifest().isPresent()
          || options.signerCount() > 0) {
        throw new IllegalArgumentException("an update takes encryption and the manifest from the"
            + " archive: set the key with UpdateOptions.Builder.key/passphrase and a signing key"
            + " with resign, not in the writer options");
      }
      writerOptions = options;
      return this;
    }

    /**
     * Sets how the archive is read: limits ({@link ReaderOptions.Builder#liftLimits()} for an
     * archive beyond the defaults), threads, the temporary directory, and the key or passphrase,
     * which then also encrypts the new archive. They stay the caller's: the update does not
     * destroy them.
     *
     * @param options the reader options
     * @return this builder
     * @throws IllegalArgumentException if {@link #key} or {@link #passphrase} was set too
     *     (checked by {@link #build()}): with reader options, the key goes in them
     */
    public Builder readerOptions(ReaderOptions options) {
      readerOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Sets what happens to a manifest with signatures: {@link SignedManifest#REFUSE} (the
     * default) or {@link SignedManifest#DROP}; {@link #resign} sets {@link
     * SignedManifest#RESIGN}.
     *
     * @param policy the policy
     * @return this builder
     * @throws IllegalArgumentException for {@link SignedManifest#RESIGN}, which needs a key
     */
    public Builder signedManifest(SignedManifest policy) {
      if (Objects.requireNonNull(policy, "policy") == SignedManifest.RESIGN) {
        throw new IllegalArgumentException("resigning needs a key: use resign(key, signer)");
      }
      signedManifest = policy;
      signer = null;
      return this;
    }

    /**
     * Has the update sign the rewritten manifest with this key (the old signatures are dropped).
     *
     * @param key an Ed25519 private key
     * @param signerName the name recorded with the signature
     * @return this builder
     */
    public Builder resign(PrivateKey key, String signerName) {
      signer = new WriterOptions.Signer(Objects.requireNonNull(key, "key"),
          Objects.requireNonNull(signerName, "signerName"));
      signedManifest = SignedManifest.RESIGN;
      return this;
    }

    /**
     * Sets whether the entries the update keeps are decoded, and their CRC32 checked, before they
     * are copied. By default they are not: their stored bytes are copied as they are (by the
     * operating system, file to file, where it can), after a check that each local header agrees
     * with the central directory. The CRC32 travels with the bytes, so a damaged entry is as
     * detectable in the new archive ({@code engram verify}) as in the old one; checking them
     * costs decoding the whole archive, many times the time of the copy. Turn it on to refuse
     * to rewrite an archive with a damaged entry ({@link CorruptArchiveException}, nothing
     * written).
     *
     * @param verify whether to check every kept entry's content
     * @return this builder
     */
    public Builder verifyCopies(boolean verify) {
      verifyCopies = verify;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException if a key or passphrase was given here together with
     *     reader options
     */
    public UpdateOptions build() {
      if (readerOptions != null && secret.isPresent()) {
        throw new IllegalArgumentException("with reader options, give the key in them"
            + " (ReaderOptions.Builder.key/passphrase), not with UpdateOptions.Builder.key/"
            + "passphrase");
      }
      return new UpdateOptions(this);
    }
  }
}
