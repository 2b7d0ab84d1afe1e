package dev.engram.io;

import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A source whose every read costs a round trip (a web server, object storage), behind one
 * bounded cache of 64 KiB blocks, so that whatever reads the archive (entries, frame indexes,
 * frames, the SQLite VFS) shares what was fetched, and fetches as little and as rarely as it
 * can:
 *
 * <ul>
 *   <li>Blocks are aligned to the archive's end, so that the last one is the archive's last 64
 *       KiB, which a remote source reads when it opens and keeps.
 *   <li>A read takes the blocks it finds in the cache; the ones missing are fetched at once,
 *       each run of adjacent missing blocks in one read of the source (one request).
 *   <li>A block is fetched once: a thread that needs a block another thread is fetching waits
 *       for it instead of asking again.
 *   <li>Reads that start where an earlier read ended (within a block) are a sequential stream.
 *       Once it has moved into its third block, the bytes after it are fetched ahead, on this
 *       source's own threads, in windows of 1 MiB, then 8 MiB, up to three windows ahead of the
 *       reads. Walking a framed entry's size prefixes, or reading an entry from start to end,
 *       thus costs a few large requests instead of one per frame; two reads in a row (a small
 *       read across two frames, an entry's header and then its first frame) fetch nothing ahead.
 *   <li>The least recently used blocks leave the cache first; it never holds more than its
 *       capacity. A read larger than a quarter of the capacity goes to the source directly.
 * </ul>
 *
 * <p>A failed fetch fails the reads that wait for it and leaves nothing in the cache, so the
 * next read asks again. The wrapped source checks what it fetches (an HTTP source pins the
 * archive's version); this class only keeps it.
 *
 * <p>Thread-safe. Closing it closes the wrapped source and stops the fetching threads.
 */
public final class CachingSource implements ArchiveSource {
  /** Bytes per cached block; blocks start at multiples of it. */
  public static final int BLOCK_SIZE = 64 * 1024;
  /**
   * Read-ahead windows, by how many blocks a stream has moved into: none for the first two, so
   * that two reads in a row (a small read across two frames of a framed entry, an entry's local
   * header and then its first frame, where a database's pages are then read anywhere) fetch
   * nothing ahead; then 1 MiB, then 8 MiB.
   */
  private static final int[] WINDOWS = {0, 0, 1 << 20, 8 << 20};
  /** How many windows ahead of a stream are fetched (or being fetched) at most. */
  private static final int WINDOWS_AHEAD = 3;
  /** Sequential streams followed at once (a reader's channels, the VFS, the frame walker). */
  private static final int STREAMS = 8;
  private static final int FETCH_THREADS = WINDOWS_AHEAD + 1;
  private static final long IDLE_SECONDS = 5;
  private static final AtomicInteger SOURCES = new AtomicInteger();

  private final ArchiveSource source;
  private final long size;
  /**
   * Blocks end at the archive's end, not start at its start: block b covers {@code [b * 64 KiB -
   * shift, (b + 1) * 64 KiB - shift)}, so the last block is the archive's last 64 KiB, which a
   * remote source fetches when it opens (the size comes with it) and keeps; the first block is
   * the short one.
   */
  private final long shift;
  private final long capacityBlocks;
  private final long directReadSize;
  /** Where read-ahead runs; null: none. */
  private final Executor fetchers;
  /** The pool this instance made for itself, shut down on close; null if given one. */
  private final ExecutorService ownPool;
  private final Object lock = new Object();
  /** Blocks by index, least recently used first. Guarded by {@link #lock}. */
  private final LinkedHashMap<Long, Block> blocks = new LinkedHashMap<>(64, 0.75f, true);
  /** Guarded by {@link #lock}. */
  private final Stream[] streams = new Stream[STREAMS];
  /** Guarded by {@link #lock}. */
  private int nextStream;
  private final LongAdder requests = new LongAdder();
  private final LongAdder bytesFetched = new LongAdder();
  private volatile boolean closed;

  /** A block: being fetched until its future completes with the bytes (or the failure). */
  private static final class Block {
    final long index;
    final CompletableFuture<byte[]> bytes = new CompletableFuture<>();

    Block(long index) {
      this.index = index;
    }
  }

  /** A sequential stream of reads: where the last one ended, and what is fetched ahead. */
  private static final class Stream {
    long end;
    int level;
    long aheadUntil;

    Stream(long end) {
      this.end = end;
      this.aheadUntil = end;
    }
  }

  /**
   * Wraps a source, with threads of its own for read-ahead (at most 4, daemons that end when
   * idle).
   *
   * @param source the source to fetch from; closed with this one
   * @param capacity most bytes to keep, at least one block
   * @return the caching source
   * @throws IllegalArgumentException if the capacity is smaller than one block
   */
  public static CachingSource over(ArchiveSource source, long capacity) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(FETCH_THREADS, FETCH_THREADS, IDLE_SECONDS,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads());
    pool.allowCoreThreadTimeOut(true);
    try {
      return new CachingSource(source, capacity, pool, pool);
    } catch (RuntimeException e) {
      pool.shutdownNow();
      throw e;
    }
  }

  /**
   * Wraps a source, with read-ahead run by a given executor ({@code Runnable::run} runs it on the
   * reading thread, which tests use to count requests exactly) or none at all.
   *
   * @param source the source to fetch from; closed with this one
   * @param capacity most bytes to keep, at least one block
   * @param readAhead where read-ahead runs; null for no read-ahead
   * @return the caching source
   * @throws IllegalArgumentException if the capacity is smaller than one block
   */
  public static CachingSource over(ArchiveSource source, long capacity, Executor readAhead) {
    return new CachingSource(source, capacity, readAhead, null);
  }

  private CachingSource(ArchiveSource source, long capacity, Executor fetchers,
      ExecutorService ownPool) {
    this.source = Objects.requireNonNull(source, "source");
    if (capacity < BLOCK_SIZE) {
      throw new IllegalArgumentException(
          "cache capacity " + capacity + " is smaller than one block of " + BLOCK_SIZE);
    }
    this.size = source.size();
    this.capacityBlocks = capacity / BLOCK_SIZE;
    this.shift = (BLOCK_SIZE - size % BLOCK_SIZE) % BLOCK_SIZE;
    this.directReadSize = Math.max(BLOCK_SIZE, capacity / 4);
    this.fetchers = fetchers;
    this.ownPool = ownPool;
  }

  private static ThreadFactory daemonThreads() {
    String prefix = "engram-fetch-" + SOURCES.incrementAndGet() + "-";
    AtomicInteger serial = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + serial.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String name() {
    return source.name();
  }

  @Override
  public SourceIdentity identity() {
    return source.identity();
  }

  @Override
  public SourceIdentity currentIdentity() throws IOException {
    return source.currentIdentity();
  }

  @Override
  public long size() {
    return size;
  }

  /** Says what the wrapped source says: a cache does not make a source local. */
  @Override
  public boolean isRemote() {
    return source.isRemote();
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  /**
   * Returns how many reads of the wrapped source this cache made (each a request of a remote
   * source).
   *
   * @return reads so far
   */
  public long requests() {
    return requests.sum();
  }

  /**
   * Returns how many bytes this cache read from the wrapped source.
   *
   * @return bytes so far
   */
  public long bytesFetched() {
    return bytesFetched.sum();
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    if (closed) {
      throw new IllegalStateException("archive " + name() + " is closed");
    }
    int length = dst.remaining();
    if (length == 0) {
      return;
    }
    if (position < 0 || position > size || length > size - position
        || length > directReadSize) {
      // out of bounds: the source says so in its words; too large: not worth caching
      fetch(position, dst);
      follow(position, length);
      return;
    }
    while (true) {
      try {
        readCached(position, dst);
        return;
      } catch (FetchInterrupted e) {
        // another thread's fetch of a block this read needs was interrupted: that is not this
        // thread's interrupt, so ask again (the failed blocks have left the cache)
      }
    }
  }

  private void readCached(long position, ByteBuffer dst) throws IOException {
    int length = dst.remaining();
    long first = blockOf(position);
    long last = blockOf(position + length - 1);
    List<Block> needed = new ArrayList<>((int) (last - first + 1));
    List<Block> toFetch = new ArrayList<>();
    List<List<Block>> ahead;
    synchronized (lock) {
      for (long b = first; b <= last; b++) {
        Block block = blocks.get(b);
        if (block == null) {
          block = new Block(b);
          blocks.put(b, block);
          toFetch.add(block);
        }
        needed.add(block);
      }
      ahead = readAhead(position, length);
      evict();
    }
    // every block claimed above must be completed by someone, whatever fails below
    for (List<Block> run : ahead) {
      scheduleRun(run);
    }
    fetchAll(runs(toFetch));
    ByteBuffer out = dst.duplicate();
    for (Block block : needed) {
      byte[] bytes = await(block);
      long blockStart = startOf(block.index);
      int from = (int) Math.max(0, position - blockStart);
      int to = (int) Math.min(bytes.length, position + length - blockStart);
      out.put(bytes, from, to - from);
    }
    dst.position(dst.limit());
  }

  /**
   * Fetches a range into the cache now, each run of missing blocks in one request, when it fits
   * in a quarter of the cache (otherwise does nothing: reads of it will fetch it, with read-ahead
   * if they are sequential). For a range that will be read in pieces, such as an archive's
   * directory, which the reader decodes a few thousand entries at a time.
   *
   * @param position where the range starts
   * @param length its length
   * @throws IOException if fetching fails
   */
  public void prefetch(long position, long length) throws IOException {
    if (closed) {
      throw new IllegalStateException("archive " + name() + " is closed");
    }
    if (length <= 0 || length > directReadSize || position < 0 || position > size - length) {
      return;
    }
    List<Block> toFetch = new ArrayList<>();
    synchronized (lock) {
      for (long b = blockOf(position); b <= blockOf(position + length - 1); b++) {
        if (!blocks.containsKey(b)) {
          Block block = new Block(b);
          blocks.put(b, block);
          toFetch.add(block);
        }
      }
      evict();
    }
    fetchAll(runs(toFetch));
  }

  /** Fetches runs in turn; if one fails, fails the rest too, so that nobody waits for them. */
  private void fetchAll(List<List<Block>> runs) throws IOException {
    for (int i = 0; i < runs.size(); i++) {
      try {
        fetchRun(runs.get(i));
      } catch (IOException | RuntimeException | Error e) {
        for (int j = i + 1; j < runs.size(); j++) {
          fail(runs.get(j), e);
        }
        throw e;
      }
    }
  }

  /** Reads straight from the source, counting the request. */
  private void fetch(long position, ByteBuffer dst) throws IOException {
    int length = dst.remaining();
    source.readFully(position, dst);
    requests.increment();
    bytesFetched.add(length);
  }

  /** Copies large ranges straight from the source (in its own pieces), past the cache. */
  @Override
  public void transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    if (count > directReadSize) {
      if (closed) {
        throw new IllegalStateException("archive " + name() + " is closed");
      }
      source.transferTo(position, count, target);
      follow(position, (int) Math.min(Integer.MAX_VALUE, count));
      return;
    }
    ArchiveSource.super.transferTo(position, count, target);
  }

  /** Notes a read that bypassed the cache, so that a stream of large reads is still seen. */
  private void follow(long position, int length) {
    synchronized (lock) {
      stream(position, length);
    }
  }

  /**
   * Follows the read in its stream and claims (as new blocks, fetched by whoever gets the runs)
   * the blocks that read-ahead should fetch now. Called under the lock.
   */
  private List<List<Block>> readAhead(long position, int length) {
    Stream stream = stream(position, length);
    if (fetchers == null || WINDOWS[stream.level] == 0) {
      return List.of();
    }
    // never more ahead than half the cache, so read-ahead does not evict itself
    long window = Math.min(WINDOWS[stream.level], Math.max(BLOCK_SIZE,
        capacityBlocks * BLOCK_SIZE / (2 * WINDOWS_AHEAD)));
    long want = Math.min(size, stream.end + WINDOWS_AHEAD * window);
    long from = Math.max(stream.aheadUntil, stream.end);
    if (want - from < window && want < size) {
      return List.of(); // enough is ahead already: fetch whole windows, not slivers
    }
    stream.aheadUntil = want;
    List<List<Block>> runs = new ArrayList<>();
    List<Block> run = new ArrayList<>();
    long runStart = -1;
    for (long b = blockOf(from); startOf(b) < want; b++) {
      boolean missing = !blocks.containsKey(b);
      if (!missing || (runStart >= 0 && endOf(b) - runStart > window)) {
        if (!run.isEmpty()) {
          runs.add(run);
          run = new ArrayList<>();
        }
        runStart = -1;
      }
      if (missing) {
        Block block = new Block(b);
        blocks.put(b, block);
        if (run.isEmpty()) {
          runStart = startOf(b);
        }
        run.add(block);
      }
    }
    if (!run.isEmpty()) {
      List<Block> previous = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (previous != null && previous.get(previous.size() - 1).index + 1 == run.get(0).index
          && run.size() * BLOCK_SIZE * 8L <= window) {
        previous.addAll(run); // a block or two left over: not a request of its own
      } else {
        runs.add(run);
      }
    }
    return runs;
  }

  /**
   * The stream a read continues, or a new one. A stream's window grows when a read carries it
   * into a new block: reads within one block (a header, then the entry after it; two small
   * frames side by side) are not yet a sequential read. Called under the lock.
   */
  private Stream stream(long position, int length) {
    long end = position + length;
    for (Stream stream : streams) {
      if (stream != null && position >= stream.end - BLOCK_SIZE
          && position <= stream.end + BLOCK_SIZE) {
        if (end > stream.end) {
          if (blockOf(end - 1) > blockOf(stream.end - 1)) {
            stream.level = Math.min(stream.level + 1, WINDOWS.length - 1);
          }
          stream.end = end;
        }
        return stream;
      }
    }
    Stream stream = new Stream(end);
    streams[nextStream] = stream;
    nextStream = (nextStream + 1) % STREAMS;
    return stream;
  }

  private long blockOf(long position) {
    return (position + shift) / BLOCK_SIZE;
  }

  private long startOf(long block) {
    return Math.max(0, block * BLOCK_SIZE - shift);
  }

  private long endOf(long block) {
    return Math.min(size, (block + 1) * BLOCK_SIZE - shift);
  }

  /** Splits blocks (in increasing order) into runs of adjacent ones. */
  private static List<List<Block>> runs(List<Block> blocks) {
    List<List<Block>> runs = new ArrayList<>();
    List<Block> run = new ArrayList<>();
    for (Block block : blocks) {
      if (!run.isEmpty() && run.get(run.size() - 1).index + 1 != block.index) {
        runs.add(run);
        run = new ArrayList<>();
      }
      run.add(block);
    }
    if (!run.isEmpty()) {
      runs.add(run);
    }
    return runs;
  }

  private void scheduleRun(List<Block> run) {
    try {
      fetchers.execute(() -> {
        try {
          fetchRun(run);
        } catch (IOException | RuntimeException e) {
          // the blocks carry the failure to any read that waits for them
        }
      });
    } catch (RejectedExecutionException e) {
      fail(run, new IOException("archive " + name() + " is closed", e));
    }
  }

  /** Fetches a run of adjacent blocks in one read and completes them. */
  private void fetchRun(List<Block> run) throws IOException {
    long start = startOf(run.get(0).index);
    long end = endOf(run.get(run.size() - 1).index);
    byte[] bytes = new byte[(int) (end - start)];
    try {
      fetch(start, ByteBuffer.wrap(bytes));
    } catch (IOException | RuntimeException | Error e) {
      fail(run, e);
      throw e;
    }
    if (run.size() == 1) {
      run.get(0).bytes.complete(bytes);
      return;
    }
    for (Block block : run) {
      int from = (int) (startOf(block.index) - start);
      int to = (int) (endOf(block.index) - start);
      block.bytes.complete(Arrays.copyOfRange(bytes, from, to));
    }
  }

  /** Removes blocks whose fetch failed and hands the failure to whoever waits for them. */
  private void fail(List<Block> run, Throwable failure) {
    synchronized (lock) {
      for (Block block : run) {
        blocks.remove(block.index, block);
      }
    }
    Throwable given = failure instanceof InterruptedIOException
        ? new FetchInterrupted((InterruptedIOException) failure) : failure;
    for (Block block : run) {
      block.bytes.completeExceptionally(given);
    }
  }

  /** Drops least recently used blocks that are complete until the cache fits. Under the lock. */
  private void evict() {
    long excess = blocks.size() - capacityBlocks;
    for (Iterator<Block> it = blocks.values().iterator(); excess > 0 && it.hasNext(); ) {
      if (it.next().bytes.isDone()) {
        it.remove();
        excess--;
      }
    }
  }

  private byte[] await(Block block) throws IOException {
    try {
      return block.bytes.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + name());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof FetchInterrupted interrupted) {
        if (Thread.currentThread().isInterrupted()) {
          throw interrupted.original;
        }
        throw interrupted;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause);
    }
  }

  /** Closes the wrapped source and stops read-ahead; waiting reads fail. */
  @Override
  public void close() throws IOException {
    closed = true;
    if (ownPool != null) {
      ownPool.shutdownNow();
    }
    List<Block> pending = new ArrayList<>();
    synchronized (lock) {
      for (Block block : blocks.values()) {
        if (!block.bytes.isDone()) {
          pending.add(block); // a fetch the stopped pool will never run must not leave waiters
        }
      }
      blocks.clear();
    }
    IOException closedNow = new IOException("archive " + name() + " was closed");
    for (Block block : pending) {
      block.bytes.completeExceptionally(closedNow);
    }
    source.close();
  }

  @Override
  public String toString() {
    return "CachingSource[" + source + ", " + capacityBlocks + " blocks]";
  }

  /**
   * A fetch that failed because the thread doing it was interrupted: a thread waiting for it
   * that was not interrupted asks again.
   */
  private static final class FetchInterrupted extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient InterruptedIOException original;

    FetchInterrupted(InterruptedIOException original) {
      super(original.getMessage(), original);
      this.original = original;
    }
  }
}
