package dev.engram.format;

import dev.engram.CorruptArchiveException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 64-byte end record, the last bytes of every archive. Its copy of the header's directory
 * fields is what makes a truncated or never-finished archive fail to open. Immutable and
 * thread-safe.
 *
 * @param versionMajor format major version (same as the header)
 * @param versionMinor format minor version (same as the header)
 * @param directoryOffset absolute offset of the central directory (same as the header)
 * @param directorySize size of the central directory (same as the header)
 * @param entryCount number of entries (same as the header)
 * @param archiveCrc archive CRC32; engram-rs writes 0, meaning "not recorded"
 */
public record EndRecord(
    int versionMajor,
    int versionMinor,
    long directoryOffset,
    long directorySize,
    long entryCount,
    int archiveCrc) {

  /** Size of the end record in bytes. */
  public static final int SIZE = 64;

  private static final byte[] SIGNATURE = {'E', 'N', 'D', 'R'};

  /**
   * Creates the end record that matches a header.
   *
   * @param header the archive's header
   * @return the end record
   */
  public static EndRecord matching(Header header) {
    return new EndRecord(header.versionMajor(), header.versionMinor(), header.directoryOffset(),
        header.directorySize(), header.entryCount(), 0);
  }

  /**
   * Encodes this end record.
   *
   * @return 64 bytes
   */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(SIGNATURE);
    b.putShort((short) versionMajor);
    b.putShort((short) versionMinor);
    b.putLong(directoryOffset);
    b.putLong(directorySize);
    b.putInt((int) entryCount);
    b.putInt(archiveCrc);
    return b.array();
  }

  /**
   * Decodes an end record.
   *
   * @param bytes the last 64 bytes of the file
   * @param fileOffset where those bytes start, for messages
   * @return the end record
   * @throws CorruptArchiveException if the signature is not {@code ENDR}
   */
  public static EndRecord decode(byte[] bytes, long fileOffset) throws CorruptArchiveException {
    if (!Hex.matches(bytes, 0, SIGNATURE)) {
      throw new CorruptArchiveException("end record at offset " + fileOffset + " has signature "
          + Hex.signature(bytes, 0) + ", expected 'ENDR' (archive truncated or not finished?)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.position(SIGNATURE.length);
    int major = Short.toUnsignedInt(b.getShort());
    int minor = Short.toUnsignedInt(b.getShort());
    long dirOffset = b.getLong();
    long dirSize = b.getLong();
    long count = Integer.toUnsignedLong(b.getInt());
    int crc = b.getInt();
    return new EndRecord(major, minor, dirOffset, dirSize, count, crc);
  }

  /**
   * Checks that this end record repeats the header's version and directory fields.
   *
   * @param header the archive's header
   * @throws CorruptArchiveException naming the first field that differs
   */
  public void checkAgrees(Header header) throws CorruptArchiveException {
    disagree("version major", versionMajor, header.versionMajor());
    disagree("version minor", versionMinor, header.versionMinor());
    disagree("directory offset", directoryOffset, header.directoryOffset());
    disagree("directory size", directorySize, header.directorySize());
    disagree("entry count", entryCount, header.entryCount());
  }

  private static void disagree(String field, long end, long header) throws CorruptArchiveException {
    if (end != header) {
      throw new CorruptArchiveException("end record disagrees with the header: " + field + " is "
          + Long.toUnsignedString(end) + " in the end record, " + Long.toUnsignedString(header)
          + " in the header");
    }
  }
}
