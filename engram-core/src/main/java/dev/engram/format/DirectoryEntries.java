package dev.engram.format;

import dev.engram.CompressionMethod;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A central directory held compactly: the fields of every entry in primitive arrays and the paths
 * as UTF-8 bytes, in pages of {@value #PAGE} entries, about 45 bytes an entry plus its path,
 * where a {@link DirectoryEntry} object with its path string takes some 170. A writer of a
 * million files, or a reader of an archive of them, holds its directory in a third of the memory
 * (issue 20: memory bounded by the entries, at a small cost each), and a page is never copied to
 * grow. Entries come back as {@link DirectoryEntry} values made on each call.
 *
 * <p>Not thread-safe while entries are added; safe to read from several threads once complete
 * and published safely (as a reader's, made before the reader is).
 */
public final class DirectoryEntries {
  /** Entries a page holds: a full page's arrays are some 170 KiB besides its paths. */
  static final int PAGE = 4096;
  private static final int PAGE_SHIFT = 12;
  /** Longs an entry keeps: data offset, size, stored size, modified time. */
  private static final int LONGS = 4;

  private Page[] pages = new Page[1];
  private int size;
  /** The number of entries a reader announced, to size its pages; 0 for a writer. */
  private final int expected;

  /** An empty directory, for a writer. */
  public DirectoryEntries() {
    expected = 0;
  }

  /**
   * An empty directory with room for {@code expected} entries, for a reader that knows their
   * number: its pages are made at their final size.
   *
   * @param expected the number of entries to come
   */
  public DirectoryEntries(int expected) {
    pages = new Page[Math.max(1, (expected + PAGE - 1) >>> PAGE_SHIFT)];
    this.expected = expected;
  }

  /** The entries of one page, column by column. */
  private static final class Page {
    long[] numbers;
    int[] crc32;
    /** Method id (with the explicit-frames bit) in the low byte, flags in the high one. */
    char[] methodAndFlags;
    /** Where each path ends in {@link #paths}; it starts where the previous one ends. */
    int[] pathEnd;
    byte[] paths;
    int count;

    Page(int capacity, int pathCapacity) {
      numbers = new long[capacity * LONGS];
      crc32 = new int[capacity];
      methodAndFlags = new char[capacity];
      pathEnd = new int[capacity];
      paths = new byte[pathCapacity];
    }

    int pathStart(int slot) {
      return slot == 0 ? 0 : pathEnd[slot - 1];
    }

    void ensureCapacity(int pathBytes) {
      if (count == crc32.length) {
        int capacity = Math.min(PAGE, count * 2);
        numbers = Arrays.copyOf(numbers, capacity * LONGS);
        crc32 = Arrays.copyOf(crc32, capacity);
        methodAndFlags = Arrays.copyOf(methodAndFlags, capacity);
        pathEnd = Arrays.copyOf(pathEnd, capacity);
      }
      int end = pathStart(count) + pathBytes;
      if (end > paths.length) {
        // at most PAGE * 255 bytes: no overflow
        paths = Arrays.copyOf(paths, Math.max(end, paths.length * 2));
      }
    }
  }

  /**
   * Adds an entry at the end.
   *
   * @param entry the entry
   * @throws IllegalArgumentException if its path length is not that of its path in UTF-8
   * @throws IllegalStateException if the directory already holds {@link Integer#MAX_VALUE}
   *     entries
   */
  public void add(DirectoryEntry entry) {
    byte[] path = entry.path().getBytes(StandardCharsets.UTF_8);
    if (path.length != entry.pathLength()) {
      throw new IllegalArgumentException("path length " + entry.pathLength() + " of '"
          + entry.path() + "' is not its " + path.length + " bytes in UTF-8");
    }
    if (size == Integer.MAX_VALUE) {
      throw new IllegalStateException("a directory holds at most " + size + " entries");
    }
    int pageIndex = size >>> PAGE_SHIFT;
    if (pageIndex == pages.length) {
      pages = Arrays.copyOf(pages, pages.length * 2);
    }
    Page page = pages[pageIndex];
    if (page == null) {
      int left = expected - size;
      // a reader's pages are made at their size; a writer's first grows from a few entries
      int capacity = left > 0 ? Math.min(PAGE, left) : pageIndex == 0 ? 16 : PAGE;
      page = new Page(capacity, capacity * 32);
      pages[pageIndex] = page;
    }
    page.ensureCapacity(path.length);
    int slot = page.count;
    int at = slot * LONGS;
    page.numbers[at] = entry.dataOffset();
    page.numbers[at + 1] = entry.uncompressedSize();
    page.numbers[at + 2] = entry.storedSize();
    page.numbers[at + 3] = entry.modifiedTime();
    page.crc32[slot] = entry.crc32();
    page.methodAndFlags[slot] = (char) (entry.methodId() | entry.flags() << 8);
    int start = page.pathStart(slot);
    System.arraycopy(path, 0, page.paths, start, path.length);
    page.pathEnd[slot] = start + path.length;
    page.count++;
    size++;
  }

  /**
   * Returns the number of entries.
   *
   * @return how many entries were added
   */
  public int size() {
    return size;
  }

  /**
   * Returns an entry, made anew.
   *
   * @param index its position, from 0
   * @return the entry
   * @throws IndexOutOfBoundsException if there is no such entry
   */
  public DirectoryEntry get(int index) {
    Page page = page(index);
    int slot = index & (PAGE - 1);
    int at = slot * LONGS;
    int methodId = page.methodAndFlags[slot] & 0xFF;
    boolean explicitFrames = (methodId & ~0x0F) == DirectoryEntry.EXPLICIT_FRAMES;
    // added from a valid DirectoryEntry, so the id is one of a known method
    CompressionMethod method =
        CompressionMethod.fromId(explicitFrames ? methodId & 0x0F : methodId).orElseThrow();
    int start = page.pathStart(slot);
    int length = page.pathEnd[slot] - start;
    return new DirectoryEntry(page.numbers[at], page.numbers[at + 1], page.numbers[at + 2],
        page.crc32[slot], page.numbers[at + 3], method, page.methodAndFlags[slot] >>> 8,
        new String(page.paths, start, length, StandardCharsets.UTF_8), length, explicitFrames);
  }

  /**
   * Returns an entry's path.
   *
   * @param index its position, from 0
   * @return its path, decoded anew
   * @throws IndexOutOfBoundsException if there is no such entry
   */
  public String path(int index) {
    Page page = page(index);
    int slot = index & (PAGE - 1);
    int start = page.pathStart(slot);
    return new String(page.paths, start, page.pathEnd[slot] - start, StandardCharsets.UTF_8);
  }

  /**
   * Returns where an entry's local header starts.
   *
   * @param index its position, from 0
   * @return its data offset
   * @throws IndexOutOfBoundsException if there is no such entry
   */
  public long dataOffset(int index) {
    return page(index).numbers[(index & (PAGE - 1)) * LONGS];
  }

  /**
   * Returns an entry's content size.
   *
   * @param index its position, from 0
   * @return its uncompressed size
   * @throws IndexOutOfBoundsException if there is no such entry
   */
  public long uncompressedSize(int index) {
    return page(index).numbers[(index & (PAGE - 1)) * LONGS + 1];
  }

  /**
   * Returns where an entry's payload ends: its data offset, its local header and its stored size.
   *
   * @param index its position, from 0
   * @return the offset just past its payload
   * @throws IndexOutOfBoundsException if there is no such entry
   */
  public long payloadEnd(int index) {
    Page page = page(index);
    int slot = index & (PAGE - 1);
    int start = page.pathStart(slot);
    return page.numbers[slot * LONGS] + LocalEntryHeader.sizeFor(page.pathEnd[slot] - start)
        + page.numbers[slot * LONGS + 2];
  }

  /** A hash of an entry's path bytes, the same as {@link #hash(byte[])} of them. */
  int pathHash(int index) {
    Page page = page(index);
    int slot = index & (PAGE - 1);
    int start = page.pathStart(slot);
    return hash(page.paths, start, page.pathEnd[slot]);
  }

  /**
   * Says whether an entry's path is exactly these UTF-8 bytes, without decoding it.
   *
   * @param index its position, from 0
   * @param path the path's UTF-8 bytes
   * @return true if they are the entry's path
   * @throws IndexOutOfBoundsException if there is no such entry
   */
  public boolean pathEquals(int index, byte[] path) {
    Page page = page(index);
    int slot = index & (PAGE - 1);
    int start = page.pathStart(slot);
    return Arrays.equals(page.paths, start, page.pathEnd[slot], path, 0, path.length);
  }

  /** Whether two entries have the same path. */
  boolean samePath(int a, int b) {
    Page pageA = page(a);
    Page pageB = page(b);
    int slotA = a & (PAGE - 1);
    int slotB = b & (PAGE - 1);
    return Arrays.equals(pageA.paths, pageA.pathStart(slotA), pageA.pathEnd[slotA],
        pageB.paths, pageB.pathStart(slotB), pageB.pathEnd[slotB]);
  }

  static int hash(byte[] path) {
    return hash(path, 0, path.length);
  }

  private static int hash(byte[] bytes, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + bytes[i];
    }
    // spread the bits: the table is indexed by the low ones
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    return h;
  }

  private Page page(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("entry " + index + " of " + size);
    }
    return pages[index >>> PAGE_SHIFT];
  }
}
