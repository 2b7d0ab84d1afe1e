package dev.engram;

import dev.engram.format.DirectoryEntry;
import java.time.Instant;

/**
 * What the central directory records about one entry. Immutable and thread-safe.
 */
public final class EntryInfo {
  private final DirectoryEntry entry;

  EntryInfo(DirectoryEntry entry) {
    this.entry = entry;
  }

  DirectoryEntry directoryEntry() {
    return entry;
  }

  /**
   * Returns the entry's path inside the archive, exactly as stored.
   *
   * @return the path
   */
  public String path() {
    return entry.path();
  }

  /**
   * Returns the content size.
   *
   * @return size in bytes after decompression
   */
  public long uncompressedSize() {
    return entry.uncompressedSize();
  }

  /**
   * Returns the size of the stored payload (compressed, framed and encrypted as the case may be).
   *
   * @return payload size in bytes
   */
  public long storedSize() {
    return entry.storedSize();
  }

  /**
   * Returns where the stored payload starts: with {@link #storedSize()}, the range of the
   * archive's bytes that hold this entry, which is what a distributed file system needs to say
   * which machines hold it. Offsets count from the start of the archive file, except in an
   * archive encrypted as a whole ({@link EncryptionMode#ARCHIVE}), where they count from the start
   * of its decrypted body.
   *
   * @return the offset in bytes
   */
  public long payloadOffset() {
    return entry.payloadOffset();
  }

  /**
   * Returns the CRC32 of the content.
   *
   * @return the CRC32 as stored
   */
  public int crc32() {
    return entry.crc32();
  }

  /**
   * Returns the recorded modified time, in whole seconds. A stored value too large for {@link
   * Instant} reads as {@link Instant#MAX}.
   *
   * @return the modified time
   */
  public Instant modifiedTime() {
    long seconds = entry.modifiedTime();
    return seconds >= 0 && seconds <= Instant.MAX.getEpochSecond()
        ? Instant.ofEpochSecond(seconds)
        : Instant.MAX;
  }

  /**
   * Returns how the content is compressed.
   *
   * @return the method
   */
  public CompressionMethod compression() {
    return entry.method();
  }

  /**
   * Says whether the payload is cut into independently compressed frames, which is what makes
   * random access into it cheap: 64 KiB frames for compressed content of 50 MiB or more, or
   * frames of the entry's own size when it was written with an explicit frame size ({@link
   * WriterOptions.Builder#databaseFrameSize}).
   *
   * @return true if framed
   */
  public boolean isFramed() {
    return entry.isFramed();
  }

  /**
   * Returns the uncompressed size of the entry's frames.
   *
   * @return 65536 in the base format, the explicit frame size (1 KiB to 64 KiB) of an entry that
   *     records one, or 0 for an entry that is not framed
   */
  public int frameSize() {
    return entry.frameSize();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntryInfo other && entry.equals(other.entry);
  }

  @Override
  public int hashCode() {
    return entry.hashCode();
  }

  @Override
  public String toString() {
    return "EntryInfo[path=" + path() + ", size=" + uncompressedSize() + ", stored=" + storedSize()
        + ", method=" + compression() + (isFramed() ? ", framed" : "")
        + String.format(", crc32=%08x", crc32()) + ", modified=" + modifiedTime() + "]";
  }
}
