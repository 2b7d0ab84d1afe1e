package dev.engram.format;

import dev.engram.CorruptArchiveException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The variable-length local header ({@code LOCA}) in front of every payload. This class is the
 * only code that encodes or decodes it. Immutable (the path bytes are copied in and out) and
 * thread-safe.
 *
 * @param uncompressedSize size of the content
 * @param storedSize size of the payload that follows this header
 * @param crc32 CRC32 of the uncompressed, unencrypted content
 * @param modifiedTime modified time in Unix seconds, as stored
 * @param methodId compression method id as stored (not necessarily a known one)
 * @param flags entry flags as stored
 * @param pathBytes the path in UTF-8, without the terminating zero
 */
public record LocalEntryHeader(
    long uncompressedSize,
    long storedSize,
    int crc32,
    long modifiedTime,
    int methodId,
    int flags,
    byte[] pathBytes) {

  /** Size of the fixed part, before the path. */
  public static final int FIXED_SIZE = 40;

  private static final byte[] SIGNATURE = {'L', 'O', 'C', 'A'};

  /** Copies the path bytes, so that the header cannot change after it is made. */
  public LocalEntryHeader {
    pathBytes = pathBytes.clone();
  }

  /**
   * Returns the path in UTF-8, without the terminating zero.
   *
   * @return a copy of the path bytes
   */
  @Override
  public byte[] pathBytes() {
    return pathBytes.clone();
  }

  /**
   * Creates the local header that matches a directory entry.
   *
   * @param entry the directory entry
   * @return the local header
   */
  public static LocalEntryHeader matching(DirectoryEntry entry) {
    return new LocalEntryHeader(entry.uncompressedSize(), entry.storedSize(), entry.crc32(),
        entry.modifiedTime(), entry.methodId(), entry.explicitFrames() ? entry.flags() : 0,
        entry.path().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Returns the encoded size of a local header.
   *
   * @param pathLength path length in UTF-8 bytes
   * @return {@code 40 + pathLength + 1}
   */
  public static int sizeFor(int pathLength) {
    return FIXED_SIZE + pathLength + 1;
  }

  /**
   * Encodes this header, path and terminating zero included.
   *
   * @return {@link #sizeFor}{@code (pathBytes.length)} bytes
   */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(sizeFor(pathBytes.length)).order(ByteOrder.LITTLE_ENDIAN);
    b.put(SIGNATURE);
    b.putLong(uncompressedSize);
    b.putLong(storedSize);
    b.putInt(crc32);
    b.putLong(modifiedTime);
    b.put((byte) methodId);
    b.put((byte) flags);
    b.putShort((short) pathBytes.length);
    b.putInt(0); // reserved
    b.put(pathBytes);
    b.put((byte) 0);
    return b.array();
  }

  /**
   * Decodes a local header.
   *
   * @param bytes buffer holding the header
   * @param offset where the header starts in {@code bytes}
   * @param available bytes of the header present in the buffer
   * @param fileOffset the header's absolute offset, for messages
   * @return the header
   * @throws CorruptArchiveException if the signature is wrong, the header is cut short, or the
   *     path is not zero-terminated
   */
  public static LocalEntryHeader decode(byte[] bytes, int offset, int available, long fileOffset)
      throws CorruptArchiveException {
    // messages are built only on failure: every read of an entry decodes its local header
    if (available < FIXED_SIZE + 1) {
      throw new CorruptArchiveException("local header at offset " + fileOffset + " is truncated");
    }
    if (!Hex.matches(bytes, offset, SIGNATURE)) {
      throw new CorruptArchiveException("local header at offset " + fileOffset
          + ": signature is " + Hex.signature(bytes, offset) + ", expected 'LOCA'");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, available).order(ByteOrder.LITTLE_ENDIAN);
    b.position(offset + SIGNATURE.length);
    long uncompressed = b.getLong();
    long stored = b.getLong();
    int crc = b.getInt();
    long mtime = b.getLong();
    int methodId = Byte.toUnsignedInt(b.get());
    int flags = Byte.toUnsignedInt(b.get());
    int pathLength = Short.toUnsignedInt(b.getShort());
    if (available < sizeFor(pathLength)) {
      throw new CorruptArchiveException("local header at offset " + fileOffset + ": path of "
          + pathLength + " bytes does not fit the space the directory gives");
    }
    int pathStart = offset + FIXED_SIZE;
    if (bytes[pathStart + pathLength] != 0) {
      throw new CorruptArchiveException("local header at offset " + fileOffset
          + ": path is not terminated by a zero byte");
    }
    byte[] path = Arrays.copyOfRange(bytes, pathStart, pathStart + pathLength);
    return new LocalEntryHeader(uncompressed, stored, crc, mtime, methodId, flags, path);
  }

  /**
   * Checks that this local header agrees with the directory entry that points at it: path, both
   * sizes, CRC and method (and the frame size of an entry with explicit frames).
   *
   * @param entry the directory entry
   * @throws CorruptArchiveException naming the first field that differs
   */
  public void checkAgrees(DirectoryEntry entry) throws CorruptArchiveException {
    String localPath = Utf8.decode(pathBytes, 0, pathBytes.length);
    if (!entry.path().equals(localPath)) {
      throw new CorruptArchiveException(where(entry) + " names '"
          + (localPath == null ? Hex.of(pathBytes, 0, Math.min(32, pathBytes.length)) : localPath)
          + "' instead");
    }
    mismatch(entry, "uncompressed size", uncompressedSize, entry.uncompressedSize());
    mismatch(entry, "stored size", storedSize, entry.storedSize());
    if (crc32 != entry.crc32()) {
      throw new CorruptArchiveException(String.format(
          "%s: CRC32 is %08x there, %08x in the directory", where(entry), crc32, entry.crc32()));
    }
    mismatch(entry, "compression method", methodId, entry.methodId());
    if (entry.explicitFrames()) {
      mismatch(entry, "frame size exponent", flags, entry.flags());
    }
  }

  /** Names the header in messages, which are built only on failure. */
  private static String where(DirectoryEntry entry) {
    return "entry '" + entry.path() + "': local header at offset " + entry.dataOffset();
  }

  private static void mismatch(DirectoryEntry entry, String field, long local, long directory)
      throws CorruptArchiveException {
    if (local != directory) {
      throw new CorruptArchiveException(where(entry) + ": " + field + " is "
          + Long.toUnsignedString(local) + " there, " + Long.toUnsignedString(directory)
          + " in the directory");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LocalEntryHeader h
        && uncompressedSize == h.uncompressedSize
        && storedSize == h.storedSize
        && crc32 == h.crc32
        && modifiedTime == h.modifiedTime
        && methodId == h.methodId
        && flags == h.flags
        && Arrays.equals(pathBytes, h.pathBytes);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(uncompressedSize) * 31 + Arrays.hashCode(pathBytes);
  }

  @Override
  public String toString() {
    return "LocalEntryHeader[path=" + new String(pathBytes, StandardCharsets.UTF_8)
        + ", uncompressedSize=" + uncompressedSize + ", storedSize=" + storedSize + "]";
  }
}
