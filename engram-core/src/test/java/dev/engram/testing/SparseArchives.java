package dev.engram.testing;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.EndRecord;
import dev.engram.format.Header;
import dev.engram.format.LocalEntryHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Archives larger than 4 GiB that cost little disk: an archive written by {@link ArchiveWriter}
 * is copied with a hole of zeros inserted after its header, so that every entry, the directory
 * and the end record lie beyond the hole. The hole is either unused (any archive that does not
 * seal its body whole: payloads sealed per file bind the key and the path, never the offset) or
 * the payload of a stored entry put first, whose content is zeros with a few markers written at
 * chosen positions (an unencrypted archive). On a file system with sparse files only the copied
 * entries and the markers take disk space. Shared with engram-sqlite's tests (the test jar).
 */
public final class SparseArchives {
  private SparseArchives() {}

  /**
   * Copies {@code archive} to {@code target} with {@code gap} unused bytes (a hole) after the
   * header, every entry and the directory moved by {@code gap}.
   *
   * @param archive an archive not sealed as a whole
   * @param target the file to write
   * @param gap bytes to insert
   * @return {@code target}
   * @throws IOException if reading or writing fails
   */
  public static Path withGap(Path archive, Path target, long gap) throws IOException {
    return copy(archive, target, gap, null, Map.of());
  }

  /**
   * Copies {@code archive} to {@code target} with a stored entry put first: {@code size} bytes of
   * zeros (a hole) but for {@code markers} (content offset to bytes), whose CRC32 is computed
   * here; every other entry and the directory come after it.
   *
   * @param archive an unencrypted archive
   * @param target the file to write
   * @param path the new entry's path
   * @param size its size
   * @param markers bytes at content offsets inside the entry, not overlapping
   * @return {@code target}
   * @throws IOException if reading or writing fails
   */
  public static Path withSparseEntryFirst(Path archive, Path target, String path, long size,
      Map<Long, byte[]> markers) throws IOException {
    return copy(archive, target, size, path, markers);
  }

  /**
   * Zeros, as a stream: what a hole holds, without reading it (reading a file's hole costs as
   * much as writing it).
   *
   * @param size bytes
   * @return a stream of {@code size} zeros
   */
  public static InputStream zeros(long size) {
    return new InputStream() {
      private long left = size;

      @Override
      public int read() {
        return left-- > 0 ? 0 : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        Arrays.fill(b, off, off + n, (byte) 0);
        left -= n;
        return n;
      }
    };
  }

  /**
   * Byte {@code i} of a sparse entry's content.
   *
   * @param markers as given to {@link #withSparseEntryFirst}
   * @param i content offset
   * @return the marker's byte there, else 0
   */
  public static byte sparseByte(Map<Long, byte[]> markers, long i) {
    for (Map.Entry<Long, byte[]> marker : markers.entrySet()) {
      long from = marker.getKey();
      if (i >= from && i < from + marker.getValue().length) {
        return marker.getValue()[(int) (i - from)];
      }
    }
    return 0;
  }

  private static Path copy(Path archive, Path target, long hole, String sparsePath,
      Map<Long, byte[]> markers) throws IOException {
    try (FileChannel in = FileChannel.open(archive);
        FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      Header header = Header.decode(read(in, 0, Header.SIZE));
      if (header.encryptionMode() == Header.ENCRYPTION_ARCHIVE) {
        throw new IllegalArgumentException("a body sealed whole cannot be moved");
      }
      if (sparsePath != null && header.encryptionMode() != Header.ENCRYPTION_NONE) {
        throw new IllegalArgumentException("a stored entry of an encrypted archive is sealed");
      }
      int count = (int) header.entryCount();
      byte[] directory = read(in, header.directoryOffset(), count * DirectoryEntry.SIZE);
      List<DirectoryEntry> entries = new ArrayList<>();
      long shift = hole;
      if (sparsePath != null) {
        int pathLength = sparsePath.getBytes(StandardCharsets.UTF_8).length;
        DirectoryEntry sparse = new DirectoryEntry(Header.SIZE, hole, hole,
            sparseCrc(hole, markers), 1_577_836_800L, CompressionMethod.NONE, 0, sparsePath,
            pathLength);
        entries.add(sparse);
        byte[] local = LocalEntryHeader.matching(sparse).encode();
        out.write(ByteBuffer.wrap(local), Header.SIZE);
        for (Map.Entry<Long, byte[]> marker : new TreeMap<>(markers).entrySet()) {
          if (marker.getKey() < 0 || marker.getKey() + marker.getValue().length > hole) {
            throw new IllegalArgumentException("marker at " + marker.getKey() + " outside");
          }
          out.write(ByteBuffer.wrap(marker.getValue()),
              sparse.payloadOffset() + marker.getKey());
        }
        shift += local.length;
      }
      for (int i = 0; i < count; i++) {
        DirectoryEntry entry =
            DirectoryEntry.decode(directory, i * DirectoryEntry.SIZE, i, header.directoryOffset());
        entries.add(entry.movedTo(entry.path(), entry.pathLength(), entry.dataOffset() + shift));
      }
      long data = header.directoryOffset() - Header.SIZE;
      for (long done = 0; done < data; ) {
        done += in.transferTo(Header.SIZE + done, data - done, out.position(
            Header.SIZE + shift + done));
      }
      long directoryOffset = header.directoryOffset() + shift;
      ByteBuffer encoded = ByteBuffer.allocate(entries.size() * DirectoryEntry.SIZE)
          .order(ByteOrder.LITTLE_ENDIAN);
      entries.forEach(e -> e.encodeTo(encoded));
      Header moved = Header.of(directoryOffset, (long) entries.size() * DirectoryEntry.SIZE,
          entries.size(), header.contentVersion(), header.flags(), header.reserved());
      out.write(encoded.flip(), directoryOffset);
      out.write(ByteBuffer.wrap(EndRecord.matching(moved).encode()),
          directoryOffset + encoded.capacity());
      out.write(ByteBuffer.wrap(moved.encode()), 0);
    }
    return target;
  }

  private static byte[] read(FileChannel in, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (in.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("archive ends at " + (position + buffer.position()));
      }
    }
    return buffer.array();
  }

  /** CRC32 of zeros with markers, computed without materialising the content. */
  private static int sparseCrc(long size, Map<Long, byte[]> markers) {
    CRC32 crc = new CRC32();
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    long position = 0;
    for (Map.Entry<Long, byte[]> marker : new TreeMap<>(markers).entrySet()) {
      zerosUntil(crc, zeros, position, marker.getKey());
      crc.update(marker.getValue());
      position = marker.getKey() + marker.getValue().length;
    }
    zerosUntil(crc, zeros, position, size);
    return (int) crc.getValue();
  }

  private static void zerosUntil(CRC32 crc, ByteBuffer zeros, long from, long to) {
    for (long at = from; at < to; ) {
      int n = (int) Math.min(zeros.capacity(), to - at);
      crc.update(zeros.clear().limit(n));
      at += n;
    }
  }
}
