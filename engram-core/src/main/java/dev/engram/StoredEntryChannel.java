package dev.engram;

import dev.engram.source.ArchiveSource;
import dev.engram.io.ReadOnlyChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Reads an uncompressed entry straight from the archive file, at any position. The CRC32 is
 * checked when the content has been read in order from start to end, before the last bytes are
 * handed out. Not thread-safe.
 */
final class StoredEntryChannel extends ReadOnlyChannel {
  private final ArchiveSource file;
  private final long payloadOffset;
  private final long size;
  private final String entry;
  private final int expectedCrc;
  private final CRC32 crc = new CRC32();
  /** Content bytes [0, crcPosition) have gone into {@link #crc}. */
  private long crcPosition;

  StoredEntryChannel(ArchiveSource file, long payloadOffset, long size, String entry,
      int expectedCrc) throws ChecksumMismatchException {
    super(size, file.name());
    this.file = file;
    this.payloadOffset = payloadOffset;
    this.size = size;
    this.entry = entry;
    this.expectedCrc = expectedCrc;
    if (size == 0) {
      checkCrc();
    }
  }

  @Override
  protected int readAt(ByteBuffer dst, long position) throws IOException {
    int n = (int) Math.min(dst.remaining(), size - position);
    int start = dst.position();
    int limit = dst.limit();
    dst.limit(start + n);
    try {
      file.readFully(payloadOffset + position, dst);
    } finally {
      dst.limit(limit);
    }
    if (position == crcPosition) {
      crc.update(dst.duplicate().position(start).limit(start + n));
      crcPosition += n;
      if (crcPosition == size) {
        try {
          checkCrc();
        } catch (ChecksumMismatchException e) {
          dst.position(start); // hand out none of the damaged bytes
          throw e;
        }
      }
    }
    return n;
  }

  private void checkCrc() throws ChecksumMismatchException {
    int actual = (int) crc.getValue();
    if (actual != expectedCrc) {
      throw new ChecksumMismatchException(entry, expectedCrc, actual);
    }
  }
}
