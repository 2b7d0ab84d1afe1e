package dev.engram;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The compression threads of one {@link ArchiveWriter}, and the entries they are compressing: a
 * queue in the order the entries were added, from whose head the writer takes finished entries,
 * so that they are written in that order whatever order they finish in. The queue is bounded in
 * content bytes and in entries; when it is full, the writer's thread compresses the groups no
 * pool thread has started, then waits for its head.
 *
 * <p>Used from the writer's thread only. The threads are daemons, started on first use and
 * stopped by {@link #close()}.
 */
final class EntryPipeline implements Closeable {
  /** Most content bytes queued, unless the heap is small (see {@link #byteLimit}). */
  private static final long MAX_QUEUED_BYTES = 64L << 20;
  /** Most entries queued per thread: enough that no thread waits for work. */
  private static final int QUEUED_PER_THREAD = 32;
  /**
   * Entries are handed to the threads in groups of up to this many content bytes, or {@link
   * #GROUP_ENTRIES} entries: one hand-over (and thread wake-up) per group rather than per entry,
   * which costs as much as compressing a small file with LZ4.
   */
  private static final long GROUP_BYTES = 256 << 10;
  private static final int GROUP_ENTRIES = 8;
  private static final AtomicInteger WRITERS = new AtomicInteger();

  private final ExecutorService pool;
  private final int level;
  private final long byteLimit;
  private final int countLimit;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private long queuedBytes;
  /** The queue's tail: entries not yet handed to the threads, the next group. */
  private final ArrayList<Queued> group = new ArrayList<>();
  private long groupBytes;
  /** Groups handed to the threads that may not have been started yet, oldest first. */
  private final ArrayDeque<Group> sent = new ArrayDeque<>();

  private record Queued(BufferedEntry entry, CompletableFuture<Void> compressed) {}

  /** Entries compressed in order by one task: on a pool thread, or the writer's if first. */
  private final class Group implements Runnable {
    private final List<Queued> entries;
    private final AtomicBoolean claimed = new AtomicBoolean();

    Group(List<Queued> entries) {
      this.entries = entries;
    }

    @Override
    public void run() {
      runIfUnclaimed();
    }

    /** Compresses the group on this thread unless another has started it; says whether it did. */
    boolean runIfUnclaimed() {
      if (!claimed.compareAndSet(false, true)) {
        return false;
      }
      for (Queued queued : entries) {
        queued.entry().compressOrKeepFailure(level); // keeps every failure, throws nothing
        queued.compressed().complete(null);
      }
      return true;
    }
  }

  /**
   * Creates the pipeline of a writer with {@code threads} threads, its own included.
   *
   * @param threads at least 2: the writer's thread and {@code threads - 1} pool threads
   * @param zstdLevel the Zstandard level
   */
  EntryPipeline(int threads, int zstdLevel) {
    this.pool = Executors.newFixedThreadPool(threads - 1, daemonThreads());
    this.level = zstdLevel;
    // on a small heap, pipelining must not multiply what one entry needs
    this.byteLimit = Math.min(MAX_QUEUED_BYTES, Runtime.getRuntime().maxMemory() / 8);
    this.countLimit = QUEUED_PER_THREAD * threads;
  }

  /** The pool threads, for the frames of a large entry (while the queue is empty). */
  Executor executor() {
    return pool;
  }

  /**
   * Queues an entry to be compressed; it joins the tail of the queue, and the threads get it with
   * the group it completes, or when the writer waits for it.
   */
  void submit(BufferedEntry entry) {
    Queued queued = new Queued(entry, new CompletableFuture<>());
    queue.add(queued);
    queuedBytes += entry.length();
    group.add(queued);
    groupBytes += entry.length();
    if (groupBytes >= GROUP_BYTES || group.size() >= GROUP_ENTRIES) {
      sendGroup();
    }
  }

  /** Hands the entries not yet sent to the threads, as one task that compresses them in order. */
  private void sendGroup() {
    if (group.isEmpty()) {
      return;
    }
    Group task = new Group(List.copyOf(group));
    group.clear();
    groupBytes = 0;
    forgetStartedGroups();
    sent.add(task);
    pool.execute(task);
  }

  /**
   * Drops the started groups at the head of {@link #sent}: nothing left there for the writer's
   * thread, and their entries' buffers must not stay reachable once written. Pool threads start
   * groups in the order they were sent and the writer's thread takes the oldest, so the started
   * ones are the oldest.
   */
  private void forgetStartedGroups() {
    while (!sent.isEmpty() && sent.peek().claimed.get()) {
      sent.poll();
    }
  }

  /**
   * Compresses, on the writer's thread, the oldest group no pool thread has started; says
   * whether there was one. Groups already started are forgotten on the way.
   */
  private boolean compressAGroupHere() {
    while (!sent.isEmpty()) {
      if (sent.poll().runIfUnclaimed()) {
        return true;
      }
    }
    return false;
  }

  /** Entries queued (compressed or not), not yet taken. */
  int size() {
    return queue.size();
  }

  /**
   * Says whether a queued entry has failed to compress.
   *
   * @return true if one has (the writer should report it now)
   */
  private boolean hasFailure() {
    for (Queued queued : queue) {
      // isDone() orders the pool thread's write of the failure before this read
      if (queued.compressed().isDone() && queued.entry().failure() != null) {
        return true;
      }
    }
    return false;
  }

  /** Writes one entry taken from the queue. */
  @FunctionalInterface
  interface EntrySink {
    /**
     * Writes a compressed entry.
     *
     * @throws IOException if writing fails; the entry is then dropped
     */
    void write(BufferedEntry entry) throws IOException;
  }

  /**
   * Writes the queued entries that are compressed, in the order they were added: all of them
   * (waiting for each), or only while the queue is full or its head is ready, or up to an entry
   * known to have failed.
   *
   * @param all whether to write every queued entry, waiting for each
   * @param sink writes each entry
   * @param dropped told the path of an entry that failed to compress or to be written
   * @throws IOException naming the entry, if one failed; it is dropped and the ones after it stay
   *     queued
   */
  void writeFinished(boolean all, EntrySink sink, Consumer<String> dropped) throws IOException {
    boolean reachFailure = hasFailure(); // stops at the failed entry, thrown below
    BufferedEntry entry;
    while ((entry = next(all || reachFailure)) != null) {
      Throwable failure = entry.failure();
      if (failure == null) {
        try {
          sink.write(entry);
          continue;
        } catch (IOException | RuntimeException e) {
          failure = e;
        }
      }
      dropped.accept(entry.name());
      if (failure instanceof Error error) {
        throw error;
      }
      throw new IOException("could not add '" + entry.name() + "' (added earlier, written late): "
          + failure.getMessage() + "; it is not in the archive", failure);
    }
  }

  /**
   * Takes the oldest entry when it is compressed, waiting for it when asked to or when the queue
   * is full; else returns null. A taken entry may carry a {@link BufferedEntry#failure()}.
   *
   * @param wait whether to wait for the head even if the queue has room
   * @return the oldest entry, or null
   * @throws InterruptedIOException if interrupted while waiting (the entry stays queued)
   */
  private BufferedEntry next(boolean wait) throws InterruptedIOException {
    Queued head = queue.peek();
    if (head == null) {
      return null;
    }
    boolean full = queuedBytes >= byteLimit || queue.size() >= countLimit;
    if (!head.compressed().isDone() && !wait && !full) {
      return null;
    }
    if (!head.compressed().isDone()) {
      sendGroup(); // the writer is about to wait: every queued entry goes to the threads
      // and rather than wait, it compresses groups nobody has started, the head's first
      while (!head.compressed().isDone() && compressAGroupHere()) {
        // until the head is done or every group has been started
      }
    }
    try {
      head.compressed().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for '"
          + head.entry().name() + "' to compress");
    } catch (ExecutionException e) {
      throw new AssertionError(e); // compressOrKeepFailure throws nothing
    }
    queue.poll();
    queuedBytes -= head.entry().length();
    forgetStartedGroups();
    return head.entry();
  }

  /**
   * Drops what is queued and stops the threads, waiting for compressions already running (they
   * are short and cannot be interrupted), so that no thread of the writer outlives it.
   */
  @Override
  public void close() {
    queue.clear();
    queuedBytes = 0;
    group.clear();
    groupBytes = 0;
    sent.clear();
    pool.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true; // keep waiting: a running compression ends on its own
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemonThreads() {
    int writer = WRITERS.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "engram-writer-" + writer + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
