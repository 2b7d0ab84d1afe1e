package dev.engram;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that work for one {@link ArchiveReader} ({@link ReaderOptions#threads()}, the
 * caller's thread included, so the pool has one fewer): started
 * on first use, daemons that end when idle for a few seconds, so that a reader that is never
 * closed leaks no thread, and shut down when the reader closes. Thread-safe.
 */
final class ReaderThreads implements AutoCloseable {
  private static final AtomicInteger READERS = new AtomicInteger();
  private static final long IDLE_SECONDS = 5;

  private final int count;
  private final String name;
  private volatile ExecutorService pool;
  private volatile boolean closed;

  ReaderThreads(int count) {
    this.count = count;
    this.name = "engram-reader-" + READERS.incrementAndGet() + "-";
  }

  /** How many threads work for the reader, the caller's included. */
  int count() {
    return count;
  }

  /**
   * Returns the pool, creating it on first use; null when the reader works on the caller's
   * thread only or is closed.
   */
  ExecutorService pool() {
    ExecutorService current = pool;
    if (current != null || count <= 1 || closed) {
      return current;
    }
    synchronized (this) {
      if (pool == null && !closed) {
        AtomicInteger serial = new AtomicInteger();
        ThreadFactory daemons = task -> {
          Thread thread = new Thread(task, name + serial.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
        ThreadPoolExecutor executor = new ThreadPoolExecutor(count - 1, count - 1, IDLE_SECONDS,
            TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons);
        executor.allowCoreThreadTimeOut(true);
        pool = executor;
      }
      return pool;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
