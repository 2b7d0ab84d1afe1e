package dev.engram.hadoop;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The archives an {@link EngramFileSystem} has open, at most a fixed number, least recently used
 * evicted first: a job that reads ten thousand entries of one archive opens it once. An archive is
 * opened once even when many threads ask for it at the same time, and opened again when the
 * underlying file's length or modification time has changed (checked at most once per interval).
 *
 * <p>Thread-safe.
 */
final class OpenArchives implements Closeable {
  /** Opens an archive; the status is the underlying file's, read just before. */
  interface Opener {
    OpenArchive open(Path archive, long now) throws IOException;

    FileStatus status(Path archive) throws IOException;
  }

  /** One archive's place in the cache; its lock makes concurrent opens of it wait for one. */
  private static final class Slot {
    OpenArchive archive;
    boolean removed;
  }

  private final int capacity;
  private final long checkIntervalNanos;
  private final Opener opener;
  private final LinkedHashMap<Path, Slot> slots = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  OpenArchives(int capacity, long checkIntervalNanos, Opener opener) {
    if (capacity < 1) {
      throw new IllegalArgumentException("at least one archive must be allowed open, not "
          + capacity);
    }
    this.capacity = capacity;
    this.checkIntervalNanos = checkIntervalNanos;
    this.opener = opener;
  }

  /**
   * Leases the archive at an underlying path, opening it if needed.
   *
   * @throws IOException if it cannot be opened, or this cache is closed
   */
  OpenArchive.Lease lease(Path archive) throws IOException {
    while (true) {
      Slot slot;
      synchronized (this) {
        if (closed) {
          throw new IOException("the engram file system is closed");
        }
        slot = slots.computeIfAbsent(archive, key -> new Slot());
      }
      OpenArchive.Lease lease;
      List<Slot> evicted;
      synchronized (slot) {
        if (slot.removed) {
          continue; // evicted between the two locks: take a new slot
        }
        long now = System.nanoTime();
        OpenArchive current = slot.archive;
        if (current != null && now - current.checkedAt > checkIntervalNanos) {
          FileStatus status;
          try {
            status = opener.status(archive);
          } catch (IOException e) {
            slot.archive = null; // gone or unreachable: let go of the file
            current.evict();
            throw e;
          }
          if (unchanged(current, status)) {
            current.checkedAt = now;
          } else {
            slot.archive = null;
            current.evict();
            current = null;
          }
        }
        if (current == null) {
          current = opener.open(archive, now);
          slot.archive = current;
        }
        lease = current.lease();
        if (lease == null) {
          slot.archive = null; // closed under us (the cache was closed): retry
          continue;
        }
      }
      synchronized (this) {
        evicted = overflow();
      }
      closeAll(evicted);
      return lease;
    }
  }

  private static boolean unchanged(OpenArchive archive, FileStatus now) {
    FileStatus then = archive.status();
    return then.getLen() == now.getLen() && then.getModificationTime() == now.getModificationTime();
  }

  /**
   * Removes the least recently used slots beyond the capacity from the map; the caller closes
   * their archives, outside this object's lock (a slot's lock may be held by a slow open).
   */
  private List<Slot> overflow() {
    List<Slot> out = new ArrayList<>();
    Iterator<Map.Entry<Path, Slot>> it = slots.entrySet().iterator();
    int excess = slots.size() - capacity;
    while (excess-- > 0 && it.hasNext()) {
      out.add(it.next().getValue());
      it.remove();
    }
    return out;
  }

  /** Marks removed slots so, and evicts their archives (closed once no lease holds them). */
  private static void closeAll(List<Slot> removed) throws IOException {
    IOException failure = null;
    for (Slot slot : removed) {
      OpenArchive archive;
      synchronized (slot) {
        slot.removed = true;
        archive = slot.archive;
        slot.archive = null;
      }
      if (archive == null) {
        continue;
      }
      try {
        archive.evict();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The number of archives open (for tests). */
  synchronized int size() {
    return slots.size();
  }

  /**
   * Closes every archive that no stream holds; the others close when their streams do. Closing
   * again does nothing.
   */
  @Override
  public void close() throws IOException {
    List<Slot> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(slots.values());
      slots.clear();
    }
    closeAll(all);
  }
}
