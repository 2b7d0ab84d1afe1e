package dev.engram;

import dev.engram.manifest.SigningKeys;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * What {@link ArchiveReader#verify(VerifyOptions)} trusts. Immutable and thread-safe.
 *
 * <pre>{@code
 * VerifyOptions options = VerifyOptions.builder()
 *     .trust(SigningKeys.readPublicKey(Path.of("release.pub")))
 *     .build();
 * }</pre>
 */
public final class VerifyOptions {
  private static final VerifyOptions DEFAULTS = new Builder().build();

  private final List<PublicKey> trustedKeys;
  private final LongConsumer progress;

  private VerifyOptions(Builder b) {
    this.trustedKeys = List.copyOf(b.trustedKeys);
    this.progress = b.progress;
  }

  /**
   * Returns options that trust no key in particular: any correct signature counts as valid.
   *
   * @return the defaults
   */
  public static VerifyOptions defaults() {
    return DEFAULTS;
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
   * Returns the keys whose signatures count. When empty, any correct signature is valid; when
   * not, a correct signature by another key is reported as untrusted.
   *
   * @return an unmodifiable list
   */
  public List<PublicKey> trustedKeys() {
    return trustedKeys;
  }

  /**
   * Returns the listener told how many content bytes each step of verification has checked.
   *
   * @return the listener; does nothing unless one was set
   */
  public LongConsumer progress() {
    return progress;
  }

  @Override
  public String toString() {
    return "VerifyOptions[trustedKeys=" + trustedKeys.size() + "]";
  }

  /** Builds {@link VerifyOptions}. Not thread-safe. */
  public static final class Builder {
    private final List<PublicKey> trustedKeys = new ArrayList<>();
    private LongConsumer progress = bytes -> { };

    private Builder() {}

    /**
     * Sets a listener for progress displays: {@link ArchiveReader#verify} calls it with the
     * number of content bytes it has just checked; the calls add up to the total size of the
     * entries. It is called from the verifying threads (the reader's and the caller's), possibly
     * at the same time, so it must be thread-safe.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder progress(LongConsumer listener) {
      this.progress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Trusts a signer's key.
     *
     * @param key an Ed25519 public key
     * @return this builder
     * @throws IllegalArgumentException if the key is not Ed25519
     */
    public Builder trust(PublicKey key) {
      SigningKeys.rawPublicKey(Objects.requireNonNull(key, "key"));
      trustedKeys.add(key);
      return this;
    }

    /**
     * Trusts several signers' keys.
     *
     * @param keys Ed25519 public keys
     * @return this builder
     * @throws IllegalArgumentException if a key is not Ed25519
     */
    public Builder trust(Collection<PublicKey> keys) {
      keys.forEach(this::trust);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return immutable options
     */
    public VerifyOptions build() {
      return new VerifyOptions(this);
    }
  }
}
