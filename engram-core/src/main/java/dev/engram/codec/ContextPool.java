package dev.engram.codec;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A bounded pool of native codec contexts. zstd-jni contexts hold native memory that nothing frees
 * but {@code close()}, so they are neither thread-locals (which leak when pool threads die) nor
 * created per block (which costs an allocation of their workspace each time): a thread borrows
 * one, and after a successful call returns it ({@link #release}: pooled, or closed when the pool
 * is full); after a failed call it closes it ({@link #discardAfter}), since a context whose call
 * threw may be left in any state. Thread-safe (lock-free).
 */
final class ContextPool<T extends Closeable> {
  private static final int CAPACITY = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private final Supplier<T> factory;
  private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger idleCount = new AtomicInteger();

  ContextPool(Supplier<T> factory) {
    this.factory = factory;
  }

  T borrow() {
    T context = idle.poll();
    if (context == null) {
      return factory.get();
    }
    idleCount.decrementAndGet();
    return context;
  }

  void release(T context) {
    if (idleCount.incrementAndGet() <= CAPACITY) {
      idle.offer(context);
    } else {
      idleCount.decrementAndGet();
      discard(context);
    }
  }

  private void discard(T context) {
    try {
      context.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Closes a context whose call threw {@code failure}, so that it is never lent again; a failure
   * to close it is added to {@code failure} rather than hiding it.
   */
  void discardAfter(T context, Throwable failure) {
    try {
      context.close();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
