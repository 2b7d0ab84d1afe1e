package dev.engram.remote;

import dev.engram.io.Reopening;
import dev.engram.source.RemoteOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Sends the range requests of one remote archive: a {@code GET} with a {@code Range} header,
 * redirects followed by hand (never from {@code https} to {@code http}, within {@link
 * RemoteOptions#maxRedirects()}), failures that may pass retried with backoff, and every other
 * failure turned into the exception that says what happened, naming the archive's URL without its
 * secrets. What the body must be is the caller's {@link Attempt.Expectation}.
 *
 * <p>The extra headers of {@link RemoteOptions#headers()} and the credentials of the URL's user
 * information (as HTTP Basic authentication) go only to the origin of the archive's URL, never to
 * another host a redirect leads to. Thread-safe: any number of requests may run at once.
 */
final class RangeFetcher {
  private final HttpClient client;
  private final RemoteOptions options;
  /** The archive's URL as given: whose origin gets the credentials. */
  private final URI archive;
  /** The archive's URL as messages show it. */
  private final String name;
  /** {@code Basic ...} from the URL's user information, or null. */
  private final String basicAuthorization;
  private final Backoff backoff;

  /**
   * An answer the request accepted: where it was found after redirects, and the buffer its body
   * filled (null when the body was not wanted).
   */
  record Answer(URI location, int status, HttpHeaders headers, ByteBuffer body) {}

  /** A failure that a later attempt may get past. */
  private static final class Transient extends Exception {
    final Optional<String> retryAfter;

    Transient(String reason, Throwable cause, Optional<String> retryAfter) {
      super(reason, cause, false, false);
      this.retryAfter = retryAfter;
    }
  }

  RangeFetcher(HttpClient client, RemoteOptions options, URI archive) {
    this.client = client;
    this.options = options;
    this.archive = archive;
    this.name = Locations.redact(archive);
    String userInfo = archive.getUserInfo();
    this.basicAuthorization = userInfo == null ? null : "Basic " + Base64.getEncoder()
        .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
  }

  /** The archive's URL as messages show it. */
  String name() {
    return name;
  }

  /**
   * Sends {@code GET} with a {@code Range} to a location, following redirects and retrying.
   *
   * @param start where to send it
   * @param range the {@code Range} header's value
   * @param conditions further headers, such as {@code If-Match}
   * @param expectation checks the answer and says where its body goes
   * @return the accepted answer; its body filled the expectation's buffer exactly
   * @throws NoSuchFileException on 404 or 410
   * @throws AccessDeniedException on 401 or 403
   * @throws InterruptedIOException if the thread was interrupted (its flag stays set)
   * @throws SSLException if TLS fails
   * @throws IOException on 412 (the archive changed), a refused answer, too many redirects, or
   *     failures that lasted through every retry
   */
  Answer get(URI start, String range, Map<String, String> conditions,
      Attempt.Expectation expectation) throws IOException {
    for (int retry = 0; ; retry++) {
      Transient failure;
      try {
        return follow(start, range, conditions, expectation);
      } catch (Transient e) {
        failure = e;
      }
      if (retry == options.retries()) {
        throw new IOException(name + ": " + failure.getMessage() + " (" + (retry + 1)
            + (retry == 0 ? " attempt" : " attempts") + " for " + range + ")",
            failure.getCause());
      }
      pause(backoff.delay(retry, failure.retryAfter, Instant.now(),
          ThreadLocalRandom.current().nextDouble()));
    }
  }

  private Answer follow(URI start, String range, Map<String, String> conditions,
      Attempt.Expectation expectation) throws IOException, Transient {
    URI location = start;
    for (int redirects = 0; ; redirects++) {
      Answer answer = exchange(location, range, conditions, expectation);
      if (!isRedirect(answer.status())) {
        return answer;
      }
      URI next = redirectTarget(location, answer.headers());
      if (redirects == options.maxRedirects()) {
        throw new IOException(name + ": more than " + options.maxRedirects()
            + " redirects (the last to " + Locations.redact(next)
            + "); RemoteOptions.maxRedirects sets the limit");
      }
      location = next;
    }
  }

  private URI redirectTarget(URI from, HttpHeaders headers) throws IOException {
    String value = headers.firstValue("Location").orElseThrow(() -> new IOException(
        where(from) + ": the server redirected without a Location"));
    URI next;
    try {
      next = from.resolve(new URI(value.trim()));
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      throw new IOException(where(from) + ": the server redirected to a malformed Location", e);
    }
    String scheme = Locations.scheme(next);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IOException(where(from) + ": refused a redirect to a " + scheme
          + ": URI; only http and https are followed");
    }
    if (Locations.scheme(from).equals("https") && scheme.equals("http")) {
      throw new IOException(where(from) + ": refused a redirect from https to http ("
          + Locations.redact(next) + "): the archive would travel unencrypted");
    }
    return next;
  }

  /** One request and its answer. */
  private Answer exchange(URI location, String range, Map<String, String> conditions,
      Attempt.Expectation expectation) throws IOException, Transient {
    if (Thread.currentThread().isInterrupted()) {
      throw Reopening.interrupted(name, null);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(Locations.forRequest(location)).GET()
        .header("Range", range);
    if (Locations.scheme(location).equals("http")) {
      // no h2c upgrade headers, which few servers support and some proxies refuse; https
      // negotiates HTTP/2 through TLS instead
      request.version(HttpClient.Version.HTTP_1_1);
    }
    conditions.forEach(request::header);
    if (Locations.sameOrigin(location, archive)) {
      options.headers().forEach(request::header);
      if (basicAuthorization != null && !options.headers().containsKey("Authorization")) {
        request.header("Authorization", basicAuthorization);
      }
    }
    Attempt attempt = new Attempt(expectation, RangeFetcher::handledHere);
    HttpResponse<Void> response = await(client.sendAsync(request.build(), attempt), attempt,
        location);
    int status = response.statusCode();
    HttpHeaders headers = response.headers();
    if (status == 404 || status == 410) {
      throw new NoSuchFileException(where(location), null, "HTTP " + status);
    }
    if (status == 401 || status == 403) {
      throw new AccessDeniedException(where(location), null, "HTTP " + status
          + (Locations.sameOrigin(location, archive) ? ""
              : " (credentials are only sent to the archive URL's own origin)"));
    }
    if (status == 412) {
      throw RangeChecks.changed(where(location), "the server answered 412 Precondition Failed"
          + " to If-Match / If-Unmodified-Since");
    }
    if (isRetryable(status)) {
      throw new Transient("HTTP " + status, null, headers.firstValue("Retry-After"));
    }
    if (attempt.refusal() != null) {
      throw attempt.refusal();
    }
    ByteBuffer target = attempt.target();
    if (target != null && target.hasRemaining()) {
      throw new Transient("the body ended after " + target.position() + " of "
          + target.limit() + " bytes", null, Optional.empty());
    }
    return new Answer(location, status, headers, target);
  }

  /** Waits for an answer and its body, as long as it keeps making progress. */
  private HttpResponse<Void> await(CompletableFuture<HttpResponse<Void>> future, Attempt attempt,
      URI location) throws IOException, Transient {
    long timeout = options.requestTimeout().toNanos();
    try {
      while (true) {
        long idle = System.nanoTime() - attempt.lastActivity();
        if (idle >= timeout) {
          abandon(future, attempt);
          throw new Transient("no progress for " + options.requestTimeout().toMillis()
              + " ms (RemoteOptions.requestTimeout)", new HttpTimeoutException("timed out"),
              Optional.empty());
        }
        try {
          return future.get(timeout - idle, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          // the body may still be arriving: check when it last moved
        }
      }
    } catch (InterruptedException e) {
      abandon(future, attempt);
      Thread.currentThread().interrupt();
      throw Reopening.interrupted(name, e);
    } catch (ExecutionException | CancellationException e) {
      abandon(future, attempt);
      throw classify(e.getCause() == null ? e : e.getCause(), location);
    }
  }

  private static void abandon(CompletableFuture<?> future, Attempt attempt) {
    attempt.abandon();
    future.cancel(true); // ends the exchange and its connection
  }

  /**
   * What a failed exchange becomes: a final failure is thrown, one worth another attempt
   * returned.
   */
  private Transient classify(Throwable cause, URI location) throws IOException {
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (Thread.currentThread().isInterrupted()) {
      throw Reopening.interrupted(name, cause);
    }
    if (cause instanceof RangeChecks.BadAnswer bad) {
      throw new RangeChecks.BadAnswer(where(location) + ": " + bad.getMessage());
    }
    if (cause instanceof SSLHandshakeException) {
      SSLHandshakeException tls = new SSLHandshakeException(where(location)
          + ": TLS handshake failed (" + cause.getMessage() + "); a server whose certificate"
          + " a private CA signed needs RemoteOptions.sslContext, certificates are never left"
          + " unchecked");
      tls.initCause(cause);
      throw tls;
    }
    if (cause instanceof SSLException) {
      throw new SSLException(where(location) + ": TLS failed: " + cause.getMessage(), cause);
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return new Transient("no connection within " + options.connectTimeout().toMillis()
          + " ms (RemoteOptions.connectTimeout)", cause, Optional.empty());
    }
    if (cause instanceof IOException) {
      return new Transient("connection failed: " + cause, cause, Optional.empty());
    }
    throw new IOException(where(location) + ": request failed: " + cause, cause);
  }

  private void pause(Duration delay) throws InterruptedIOException {
    if (delay.isZero()) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(delay.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Reopening.interrupted(name, e);
    }
  }

  /** The archive's name, and where a redirect led when that is elsewhere. */
  private String where(URI location) {
    String shown = Locations.redact(location);
    return shown.equals(name) ? name : name + " (at " + shown + ")";
  }

  /** Statuses {@link #exchange} handles itself, whatever the request expects. */
  private static boolean handledHere(int status) {
    return isRedirect(status) || isRetryable(status) || status == 401 || status == 403
        || status == 404 || status == 410 || status == 412;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /** 408, 429 and server errors, except those that say the request can never work. */
  private static boolean isRetryable(int status) {
    return status == 408 || status == 429 || status >= 500 && status != 501 && status != 505;
  }
}
