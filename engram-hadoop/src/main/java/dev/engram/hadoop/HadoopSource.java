package dev.engram.hadoop;

import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * An archive on any Hadoop file system (HDFS, S3A, ABFS, the local one), read with positioned
 * reads of one open stream: what {@link dev.engram.ArchiveReader#open(ArchiveSource,
 * dev.engram.ReaderOptions)} needs to read an archive where Hadoop keeps it.
 *
 * <pre>{@code
 * FileSystem fs = FileSystem.get(URI.create("hdfs://namenode:8020/"), conf);
 * try (ArchiveReader reader = ArchiveReader.open(
 *     HadoopSource.open(fs, new Path("/data/docs.eng")), ReaderOptions.defaults())) { ... }
 * }</pre>
 *
 * <p>A source is {@linkplain #isRemote() remote} unless it is on the local file system, so the
 * reader puts its block cache and read-ahead in front of it. On the local file system the raw file
 * system is read, not its checksummed view: the archive's own CRC32s protect it, and a checked
 * positioned read would open the file again each time. The {@link #identity()} pins the length and
 * modification time seen at open; {@link #currentIdentity()} asks the file system again, so that
 * a reader can tell that the archive was replaced.
 *
 * <p>Thread-safe: reads at positions run in parallel where the file system's streams allow it
 * (Hadoop requires positioned reads to be thread-safe). If the stream fails because it was closed
 * under the reads (an interrupted thread closes a local file's channel), it is opened again once
 * and the read retried, so one cancelled task does not break the archive for the others.
 */
public final class HadoopSource implements ArchiveSource {
  private final FileSystem fileSystem;
  private final Path path;
  private final String name;
  private final SourceIdentity identity;
  private final FileStatus status;
  private final long size;
  private final boolean remote;
  private final boolean byteBufferReads;
  private final Object reopenLock = new Object();
  private volatile FSDataInputStream in;
  private volatile boolean closed;

  private HadoopSource(FileSystem fileSystem, Path path, FileStatus status, FSDataInputStream in) {
    this.fileSystem = fileSystem;
    this.path = path;
    this.name = path.toString();
    this.size = status.getLen();
    this.status = status;
    this.identity = identityOf(name, status);
    this.remote = !"file".equals(fileSystem.getUri().getScheme());
    this.byteBufferReads = in.hasCapability(StreamCapabilities.PREADBYTEBUFFER);
    this.in = in;
  }

  /**
   * Opens an archive file of a Hadoop file system.
   *
   * @param fileSystem the file system that holds it (a {@link ChecksumFileSystem} such as the
   *     local one is read through its raw file system)
   * @param path the archive; made qualified by the file system
   * @return the source, to be closed (or handed to a reader that closes it)
   * @throws FileNotFoundException if there is no such file, or it is a directory
   * @throws IOException if the file system cannot open it
   */
  public static HadoopSource open(FileSystem fileSystem, Path path) throws IOException {
    Objects.requireNonNull(fileSystem, "fileSystem");
    Objects.requireNonNull(path, "path");
    FileSystem raw = fileSystem instanceof ChecksumFileSystem checked
        ? checked.getRawFileSystem() : fileSystem;
    Path qualified = raw.makeQualified(path);
    FileStatus status = raw.getFileStatus(qualified);
    if (status.isDirectory()) {
      throw new FileNotFoundException(qualified + " is a directory, not an archive");
    }
    return new HadoopSource(raw, qualified, status, raw.open(qualified));
  }

  static SourceIdentity identityOf(String name, FileStatus status) {
    return new SourceIdentity(name, status.getLen(), "mtime=" + status.getModificationTime());
  }

  /** The archive file's status when it was opened. */
  FileStatus status() {
    return status;
  }

  /**
   * Returns the archive's path, qualified by its file system.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    int length = dst.remaining();
    if (position < 0 || position > size - length) {
      throw new EOFException(name + ": a read of " + length + " bytes at " + position
          + " is outside the archive's " + size + " bytes");
    }
    if (length == 0) {
      return;
    }
    int start = dst.position();
    try {
      read(in(), position, dst);
    } catch (ClosedChannelException | FSError e) {
      IOException cause = e instanceof FSError error ? unwrap(error) : (IOException) e;
      if (!(cause instanceof ClosedChannelException)) {
        throw cause;
      }
      if (cause instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
        throw interrupted(cause);
      }
      dst.position(start);
      try {
        read(reopen((ClosedChannelException) cause), position, dst); // another thread's interrupt
      } catch (FSError again) {
        throw unwrap(again);
      }
    }
  }

  /**
   * The I/O failure the local file system reports as an {@link FSError} (an {@link Error}, which
   * would otherwise kill the caller), as the {@link IOException} it is.
   */
  private IOException unwrap(FSError error) {
    if (error.getCause() instanceof IOException cause) {
      return cause;
    }
    return new IOException(name + ": " + error.getMessage(), error);
  }

  private void read(FSDataInputStream stream, long position, ByteBuffer dst) throws IOException {
    if (byteBufferReads) {
      stream.readFully(position, dst);
    } else if (dst.hasArray()) {
      stream.readFully(position, dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      dst.position(dst.limit());
    } else {
      byte[] chunk = new byte[Math.min(dst.remaining(), 64 * 1024)];
      long at = position;
      while (dst.hasRemaining()) {
        int n = Math.min(chunk.length, dst.remaining());
        stream.readFully(at, chunk, 0, n);
        dst.put(chunk, 0, n);
        at += n;
      }
    }
  }

  private FSDataInputStream in() throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    return in;
  }

  /** Opens the stream again after it was closed under a read, unless this source is closed. */
  private FSDataInputStream reopen(ClosedChannelException cause) throws IOException {
    FSDataInputStream failed = in;
    synchronized (reopenLock) {
      if (closed) {
        throw cause;
      }
      if (in == failed) {
        FSDataInputStream fresh = fileSystem.open(path);
        in = fresh;
        try {
          failed.close();
        } catch (IOException e) {
          // it was broken already
        }
      }
      return in;
    }
  }

  private InterruptedIOException interrupted(IOException cause) {
    InterruptedIOException e = new InterruptedIOException(name + ": interrupted while reading");
    e.initCause(cause);
    return e;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public SourceIdentity identity() {
    return identity;
  }

  /**
   * Asks the file system for the archive's length and modification time now.
   *
   * @throws FileNotFoundException if the archive is gone
   * @throws IOException if the file system cannot say
   */
  @Override
  public SourceIdentity currentIdentity() throws IOException {
    return identityOf(name, fileSystem.getFileStatus(path));
  }

  /** True unless the archive is on the local file system. */
  @Override
  public boolean isRemote() {
    return remote;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  /** Closes the stream. Closing again does nothing. */
  @Override
  public void close() throws IOException {
    synchronized (reopenLock) {
      if (closed) {
        return;
      }
      closed = true;
      in.close();
    }
  }

  @Override
  public String toString() {
    return "HadoopSource[" + name + "]";
  }
}
