package dev.engram.format;

import dev.engram.CompressionMethod;
import dev.engram.CorruptArchiveException;
import dev.engram.UnsupportedArchiveException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One 320-byte central directory entry. This class is the only code that encodes or decodes it.
 * Immutable and thread-safe.
 *
 * @param dataOffset absolute offset of the entry's local header ({@code LOCA})
 * @param uncompressedSize size of the content
 * @param storedSize size of the payload that follows the local header
 * @param crc32 CRC32 of the uncompressed, unencrypted content
 * @param modifiedTime modified time in Unix seconds, as stored (unsigned)
 * @param method compression method (the codec; see {@code explicitFrames})
 * @param flags entry flags as stored (engram-rs writes 0); with explicit frames, the base-2
 *     logarithm of the frame size
 * @param path entry path, decoded from UTF-8
 * @param pathLength length of the path in UTF-8 bytes
 * @param explicitFrames whether the entry uses the explicit frame size extension: its payload is
 *     framed whatever its size, in frames of {@code 1 << flags} bytes, and its stored method id
 *     is the codec's id plus {@link #EXPLICIT_FRAMES}
 */
public record DirectoryEntry(
    long dataOffset,
    long uncompressedSize,
    long storedSize,
    int crc32,
    long modifiedTime,
    CompressionMethod method,
    int flags,
    String path,
    int pathLength,
    boolean explicitFrames) {

  /** Size of one directory entry in bytes. */
  public static final int SIZE = 320;
  /**
   * Added to the codec's id in the stored method byte of an entry with an explicit frame size
   * (an extension): 0x11 is LZ4 and 0x12 Zstandard in explicit frames. engram-rs does not know
   * these ids and refuses the archive.
   */
  public static final int EXPLICIT_FRAMES = 0x10;

  /**
   * Checks that an explicitly framed entry has a codec and a valid frame size.
   *
   * @throws IllegalArgumentException if not
   */
  public DirectoryEntry {
    if (explicitFrames && (method == CompressionMethod.NONE || flags < Framing.MIN_FRAME_SHIFT
        || flags > Framing.MAX_FRAME_SHIFT)) {
      throw new IllegalArgumentException("explicit frames need a codec and a frame size of 2^"
          + Framing.MIN_FRAME_SHIFT + " to 2^" + Framing.MAX_FRAME_SHIFT + " bytes: " + method
          + ", 2^" + flags);
    }
  }

  /**
   * Creates an entry in the base format's layout (no explicit frame size).
   *
   * @param dataOffset absolute offset of the entry's local header
   * @param uncompressedSize size of the content
   * @param storedSize size of the payload
   * @param crc32 CRC32 of the content
   * @param modifiedTime modified time in Unix seconds
   * @param method compression method
   * @param flags entry flags
   * @param path entry path
   * @param pathLength length of the path in UTF-8 bytes
   */
  public DirectoryEntry(long dataOffset, long uncompressedSize, long storedSize, int crc32,
      long modifiedTime, CompressionMethod method, int flags, String path, int pathLength) {
    this(dataOffset, uncompressedSize, storedSize, crc32, modifiedTime, method, flags, path,
        pathLength, false);
  }

  /**
   * Returns this entry as another archive records a copy of it: the same sizes, CRC32, time,
   * method and frames, under another path at another offset.
   *
   * @param newPath the copy's path
   * @param newPathLength its length in UTF-8 bytes
   * @param newDataOffset where the copy's local header starts
   * @return the copy's entry
   */
  public DirectoryEntry movedTo(String newPath, int newPathLength, long newDataOffset) {
    return new DirectoryEntry(newDataOffset, uncompressedSize, storedSize, crc32, modifiedTime,
        method, flags, newPath, newPathLength, explicitFrames);
  }

  /**
   * Returns the method byte as stored: the codec's id, plus {@link #EXPLICIT_FRAMES} for an
   * entry with an explicit frame size.
   *
   * @return 0 to 255
   */
  public int methodId() {
    return method.id() | (explicitFrames ? EXPLICIT_FRAMES : 0);
  }

  /**
   * Says whether the payload is a sequence of frames: in the base format when the entry is
   * compressed and at least 50 MiB, and always with an explicit frame size.
   *
   * @return true for a framed payload
   */
  public boolean isFramed() {
    return explicitFrames || Framing.isFramed(uncompressedSize, method);
  }

  /**
   * Returns the uncompressed size of the payload's frames.
   *
   * @return 65536 for a framed entry of the base format, the entry's own size with explicit
   *     frames, 0 for an entry that is not framed
   */
  public int frameSize() {
    return explicitFrames ? 1 << flags : isFramed() ? Framing.FRAME_SIZE : 0;
  }
  /** Largest path the format can hold, in UTF-8 bytes. */
  public static final int MAX_PATH_BYTES = 255;

  private static final byte[] SIGNATURE = {'C', 'E', 'N', 'T'};
  private static final int PATH_OFFSET = 44;
  private static final int PATH_FIELD = 256;

  /**
   * Returns the offset just past this entry's payload.
   *
   * @return {@code dataOffset + local header size + storedSize}
   */
  public long payloadEnd() {
    return payloadOffset() + storedSize;
  }

  /**
   * Returns the absolute offset of this entry's payload.
   *
   * @return {@code dataOffset} plus the size of the local header
   */
  public long payloadOffset() {
    return dataOffset + LocalEntryHeader.sizeFor(pathLength);
  }

  /**
   * Appends this entry's 320 bytes to a buffer.
   *
   * @param out a little-endian buffer with at least 320 bytes remaining
   */
  public void encodeTo(ByteBuffer out) {
    ByteBuffer b = out.order(ByteOrder.LITTLE_ENDIAN);
    int start = b.position();
    byte[] pathBytes = path.getBytes(StandardCharsets.UTF_8);
    b.put(SIGNATURE);
    b.putLong(dataOffset);
    b.putLong(uncompressedSize);
    b.putLong(storedSize);
    b.putInt(crc32);
    b.putLong(modifiedTime);
    b.put((byte) methodId());
    b.put((byte) flags);
    b.putShort((short) pathBytes.length);
    b.put(pathBytes);
    // zero padding of the path field and the 20 reserved bytes
    b.put(new byte[SIZE - PATH_OFFSET - pathBytes.length]);
    assert b.position() - start == SIZE;
  }

  /**
   * Decodes and validates one directory entry: signature, path length and encoding, sizes and
   * method. Whether its offsets lie inside the data region is checked by {@link ArchiveLayout}.
   *
   * @param bytes buffer holding the entry
   * @param offset where the entry starts in {@code bytes}
   * @param index the entry's position in the directory, for messages
   * @param fileOffset the entry's absolute offset in the archive, for messages
   * @return the entry
   * @throws CorruptArchiveException if a field is malformed
   * @throws UnsupportedArchiveException if the compression method is unknown
   */
  public static DirectoryEntry decode(byte[] bytes, int offset, int index, long fileOffset)
      throws CorruptArchiveException, UnsupportedArchiveException {
    // messages are built only on failure: a directory of a million entries decodes them all
    if (!Hex.matches(bytes, offset, SIGNATURE)) {
      throw new CorruptArchiveException(where(index, fileOffset, null) + ": signature is "
          + Hex.signature(bytes, offset) + ", expected 'CENT'");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.position(offset + SIGNATURE.length);
    long dataOffset = b.getLong();
    long uncompressed = b.getLong();
    long stored = b.getLong();
    int crc = b.getInt();
    long mtime = b.getLong();
    int methodId = Byte.toUnsignedInt(b.get());
    int flags = Byte.toUnsignedInt(b.get());
    int pathLength = Short.toUnsignedInt(b.getShort());

    if (pathLength > MAX_PATH_BYTES) {
      throw new CorruptArchiveException(where(index, fileOffset, null) + ": path length "
          + pathLength + " exceeds " + MAX_PATH_BYTES + " bytes");
    }
    String path = Utf8.decode(bytes, offset + PATH_OFFSET, pathLength);
    if (path == null) {
      throw new CorruptArchiveException(where(index, fileOffset, null)
          + ": path is not valid UTF-8: "
          + Hex.of(bytes, offset + PATH_OFFSET, Math.min(pathLength, 32)));
    }
    if (dataOffset < 0 || uncompressed < 0 || stored < 0) {
      throw new CorruptArchiveException(where(index, fileOffset, path) + ": offset "
          + Long.toUnsignedString(dataOffset) + ", size " + Long.toUnsignedString(uncompressed)
          + " or stored size " + Long.toUnsignedString(stored) + " is beyond 2^63");
    }
    boolean explicitFrames = (methodId & ~0x0F) == EXPLICIT_FRAMES;
    int codecId = explicitFrames ? methodId & 0x0F : methodId;
    CompressionMethod method = CompressionMethod.fromId(codecId).orElseThrow(
        () -> new UnsupportedArchiveException(where(index, fileOffset, path)
            + ": compression method " + methodId + " is not supported"));
    if (explicitFrames && method == CompressionMethod.NONE) {
      throw new CorruptArchiveException(where(index, fileOffset, path) + ": method " + methodId
          + " asks for explicit frames of uncompressed content");
    }
    if (explicitFrames && (flags < Framing.MIN_FRAME_SHIFT || flags > Framing.MAX_FRAME_SHIFT)) {
      throw new CorruptArchiveException(where(index, fileOffset, path) + ": explicit frame size"
          + " 2^" + flags + " is not 2^" + Framing.MIN_FRAME_SHIFT + " to 2^"
          + Framing.MAX_FRAME_SHIFT);
    }
    assert PATH_OFFSET + PATH_FIELD + 20 == SIZE;
    return new DirectoryEntry(dataOffset, uncompressed, stored, crc, mtime, method, flags, path,
        pathLength, explicitFrames);
  }

  /** Names a directory entry in messages: its index, offset and (once decoded) path. */
  private static String where(int index, long fileOffset, String path) {
    return "directory entry " + index + " (offset " + fileOffset + ")"
        + (path == null ? "" : " '" + path + "'");
  }
}
