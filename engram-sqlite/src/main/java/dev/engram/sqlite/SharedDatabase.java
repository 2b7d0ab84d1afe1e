package dev.engram.sqlite;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One database entry open for SQLite: the name connections open it by, and its pages, shared by
 * every connection to it and counted, so that the pages are freed when the last user lets go.
 *
 * <p>Holders: {@link VfsReader#openDatabase} while it connects, and each SQLite file handle
 * ({@code xOpen} to {@code xClose}). Thread-safe.
 */
final class SharedDatabase {
  private final String vfsName;
  private final String entryPath;
  private final VfsReader owner;
  private final DatabasePages pages;
  private final Consumer<SharedDatabase> onFree;
  private final AtomicInteger holds = new AtomicInteger(1);

  /** Creates a database held once, by its creator. */
  SharedDatabase(String vfsName, String entryPath, VfsReader owner, DatabasePages pages,
      Consumer<SharedDatabase> onFree) {
    this.vfsName = vfsName;
    this.entryPath = entryPath;
    this.owner = owner;
    this.pages = pages;
    this.onFree = onFree;
  }

  /** The name SQLite opens it by, through the {@code engram} VFS. */
  String vfsName() {
    return vfsName;
  }

  /** The entry it is read from. */
  String entryPath() {
    return entryPath;
  }

  long size() {
    return pages.size();
  }

  /**
   * Fills {@code dst} from {@code offset}, within the size.
   *
   * @throws IllegalStateException if the {@link VfsReader} it came from is closed
   */
  void read(long offset, MemorySegment dst) throws IOException {
    owner.ensureOpen();
    pages.read(offset, dst);
  }

  /** Adds a holder, unless the pages were already freed. */
  boolean acquire() {
    int n;
    do {
      n = holds.get();
      if (n == 0) {
        return false;
      }
    } while (!holds.compareAndSet(n, n + 1));
    return true;
  }

  /** Drops a holder; the last one frees the pages. */
  void release() {
    int n = holds.decrementAndGet();
    if (n == 0) {
      try {
        onFree.accept(this);
      } finally {
        pages.close();
      }
    } else if (n < 0) {
      throw new IllegalStateException("database " + vfsName + " released more than acquired");
    }
  }

  @Override
  public String toString() {
    return "SharedDatabase[" + entryPath + " as " + vfsName + "]";
  }
}
