package dev.engram.format;

import dev.engram.CorruptArchiveException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The 64-byte end record, the last bytes of every archive. Its copy of the header's directory
 * fields is what makes a truncated or never-finished archive fail to open.
 *
 * <p>An extension: engram-java also copies the rest of the header into the bytes engram-rs
 * leaves at zero and never reads (offsets 28 to 63: the "archive CRC32" and the reserved
 * field), so that a reader that pays a round trip per read (an archive on a web server) learns
 * the whole header from the archive's last bytes, in the same request as the directory. The
 * archive CRC32 then holds the CRC32 of the whole 64-byte header, which vouches for the copy;
 * see docs/FORMAT.md. Immutable and thread-safe.
 *
 * @param versionMajor format major version (same as the header)
 * @param versionMinor format minor version (same as the header)
 * @param directoryOffset absolute offset of the central directory (same as the header)
 * @param directorySize size of the central directory (same as the header)
 * @param entryCount number of entries (same as the header)
 * @param archiveCrc archive CRC32; engram-rs writes 0, meaning "not recorded"; engram-java the
 *     CRC32 of the whole header
 * @param headerCopy the 32 bytes at offset 32: zeros, or header bytes 36 to 63 followed by header
 *     bytes 12 to 15 (see {@link #rebuiltHeader()})
 */
public record EndRecord(
    int versionMajor,
    int versionMinor,
    long directoryOffset,
    long directorySize,
    long entryCount,
    int archiveCrc,
    byte[] headerCopy) {

  /** Size of the end record in bytes. */
  public static final int SIZE = 64;
  /** Size of the field at offset 32 that holds the rest of the header. */
  public static final int HEADER_COPY_BYTES = 32;
  /** Where in the header the fields the end record does not repeat begin (content version). */
  private static final int HEADER_REST = 36;
  /** Where the header's own CRC (of bytes 0 to 11) is. */
  private static final int HEADER_CRC = 12;

  /** Copies the header copy (zeros when null). */
  public EndRecord {
    headerCopy = headerCopy == null ? new byte[HEADER_COPY_BYTES] : headerCopy.clone();
    if (headerCopy.length != HEADER_COPY_BYTES) {
      throw new IllegalArgumentException(
          "the header copy has " + HEADER_COPY_BYTES + " bytes, not " + headerCopy.length);
    }
  }

  private static final byte[] SIGNATURE = {'E', 'N', 'D', 'R'};

  /**
   * Creates the end record a writer records for a header: its directory fields, and the copy of
   * the rest of it with the CRC32 that vouches for the copy.
   *
   * @param header the archive's header
   * @return the end record
   */
  public static EndRecord matching(Header header) {
    byte[] bytes = header.encode();
    byte[] copy = new byte[HEADER_COPY_BYTES];
    System.arraycopy(bytes, HEADER_REST, copy, 0, Header.SIZE - HEADER_REST);
    System.arraycopy(bytes, HEADER_CRC, copy, Header.SIZE - HEADER_REST, 4);
    return new EndRecord(header.versionMajor(), header.versionMinor(), header.directoryOffset(),
        header.directorySize(), header.entryCount(), crc32(bytes), copy);
  }

  /**
   * Returns the field at offset 32.
   *
   * @return a copy of its 32 bytes
   */
  @Override
  public byte[] headerCopy() {
    return headerCopy.clone();
  }

  /**
   * Rebuilds the header as written from this end record, when the record carries a copy of it:
   * the archive CRC32 is not 0 and is the CRC32 of the rebuilt 64 bytes. Otherwise (an archive
   * written by engram-rs, or a damaged copy) the header must be read at offset 0.
   *
   * @return the header's 64 bytes, to be decoded (and so checked) as if read at offset 0; or
   *     empty
   */
  public Optional<byte[]> rebuiltHeader() {
    if (archiveCrc == 0) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.allocate(Header.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(Header.MAGIC);
    b.putShort((short) versionMajor);
    b.putShort((short) versionMinor);
    b.put(headerCopy, Header.SIZE - HEADER_REST, 4);
    b.putLong(directoryOffset);
    b.putLong(directorySize);
    b.putInt((int) entryCount);
    b.put(headerCopy, 0, Header.SIZE - HEADER_REST);
    byte[] bytes = b.array();
    return crc32(bytes) == archiveCrc ? Optional.of(bytes) : Optional.empty();
  }

  /**
   * Checks that the header at offset 0 is the one this end record copies, when it copies one.
   *
   * @param headerBytes the 64 bytes at offset 0
   * @throws CorruptArchiveException if the record carries a copy and the header differs from it
   */
  public void checkCopyOf(byte[] headerBytes) throws CorruptArchiveException {
    Optional<byte[]> copy = rebuiltHeader();
    if (copy.isPresent() && !Arrays.equals(copy.get(), 0, Header.SIZE, headerBytes, 0,
        Header.SIZE)) {
      throw new CorruptArchiveException(
          "the header differs from the copy of it that the end record carries");
    }
  }

  private static int crc32(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, Header.SIZE);
    return (int) crc.getValue();
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
    b.put(headerCopy);
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
    byte[] copy = new byte[HEADER_COPY_BYTES];
    b.get(copy);
    return new EndRecord(major, minor, dirOffset, dirSize, count, crc, copy);
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
