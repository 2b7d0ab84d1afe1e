package dev.engram.format;

import dev.engram.CorruptArchiveException;

/**
 * Checks that the structures of an archive fit together and inside the file: the end record
 * repeats the header, the directory lies between the data and the end record, every entry's
 * local header and payload lie inside the data region. Nothing here trusts a size for allocation.
 * Stateless and thread-safe.
 */
public final class ArchiveLayout {
  /** Smallest possible archive: header and end record around an empty directory. */
  public static final long MIN_ARCHIVE_SIZE = Header.SIZE + EndRecord.SIZE;

  private ArchiveLayout() {}

  /**
   * Checks the file is large enough to hold a header and an end record.
   *
   * @param fileSize size of the archive file
   * @throws CorruptArchiveException if it is smaller than 128 bytes
   */
  public static void checkFileSize(long fileSize) throws CorruptArchiveException {
    if (fileSize < MIN_ARCHIVE_SIZE) {
      throw new CorruptArchiveException("file is " + fileSize + " bytes, too small for an archive"
          + " (at least " + MIN_ARCHIVE_SIZE + ": header and end record)");
    }
  }

  /**
   * Checks that the end record agrees with the header, and that the directory has the size its
   * entry count requires and lies between the header and the end record.
   *
   * @param header the decoded header
   * @param end the decoded end record
   * @param fileSize size of the archive file
   * @throws CorruptArchiveException naming the first inconsistency
   */
  public static void checkDirectory(Header header, EndRecord end, long fileSize)
      throws CorruptArchiveException {
    end.checkAgrees(header);
    long expectedSize = header.entryCount() * DirectoryEntry.SIZE;
    if (header.directorySize() != expectedSize) {
      throw new CorruptArchiveException("directory size is " + header.directorySize()
          + " bytes but " + header.entryCount() + " entries need " + expectedSize);
    }
    long directoryLimit = fileSize - EndRecord.SIZE;
    if (header.directoryOffset() < Header.SIZE
        || header.directoryOffset() > directoryLimit
        || header.directorySize() > directoryLimit - header.directoryOffset()) {
      throw new CorruptArchiveException("directory at offset " + header.directoryOffset() + " ("
          + header.directorySize() + " bytes) does not lie between the header and the end"
          + " record at " + directoryLimit + " (file is " + fileSize + " bytes)");
    }
  }

  /**
   * Checks that an entry's local header and payload lie inside the data region.
   *
   * @param entry the directory entry
   * @param index its position in the directory, for messages
   * @param dataEnd end of the data region (the directory offset)
   * @throws CorruptArchiveException if the entry points outside the data region
   */
  public static void checkEntryBounds(DirectoryEntry entry, int index, long dataEnd)
      throws CorruptArchiveException {
    long payloadOffset = entry.dataOffset() + LocalEntryHeader.sizeFor(entry.pathLength());
    if (entry.dataOffset() < Header.SIZE
        || entry.dataOffset() > dataEnd // also keeps payloadOffset from overflowing
        || payloadOffset > dataEnd
        || entry.storedSize() > dataEnd - payloadOffset) {
      throw new CorruptArchiveException("directory entry " + index + " '" + entry.path()
          + "': local header at offset " + entry.dataOffset() + " with " + entry.storedSize()
          + " stored bytes does not lie inside the data region [" + Header.SIZE + ", " + dataEnd
          + ")");
    }
  }
}
