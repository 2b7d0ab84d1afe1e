package dev.engram;

import dev.engram.format.DirectoryEntry;
import dev.engram.format.EndRecord;
import dev.engram.format.Header;
import dev.engram.format.LocalEntryHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds archives the way engram-rs may have written them, with names our writer refuses
 * ({@code ../x}, absolute paths, duplicates): stored entries only, header CRC 0.
 */
final class RawArchive {
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();
  private final List<DirectoryEntry> directory = new ArrayList<>();

  /** Adds a stored entry with a modified time. */
  RawArchive stored(String path, byte[] content, long modifiedSeconds) {
    int pathLength = path.getBytes(StandardCharsets.UTF_8).length;
    DirectoryEntry entry = new DirectoryEntry(Header.SIZE + data.size(), content.length,
        content.length, TestData.crc(content), modifiedSeconds, CompressionMethod.NONE, 0, path,
        pathLength);
    data.writeBytes(LocalEntryHeader.matching(entry).encode());
    data.writeBytes(content);
    directory.add(entry);
    return this;
  }

  /** Adds a stored entry modified at 2020-01-01T00:00:00Z. */
  RawArchive stored(String path, byte[] content) {
    return stored(path, content, 1_577_836_800L);
  }

  /** Writes the archive to a file. */
  Path writeTo(Path file) throws IOException {
    long directoryOffset = Header.SIZE + data.size();
    ByteBuffer entries = ByteBuffer.allocate(directory.size() * DirectoryEntry.SIZE)
        .order(ByteOrder.LITTLE_ENDIAN);
    directory.forEach(e -> e.encodeTo(entries));
    Header header = new Header(1, 0, 0, directoryOffset,
        (long) directory.size() * DirectoryEntry.SIZE, directory.size(), 0, 0, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header.encode());
    out.writeBytes(data.toByteArray());
    out.writeBytes(entries.array());
    out.writeBytes(EndRecord.matching(header).encode());
    Files.write(file, out.toByteArray());
    return file;
  }
}
