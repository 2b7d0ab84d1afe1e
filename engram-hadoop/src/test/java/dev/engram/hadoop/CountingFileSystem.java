package dev.engram.hadoop;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The local file system under another scheme, {@code countfs}, that counts the streams it opens
 * and can break them (closed channels, as HDFS reports them): a Hadoop file system that is
 * not the local one, for the tests.
 */
public class CountingFileSystem extends RawLocalFileSystem {
  static final AtomicInteger OPENS = new AtomicInteger();
  static final AtomicInteger BLOCK_CALLS = new AtomicInteger();
  static final List<BreakableStream> STREAMS = new CopyOnWriteArrayList<>();

  @Override
  public URI getUri() {
    return URI.create("countfs:///");
  }

  @Override
  public String getScheme() {
    return "countfs";
  }

  /** Statuses with a fixed owner (the local one looks owners up by file: URI). */
  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    FileStatus s = super.getFileStatus(f);
    return new FileStatus(s.getLen(), s.isDirectory(), 1, s.getBlockSize(),
        s.getModificationTime(), 0, FsPermission.getFileDefault(), "owner", "group",
        makeQualified(f));
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    BreakableStream in = new BreakableStream(super.open(f, bufferSize));
    OPENS.incrementAndGet();
    STREAMS.add(in);
    return new FSDataInputStream(in);
  }

  /** Two blocks per file, on hosts "first" and "second", split in the middle. */
  @Override
  public BlockLocation[] getFileBlockLocations(FileStatus file, long start, long len) {
    BLOCK_CALLS.incrementAndGet();
    long half = file.getLen() / 2;
    return new BlockLocation[] {
        new BlockLocation(new String[] {"first:9866"}, new String[] {"first"}, 0, half),
        new BlockLocation(new String[] {"second:9866"}, new String[] {"second"}, half,
            file.getLen() - half)};
  }

  static void reset() {
    BLOCK_CALLS.set(0);
    OPENS.set(0);
    STREAMS.clear();
  }

  /** A stream whose positioned reads fail, once broken, as a closed channel's do. */
  static final class BreakableStream extends FSInputStream {
    private final FSDataInputStream in;
    volatile boolean broken;

    BreakableStream(FSDataInputStream in) {
      this.in = in;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) throws IOException {
      if (broken) {
        throw new ClosedChannelException();
      }
      return in.read(position, buffer, offset, length);
    }

    @Override
    public void seek(long pos) throws IOException {
      in.seek(pos);
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
