package dev.engram.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An input stream over an entry channel, reading it from its current position to the end. Skips
 * move the channel's position instead of decoding what is skipped.
 *
 * <p>Not thread-safe.
 */
public final class ChannelInputStream extends InputStream {
  private final ReadOnlyChannel channel;

  /**
   * Wraps a channel; closing the stream closes it.
   *
   * @param channel the channel
   */
  public ChannelInputStream(ReadOnlyChannel channel) {
    this.channel = channel;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    return channel.read(ByteBuffer.wrap(b, off, len));
  }

  @Override
  public long skip(long n) throws IOException {
    long position = channel.position();
    long skipped = Math.max(0, Math.min(n, channel.size() - position));
    channel.position(position + skipped);
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - channel.position()));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
