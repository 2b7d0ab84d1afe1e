package dev.engram.hadoop;

import dev.engram.ArchiveReader;
import dev.engram.RandomAccessEntry;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.ByteBufferPositionedReadable;
import org.apache.hadoop.fs.ByteBufferReadable;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.VectoredReadUtils;

/**
 * An entry's content as the stream {@link EngramFileSystem#open} returns (inside an {@link
 * org.apache.hadoop.fs.FSDataInputStream}).
 *
 * <p>Reads at the stream's position go through a channel of the entry, opened at the first such
 * read: in order they decode a framed entry ahead on the reader's threads, and a {@link #seek}
 * costs nothing until the next read, which then decodes from the frame that holds the new
 * position. Reads at explicit positions ({@code read(long, ...)}, {@code readFully(long, ...)},
 * {@link #readVectored}) go through a {@link RandomAccessEntry}: they do not move the position,
 * decode only the frames they touch (shared with every other stream of the archive through the
 * reader's frame cache), and run in parallel; vectored reads run their ranges on the file
 * system's pool.
 *
 * <p>Thread-safety: positioned reads may be called from any number of threads at once; reads at
 * the position, {@link #seek} and {@link #close} take turns, as in every Hadoop stream.
 */
final class EntryStream extends FSInputStream
    implements ByteBufferReadable, ByteBufferPositionedReadable, StreamCapabilities {
  private final OpenArchive.Lease lease;
  private final ArchiveReader reader;
  private final String entry;
  private final String name;
  private final long size;
  private final FileSystem.Statistics statistics;
  private final Executor vectoredReads;
  private final Object positionLock = new Object();
  /** {@link #read()}'s buffer, under the position lock. */
  private final byte[] one = new byte[1];
  private volatile RandomAccessEntry random;
  private SeekableByteChannel channel;
  private long position;
  private volatile boolean closed;

  EntryStream(OpenArchive.Lease lease, String entry, String name, long size,
      FileSystem.Statistics statistics, Executor vectoredReads) {
    this.lease = lease;
    this.reader = lease.archive().files().reader();
    this.entry = entry;
    this.name = name;
    this.size = size;
    this.statistics = statistics;
    this.vectoredReads = vectoredReads;
  }

  // ---- reads at the position

  @Override
  public int read() throws IOException {
    synchronized (positionLock) {
      int n = read(one, 0, 1);
      return n == 1 ? one[0] & 0xff : -1;
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    return read(ByteBuffer.wrap(b, off, len));
  }

  /** Reads at the position into a buffer; returns -1 at the end. */
  @Override
  public int read(ByteBuffer dst) throws IOException {
    synchronized (positionLock) {
      ensureOpen();
      if (!dst.hasRemaining()) {
        return 0;
      }
      if (position >= size) {
        return -1;
      }
      SeekableByteChannel in = channel();
      int n;
      do {
        n = in.read(dst);
      } while (n == 0);
      if (n < 0) {
        return -1;
      }
      position += n;
      count(n);
      return n;
    }
  }

  private SeekableByteChannel channel() throws IOException {
    if (channel == null) {
      channel = reader.openChannel(entry);
    }
    if (channel.position() != position) {
      channel.position(position);
    }
    return channel;
  }

  /**
   * Moves the position; the next read at the position starts there.
   *
   * @throws EOFException if the position is negative or beyond the end
   */
  @Override
  public void seek(long pos) throws IOException {
    synchronized (positionLock) {
      ensureOpen();
      if (pos < 0) {
        throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + " " + pos + ": " + name);
      }
      if (pos > size) {
        throw new EOFException(FSExceptionMessages.CANNOT_SEEK_PAST_EOF + " " + pos + " (size "
            + size + "): " + name);
      }
      position = pos;
    }
  }

  @Override
  public long getPos() throws IOException {
    synchronized (positionLock) {
      ensureOpen();
      return position;
    }
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public long skip(long n) throws IOException {
    synchronized (positionLock) {
      ensureOpen();
      long skipped = Math.max(0, Math.min(n, size - position));
      position += skipped;
      return skipped;
    }
  }

  /** The bytes left after the position (at most {@link Integer#MAX_VALUE}). */
  @Override
  public int available() throws IOException {
    synchronized (positionLock) {
      ensureOpen();
      return (int) Math.min(Integer.MAX_VALUE, size - position);
    }
  }

  // ---- reads at explicit positions

  @Override
  public int read(long pos, byte[] b, int off, int len) throws IOException {
    validatePositionedReadArgs(pos, b, off, len);
    return read(pos, ByteBuffer.wrap(b, off, len));
  }

  @Override
  public void readFully(long pos, byte[] b, int off, int len) throws IOException {
    validatePositionedReadArgs(pos, b, off, len);
    readFully(pos, ByteBuffer.wrap(b, off, len));
  }

  /** Reads at a position without moving the stream's; -1 at or beyond the end. */
  @Override
  public int read(long pos, ByteBuffer dst) throws IOException {
    ensureOpen();
    if (pos < 0) {
      throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + " " + pos + ": "
          + name);
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (pos >= size) {
      return -1;
    }
    int n = random().read(pos, dst);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  /**
   * Reads {@code dst.remaining()} bytes at a position.
   *
   * @throws EOFException if the content ends first
   */
  @Override
  public void readFully(long pos, ByteBuffer dst) throws IOException {
    ensureOpen();
    int length = dst.remaining();
    if (pos < 0) {
      throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + " " + pos + ": "
          + name);
    }
    if (pos > size - length) {
      throw new EOFException(FSExceptionMessages.EOF_IN_READ_FULLY + " (" + length
          + " bytes at " + pos + ", size " + size + "): " + name);
    }
    if (length == 0) {
      return;
    }
    random().readFully(pos, dst);
    count(length);
  }

  private RandomAccessEntry random() throws IOException {
    RandomAccessEntry view = random;
    if (view == null) {
      synchronized (this) {
        view = random;
        if (view == null) {
          view = reader.openRandomAccess(entry);
          random = view;
        }
      }
    }
    return view;
  }

  /**
   * Reads each range into a buffer of {@code allocate}'s, in parallel on the file system's pool;
   * each range's future completes with its buffer (flipped), or with the failure.
   *
   * @throws EOFException if a range is negative or extends beyond the end
   * @throws IllegalArgumentException if ranges overlap
   */
  @Override
  public void readVectored(List<? extends FileRange> ranges, IntFunction<ByteBuffer> allocate,
      Consumer<ByteBuffer> release) throws IOException {
    ensureOpen();
    List<? extends FileRange> sorted = VectoredReadUtils.validateAndSortRanges(ranges,
        Optional.of(size));
    for (FileRange range : sorted) {
      CompletableFuture<ByteBuffer> result = new CompletableFuture<>();
      range.setData(result);
      vectoredReads.execute(() -> {
        ByteBuffer buffer = null;
        try {
          buffer = allocate.apply(range.getLength());
          readFully(range.getOffset(), buffer.duplicate().limit(buffer.position()
              + range.getLength()));
          buffer.limit(buffer.position() + range.getLength());
          result.complete(buffer);
        } catch (IOException | RuntimeException | Error e) {
          if (buffer != null) {
            release.accept(buffer);
          }
          result.completeExceptionally(e);
        }
      });
    }
  }

  @Override
  public void readVectored(List<? extends FileRange> ranges, IntFunction<ByteBuffer> allocate)
      throws IOException {
    readVectored(ranges, allocate, buffer -> { });
  }

  // ----

  @Override
  public boolean hasCapability(String capability) {
    switch (capability.toLowerCase(java.util.Locale.ROOT)) {
      case StreamCapabilities.READBYTEBUFFER:
      case StreamCapabilities.PREADBYTEBUFFER:
      case StreamCapabilities.VECTOREDIO:
        return true;
      default:
        return false;
    }
  }

  private void count(int bytes) {
    if (statistics != null) {
      statistics.incrementBytesRead(bytes);
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException(FSExceptionMessages.STREAM_IS_CLOSED + ": " + name);
    }
  }

  /** Closes the channel and releases the archive. Closing again does nothing. */
  @Override
  public void close() throws IOException {
    synchronized (positionLock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (channel != null) {
          channel.close();
        }
      } finally {
        lease.close();
      }
    }
  }

  @Override
  public String toString() {
    return "EntryStream[" + name + "]";
  }
}
