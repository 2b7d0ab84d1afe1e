package dev.engram.format;

import dev.engram.CorruptArchiveException;
import dev.engram.UnsupportedArchiveException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * The 64-byte archive header at offset 0. This class is the only code that encodes or decodes it.
 * Immutable and thread-safe.
 *
 * @param versionMajor format major version (1)
 * @param versionMinor format minor version
 * @param headerCrc CRC32 of bytes 0..11 as stored; 0 means "not recorded"
 * @param directoryOffset absolute offset of the central directory
 * @param directorySize size of the central directory in bytes
 * @param entryCount number of entries (unsigned 32-bit)
 * @param contentVersion application schema version, opaque to the format
 * @param flags bits 0-1: encryption mode; bit 2: the key is derived from a passphrase; other
 *     bits reserved
 * @param reserved the 20 bytes at offset 44: zeros, or the key-derivation record of a passphrase
 *     archive
 */
public record Header(
    int versionMajor,
    int versionMinor,
    int headerCrc,
    long directoryOffset,
    long directorySize,
    long entryCount,
    int contentVersion,
    int flags,
    byte[] reserved) {

  /** Size of the header in bytes. */
  public static final int SIZE = 64;
  /** Major format version this library reads and writes. */
  public static final int VERSION_MAJOR = 1;
  /** Minor format version this library writes. */
  public static final int VERSION_MINOR = 0;
  /** Mask of the encryption mode bits in {@link #flags()}. */
  public static final int ENCRYPTION_MASK = 0b11;
  /** Encryption mode: none. */
  public static final int ENCRYPTION_NONE = 0;
  /** Encryption mode: the whole archive body is one AES-GCM message. */
  public static final int ENCRYPTION_ARCHIVE = 1;
  /** Encryption mode: each payload is its own AES-GCM message. */
  public static final int ENCRYPTION_PER_FILE = 2;
  /**
   * Flag (an extension): the key is derived from a passphrase, with the parameters recorded in
   * the reserved bytes. engram-rs ignores it and reads such an archive given the derived key.
   */
  public static final int FLAG_PASSPHRASE = 0b100;
  /**
   * Flag (an extension): encrypted data is stored in authenticated segments, which keeps random
   * access. engram-rs ignores the flag, tries its single-message layout, and fails to
   * authenticate; archives with it record minor version {@link #VERSION_MINOR_SEGMENTED}.
   */
  public static final int FLAG_SEGMENTED = 0b1000;
  /** Minor version recorded by archives that use segmented encryption. */
  public static final int VERSION_MINOR_SEGMENTED = 1;
  /**
   * Flag (an extension): some entries record their own frame size (method ids 0x11 and 0x12, see
   * {@link DirectoryEntry#EXPLICIT_FRAMES}). engram-rs ignores the flag but refuses the unknown
   * method ids; archives with it record minor version {@link #VERSION_MINOR_EXPLICIT_FRAMES}.
   */
  public static final int FLAG_EXPLICIT_FRAMES = 0b1_0000;
  /** Minor version recorded by archives with entries that have an explicit frame size. */
  public static final int VERSION_MINOR_EXPLICIT_FRAMES = 2;
  /** Size of the reserved field at offset 44. */
  public static final int RESERVED_BYTES = 20;

  private static final int KNOWN_FLAGS =
      ENCRYPTION_MASK | FLAG_PASSPHRASE | FLAG_SEGMENTED | FLAG_EXPLICIT_FRAMES;

  /** Copies the reserved bytes (zeros when null). */
  public Header {
    reserved = reserved == null ? new byte[RESERVED_BYTES] : reserved.clone();
    if (reserved.length != RESERVED_BYTES) {
      throw new IllegalArgumentException("the reserved field has 20 bytes, not " + reserved.length);
    }
  }

  static final byte[] MAGIC = {(byte) 0x89, 'E', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final int CRC_COVERED_BYTES = 12;

  /**
   * Creates the header a writer records, with the header CRC computed and the reserved field set.
   *
   * @param directoryOffset absolute offset of the central directory
   * @param directorySize size of the central directory
   * @param entryCount number of entries
   * @param contentVersion application schema version
   * @param flags header flags
   * @param reserved 20 bytes for offset 44, or null for zeros
   * @return the header
   */
  public static Header of(long directoryOffset, long directorySize, long entryCount,
      int contentVersion, int flags, byte[] reserved) {
    // the minor version names the newest extension the archive uses
    int minor = (flags & FLAG_EXPLICIT_FRAMES) != 0 ? VERSION_MINOR_EXPLICIT_FRAMES
        : (flags & FLAG_SEGMENTED) != 0 ? VERSION_MINOR_SEGMENTED : VERSION_MINOR;
    Header unsigned =
        new Header(VERSION_MAJOR, minor, 0, directoryOffset, directorySize, entryCount,
            contentVersion, flags, reserved);
    return new Header(VERSION_MAJOR, minor, crcOf(unsigned.encode()), directoryOffset,
        directorySize, entryCount, contentVersion, flags, reserved);
  }

  /**
   * Returns the reserved field.
   *
   * @return a copy of the 20 bytes at offset 44
   */
  @Override
  public byte[] reserved() {
    return reserved.clone();
  }

  /**
   * Says whether entries may record their own frame size.
   *
   * @return true when {@link #FLAG_EXPLICIT_FRAMES} is set
   */
  public boolean hasExplicitFrames() {
    return (flags & FLAG_EXPLICIT_FRAMES) != 0;
  }

  /**
   * Says whether encrypted data is stored in authenticated segments.
   *
   * @return true when {@link #FLAG_SEGMENTED} is set
   */
  public boolean isSegmented() {
    return (flags & FLAG_SEGMENTED) != 0;
  }

  /**
   * Says whether the key is derived from a passphrase recorded in the reserved bytes.
   *
   * @return true when {@link #FLAG_PASSPHRASE} is set
   */
  public boolean hasPassphrase() {
    return (flags & FLAG_PASSPHRASE) != 0;
  }

  /**
   * Returns the encryption mode bits of {@link #flags()}.
   *
   * @return one of the {@code ENCRYPTION_*} constants
   */
  public int encryptionMode() {
    return flags & ENCRYPTION_MASK;
  }

  /**
   * Encodes this header.
   *
   * @return 64 bytes
   */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC);
    b.putShort((short) versionMajor);
    b.putShort((short) versionMinor);
    b.putInt(headerCrc);
    b.putLong(directoryOffset);
    b.putLong(directorySize);
    b.putInt((int) entryCount);
    b.putInt(contentVersion);
    b.putInt(flags);
    b.put(reserved);
    return b.array();
  }

  /**
   * Says whether bytes start with the archive magic: a cheap test of what a file is, before
   * opening it as an archive.
   *
   * @param first the file's first bytes (at least 8 for a true answer)
   * @return true if they start with the magic
   */
  public static boolean startsWithMagic(byte[] first) {
    return first.length >= MAGIC.length && Hex.matches(first, 0, MAGIC);
  }

  /**
   * Decodes and validates a header: magic, header CRC (when recorded), major version, flags.
   *
   * @param bytes at least 64 bytes read from offset 0
   * @return the header
   * @throws CorruptArchiveException if the magic or the header CRC is wrong, or a size does not fit
   *     in 63 bits
   * @throws UnsupportedArchiveException if the major version is not 1, or reserved flags are set
   */
  public static Header decode(byte[] bytes) throws CorruptArchiveException,
      UnsupportedArchiveException {
    if (bytes.length < SIZE) {
      throw new CorruptArchiveException(
          "header is truncated: " + bytes.length + " bytes, need " + SIZE);
    }
    if (!Hex.matches(bytes, 0, MAGIC)) {
      throw new CorruptArchiveException("not an Engram archive: header magic is "
          + Hex.of(bytes, 0, MAGIC.length) + ", expected " + Hex.of(MAGIC, 0, MAGIC.length));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.position(MAGIC.length);
    int major = Short.toUnsignedInt(b.getShort());
    int minor = Short.toUnsignedInt(b.getShort());
    int crc = b.getInt();
    long dirOffset = b.getLong();
    long dirSize = b.getLong();
    long count = Integer.toUnsignedLong(b.getInt());
    int contentVersion = b.getInt();
    int flags = b.getInt();
    byte[] reserved = new byte[RESERVED_BYTES];
    b.get(reserved);

    if (crc != 0 && crc != crcOf(bytes)) {
      throw new CorruptArchiveException(String.format(
          "header CRC32 mismatch: recorded %08x, bytes 0-11 give %08x", crc, crcOf(bytes)));
    }
    if (major != VERSION_MAJOR) {
      throw new UnsupportedArchiveException("format version " + major + "." + minor
          + " is not supported (this library reads version " + VERSION_MAJOR + ".x)");
    }
    if ((flags & ENCRYPTION_MASK) == ENCRYPTION_MASK) {
      throw new UnsupportedArchiveException(
          "header flags select encryption mode 3, which is reserved");
    }
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new UnsupportedArchiveException(String.format(
          "header flags %08x set reserved bits this version does not know", flags));
    }
    if ((flags & FLAG_PASSPHRASE) != 0 && (flags & ENCRYPTION_MASK) == ENCRYPTION_NONE) {
      throw new CorruptArchiveException("header flags mark a passphrase, but no encryption mode");
    }
    if ((flags & FLAG_SEGMENTED) != 0 && (flags & ENCRYPTION_MASK) == ENCRYPTION_NONE) {
      throw new CorruptArchiveException("header flags mark segmented encryption, but no"
          + " encryption mode");
    }
    if (dirOffset < 0 || dirSize < 0) {
      throw new CorruptArchiveException("header directory offset "
          + Long.toUnsignedString(dirOffset) + " or size " + Long.toUnsignedString(dirSize)
          + " is beyond 2^63");
    }
    return new Header(major, minor, crc, dirOffset, dirSize, count, contentVersion, flags,
        reserved);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Header h && java.util.Arrays.equals(encode(), h.encode());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "Header[version=" + versionMajor + "." + versionMinor + ", directoryOffset="
        + directoryOffset + ", directorySize=" + directorySize + ", entryCount=" + entryCount
        + ", flags=" + flags + "]";
  }

  private static int crcOf(byte[] headerBytes) {
    CRC32 crc = new CRC32();
    crc.update(headerBytes, 0, CRC_COVERED_BYTES);
    return (int) crc.getValue();
  }
}
