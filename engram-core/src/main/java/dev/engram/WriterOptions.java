package dev.engram;

import dev.engram.codec.Codecs;
import java.time.Instant;
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

  private WriterOptions(Builder b) {
    this.zstdLevel = b.zstdLevel;
    this.modifiedTime = b.modifiedTime;
    this.contentVersion = b.contentVersion;
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

  @Override
  public String toString() {
    return "WriterOptions[zstdLevel=" + zstdLevel + ", modifiedTime=" + modifiedTime
        + ", contentVersion=" + contentVersion + "]";
  }

  /** Builds {@link WriterOptions}. Not thread-safe. */
  public static final class Builder {
    private int zstdLevel = DEFAULT_ZSTD_LEVEL;
    private Instant modifiedTime;
    private int contentVersion;

    private Builder() {}

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
     */
    public WriterOptions build() {
      return new WriterOptions(this);
    }
  }
}
