package dev.engram.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The one place that sends a {@code GetObject}, reads its body into a buffer exactly, and turns
 * the SDK's failures into the exceptions an {@link dev.engram.source.ArchiveSource} throws.
 * Stateless and thread-safe.
 *
 * <p>The answer is handled by a {@link ResponseTransformer} inside the SDK's retry loop: a body
 * that ends early or breaks off is retried by the client's retry strategy (the transformer throws
 * a {@link RetryableException}), and every attempt fills the buffer from its start; an answer the
 * checks refuse is not retried, and its exception is what the caller gets.
 */
final class S3Calls {
  private S3Calls() {}

  /** Checks an answer and reads its body; called once per attempt. */
  interface AnswerHandler<T> {
    /**
     * Checks the answer's headers, then reads its body (with {@link #fill}).
     *
     * @throws IOException if the answer is refused ({@link BodyBrokeOff} is retried)
     */
    T handle(GetObjectResponse response, InputStream body) throws IOException;
  }

  /** An answer that is wrong in itself: retrying would not help. */
  static final class BadAnswer extends IOException {
    BadAnswer(String message) {
      super(message);
    }
  }

  /** A body that ended early or broke off: a retry may get it whole. */
  static final class BodyBrokeOff extends IOException {
    BodyBrokeOff(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What a status means to the caller beyond the usual (404, 403...): null for the usual. */
  interface StatusMeaning {
    IOException of(int status, String detail);
  }

  /**
   * Sends a GetObject and hands its answer to {@code handler}.
   *
   * @throws InterruptedIOException if the thread is or gets interrupted
   * @throws NoSuchFileException if there is no such bucket or key (404)
   * @throws AccessDeniedException if S3 refuses access (401, 403)
   * @throws IOException what {@code handler} refused the answer with, what {@code meaning} makes
   *     of the status, or any other failure after the client's retries
   */
  static <T> T get(S3Client client, String name, GetObjectRequest request,
      AnswerHandler<T> handler, StatusMeaning meaning) throws IOException {
    checkNotInterrupted(name);
    Exchange<T> exchange = new Exchange<>(handler);
    try {
      return client.getObject(request, exchange);
    } catch (SdkException e) {
      IOException ours = exchange.failureIn(e);
      throw ours != null ? ours : translate(name, e, meaning);
    }
  }

  /**
   * Fills the rest of {@code dst} from a body that must hold exactly that many bytes: fewer (or a
   * read that fails) is a {@link BodyBrokeOff}, more a {@link BadAnswer}.
   */
  static void fill(String name, Long announced, InputStream body, ByteBuffer dst)
      throws IOException {
    int expected = dst.remaining();
    if (announced != null && announced != expected) {
      throw new BadAnswer(name + ": S3 announced a body of " + announced + " bytes for a range of "
          + expected);
    }
    byte[] piece = dst.hasArray() ? null : new byte[Math.min(expected, 64 * 1024)];
    int got = 0;
    try {
      while (dst.hasRemaining()) {
        int n = piece == null
            ? body.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining())
            : body.read(piece, 0, Math.min(piece.length, dst.remaining()));
        if (n < 0) {
          throw new BodyBrokeOff(name + ": the body ended after " + got + " of " + expected
              + " bytes", null);
        }
        if (piece == null) {
          dst.position(dst.position() + n);
        } else {
          dst.put(piece, 0, n);
        }
        got += n;
      }
      if (body.read() >= 0) {
        throw new BadAnswer(name + ": S3 sent more than the " + expected + " bytes asked for");
      }
    } catch (BodyBrokeOff | BadAnswer e) {
      throw e;
    } catch (IOException e) {
      if (isInterrupt(e)) {
        throw interrupted(name, e);
      }
      // a connection reset, or a socket timeout (no bytes for RemoteOptions.requestTimeout)
      throw new BodyBrokeOff(name + ": the body broke off after " + got + " of " + expected
          + " bytes: " + e.getMessage(), e);
    }
  }

  /**
   * Turns a failure of the SDK into the exception a source throws: an interrupt, a missing
   * object, a refusal, a timeout, or another failure, each naming the archive (never the
   * credentials: neither S3's error codes and messages nor the SDK's hold them).
   */
  static IOException translate(String name, SdkException e, StatusMeaning meaning) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new IOException(name + ": timed out (" + e.getMessage() + ")", e);
    }
    if (isInterrupt(e)) {
      return interrupted(name, e);
    }
    if (e instanceof AwsServiceException) {
      AwsServiceException refused = (AwsServiceException) e;
      int status = refused.statusCode();
      String detail = detail(refused);
      IOException special = meaning == null ? null : meaning.of(status, detail);
      if (special != null) {
        special.initCause(e);
        return special;
      }
      switch (status) {
        case 404:
          return withCause(new NoSuchFileException(name, null, "not found: " + detail), e);
        case 401:
        case 403:
          return withCause(new AccessDeniedException(name, null, "S3 refused access: " + detail),
              e);
        default:
          return new IOException(name + ": S3 answered " + detail, e);
      }
    }
    return new IOException(name + ": " + e.getMessage(), e);
  }

  /** The message of a read from an archive that was changed (overwritten) at its key. */
  static IOException changed(String name, String evidence) {
    return new IOException(name + ": the archive changed in S3 since it was opened (" + evidence
        + "); reopen it to read the new version");
  }

  /** {@code HTTP 403 AccessDenied: Access Denied}, from what S3 sent. */
  private static String detail(AwsServiceException e) {
    AwsErrorDetails details = e.awsErrorDetails();
    String code = details == null ? null : details.errorCode();
    String message = details == null ? null : details.errorMessage();
    return "HTTP " + e.statusCode() + (code == null ? "" : " " + code)
        + (message == null || message.isEmpty() ? "" : ": " + message);
  }

  /**
   * Whether a failure comes from an interrupt of this thread. A socket timeout is an {@link
   * InterruptedIOException} too, but not an interrupt.
   */
  private static boolean isInterrupt(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AbortedException || t instanceof InterruptedException
          || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
        return true;
      }
    }
    return Thread.currentThread().isInterrupted();
  }

  /** Fails at once if this thread is interrupted (keeping its flag). */
  static void checkNotInterrupted(String name) throws InterruptedIOException {
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(name, null);
    }
  }

  /** The exception of an interrupted read, with the thread's interrupt flag set again. */
  private static InterruptedIOException interrupted(String name, Throwable cause) {
    Thread.currentThread().interrupt(); // the SDK may have cleared it
    InterruptedIOException e = new InterruptedIOException("interrupted while reading " + name);
    e.initCause(cause);
    return e;
  }

  private static <E extends IOException> E withCause(E e, Throwable cause) {
    e.initCause(cause);
    return e;
  }

  /**
   * One call's transformer: runs the handler on each attempt's answer and remembers what it
   * threw, so that the failure the SDK reports can be traced back to it.
   */
  private static final class Exchange<T> implements ResponseTransformer<GetObjectResponse, T> {
    private final AnswerHandler<T> handler;
    private volatile IOException thrown;

    Exchange(AnswerHandler<T> handler) {
      this.handler = handler;
    }

    @Override
    public T transform(GetObjectResponse response, AbortableInputStream body) throws Exception {
      try {
        return handler.handle(response, body);
      } catch (BodyBrokeOff e) {
        thrown = e;
        throw RetryableException.builder().message(e.getMessage()).cause(e).build();
      } catch (IOException e) {
        thrown = e;
        throw e;
      }
    }

    /** What the handler threw, if the SDK's failure stems from it. */
    IOException failureIn(SdkException failure) {
      IOException last = thrown;
      for (Throwable t = failure; t != null && last != null; t = t.getCause()) {
        if (t == last) {
          return last;
        }
      }
      return null;
    }
  }
}
