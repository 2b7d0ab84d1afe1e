package dev.engram;

/**
 * How an {@link ArchiveReader} reads. Immutable and thread-safe; build one with {@link
 * #builder()}.
 */
public final class ReaderOptions {
  /** Decoded frames each channel on a framed entry keeps by default. */
  public static final int DEFAULT_CHANNEL_FRAME_CACHE = 2;

  private static final ReaderOptions DEFAULTS = new Builder().build();

  private final int channelFrameCache;

  private ReaderOptions(Builder b) {
    this.channelFrameCache = b.channelFrameCache;
  }

  /**
   * Returns the default options.
   *
   * @return the defaults
   */
  public static ReaderOptions defaults() {
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
   * Returns how many decoded 64 KiB frames a channel on a framed entry keeps, so that reads
   * around a frame boundary do not decode the same frame again.
   *
   * @return frames per channel, at least 1
   */
  public int channelFrameCache() {
    return channelFrameCache;
  }

  @Override
  public String toString() {
    return "ReaderOptions[channelFrameCache=" + channelFrameCache + "]";
  }

  /** Builds {@link ReaderOptions}. Not thread-safe. */
  public static final class Builder {
    private int channelFrameCache = DEFAULT_CHANNEL_FRAME_CACHE;

    private Builder() {}

    /**
     * Sets how many decoded frames each channel on a framed entry keeps (64 KiB each).
     *
     * @param frames at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code frames} is less than 1
     */
    public Builder channelFrameCache(int frames) {
      if (frames < 1) {
        throw new IllegalArgumentException("channelFrameCache must be at least 1: " + frames);
      }
      this.channelFrameCache = frames;
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
  }
}
