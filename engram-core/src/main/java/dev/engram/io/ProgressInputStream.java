package dev.engram.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Reports the bytes read through it to a listener, for progress displays. Not thread-safe, like
 * the stream it wraps.
 */
public final class ProgressInputStream extends FilterInputStream {
  private final LongConsumer listener;

  /**
   * Wraps a stream.
   *
   * @param in the stream to read
   * @param listener told the number of bytes of each read that returned some
   */
  public ProgressInputStream(InputStream in, LongConsumer listener) {
    super(in);
    this.listener = listener;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      listener.accept(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      listener.accept(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    if (skipped > 0) {
      listener.accept(skipped);
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false; // a reset would report bytes twice
  }
}
