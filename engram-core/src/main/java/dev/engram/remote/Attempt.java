package dev.engram.remote;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.IntPredicate;

/**
 * One HTTP exchange's handling of the answer, decided from its status and headers before any of
 * its body is read: a body the request expects streams straight into the buffer the {@link
 * Expectation} gives, and no further (more bytes than asked for fail the exchange); any other body
 * is dropped, read to its end only when it is small (an error page), else by closing the
 * connection, so that a wrong answer never makes the client read a large body.
 *
 * <p>The thread that sent the request waits for it; the client's threads deliver the body. Once
 * the waiting thread {@link #abandon}s the exchange (a timeout, an interrupt), nothing more is
 * written to the buffer, so the buffer can be filled again by a retry. Thread-safe.
 */
final class Attempt implements HttpResponse.BodyHandler<Void> {
  /** The largest body of an unwanted answer read to its end, which keeps its connection. */
  private static final long DRAINED_BODY = 16 * 1024;

  /** What a request expects of the answers its exchange does not handle itself. */
  interface Expectation {
    /**
     * Checks an answer's status and headers before its body is read.
     *
     * @return the buffer the body must fill exactly, or null to drop the body
     * @throws IOException if the answer is not acceptable
     */
    ByteBuffer accept(int status, HttpHeaders headers) throws IOException;
  }

  private final Expectation expectation;
  /** Statuses the exchange handles itself (redirects, errors, retries): their body is dropped. */
  private final IntPredicate handledByExchange;
  private volatile long lastActivity = System.nanoTime();
  private volatile IOException refusal;
  private volatile ByteBuffer target;
  private Filler filler;
  private boolean abandoned;

  Attempt(Expectation expectation, IntPredicate handledByExchange) {
    this.expectation = expectation;
    this.handledByExchange = handledByExchange;
  }

  @Override
  public synchronized HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
    lastActivity = System.nanoTime();
    if (abandoned) {
      return new Dropping(false);
    }
    int status = info.statusCode();
    if (!handledByExchange.test(status)) {
      try {
        target = expectation.accept(status, info.headers());
      } catch (IOException e) {
        refusal = e;
      }
    }
    if (target == null) {
      long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      return new Dropping(length >= 0 && length <= DRAINED_BODY);
    }
    filler = new Filler(target);
    return filler;
  }

  /** When the exchange last made progress: sent, headers received, or a piece of body. */
  long lastActivity() {
    return lastActivity;
  }

  /** What the expectation refused the answer with, or null. */
  IOException refusal() {
    return refusal;
  }

  /** The buffer the body went into, or null when the body was dropped. */
  ByteBuffer target() {
    return target;
  }

  /** Stops the exchange's body from reaching the buffer, now and later. */
  synchronized void abandon() {
    abandoned = true;
    if (filler != null) {
      filler.abandon();
    }
  }

  /** Writes a body into the target, no further than its limit. */
  private final class Filler implements HttpResponse.BodySubscriber<Void> {
    private final ByteBuffer buffer;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private boolean stopped;

    Filler(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (stopped) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
      if (stopped) {
        return;
      }
      for (ByteBuffer item : items) {
        if (item.remaining() > buffer.remaining()) {
          stop();
          done.completeExceptionally(new RangeChecks.BadAnswer("the server sent more bytes"
              + " than the range it was asked for"));
          return;
        }
        buffer.put(item);
      }
      lastActivity = System.nanoTime();
      subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
      done.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      done.complete(null); // a short body is found by the exchange: the buffer is not full
    }

    @Override
    public CompletionStage<Void> getBody() {
      return done;
    }

    synchronized void abandon() {
      stop();
      done.cancel(false);
    }

    private void stop() {
      stopped = true;
      if (subscription != null) {
        subscription.cancel();
      }
    }
  }

  /** Drops a body: reads a small one to its end, so its connection stays usable. */
  private static final class Dropping implements HttpResponse.BodySubscriber<Void> {
    private final boolean drain;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    Dropping(boolean drain) {
      this.drain = drain;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      if (drain) {
        s.request(Long.MAX_VALUE);
      } else {
        s.cancel(); // the connection is closed rather than read
        done.complete(null);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {}

    @Override
    public void onError(Throwable failure) {
      done.complete(null); // nothing of it was wanted
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }

    @Override
    public CompletionStage<Void> getBody() {
      return done;
    }
  }
}
