package dev.engram;

import dev.engram.frame.FramedContent;
import dev.engram.source.ArchiveSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads an entry's content at any position, from any number of threads at once, without a
 * channel per thread: the access a database engine needs to serve pages from an archive.
 *
 * <p>How a read is served depends on how the entry is stored. An uncompressed entry is read
 * straight from the archive's source. A framed entry (compressed, 50 MiB or more) decodes only
 * the 64 KiB frames a read touches, through the reader's shared frame cache ({@link
 * ReaderOptions#frameCacheSize()}). Any other entry (compressed and under 50 MiB, or encrypted
 * as a whole by engram-rs) is decoded and CRC-checked once, in memory, when the view is opened.
 *
 * <p>The CRC32 of an uncompressed or framed entry covers the whole content, so reads at arbitrary
 * positions cannot check it; a frame that fails to decode to exactly its length is reported as
 * {@link CorruptArchiveException}. {@link ArchiveReader#verify} checks whole entries.
 *
 * <p>Thread-safe. A view stops working when its reader is closed ({@link IllegalStateException});
 * it holds no other resource and needs no closing.
 */
public final class RandomAccessEntry {
  /** Serves reads of a position below the size into a buffer with space left. */
  interface Content {
    int read(long position, ByteBuffer dst) throws IOException;
  }

  private final EntryInfo info;
  private final ArchiveSource archive;
  private final Content content;
  private final FramedContent framed;

  private RandomAccessEntry(EntryInfo info, ArchiveSource archive, Content content,
      FramedContent framed) {
    this.info = info;
    this.archive = archive;
    this.content = content;
    this.framed = framed;
  }

  static RandomAccessEntry framed(EntryInfo info, ArchiveSource archive,
      FramedContent framed) {
    return new RandomAccessEntry(info, archive, framed::read, framed);
  }

  static RandomAccessEntry stored(EntryInfo info, ArchiveSource archive,
      ArchiveSource payload, long payloadOffset) {
    Content direct = (position, dst) -> {
      int n = (int) Math.min(dst.remaining(), info.uncompressedSize() - position);
      int limit = dst.limit();
      dst.limit(dst.position() + n);
      try {
        payload.readFully(payloadOffset + position, dst);
      } finally {
        dst.limit(limit);
      }
      return n;
    };
    return new RandomAccessEntry(info, archive, direct, null);
  }

  static RandomAccessEntry decoded(EntryInfo info, ArchiveSource archive, byte[] bytes) {
    Content memory = (position, dst) -> {
      int n = (int) Math.min(dst.remaining(), bytes.length - position);
      dst.put(bytes, (int) position, n);
      return n;
    };
    return new RandomAccessEntry(info, archive, memory, null);
  }

  /**
   * Returns the entry this view reads.
   *
   * @return its directory information
   */
  public EntryInfo info() {
    return info;
  }

  /**
   * Returns the content size.
   *
   * @return bytes
   */
  public long size() {
    return info.uncompressedSize();
  }

  /**
   * Says whether reads decode frames on demand (a framed entry) rather than reading stored bytes
   * or an in-memory copy.
   *
   * @return true for a framed entry
   */
  public boolean isFramed() {
    return framed != null;
  }

  /**
   * Returns how many frames reads through this view have decompressed; frames served from the
   * reader's frame cache do not count. Always 0 unless {@link #isFramed()}.
   *
   * @return frames decoded
   */
  public long framesDecoded() {
    return framed == null ? 0 : framed.framesDecoded();
  }

  /**
   * Copies content from a position into a buffer, until the buffer is full or the content ends.
   *
   * @param position where to start, at least 0
   * @param dst filled from its position; its position advances by the count returned
   * @return the number of bytes copied; -1 if {@code position} is at or past the end and {@code
   *     dst} has space
   * @throws IllegalArgumentException if {@code position} is negative
   * @throws CorruptArchiveException if the part of the entry the read needs is damaged
   * @throws IllegalStateException if the reader is closed
   * @throws IOException on an I/O error
   */
  public int read(long position, ByteBuffer dst) throws IOException {
    if (position < 0) {
      throw new IllegalArgumentException("negative position: " + position);
    }
    if (!archive.isOpen()) {
      throw new IllegalStateException("archive reader for " + archive.name() + " is closed");
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (position >= size()) {
      return -1;
    }
    try {
      return content.read(position, dst);
    } catch (EngramException e) {
      throw e.initArchive(archive.name());
    }
  }

  /**
   * Fills a buffer from a position.
   *
   * @param position where to start, at least 0
   * @param dst filled from its position to its limit
   * @throws EOFException if the content ends before the buffer is full (the buffer then holds
   *     what there was)
   * @throws IllegalArgumentException if {@code position} is negative
   * @throws CorruptArchiveException if the part of the entry the read needs is damaged
   * @throws IllegalStateException if the reader is closed
   * @throws IOException on an I/O error
   */
  public void readFully(long position, ByteBuffer dst) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = read(at, dst);
      if (n < 0) {
        throw new EOFException("entry '" + info.path() + "' ends at " + size()
            + ", before the " + dst.remaining() + " bytes wanted at " + at);
      }
      at += n;
    }
  }

  @Override
  public String toString() {
    return "RandomAccessEntry[" + info.path() + ", " + size() + " bytes"
        + (isFramed() ? ", framed" : "") + "]";
  }
}
