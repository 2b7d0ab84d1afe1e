package dev.engram;

import dev.engram.crypto.Encryption;
import dev.engram.format.Header;
import dev.engram.source.RemoteOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.Destroyable;

/**
 * How an {@link ArchiveReader} reads, and the limits that protect it from hostile archives.
 * Immutable and thread-safe; build one with {@link #builder()}.
 *
 * <p><b>Limits.</b> Archives arrive from strangers, so a reader refuses by default what only a
 * decompression bomb or a lie needs. Every limit is checked from the directory's claims before
 * anything is allocated or decoded, and a refusal is a {@link LimitExceededException} that names
 * the limit and how to raise it. Limits only ever stop reads: the archive still opens and lists
 * (except {@link #maxEntryCount()}, which bounds the memory {@code open} itself needs).
 *
 * <table>
 *   <caption>Default limits</caption>
 *   <tr><th>limit</th><th>default</th><th>why this value</th></tr>
 *   <tr><td>{@link #maxEntryCount()}</td><td>{@value #DEFAULT_MAX_ENTRY_COUNT}</td>
 *       <td>the index costs a few hundred bytes per entry</td></tr>
 *   <tr><td>{@link #maxEntrySize()}</td><td>{@link #DEFAULT_MAX_ENTRY_SIZE}</td>
 *       <td>larger than any file the project expects, far below a full disk</td></tr>
 *   <tr><td>{@link #maxTotalBytes()}</td><td>{@link #DEFAULT_MAX_TOTAL_BYTES}</td>
 *       <td>what one reader will produce from the entries it opens</td></tr>
 *   <tr><td>{@link #maxCompressionRatio()}</td>
 *       <td>{@link #DEFAULT_MAX_COMPRESSION_RATIO} : 1</td>
 *       <td>LZ4 cannot exceed 255 : 1; Zstandard reaches about 3,450 : 1 on a frame of
 *           zeros</td></tr>
 *   <tr><td>{@link #ratioGraceSize()}</td><td>{@link #DEFAULT_RATIO_GRACE_SIZE}</td>
 *       <td>entries up to this size may have any ratio: 10 MiB of zeros compress 31,000 : 1 with
 *           Zstandard and must stay readable, and an entry this small cannot be a bomb</td></tr>
 * </table>
 *
 * <p>For archives you trust, {@link Builder#liftLimits()} removes them all.
 *
 * <p><b>Keys.</b> Encrypted archives need {@link Builder#key(byte[])} (the raw 32-byte key, as
 * engram-rs takes it) or {@link Builder#passphrase(char[])}. The options hold copies of them;
 * {@link #destroy()} wipes those copies, after which the options can no longer open an encrypted
 * archive. Readers keep their own copy of the key until they are closed.
 */
public final class ReaderOptions implements Destroyable {
  /** Decoded frames each channel on a framed entry keeps by default. */
  public static final int DEFAULT_CHANNEL_FRAME_CACHE = 2;
  /** Default {@link #frameCacheSize()}: 64 MiB. */
  public static final long DEFAULT_FRAME_CACHE_SIZE = 64L << 20;
  /** Default {@link #maxEntryCount()}. */
  public static final int DEFAULT_MAX_ENTRY_COUNT = 1_000_000;
  /** Default {@link #maxEntrySize()}: 64 GiB. */
  public static final long DEFAULT_MAX_ENTRY_SIZE = 64L << 30;
  /** Default {@link #maxTotalBytes()}: 1 TiB. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 1L << 40;
  /** Default {@link #maxCompressionRatio()}. */
  public static final long DEFAULT_MAX_COMPRESSION_RATIO = 1000;
  /** Default {@link #ratioGraceSize()}: 64 MiB. */
  public static final long DEFAULT_RATIO_GRACE_SIZE = 64L << 20;
  /** Most threads a reader may use (the same bound as a writer's). */
  public static final int MAX_THREADS = ThreadCounts.MAX;

  private final int channelFrameCache;
  private final int threads;
  private final long frameCacheSize;
  private final int maxEntryCount;
  private final long maxEntrySize;
  private final long maxTotalBytes;
  private final long maxCompressionRatio;
  private final long ratioGraceSize;
  private final Secret secret;
  private final Path temporaryDirectory;
  private final RemoteOptions remote;

  private ReaderOptions(Builder b) {
    this.secret = b.secret.copy("ReaderOptions");
    this.temporaryDirectory = b.temporaryDirectory;
    this.remote = b.remote;
    this.channelFrameCache = b.channelFrameCache;
    this.threads = b.threads;
    this.frameCacheSize = b.frameCacheSize;
    this.maxEntryCount = b.maxEntryCount;
    this.maxEntrySize = b.maxEntrySize;
    this.maxTotalBytes = b.maxTotalBytes;
    this.maxCompressionRatio = b.maxCompressionRatio;
    this.ratioGraceSize = b.ratioGraceSize;
  }

  /**
   * Returns the default options, limits included, without a key. Each call returns a new
   * instance: options are {@link Destroyable}, and a caller that destroys "its" defaults must not
   * break every later reader of the process (a shared instance would then refuse encrypted
   * archives with an {@link IllegalStateException} instead of a {@link KeyRequiredException}).
   *
   * @return new default options
   */
  public static ReaderOptions defaults() {
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
   * Returns how many decoded 64 KiB frames a channel on a framed entry keeps, so that reads
   * around a frame boundary do not decode the same frame again.
   *
   * @return frames per channel, at least 1
   */
  public int channelFrameCache() {
    return channelFrameCache;
  }

  /**
   * Returns how many threads work for one reader: sequential reads of a framed entry ({@code
   * read}, {@code openStream}, a channel read in order) have the next frames decoded on the
   * others (a window of frames that grows with the thread count up to a fixed bound, each a
   * buffer of one decoded frame), and {@link ArchiveReader#extractAll} writes several entries at
   * once. 1 does everything on the calling thread.
   *
   * @return the thread count; by default the number of available processors, at most {@link
   *     #MAX_THREADS}
   */
  public int threads() {
    return threads;
  }

  /**
   * Returns the most decoded bytes a reader keeps in its frame cache, which every {@link
   * RandomAccessEntry} of the reader shares (and through them every SQLite connection to a
   * database in the archive). Point lookups in a large framed entry decode each 64 KiB frame once
   * while it stays in the cache.
   *
   * @return bytes; 0 caches nothing
   */
  public long frameCacheSize() {
    return frameCacheSize;
  }

  /**
   * Returns the most entries an archive may have; {@code open} refuses more.
   *
   * @return the limit
   */
  public int maxEntryCount() {
    return maxEntryCount;
  }

  /**
   * Returns the largest entry content this reader will produce.
   *
   * @return the limit in bytes
   */
  public long maxEntrySize() {
    return maxEntrySize;
  }

  /**
   * Returns the most content this reader will produce in all. Each entry counts once, with its
   * full size, the first time it is read; reading it again costs nothing, so a long-lived reader
   * is bounded by the archive's content, not by how often it is read.
   *
   * @return the limit in bytes
   */
  public long maxTotalBytes() {
    return maxTotalBytes;
  }

  /**
   * Returns the highest ratio of content size to stored size an entry larger than {@link
   * #ratioGraceSize()} may have.
   *
   * @return the ratio, as N for N : 1
   */
  public long maxCompressionRatio() {
    return maxCompressionRatio;
  }

  /**
   * Returns the content size up to which an entry may have any compression ratio.
   *
   * @return size in bytes
   */
  public long ratioGraceSize() {
    return ratioGraceSize;
  }

  /** The key or passphrase these options hold (for an update, which encrypts with it again). */
  Secret secret() {
    return secret;
  }

  /**
   * Says whether a key or passphrase was given.
   *
   * @return true if encrypted archives can be read
   */
  public boolean hasSecret() {
    return secret.isPresent();
  }

  /**
   * Prepares decrypting an archive with this header: its key is these options' key, or derived
   * from their passphrase (asked for only when the archive is encrypted).
   */
  Encryption encryptionFor(Header header) throws EngramException {
    return Encryption.forReading(header, secret::key, secret::passphrase, temporaryDirectory);
  }

  /**
   * Returns where decrypted temporary files go: large encrypted entries and the body of a
   * whole-archive-encrypted archive are decrypted to a private file there (owner-only) and
   * deleted when the reader closes.
   *
   * @return the directory, or empty for the system's temporary directory
   */
  public Optional<Path> temporaryDirectory() {
    return Optional.ofNullable(temporaryDirectory);
  }

  /**
   * Returns how archives opened by URI ({@link ArchiveReader#open(java.net.URI, ReaderOptions)})
   * are read from servers: timeouts, retries, redirects, TLS trust, headers.
   *
   * @return the remote options; {@link RemoteOptions#defaults()} unless set
   */
  public RemoteOptions remote() {
    return remote;
  }

  /**
   * Wipes the key and passphrase these options hold. Readers already open keep working.
   */
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
    return "ReaderOptions[" + (secret.isPresent() ? secret + ", " : "")
        + "channelFrameCache=" + channelFrameCache + ", threads=" + threads
        + ", frameCacheSize=" + frameCacheSize
        + ", maxEntryCount=" + maxEntryCount
        + ", maxEntrySize=" + maxEntrySize
        + ", maxTotalBytes=" + maxTotalBytes
        + ", maxCompressionRatio=" + maxCompressionRatio
        + ", ratioGraceSize=" + ratioGraceSize + ", remote=" + remote + "]";
  }

  /** Builds {@link ReaderOptions}. Not thread-safe. */
  public static final class Builder {
    private int channelFrameCache = DEFAULT_CHANNEL_FRAME_CACHE;
    private int threads = ThreadCounts.byDefault();
    private long frameCacheSize = DEFAULT_FRAME_CACHE_SIZE;
    private int maxEntryCount = DEFAULT_MAX_ENTRY_COUNT;
    private long maxEntrySize = DEFAULT_MAX_ENTRY_SIZE;
    private long maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES;
    private long maxCompressionRatio = DEFAULT_MAX_COMPRESSION_RATIO;
    private long ratioGraceSize = DEFAULT_RATIO_GRACE_SIZE;
    private Secret secret = Secret.NONE;
    private Path temporaryDirectory;
    private RemoteOptions remote = RemoteOptions.defaults();

    private Builder() {}

    /**
     * Sets the raw AES-256 key of an encrypted archive (the 32 bytes engram-rs takes). The array
     * is copied: wipe yours when done.
     *
     * @param key32 32 bytes
     * @return this builder
     * @throws IllegalArgumentException if the key is not 32 bytes, or a passphrase was set
     */
    public Builder key(byte[] key32) {
      if (secret.isPassphrase()) {
        throw new IllegalArgumentException("give a key or a passphrase, not both");
      }
      this.secret = Secret.key(key32, "ReaderOptions");
      return this;
    }

    /**
     * Sets the passphrase of an archive whose key is derived from one. The array is copied: wipe
     * yours when done.
     *
     * @param phrase the passphrase, not empty
     * @return this builder
     * @throws IllegalArgumentException if it is empty, or a key was set
     */
    public Builder passphrase(char[] phrase) {
      if (secret.isPresent() && !secret.isPassphrase()) {
        throw new IllegalArgumentException("give a key or a passphrase, not both");
      }
      this.secret = Secret.passphrase(phrase, "ReaderOptions");
      return this;
    }

    /**
     * Sets where decrypted temporary files go (for example an encrypted or in-memory file
     * system).
     *
     * @param directory an existing directory
     * @return this builder
     */
    public Builder temporaryDirectory(Path directory) {
      this.temporaryDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Sets how archives opened by URI are read from servers (see {@link
     * ReaderOptions#remote()}).
     *
     * @param options the remote options
     * @return this builder
     */
    public Builder remote(RemoteOptions options) {
      this.remote = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Sets how many decoded frames each channel on a framed entry keeps (64 KiB each).
     *
     * @param frames at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code frames} is less than 1
     */
    public Builder channelFrameCache(int frames) {
      this.channelFrameCache = atLeastOne("channelFrameCache", frames);
      return this;
    }

    /**
     * Sets how many threads work for one reader (see {@link ReaderOptions#threads()}). The
     * threads are started when first needed, stop when idle, and end when the reader closes.
     *
     * @param count 1 to {@link ReaderOptions#MAX_THREADS}; 1 keeps all work on the calling
     *     thread
     * @return this builder
     * @throws IllegalArgumentException if {@code count} is out of range
     */
    public Builder threads(int count) {
      this.threads = ThreadCounts.check(count);
      return this;
    }

    /**
     * Sets the most decoded bytes the reader's shared frame cache keeps (see {@link
     * ReaderOptions#frameCacheSize()}).
     *
     * @param bytes at least 0; 0 caches nothing
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public Builder frameCacheSize(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("frameCacheSize must not be negative: " + bytes);
      }
      this.frameCacheSize = bytes;
      return this;
    }

    /**
     * Sets the most entries an archive may have.
     *
     * @param count at least 1; {@link Integer#MAX_VALUE} for no limit
     * @return this builder
     * @throws IllegalArgumentException if {@code count} is less than 1
     */
    public Builder maxEntryCount(int count) {
      this.maxEntryCount = atLeastOne("maxEntryCount", count);
      return this;
    }

    /**
     * Sets the largest entry content this reader will produce.
     *
     * @param bytes at least 1; {@link Long#MAX_VALUE} for no limit
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is less than 1
     */
    public Builder maxEntrySize(long bytes) {
      this.maxEntrySize = atLeastOne("maxEntrySize", bytes);
      return this;
    }

    /**
     * Sets the most content this reader will produce in all (each entry counted once).
     *
     * @param bytes at least 1; {@link Long#MAX_VALUE} for no limit
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is less than 1
     */
    public Builder maxTotalBytes(long bytes) {
      this.maxTotalBytes = atLeastOne("maxTotalBytes", bytes);
      return this;
    }

    /**
     * Sets the highest compression ratio allowed for entries above the grace size.
     *
     * @param ratio N for N : 1, at least 1; {@link Long#MAX_VALUE} for no limit
     * @return this builder
     * @throws IllegalArgumentException if {@code ratio} is less than 1
     */
    public Builder maxCompressionRatio(long ratio) {
      this.maxCompressionRatio = atLeastOne("maxCompressionRatio", ratio);
      return this;
    }

    /**
     * Sets the content size up to which an entry may have any compression ratio.
     *
     * @param bytes 0 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public Builder ratioGraceSize(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("ratioGraceSize must not be negative: " + bytes);
      }
      this.ratioGraceSize = bytes;
      return this;
    }

    /**
     * Removes every limit: for archives from a trusted source. Structural validation (offsets,
     * sizes a codec can produce, checksums) still applies.
     *
     * @return this builder
     */
    public Builder liftLimits() {
      maxEntryCount = Integer.MAX_VALUE;
      maxEntrySize = Long.MAX_VALUE;
      maxTotalBytes = Long.MAX_VALUE;
      maxCompressionRatio = Long.MAX_VALUE;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return immutable options
     */
    public ReaderOptions build() {
      return new ReaderOptions(this);
    }

    private static int atLeastOne(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1: " + value);
      }
      return value;
    }

    private static long atLeastOne(String name, long value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1: " + value);
      }
      return value;
    }
  }
}
