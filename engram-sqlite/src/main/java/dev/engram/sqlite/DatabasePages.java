package dev.engram.sqlite;

import dev.engram.ArchiveReader;
import dev.engram.EncryptionMode;
import dev.engram.EntryInfo;
import dev.engram.RandomAccessEntry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of a database entry as the virtual file system serves them to SQLite. Thread-safe:
 * every connection to the database reads the same pages.
 */
interface DatabasePages extends AutoCloseable {
  /** Entries at most this large that must be decoded whole are decoded once, off-heap. */
  long MAX_IMAGE = Integer.MAX_VALUE;

  /**
   * Returns the database's size in bytes.
   *
   * @return bytes
   */
  long size();

  /**
   * Fills {@code dst} (all of it) with the bytes at {@code offset}; the caller keeps the range
   * within {@link #size()}.
   */
  void read(long offset, MemorySegment dst) throws IOException;

  /** Frees what the pages hold; called once, when no connection uses them any more. */
  @Override
  void close();

  /**
   * Chooses how to serve an entry. Uncompressed and framed entries (64 KiB frames from 50 MiB,
   * or an explicit frame size) are read in place, page by page (framed ones through the reader's
   * shared frame cache); an entry that can only be decoded whole (compressed in one block, or
   * encrypted as a whole by engram-rs) is decoded once into an off-heap image.
   */
  static DatabasePages of(ArchiveReader archive, EntryInfo entry) throws IOException {
    Optional<EncryptionMode> encryption = archive.encryption();
    boolean wholeEntryEncryption = encryption.isPresent()
        && encryption.get() == EncryptionMode.PER_FILE;
    boolean inPlace = entry.isFramed() || entry.compression() == dev.engram.CompressionMethod.NONE
        && (!wholeEntryEncryption || entry.uncompressedSize() > MAX_IMAGE);
    if (inPlace) {
      return new EntryPages(archive.openRandomAccess(entry.path()));
    }
    return MemoryImage.decode(archive, entry);
  }

  /** Pages read in place through a {@link RandomAccessEntry}. */
  final class EntryPages implements DatabasePages {
    private final RandomAccessEntry entry;

    EntryPages(RandomAccessEntry entry) {
      this.entry = entry;
    }

    @Override
    public long size() {
      return entry.size();
    }

    @Override
    public void read(long offset, MemorySegment dst) throws IOException {
      entry.readFully(offset, dst.asByteBuffer());
    }

    @Override
    public void close() {
      // the entry holds nothing of its own; its frames live in the reader's cache
    }
  }

  /** A database decoded whole into native memory, freed deterministically on close. */
  final class MemoryImage implements DatabasePages {
    /** Native bytes held by images not yet closed, in this JVM (for leak checks). */
    static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final Arena arena;
    private final MemorySegment image;

    private MemoryImage(Arena arena, MemorySegment image) {
      this.arena = arena;
      this.image = image;
    }

    static MemoryImage decode(ArchiveReader archive, EntryInfo entry) throws IOException {
      long size = entry.uncompressedSize();
      if (size > MAX_IMAGE) {
        throw new IOException("database entry '" + entry.path() + "' is " + size
            + " bytes, too large to decode whole; store large databases compressed (framed)"
            + " or uncompressed");
      }
      Arena arena = Arena.ofShared();
      try (InputStream in = archive.openStream(entry.path())) {
        MemorySegment image = arena.allocate(Math.max(1, size), 4096);
        byte[] buffer = new byte[64 * 1024];
        long at = 0;
        int n;
        // the stream checks the entry's CRC32 before it returns its last bytes
        while ((n = in.read(buffer)) > 0) {
          if (at + n > size) {
            throw new IOException("entry '" + entry.path() + "' holds more than its "
                + size + " bytes");
          }
          MemorySegment.copy(buffer, 0, image, ValueLayout.JAVA_BYTE, at, n);
          at += n;
        }
        if (at != size) {
          throw new IOException("entry '" + entry.path() + "' ended at " + at + " of "
              + size + " bytes");
        }
        LIVE_BYTES.addAndGet(size);
        return new MemoryImage(arena, image.asSlice(0, size));
      } catch (IOException | RuntimeException | Error e) {
        arena.close();
        throw e;
      }
    }

    @Override
    public long size() {
      return image.byteSize();
    }

    @Override
    public void read(long offset, MemorySegment dst) {
      MemorySegment.copy(image, offset, dst, 0, dst.byteSize());
    }

    @Override
    public void close() {
      arena.close();
      LIVE_BYTES.addAndGet(-image.byteSize());
    }
  }
}
