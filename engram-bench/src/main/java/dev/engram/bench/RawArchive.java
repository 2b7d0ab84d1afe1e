package dev.engram.bench;

import dev.engram.CompressionMethod;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each entry's payload lies in an engram archive, read straight from the bytes
 * (docs/FORMAT.md: header, central directory, local headers) rather than through engram-core's
 * reader, so that the raw baseline owes nothing to the code it is compared with. Unencrypted
 * archives in the base format only.
 */
final class RawArchive {
  private static final int HEADER = 64;
  private static final int DIRECTORY_ENTRY = 320;
  private static final int LOCAL_HEADER = 40;

  /**
   * One entry's payload.
   *
   * @param path the entry path
   * @param offset where the payload starts in the archive file
   * @param storedSize the payload's length
   * @param size the uncompressed size
   * @param method the compression method
   */
  record Payload(String path, long offset, long storedSize, long size, CompressionMethod method) {
    /** Whether engram stores this payload as 64 KiB frames. */
    boolean framed() {
      return method != CompressionMethod.NONE && size >= RawPacker.FRAMED_FROM;
    }
  }

  private RawArchive() {}

  /** Returns every entry's payload, in directory order. */
  static List<Payload> payloads(FileChannel archive) throws IOException {
    ByteBuffer header = read(archive, 0, HEADER);
    long directoryOffset = header.getLong(16);
    int count = header.getInt(32);
    ByteBuffer directory = read(archive, directoryOffset, (long) count * DIRECTORY_ENTRY);
    List<Payload> payloads = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int at = i * DIRECTORY_ENTRY;
      long local = directory.getLong(at + 4);
      int pathLength = Short.toUnsignedInt(directory.getShort(at + 42));
      byte[] path = new byte[pathLength];
      directory.get(at + 44, path);
      payloads.add(new Payload(new String(path, StandardCharsets.UTF_8),
          local + LOCAL_HEADER + pathLength + 1, directory.getLong(at + 20),
          directory.getLong(at + 12), CompressionMethod.fromId(directory.get(at + 40)).orElseThrow()));
    }
    return payloads;
  }

  /** Reads {@code length} bytes at {@code position}, little-endian. */
  static ByteBuffer read(FileChannel channel, long position, long length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(length)).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException("archive ends before byte " + (position + length));
      }
    }
    return buffer.flip();
  }
}
