package dev.engram.source;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;

/**
 * How an archive is read from a server: timeouts, retries, redirects, TLS trust and extra request
 * headers. Used by {@link ArchiveSource#open(java.net.URI, RemoteOptions)} for {@code http:} and
 * {@code https:}, and handed to the {@link ArchiveSourceProvider} of any other scheme. Immutable
 * and thread-safe; build one with {@link #builder()}.
 *
 * <pre>{@code
 * RemoteOptions remote = RemoteOptions.builder()
 *     .requestTimeout(Duration.ofMinutes(1))
 *     .header("Authorization", "Bearer " + token)   // never shown in messages or toString
 *     .build();
 * }</pre>
 *
 * <p><b>Retries.</b> A request that fails for a reason that may pass (a 5xx answer other than
 * 501 and 505, 408, 429, a connection that fails or drops, a timeout, a body that ends early) is
 * sent again, at most {@link #retries()} more times, after a pause that doubles from {@link
 * #initialBackoff()} up to {@link #maxBackoff()} with random jitter. A {@code Retry-After} from
 * the server (seconds or an HTTP date) replaces the pause, but never exceeds {@link
 * #maxBackoff()}.
 */
public final class RemoteOptions {
  /** Default {@link #connectTimeout()}: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@link #requestTimeout()}: 30 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** Default {@link #retries()}. */
  public static final int DEFAULT_RETRIES = 3;
  /** Default {@link #initialBackoff()}: 200 milliseconds. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
  /** Default {@link #maxBackoff()}: 10 seconds. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
  /** Default {@link #maxRedirects()}. */
  public static final int DEFAULT_MAX_REDIRECTS = 5;
  /** Default {@link #blockCacheSize()}: 64 MiB. */
  public static final long DEFAULT_BLOCK_CACHE_SIZE = 64L << 20;
  /** Smallest {@link #blockCacheSize()}: one 64 KiB block. */
  public static final long MIN_BLOCK_CACHE_SIZE = 64 * 1024;

  /**
   * Headers the reader sets itself (ranges, conditions) or the HTTP client owns: a caller may not
   * give them.
   */
  private static final Set<String> RESERVED_HEADERS = Set.of("range", "if-match", "if-none-match",
      "if-range", "if-modified-since", "if-unmodified-since", "accept-encoding", "connection",
      "content-length", "expect", "host", "upgrade", "te", "trailer", "transfer-encoding");

  private static final RemoteOptions DEFAULTS = new Builder().build();

  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final int retries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int maxRedirects;
  private final long blockCacheSize;
  private final SSLContext sslContext;
  private final Map<String, String> headers;

  private RemoteOptions(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.retries = b.retries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxRedirects = b.maxRedirects;
    this.blockCacheSize = b.blockCacheSize;
    this.sslContext = b.sslContext;
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(b.headers);
    this.headers = Collections.unmodifiableMap(copy);
  }

  /**
   * Returns the default options: the timeouts, retries and redirects of the {@code DEFAULT_}
   * constants, the JDK's default TLS trust, no extra headers.
   *
   * @return the defaults (one shared instance: the options are immutable)
   */
  public static RemoteOptions defaults() {
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
   * Returns the longest wait for a connection to a server to be made (TLS handshake included).
   *
   * @return a positive duration
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns the longest a request may go without progress: from sending it to its answer's
   * headers, and then between any two pieces of its body. A large read that keeps arriving never
   * times out; a server that stalls does, and the request is retried.
   *
   * @return a positive duration
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Returns how many times a failed request is sent again (see the class description for which
   * failures).
   *
   * @return 0 or more; 0 never retries
   */
  public int retries() {
    return retries;
  }

  /**
   * Returns the pause before the first retry; each later one doubles it, up to {@link
   * #maxBackoff()}.
   *
   * @return a duration, zero or positive
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * Returns the longest pause between two attempts, a server's {@code Retry-After} included.
   *
   * @return a duration at least {@link #initialBackoff()}
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Returns how many redirects (301, 302, 303, 307, 308) one request may follow. A redirect from
   * {@code https} to {@code http} is always refused.
   *
   * @return 0 or more; 0 refuses every redirect
   */
  public int maxRedirects() {
    return maxRedirects;
  }

  /**
   * Returns how many bytes of a remote archive one reader keeps in memory: a cache of 64 KiB
   * blocks that everything reading the archive shares (entries, frame indexes, frames, the
   * SQLite VFS). Blocks that lie next to each other are fetched in one request; reads that follow
   * each other have the next bytes fetched ahead, in windows growing from 64 KiB to 8 MiB (never
   * more than a quarter of this size); the least recently used blocks leave first. Reads larger
   * than a quarter of it go to the server directly.
   *
   * @return bytes, at least {@link #MIN_BLOCK_CACHE_SIZE}
   */
  public long blockCacheSize() {
    return blockCacheSize;
  }

  /**
   * Returns the TLS context for {@code https}, for a server whose certificate a private CA
   * signed; empty for the JDK's default (its trusted CAs). Certificates are always checked:
   * there is no way to turn that off.
   *
   * @return the context, if one was given
   */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  /**
   * Returns the extra headers sent with every request, such as {@code Authorization}. They are
   * sent only to the origin (scheme, host and port) of the archive's URL, never to another one a
   * redirect leads to, and never appear in a message or in {@link #toString()}.
   *
   * @return an unmodifiable map whose keys compare ignoring case
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Describes the options, naming the extra headers but not their values.
   *
   * @return a description without secrets
   */
  @Override
  public String toString() {
    return "RemoteOptions[connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
        + ", retries=" + retries + ", initialBackoff=" + initialBackoff + ", maxBackoff="
        + maxBackoff + ", maxRedirects=" + maxRedirects + ", blockCacheSize=" + blockCacheSize
        + ", sslContext="
        + (sslContext == null ? "default" : sslContext.getProtocol()) + ", headers="
        + headers.keySet() + "]";
  }

  /** Builds {@link RemoteOptions}. Not thread-safe. */
  public static final class Builder {
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int retries = DEFAULT_RETRIES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private int maxRedirects = DEFAULT_MAX_REDIRECTS;
    private long blockCacheSize = DEFAULT_BLOCK_CACHE_SIZE;
    private SSLContext sslContext;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private Builder() {}

    /**
     * Sets the longest wait for a connection (see {@link RemoteOptions#connectTimeout()}).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets the longest a request may go without progress (see {@link
     * RemoteOptions#requestTimeout()}).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /**
     * Sets how many times a failed request is sent again.
     *
     * @param count 0 or more
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    public Builder retries(int count) {
      this.retries = notNegative("retries", count);
      return this;
    }

    /**
     * Sets the pause before the first retry and the longest pause between attempts.
     *
     * @param initial zero or positive
     * @param max at least {@code initial}
     * @return this builder
     * @throws IllegalArgumentException if either is negative, or {@code max} is less than {@code
     *     initial}
     */
    public Builder backoff(Duration initial, Duration max) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoff: need 0 <= initial <= max, got " + initial
            + " and " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets how many redirects one request may follow.
     *
     * @param count 0 or more; 0 refuses every redirect
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    public Builder maxRedirects(int count) {
      this.maxRedirects = notNegative("maxRedirects", count);
      return this;
    }

    /**
     * Sets how many bytes of a remote archive a reader keeps in memory (see {@link
     * RemoteOptions#blockCacheSize()}).
     *
     * @param bytes at least {@link #MIN_BLOCK_CACHE_SIZE}
     * @return this builder
     * @throws IllegalArgumentException if it is smaller
     */
    public Builder blockCacheSize(long bytes) {
      if (bytes < MIN_BLOCK_CACHE_SIZE) {
        throw new IllegalArgumentException("blockCacheSize must be at least "
            + MIN_BLOCK_CACHE_SIZE + " (one block): " + bytes);
      }
      this.blockCacheSize = bytes;
      return this;
    }

    /**
     * Sets the TLS context for {@code https} (for example one that trusts a private CA).
     *
     * @param context the context; it must check certificates
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Adds a header to every request (replacing one of the same name, in any case), such as
     * {@code Authorization}. Its value is never shown.
     *
     * @param name a header name
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException if the name is not a valid header name, the value holds a
     *     line break, or the header is one the reader or the HTTP client sets itself ({@code
     *     Range}, the {@code If-} conditions, {@code Accept-Encoding}, {@code Host}, {@code
     *     Connection}, ...)
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
        throw new IllegalArgumentException("not a valid header name: '" + name + "'");
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header " + name + " is set by the reader or the"
            + " HTTP client, not by RemoteOptions");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("the value of header " + name
            + " holds a line break");
      }
      headers.remove(name); // so that the name keeps the case given last
      headers.put(name, value);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return immutable options
     */
    public RemoteOptions build() {
      return new RemoteOptions(this);
    }

    /** RFC 9110 token characters. */
    private static boolean isTokenChar(int c) {
      return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }

    private static int notNegative(String name, int value) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " must not be negative: " + value);
      }
      return value;
    }
  }
}
