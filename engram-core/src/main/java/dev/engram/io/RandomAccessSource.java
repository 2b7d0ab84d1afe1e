package dev.engram.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Bytes of an archive read at explicit positions, by any number of threads at once: the archive
 * file itself ({@link ArchiveFile}), or a view that decrypts it as it is read. Everything that
 * reads entries reads through this.
 *
 * <p>Implementations are thread-safe.
 */
public interface RandomAccessSource extends Closeable {
  /**
   * Returns the archive these bytes belong to, for messages.
   *
   * @return the archive's path
   */
  Path path();

  /**
   * Returns the end of the readable positions.
   *
   * @return size in bytes
   */
  long size();

  /**
   * Says whether {@link #close()} was called.
   *
   * @return true once closed
   */
  boolean isClosed();

  /**
   * Fills the remaining space of a buffer from a position.
   *
   * @param position where to start
   * @param dst destination; filled from its position to its limit
   * @throws dev.engram.EngramException if the bytes are missing, damaged or do not authenticate
   * @throws IllegalStateException if the source is closed
   * @throws IOException on an I/O error
   */
  void readFully(long position, ByteBuffer dst) throws IOException;

  /**
   * Reads exactly {@code length} bytes at a position.
   *
   * @param position where to start
   * @param dst destination array
   * @param offset where to start writing in {@code dst}
   * @param length number of bytes
   * @throws dev.engram.EngramException if the bytes are missing, damaged or do not authenticate
   * @throws IllegalStateException if the source is closed
   * @throws IOException on an I/O error
   */
  default void readFully(long position, byte[] dst, int offset, int length) throws IOException {
    readFully(position, ByteBuffer.wrap(dst, offset, length));
  }
}
