package dev.engram;

import dev.engram.codec.Codecs;
import dev.engram.crypto.Encryption;
import dev.engram.crypto.PassphraseKdf;
import dev.engram.format.Framing;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SigningKeys;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;
import javax.security.auth.Destroyable;

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
 *
 * <p><b>Encryption.</b> {@link Builder#perFileEncryption(byte[])} and {@link
 * Builder#archiveEncryption(byte[])} take a raw 32-byte key and write archives engram-rs reads
 * with that key; {@link Builder#passphrase(char[])} derives the key with Argon2id and records the
 * parameters in the header (engram-rs reads those archives given the derived key). The options
 * hold copies of keys and passphrases; {@link #destroy()} wipes them.
 */
public final class WriterOptions implements Destroyable {
  /** Zstandard level engram-rs uses, and the default here. */
  public static final int DEFAULT_ZSTD_LEVEL = 6;
  /** Most compression threads a writer may use (the same bound as a reader's). */
  public static final int MAX_THREADS = ThreadCounts.MAX;

  private final int zstdLevel;
  private final int databaseFrameSize;
  private final boolean frameIndex;
  private final int threads;
  private final Instant modifiedTime;
  private final Instant latestModifiedTime;
  private final int contentVersion;
  private final Manifest manifest;
  private final List<Signer> signers;
  private final EncryptionMode encryption;
  private final Secret secret;
  private final PassphraseCost passphraseCost;
  private final boolean segmentedEncryption;
  /** The encryption of the archive an update rewrites, kept by the new one; null otherwise. */
  private final Encryption rewritten;
  private final LongConsumer progress;

  /** Argon2id cost for new passphrase archives. */
  record PassphraseCost(int log2MemoryKiB, int iterations, int parallelism) {}

  /** A key to sign the generated manifest with, and the name recorded with the signature. */
  record Signer(PrivateKey key, String name) {}

  private WriterOptions(Builder b) {
    this.zstdLevel = b.zstdLevel;
    this.databaseFrameSize = b.databaseFrameSize;
    this.frameIndex = b.frameIndex;
    this.threads = b.threads;
    this.modifiedTime = b.modifiedTime;
    this.latestModifiedTime = b.latestModifiedTime;
    this.contentVersion = b.contentVersion;
    this.manifest = b.manifest;
    this.signers = List.copyOf(b.signers);
    this.encryption = b.encryption;
    this.secret = b.secret.copy("WriterOptions");
    this.passphraseCost = b.passphraseCost;
    this.segmentedEncryption = b.segmentedEncryption;
    this.rewritten = b.rewritten;
    this.progress = b.progress;
  }

  /**
   * Returns the default options: Zstandard level {@value #DEFAULT_ZSTD_LEVEL}, one compression
   * thread per available processor (at most {@value #MAX_THREADS}), the current time for entries
   * without one, content version 0. Each call returns a new instance, so that destroying one
   * (options are {@link Destroyable}) affects no other.
   *
   * @return new default options
   */
  public static WriterOptions defaults() {
    return new Builder().build();
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
    b.databaseFrameSize = databaseFrameSize;
    b.frameIndex = frameIndex;
    b.threads = threads;
    b.modifiedTime = modifiedTime;
    b.latestModifiedTime = latestModifiedTime;
    b.contentVersion = contentVersion;
    b.manifest = manifest;
    b.signers.addAll(signers);
    b.encryption = encryption;
    b.secret = secret.copy("WriterOptions");
    b.passphraseCost = passphraseCost;
    b.segmentedEncryption = segmentedEncryption;
    b.rewritten = rewritten;
    b.progress = progress;
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
   * Returns the frame size compressed SQLite databases are written with (the explicit frame size
   * extension), or 0 when they are written as any other entry.
   *
   * @return bytes per frame, or 0
   */
  public int databaseFrameSize() {
    return databaseFrameSize;
  }

  /**
   * Says whether framed entries end with a frame index, so that a reader finds all their frames
   * in one read (see {@link Builder#frameIndex(boolean)}).
   *
   * @return true unless {@link Builder#frameIndex(boolean)} turned it off
   */
  public boolean frameIndex() {
    return frameIndex;
  }

  /**
   * Returns how many threads compress content, the thread that calls the writer included. The
   * archive's bytes do not depend on it.
   *
   * @return 1 (everything on the calling thread) to {@link #MAX_THREADS}
   */
  public int threads() {
    return threads;
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
   * Returns the latest modified time any entry records, if set: see {@link
   * Builder#latestModifiedTime}.
   *
   * @return the latest time, if any
   */
  public Optional<Instant> latestModifiedTime() {
    return Optional.ofNullable(latestModifiedTime);
  }

  /**
   * Returns the time recorded for an entry whose own time is {@code epochSecond}: that time,
   * or the {@linkplain #latestModifiedTime() latest time} if it is later.
   */
  long recordedTime(long epochSecond) {
    return latestModifiedTime == null ? epochSecond
        : Math.min(epochSecond, latestModifiedTime.getEpochSecond());
  }

  /**
   * Returns the listener told how many bytes of content the writer has just consumed.
   *
   * @return the listener; does nothing unless one was set
   */
  public LongConsumer progress() {
    return progress;
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

  /**
   * Returns how the archive is encrypted.
   *
   * @return the mode, or empty for no encryption
   */
  public Optional<EncryptionMode> encryption() {
    return Optional.ofNullable(encryption);
  }

  /**
   * Says whether encrypted data is written in authenticated segments (the random-access
   * extension engram-rs cannot read).
   *
   * @return true when {@link Builder#segmentedEncryption(boolean)} was set
   */
  public boolean segmentedEncryption() {
    return segmentedEncryption;
  }

  /**
   * Prepares the encryption these options ask for (none, when they ask for none), deriving the
   * key from the passphrase with a new salt; or that of the archive being rewritten, kept as it
   * is ({@link Builder#encryptionOf}).
   *
   * @param target the archive being written: temporary files go next to it
   * @throws KeyRequiredException if the archive being rewritten was opened without its key
   */
  Encryption newEncryption(Path target) throws KeyRequiredException {
    if (rewritten != null) {
      return rewritten.forRewriting(target);
    }
    return Encryption.forWriting(encryption, segmentedEncryption, secret::key, secret::passphrase,
        () -> PassphraseKdf.withCost(passphraseCost.log2MemoryKiB(), passphraseCost.iterations(),
            passphraseCost.parallelism()),
        target);
  }

  /** Wipes the key and passphrase these options hold. Writers already created keep working. */
  @Override
  public void destroy() {
    secret.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return secret.isDestroyed();
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
    return "WriterOptions[zstdLevel=" + zstdLevel
        + (databaseFrameSize > 0 ? ", databaseFrameSize=" + databaseFrameSize : "")
        + (frameIndex ? "" : ", frameIndex=false")
        + ", threads=" + threads
        + ", modifiedTime=" + modifiedTime
        + ", contentVersion=" + contentVersion + ", manifest=" + manifest + ", signers="
        + signers.size() + ", encryption=" + encryption
        + (secret.isPassphrase() ? " (passphrase)" : "") + "]"; // never the keys
  }

  /** Builds {@link WriterOptions}. Not thread-safe. */
  public static final class Builder {
    private int zstdLevel = DEFAULT_ZSTD_LEVEL;
    private int databaseFrameSize;
    private boolean frameIndex = true;
    private int threads = ThreadCounts.byDefault();
    private Instant modifiedTime;
    private Instant latestModifiedTime;
    private int contentVersion;
    private Manifest manifest;
    private final List<Signer> signers = new ArrayList<>();
    private EncryptionMode encryption;
    private Secret secret = Secret.NONE;
    private PassphraseCost passphraseCost = new PassphraseCost(
        PassphraseKdf.DEFAULT_LOG2_MEMORY_KIB, PassphraseKdf.DEFAULT_ITERATIONS,
        PassphraseKdf.DEFAULT_PARALLELISM);
    private boolean segmentedEncryption;
    private Encryption rewritten;
    private LongConsumer progress = bytes -> { };

    private Builder() {}

    /**
     * Sets a listener for progress displays: the writer calls it, on the thread that adds
     * entries, with the number of bytes of content it has just consumed (read from a file or
     * stream, or taken from an array); the calls add up to the total size of what was added.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder progress(LongConsumer listener) {
      this.progress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Writes encrypted data in authenticated 64 KiB segments (an engram-java extension, recorded
     * in the header): a read of a large encrypted entry decrypts only the segments it touches,
     * and opening a whole-archive-encrypted archive decrypts only its directory. engram-rs cannot
     * read such archives: it fails to authenticate them and returns no data.
     *
     * @param segmented whether to use segments
     * @return this builder
     */
    public Builder segmentedEncryption(boolean segmented) {
      this.segmentedEncryption = segmented;
      return this;
    }

    /**
     * Encrypts each entry with a raw AES-256 key, as engram-rs does (header mode 2): the
     * directory stays readable. The array is copied: wipe yours when done.
     *
     * @param key32 32 bytes
     * @return this builder
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public Builder perFileEncryption(byte[] key32) {
      return encryption(EncryptionMode.PER_FILE, key32);
    }

    /**
     * Encrypts the whole archive body with a raw AES-256 key, as engram-rs does (header mode 1):
     * names are hidden too. The array is copied: wipe yours when done.
     *
     * @param key32 32 bytes
     * @return this builder
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public Builder archiveEncryption(byte[] key32) {
      return encryption(EncryptionMode.ARCHIVE, key32);
    }

    /**
     * Encrypts each entry with a key derived from a passphrase (Argon2id, parameters and salt
     * recorded in the header). Same as {@code encryption(EncryptionMode.PER_FILE, passphrase)}.
     *
     * @param phrase the passphrase, not empty; copied
     * @return this builder
     * @throws IllegalArgumentException if it is empty
     */
    public Builder passphrase(char[] phrase) {
      return encryption(EncryptionMode.PER_FILE, phrase);
    }

    /**
     * Encrypts with a raw AES-256 key.
     *
     * @param mode per file or whole archive
     * @param key32 32 bytes; copied
     * @return this builder
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public Builder encryption(EncryptionMode mode, byte[] key32) {
      Objects.requireNonNull(mode, "mode");
      this.secret = Secret.key(key32, "WriterOptions");
      this.encryption = mode;
      this.rewritten = null;
      return this;
    }

    /**
     * Encrypts with a key derived from a passphrase (Argon2id).
     *
     * @param mode per file or whole archive
     * @param phrase the passphrase, not empty; copied
     * @return this builder
     * @throws IllegalArgumentException if it is empty
     */
    public Builder encryption(EncryptionMode mode, char[] phrase) {
      Objects.requireNonNull(mode, "mode");
      this.secret = Secret.passphrase(phrase, "WriterOptions");
      this.encryption = mode;
      this.rewritten = null;
      return this;
    }

    /**
     * Keeps the encryption of an archive being rewritten (by {@link ArchiveUpdate}): its mode and
     * layout, its key and the key-derivation record of its passphrase, so that the new archive
     * opens with the same key or passphrase and its entries encrypted on their own stay valid as
     * stored. Replaces a key or passphrase given here. The archive's reader must stay open until
     * the writer is created.
     *
     * @param read the encryption of the archive's reader
     * @return this builder
     */
    Builder encryptionOf(Encryption read) {
      this.rewritten = Objects.requireNonNull(read, "read");
      this.encryption = read.mode().orElse(null);
      this.segmentedEncryption = read.isSegmented();
      this.secret = Secret.NONE;
      return this;
    }

    /**
     * Sets the Argon2id cost of deriving the key from a passphrase. The default (2^{@value
     * PassphraseKdf#DEFAULT_LOG2_MEMORY_KIB} KiB, {@value PassphraseKdf#DEFAULT_ITERATIONS}
     * iterations, {@value PassphraseKdf#DEFAULT_PARALLELISM} lane) takes about 0.4 s on a 2-core
     * cloud VM; readers refuse more than the maximums below.
     *
     * @param log2MemoryKiB memory as log2 of KiB (17 = 128 MiB), 3 to {@value
     *     PassphraseKdf#MAX_LOG2_MEMORY_KIB}
     * @param iterations 1 to {@value PassphraseKdf#MAX_ITERATIONS}
     * @param parallelism lanes, 1 to {@value PassphraseKdf#MAX_PARALLELISM}
     * @return this builder
     * @throws IllegalArgumentException if a value is out of range
     */
    public Builder passphraseCost(int log2MemoryKiB, int iterations, int parallelism) {
      if (log2MemoryKiB < 3 || log2MemoryKiB > PassphraseKdf.MAX_LOG2_MEMORY_KIB
          || iterations < 1 || iterations > PassphraseKdf.MAX_ITERATIONS
          || parallelism < 1 || parallelism > PassphraseKdf.MAX_PARALLELISM
          || (1L << log2MemoryKiB) < 8L * parallelism) {
        throw new IllegalArgumentException("Argon2id cost out of range: memory 2^" + log2MemoryKiB
            + " KiB, " + iterations + " iterations, " + parallelism + " lanes");
      }
      this.passphraseCost = new PassphraseCost(log2MemoryKiB, iterations, parallelism);
      return this;
    }

    /**
     * Has the writer generate {@code manifest.json} at {@link ArchiveWriter#finish()}: this
     * template, with {@code files} replaced by every entry added (path, SHA-256 and size computed
     * while the content streams through, MIME type guessed from the extension), signed with the
     * keys given to {@link #signWith}, and stored uncompressed as engram-rs does. The writer then
     * refuses an entry named {@code manifest.json} of its own. Readers parse manifests of at most
     * {@value ArchiveReader#MAX_MANIFEST_BYTES} bytes (about 180 bytes a file with short paths,
     * so some 350,000 files): {@link ArchiveWriter#finish()} refuses to write a bigger one.
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
     * Writes compressed SQLite databases in frames of this size (an extension engram-rs cannot
     * read: it refuses such archives at open). A query in place then decompresses only the small
     * frames its pages lie in, rather than 64 KiB per page it misses, and a database of any size
     * is read page by page instead of being decoded whole; the price is a lower compression
     * ratio. A database is an entry whose content starts with SQLite's header ({@code "SQLite
     * format 3"}) and which is compressed (not {@link CompressionMethod#NONE}). 4096 or 16384
     * are good choices (measured in docs/BENCHMARKS.md); 0, the default, writes databases like
     * any other entry.
     *
     * @param bytes 0, or a power of two from 1024 to 65536
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is neither
     */
    public Builder databaseFrameSize(int bytes) {
      if (bytes != 0 && !Framing.isExplicitFrameSize(bytes)) {
        throw new IllegalArgumentException("database frame size " + bytes
            + " is not 0 or a power of two from 1024 to 65536");
      }
      this.databaseFrameSize = bytes;
      return this;
    }

    /**
     * Sets whether framed entries (64 KiB frames, and databases in {@link #databaseFrameSize}
     * frames) end with a frame index: a table of their frame sizes after the last frame, with
     * which a reader finds every frame in one read instead of one read per frame (16,384 for 1
     * GiB), which matters when each read is a network round trip. It costs 4 bytes per frame
     * plus 16: 64 KiB per GiB of content in 64 KiB frames, 1 MiB per GiB in 4 KiB frames.
     * engram-rs reads entries with an index exactly as without (it never looks past the last
     * frame). On by default. Written only where it helps: without encryption, and in a
     * whole-archive body encrypted in segments (docs/FORMAT.md says why the other modes get none).
     *
     * <p>Turn it off for archives that earlier versions of engram-java must read: they refuse a
     * framed entry with bytes after its last frame ("stray bytes follow the last frame"). Also
     * for the smallest archive when it will only be read from a local disk, where finding frames
     * by their size prefixes costs little.
     *
     * @param write whether to write the index
     * @return this builder
     */
    public Builder frameIndex(boolean write) {
      this.frameIndex = write;
      return this;
    }

    /**
     * Sets how many threads compress content, the thread that calls the writer included:
     * independent entries under 50 MiB, and the frames of a large entry, are compressed on a pool
     * of {@code count - 1} threads, and by the calling thread whenever it would otherwise wait
     * for them, while the archive is still written in order, in one pass (so {@code count}
     * threads keep {@code count} processors busy). The archive's bytes are the same whatever the
     * number. With
     * 1, everything happens on the thread that calls the writer, and each {@code addFile} has
     * written its entry when it returns; with more, see {@link ArchiveWriter} for when errors
     * surface. The default is the number of available processors, at most {@link
     * #MAX_THREADS}.
     *
     * @param count 1 to {@link #MAX_THREADS}
     * @return this builder
     * @throws IllegalArgumentException if {@code count} is outside that range
     */
    public Builder threads(int count) {
      this.threads = ThreadCounts.check(count);
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
     * Caps every recorded time at {@code time}: an entry whose file, or whose time of adding, is
     * newer records {@code time} instead, and so does the signature of a generated manifest. With
     * the time from {@code SOURCE_DATE_EPOCH}, the same input gives a byte-identical unencrypted
     * archive from run to run (the reproducible-builds convention).
     *
     * @param time a time at or after 1970-01-01T00:00:00Z (whole seconds are kept)
     * @return this builder
     * @throws IllegalArgumentException if the time is before the Unix epoch
     */
    public Builder latestModifiedTime(Instant time) {
      Objects.requireNonNull(time, "time");
      if (time.getEpochSecond() < 0) {
        throw new IllegalArgumentException("latest modified time " + time + " is before 1970");
      }
      this.latestModifiedTime = time;
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
      if (segmentedEncryption && encryption == null) {
        throw new IllegalStateException("segmentedEncryption(true) needs an encryption mode and"
            + " key or passphrase");
      }
      if (!signers.isEmpty() && manifest == null) {
        throw new IllegalStateException("signWith(...) signs the generated manifest: set"
            + " manifest(...) too");
      }
      return new WriterOptions(this);
    }
  }
}
