package dev.engram.format;

import dev.engram.CompressionMethod;
import dev.engram.CorruptArchiveException;
import dev.engram.UnsupportedArchiveException;
import dev.engram.codec.Codec;
import dev.engram.codec.Codecs;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Writes an archive's central directory, and reads it back checking every entry before anything
 * trusts it: each
 * record decodes, lies inside the data region, has a stored size its content size, method and
 * encryption make possible (which bounds every allocation a later read makes), and no two entries
 * share bytes. Stateless and thread-safe.
 */
public final class Directory {
  /** The largest array a JVM reliably allocates. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  /** Directory entries decoded per bulk read, or encoded per write. */
  private static final int CHUNK = 4096;

  private Directory() {}

  /** Where {@link #write} puts the encoded directory. */
  @FunctionalInterface
  public interface Sink {
    /**
     * Takes bytes of the directory.
     *
     * @param bytes source
     * @param offset start
     * @param length count
     * @throws IOException if writing fails
     */
    void write(byte[] bytes, int offset, int length) throws IOException;
  }

  /**
   * Encodes a directory, in bounded chunks.
   *
   * @param entries the entries, in directory order
   * @param out where the bytes go
   * @throws IOException if writing fails
   */
  public static void write(DirectoryEntries entries, Sink out) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(DirectoryEntry.SIZE
        * Math.max(1, Math.min(entries.size(), CHUNK))).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < entries.size(); i++) {
      if (!chunk.hasRemaining()) {
        out.write(chunk.array(), 0, chunk.position());
        chunk.clear();
      }
      entries.get(i).encodeTo(chunk);
    }
    out.write(chunk.array(), 0, chunk.position());
  }

  /**
   * Reads and checks every directory entry.
   *
   * @param source the archive's plain bytes (for whole-archive encryption, its decrypted body)
   * @param header the archive's header, already checked against the end record and the size
   * @param sizes how the encryption around payloads changes their stored size
   * @return the entries, in directory order
   * @throws CorruptArchiveException naming the first entry that is malformed, out of bounds,
   *     impossible for its size, or overlapping another
   * @throws UnsupportedArchiveException if there are more entries than a Java array holds
   * @throws IOException if reading fails
   */
  public static DirectoryEntries read(ArchiveSource source, Header header, SealedSizes sizes)
      throws IOException {
    if (header.entryCount() > MAX_ARRAY) {
      throw new UnsupportedArchiveException(
          header.entryCount() + " entries are more than this reader can index");
    }
    int count = (int) header.entryCount();
    DirectoryEntries entries = new DirectoryEntries(count);
    byte[] chunk = new byte[DirectoryEntry.SIZE * Math.max(1, Math.min(count, CHUNK))];
    for (int first = 0; first < count; first += CHUNK) {
      int n = Math.min(CHUNK, count - first);
      long chunkOffset = header.directoryOffset() + (long) first * DirectoryEntry.SIZE;
      source.readFully(chunkOffset, chunk, 0, n * DirectoryEntry.SIZE);
      for (int j = 0; j < n; j++) {
        int index = first + j;
        DirectoryEntry entry = DirectoryEntry.decode(chunk, j * DirectoryEntry.SIZE, index,
            chunkOffset + (long) j * DirectoryEntry.SIZE);
        if (entry.explicitFrames() && !header.hasExplicitFrames()) {
          throw new CorruptArchiveException("directory entry " + index + " '" + entry.path()
              + "' has an explicit frame size, which the header does not declare");
        }
        ArchiveLayout.checkEntryBounds(entry, index, header.directoryOffset());
        checkStoredSize(entry, index, sizes);
        entries.add(entry);
      }
    }
    checkNoOverlap(entries);
    return entries;
  }

  /**
   * Checks that no two entries share bytes of the data region. Overlapping entries are how
   * "overlapping" zip bombs make one payload count many times; engram-rs never writes them.
   */
  private static void checkNoOverlap(DirectoryEntries entries) throws CorruptArchiveException {
    int count = entries.size();
    boolean inOrder = true;
    for (int i = 1; i < count && inOrder; i++) {
      inOrder = entries.dataOffset(i - 1) <= entries.dataOffset(i);
    }
    if (inOrder) {
      // entries written in one pass are in offset order: nothing to sort, nothing to hold
      for (int i = 1; i < count; i++) {
        checkApart(entries, i - 1, i);
      }
      return;
    }
    Integer[] byOffset = new Integer[count];
    for (int i = 0; i < count; i++) {
      byOffset[i] = i;
    }
    Arrays.sort(byOffset, Comparator.comparingLong(entries::dataOffset));
    for (int i = 1; i < count; i++) {
      checkApart(entries, byOffset[i - 1], byOffset[i]);
    }
  }

  /** Checks that entry {@code next}, at or after entry {@code previous}, starts after its end. */
  private static void checkApart(DirectoryEntries entries, int previous, int next)
      throws CorruptArchiveException {
    long end = entries.payloadEnd(previous);
    if (entries.dataOffset(next) < end) {
      throw new CorruptArchiveException("entries '" + entries.path(previous) + "' (offset "
          + entries.dataOffset(previous) + " to " + end + ") and '" + entries.path(next)
          + "' (offset " + entries.dataOffset(next) + ") overlap");
    }
  }

  /**
   * Checks that a payload's stored size is possible for its content size and method, once the
   * encryption around it is taken away.
   */
  private static void checkStoredSize(DirectoryEntry entry, int index, SealedSizes sizes)
      throws CorruptArchiveException {
    long size = entry.uncompressedSize();
    long storedSize = entry.storedSize();
    // messages are built only on failure: the check runs for every entry at open
    if (entry.method() == CompressionMethod.NONE) {
      if (sizes.sealedSize(size) != storedSize) {
        throw new CorruptArchiveException(where(entry, index)
            + ": stored uncompressed, but its stored size " + storedSize
            + " differs from its size " + size
            + (sizes.wrapsPayloads() ? " (and its encryption)" : ""));
      }
      return;
    }
    Codec codec = Codecs.of(entry.method());
    long frames = entry.isFramed() ? Framing.frameCount(size, entry.frameSize()) : -1;
    long low = sizes.leastPlainSize(storedSize, frames);
    long high = sizes.mostPlainSize(storedSize, frames);
    if (high < 0) {
      throw new CorruptArchiveException(where(entry, index) + ": " + storedSize
          + " stored bytes cannot hold the encryption around its payload");
    }
    if (frames < 0) {
      long most = codec.maxCompressedLength((int) size);
      long least = codec.minCompressedLength((int) size);
      if (low > most || high < least) {
        throw new CorruptArchiveException(where(entry, index) + ": " + storedSize
            + " stored bytes cannot be " + entry.method() + " data for " + size
            + " bytes (it needs " + least + " to " + most
            + (sizes.wrapsPayloads() ? ", and its encryption)" : ")"));
      }
      return;
    }
    int frameSize = entry.frameSize();
    long least = Framing.PREFIX;
    if (frames > 0) {
      int last = Framing.frameLength(size, frames - 1, frameSize);
      least += frames * Framing.PREFIX + (frames - 1) * codec.minCompressedLength(frameSize)
          + codec.minCompressedLength(last);
    }
    // the frames at their worst, and engram-java's frame index after them
    long most = Framing.PREFIX + frames * (Framing.PREFIX + codec.maxCompressedLength(frameSize))
        + (frames <= Framing.MAX_INDEXED_FRAMES ? Framing.indexLength(frames) : 0);
    if (frames > Framing.MAX_FRAMES || high < least || low > most) {
      throw new CorruptArchiveException(where(entry, index) + ": " + storedSize
          + " stored bytes cannot hold the " + frames + " frames its size of " + size
          + " bytes needs");
    }
  }

  /** Names an entry in messages, which are built only on failure. */
  private static String where(DirectoryEntry entry, int index) {
    return "directory entry " + index + " '" + entry.path() + "'";
  }
}
