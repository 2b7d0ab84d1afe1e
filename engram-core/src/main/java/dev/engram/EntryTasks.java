package dev.engram;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs one task per entry on the caller's thread and a reader's threads, for whole-archive work
 * ({@link Extractor}, {@link Verifier}). Framed entries go one at a time on the caller's thread,
 * each decoded ahead on the reader's threads by its channel; the other entries are taken in
 * directory order by those threads and, once it is done with the framed ones, by the caller's
 * thread too: one at a time, or, when the tasks create files, a folder's consecutive entries at a
 * time, up to {@link #RUN_BYTES} of content (threads creating files in one folder wait for each
 * other on the folder's lock in the kernel; a profile of extracting 10,000 small files on two
 * threads showed a seventh of its time spinning on it in {@code rename}). No task on the
 * reader's threads ever waits for another (a framed channel decodes a frame itself when no pool
 * thread has started it), so they cannot deadlock.
 *
 * <p>On the first failure no further entry starts, the running ones finish, and that failure is
 * thrown. Used by one caller at a time; the tasks must be safe to run on different threads.
 */
final class EntryTasks {
  /** Content a thread takes from one folder at once, at most, when taking by folder. */
  static final long RUN_BYTES = 1 << 20;

  /** The work for one entry, by its position in the list given to {@link #runAll}. */
  @FunctionalInterface
  interface Task {
    /**
     * Does the entry's work.
     *
     * @throws IOException if it fails; no further entry starts
     */
    void run(int position) throws IOException;
  }

  private EntryTasks() {}

  /**
   * Runs a task for every entry and returns when all have finished.
   *
   * @param entries the entries
   * @param workers the reader's threads, or null to work on this thread only
   * @param helperCount how many of the workers' threads may take entries
   * @param byFolder whether a thread takes consecutive entries of one folder at once
   * @param perThread makes the task of one participating thread (its own buffers, digests); called
   *     once by each thread that takes part, on that thread
   * @throws IOException the first failure of a task
   */
  static void runAll(List<EntryInfo> entries, Executor workers, int helperCount,
      boolean byFolder, Supplier<Task> perThread) throws IOException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    // positions in int arrays, not lists of Integer: a million entries would box a million
    Positions framed = new Positions();
    Positions others = new Positions();
    // runs.at(r) is where run r starts in others; a thread takes one run at a time
    Positions runs = new Positions();
    String runFolder = null;
    long runBytes = 0;
    for (int i = 0; i < entries.size(); i++) {
      EntryInfo entry = entries.get(i);
      if (entry.isFramed()) {
        framed.add(i);
        continue;
      }
      String folder = byFolder ? folderOf(entry.path()) : null;
      if (!byFolder || runs.size() == 0 || !folder.equals(runFolder) || runBytes >= RUN_BYTES) {
        runs.add(others.size());
        runFolder = folder;
        runBytes = 0;
      }
      runBytes += entry.uncompressedSize();
      others.add(i);
    }
    runs.add(others.size());
    AtomicInteger cursor = new AtomicInteger();
    // takes runs until none is left; makes its thread's task when it first needs one, unless
    // given the one its thread already made
    Function<Task, Runnable> takeOthers = made -> () -> {
      Task task = made;
      int run;
      while (failure.get() == null && (run = cursor.getAndIncrement()) < runs.size() - 1) {
        if (task == null) {
          task = perThread.get();
        }
        for (int k = runs.at(run); k < runs.at(run + 1); k++) {
          run(task, others.at(k), failure);
        }
      }
    };
    List<CompletableFuture<Void>> helpers = new ArrayList<>();
    if (workers != null && runs.size() > 2) {
      for (int t = 0; t < helperCount; t++) {
        try {
          helpers.add(CompletableFuture.runAsync(takeOthers.apply(null), workers));
        } catch (RejectedExecutionException e) {
          break; // the reader is closing: this thread does the rest, and its checks fail them
        }
      }
    }
    Task callersTask = null;
    if (framed.size() > 0) {
      callersTask = perThread.get();
      for (int k = 0; k < framed.size(); k++) {
        run(callersTask, framed.at(k), failure);
      }
    }
    takeOthers.apply(callersTask).run();
    for (CompletableFuture<Void> helper : helpers) {
      helper.join(); // failures are recorded, not thrown
    }
    Throwable first = failure.get();
    if (first instanceof IOException) {
      throw (IOException) first;
    }
    if (first instanceof RuntimeException) {
      throw (RuntimeException) first;
    }
    if (first instanceof Error) {
      throw (Error) first;
    }
  }

  /**
   * Entry positions, appended by the thread that plans the work and read by the threads that do
   * it (after {@code runAsync}, which publishes them).
   */
  private static final class Positions {
    private int[] positions = new int[16];
    private int size;

    void add(int position) {
      if (size == positions.length) {
        positions = Arrays.copyOf(positions, size * 2);
      }
      positions[size++] = position;
    }

    int at(int index) {
      return positions[index];
    }

    int size() {
      return size;
    }
  }

  /** The folder part of an entry path: up to its last '/', or "" at the top. */
  private static String folderOf(String path) {
    return path.substring(0, Math.max(0, path.lastIndexOf('/')));
  }

  /** Runs an entry's task unless an earlier one failed; keeps its failure instead of throwing. */
  private static void run(Task task, int position, AtomicReference<Throwable> failure) {
    if (failure.get() != null) {
      return;
    }
    try {
      task.run(position);
    } catch (IOException | RuntimeException | Error e) {
      failure.compareAndSet(null, e);
    }
  }
}
