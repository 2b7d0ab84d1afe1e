package dev.engram.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/** Runs the same work on several new threads at once and waits for all of them. */
final class Parallel {
  /** One thread's share of the work. */
  @FunctionalInterface
  interface Work {
    void run(int thread) throws Exception;
  }

  private Parallel() {}

  /**
   * Runs {@code work} on {@code threads} threads (given their index) and waits for all.
   *
   * @throws Exception the first failure of any thread
   */
  static void run(int threads, Work work) throws Exception {
    List<FutureTask<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      FutureTask<Void> task = new FutureTask<>(() -> {
        work.run(index);
        return null;
      });
      tasks.add(task);
      new Thread(task, "bench-" + t).start();
    }
    for (FutureTask<Void> task : tasks) {
      try {
        task.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }
}
