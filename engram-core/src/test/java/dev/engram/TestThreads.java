package dev.engram;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/** Runs test code on many threads at once and collects what they threw. */
final class TestThreads {
  private TestThreads() {}

  @FunctionalInterface
  interface Worker {
    void run(int thread) throws Exception;
  }

  @FunctionalInterface
  interface Controller {
    void run() throws Exception;
  }

  static List<Throwable> runTogether(int threads, Worker worker) throws Exception {
    return runTogether(threads, worker, () -> {});
  }

  /**
   * Runs {@code worker} on {@code threads} threads of their own, all released by one latch once
   * every thread is waiting on it; runs {@code whileRunning} on the calling thread while they
   * work; then waits for them and returns what they threw.
   */
  static List<Throwable> runTogether(int threads, Worker worker, Controller whileRunning)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          ready.countDown();
          try {
            start.await();
            worker.run(thread);
          } catch (Throwable e) {
            failures.add(new AssertionError("thread " + thread + ": " + e, e));
          }
        }));
      }
      assertTrue(ready.await(60, SECONDS), "the threads did not all start");
      start.countDown();
      try {
        whileRunning.run();
      } catch (Throwable e) {
        failures.add(new AssertionError("controlling thread: " + e, e));
      }
      for (Future<?> future : futures) {
        future.get(100, SECONDS);
      }
    } finally {
      pool.shutdownNow();
      if (!pool.awaitTermination(30, SECONDS)) {
        failures.add(new AssertionError("threads still running 30 s after shutdownNow()"));
      }
    }
    return new ArrayList<>(failures);
  }

  static void assertNoFailures(List<Throwable> failures) {
    if (failures.isEmpty()) {
      return;
    }
    AssertionError error = new AssertionError(failures.size() + " thread(s) failed; first: "
        + failures.get(0).getMessage());
    failures.stream().limit(10).forEach(error::addSuppressed);
    throw error;
  }

  /** One read of a thread of {@link #interruptOneThread}, with the thread's own generator. */
  @FunctionalInterface
  interface Read {
    void run(Random random, int iteration) throws Exception;
  }

  /**
   * Proves that interrupting one thread does not disturb the others that share what they read.
   * Thread 0 reads until it was interrupted {@code interrupts} times: an interrupt comes only once
   * the previous one failed exactly one of its reads with an {@link InterruptedIOException},
   * which it handles by clearing its status, as a server thread would. The other threads read
   * at least {@code minimumReads} times and until the interrupts are over, and must never fail.
   * Thread {@code t} reads with {@code new Random(seed + t)}.
   */
  static void interruptOneThread(int threads, int interrupts, int minimumReads, long seed,
      Read read) throws Exception {
    AtomicReference<Thread> victim = new AtomicReference<>();
    AtomicBoolean victimDone = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger interruptedReads = new AtomicInteger();
    AtomicInteger othersVerified = new AtomicInteger();
    Map<String, Integer> victimExceptionTypes = new ConcurrentHashMap<>();
    List<Throwable> failures = runTogether(threads, t -> {
      Random random = new Random(seed + t);
      if (t > 0) {
        for (int i = 0; i < minimumReads || !stop.get(); i++) {
          read.run(random, i);
          othersVerified.incrementAndGet();
        }
        return;
      }
      victim.set(Thread.currentThread());
      try {
        for (int i = 0; !stop.get(); i++) {
          try {
            read.run(random, i);
          } catch (InterruptedIOException e) {
            victimExceptionTypes.merge(e.getClass().getSimpleName(), 1, Integer::sum);
            Thread.interrupted(); // handled: clear the status, as a server thread would
            interruptedReads.incrementAndGet();
          }
        }
      } finally {
        Thread.interrupted();
        victimDone.set(true);
      }
    }, () -> {
      try {
        while (victim.get() == null) {
          LockSupport.parkNanos(100_000);
        }
        for (int k = 1; k <= interrupts; k++) {
          victim.get().interrupt();
          // the next interrupt only once this one has failed a read of the victim
          while (interruptedReads.get() < k) {
            if (victimDone.get()) {
              fail("the interrupted thread stopped after " + (k - 1) + " interrupts");
            }
            LockSupport.parkNanos(100_000);
          }
        }
      } finally {
        stop.set(true);
      }
    });
    assertNoFailures(failures);
    assertEquals(interrupts, interruptedReads.get(),
        "each interrupt fails exactly one read of the interrupted thread: "
            + victimExceptionTypes);
    assertEquals(Map.of("InterruptedIOException", interrupts), victimExceptionTypes);
    assertTrue(othersVerified.get() >= (threads - 1) * minimumReads, "" + othersVerified);
  }
}
