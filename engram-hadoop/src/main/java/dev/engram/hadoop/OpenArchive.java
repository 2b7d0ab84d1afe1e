package dev.engram.hadoop;

import java.io.Closeable;
import java.io.IOException;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * One archive opened by an {@link EngramFileSystem}: its {@code engram:} java.nio file system (the
 * tree of names, and the reader) and the underlying file's status when it was opened. Shared by
 * every operation and stream on the archive; each holds a {@link Lease}, and the archive closes
 * when it has been evicted from the cache and its last lease is released.
 *
 * <p>Thread-safe.
 */
final class OpenArchive {
  private final dev.engram.nio.EngramFileSystem files;
  private final FileStatus status;
  private int leases;
  private boolean evicted;
  private boolean closed;
  /** When the underlying status was last compared with {@link #status} (nanoTime). */
  volatile long checkedAt;
  /** The archive file's blocks, asked for once (a name node call each time otherwise). */
  private volatile BlockLocation[] blocks;

  OpenArchive(dev.engram.nio.EngramFileSystem files, FileStatus status, long now) {
    this.files = files;
    this.status = status;
    this.checkedAt = now;
  }

  /** The archive's files. */
  dev.engram.nio.EngramFileSystem files() {
    return files;
  }

  /** The underlying archive file's status when it was opened. */
  FileStatus status() {
    return status;
  }

  /**
   * The underlying file system's blocks of the whole archive file, asked for at the first call
   * and kept with the archive (they are hints for scheduling; a reopened archive asks again).
   */
  BlockLocation[] blocks(FileSystem underlying) throws IOException {
    BlockLocation[] known = blocks;
    if (known == null) {
      known = underlying.getFileBlockLocations(status, 0, Math.max(1, status.getLen()));
      if (known == null) {
        known = new BlockLocation[0];
      }
      blocks = known; // a benign race: every thread gets the same answer
    }
    return known;
  }

  /** A lease, or null if the archive has closed meanwhile. */
  synchronized Lease lease() {
    if (closed) {
      return null;
    }
    leases++;
    return new Lease();
  }

  /** Closes the archive now if nothing holds it, else when its last lease is released. */
  void evict() throws IOException {
    synchronized (this) {
      evicted = true;
      if (leases > 0 || closed) {
        return;
      }
      closed = true;
    }
    files.close();
  }

  private void release() throws IOException {
    synchronized (this) {
      leases--;
      if (leases > 0 || !evicted || closed) {
        return;
      }
      closed = true;
    }
    files.close();
  }

  /** A hold on the archive that keeps it open; closing it more than once does nothing. */
  final class Lease implements Closeable {
    private boolean released;

    OpenArchive archive() {
      return OpenArchive.this;
    }

    @Override
    public void close() throws IOException {
      synchronized (OpenArchive.this) {
        if (released) {
          return;
        }
        released = true;
      }
      release();
    }
  }
}
