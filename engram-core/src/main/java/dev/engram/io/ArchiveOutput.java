package dev.engram.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import dev.engram.source.ArchiveSource;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sequential, buffered output to an archive file being written, with the two extra moves a
 * one-pass writer needs: patching bytes already written (a local header whose sizes are known only
 * after its payload streamed through) and cutting the file back to an earlier length (undoing an
 * entry that failed half way).
 *
 * <p>Writes go through one direct buffer, so the JDK never allocates a hidden direct buffer as
 * large as a heap write. Not thread-safe.
 */
public final class ArchiveOutput implements Closeable {
  private static final int BUFFER_SIZE = 1 << 20;

  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
  /** File offset of buffer[0]. */
  private long flushed;

  private ArchiveOutput(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Opens a new, empty file for writing.
   *
   * @param file an existing file (for example a fresh temporary file); truncated to 0
   * @return the output
   * @throws IOException if the file cannot be opened
   */
  public static ArchiveOutput open(Path file) throws IOException {
    return new ArchiveOutput(FileChannel.open(file, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING));
  }

  /**
   * Writes through a channel open on a new, empty file, such as a {@link TemporaryFiles#openSibling}
   * whose lock must be held while the file is written; closing the output closes the channel.
   *
   * @param channel a channel open for writing, at position 0 of an empty file
   * @return the output
   */
  public static ArchiveOutput of(FileChannel channel) {
    return new ArchiveOutput(channel);
  }

  /**
   * Returns the offset the next byte will be written at.
   *
   * @return current length of the output
   */
  public long position() {
    return flushed + buffer.position();
  }

  /**
   * Appends bytes.
   *
   * @param bytes source
   * @param offset start in {@code bytes}
   * @param length number of bytes
   * @throws IOException on an I/O error
   */
  public void write(byte[] bytes, int offset, int length) throws IOException {
    int at = offset;
    int left = length;
    while (left > 0) {
      if (!buffer.hasRemaining()) {
        flush();
      }
      int n = Math.min(left, buffer.remaining());
      buffer.put(bytes, at, n);
      at += n;
      left -= n;
    }
  }

  /**
   * Appends bytes.
   *
   * @param bytes source
   * @throws IOException on an I/O error
   */
  public void write(byte[] bytes) throws IOException {
    write(bytes, 0, bytes.length);
  }

  /**
   * Appends bytes of a source, copied from file to file by the operating system where the source
   * can ({@link ArchiveSource#transferTo}): how an update copies the entries it keeps.
   *
   * @param source where the bytes are
   * @param position where they start in the source
   * @param count how many
   * @throws dev.engram.CorruptArchiveException if the source ends first
   * @throws IOException on an I/O error
   */
  public void transferFrom(ArchiveSource source, long position, long count) throws IOException {
    if (count <= buffer.remaining()) {
      // small: one positional read into the buffer beats a flush and a system call per entry
      ByteBuffer slice = buffer.slice(buffer.position(), (int) count);
      source.readFully(position, slice);
      buffer.position(buffer.position() + (int) count);
      return;
    }
    flush();
    source.transferTo(position, count, channel);
    flushed += count;
  }

  /**
   * Overwrites bytes already written.
   *
   * @param position offset of the first byte to overwrite
   * @param bytes replacement; must end at or before {@link #position()}
   * @throws IOException on an I/O error
   */
  public void patch(long position, byte[] bytes) throws IOException {
    if (position < 0 || position + bytes.length > position()) {
      throw new IllegalArgumentException("patch at " + position + " of " + bytes.length
          + " bytes is outside the " + position() + " bytes written");
    }
    flush();
    ByteBuffer src = ByteBuffer.wrap(bytes);
    long at = position;
    while (src.hasRemaining()) {
      at += channel.write(src, at);
    }
  }

  /**
   * Discards everything written from an offset on.
   *
   * @param position new length of the output, at most {@link #position()}
   * @throws IOException on an I/O error
   */
  public void truncate(long position) throws IOException {
    if (position >= flushed) {
      buffer.position((int) (position - flushed));
      return;
    }
    buffer.clear();
    channel.truncate(position);
    channel.position(position);
    flushed = position;
  }

  /**
   * Writes buffered bytes to the file.
   *
   * @throws IOException on an I/O error
   */
  public void flush() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      flushed += channel.write(buffer);
    }
    buffer.clear();
  }

  /**
   * Flushes and forces everything written to the storage device.
   *
   * @throws IOException on an I/O error
   */
  public void force() throws IOException {
    flush();
    channel.force(true);
  }

  /**
   * Closes the file without flushing: an unfinished archive is discarded by its owner anyway.
   *
   * @throws IOException if closing fails
   */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
