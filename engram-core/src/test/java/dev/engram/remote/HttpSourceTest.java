package dev.engram.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.CorruptArchiveException;
import dev.engram.source.ArchiveSource;
import dev.engram.source.RemoteOptions;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HttpSource} against a real server ({@link TestHttpServer}, on 127.0.0.1) that answers
 * correctly or with injected faults. Request counts are the server's.
 */
class HttpSourceTest {
  /** Retries without waiting long: the tests check what is retried, not how long it waits. */
  private static final RemoteOptions FAST = RemoteOptions.builder()
      .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();
  private static final int TAIL = HttpSource.TAIL_SIZE;

  @TempDir static Path dir;
  private static TestHttpServer server;
  private static final byte[] BYTES = random(300_000, 1);

  @BeforeAll
  static void startServer() throws Exception {
    server = TestHttpServer.startWithTls(dir, dir);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void resetServer() {
    server.reset();
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] read(ArchiveSource source, long position, int length) throws IOException {
    byte[] bytes = new byte[length];
    source.readFully(position, bytes, 0, length);
    return bytes;
  }

  private static byte[] slice(byte[] bytes, long from, int length) {
    return Arrays.copyOfRange(bytes, (int) from, (int) from + length);
  }

  private static HttpSource open(String name) throws IOException {
    return HttpSource.open(server.uri("/faulty/" + name), FAST);
  }

  // ---------------------------------------------------------------------------------------------
  // Opening and reading

  @Test
  void openingIsOneRequestAndReadsInTheLast64KiBNeedNone() throws IOException {
    server.put("a.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("a.bin")) {
      assertEquals(1, server.requests());
      assertEquals("bytes=-" + TAIL, server.log().get(0).range());
      assertEquals(BYTES.length, source.size());
      assertEquals(new SourceIdentity(server.uri("/faulty/a.bin").toString(), BYTES.length,
          "etag \"v1\""), source.identity());
      assertArrayEquals(slice(BYTES, BYTES.length - 64, 64),
          read(source, BYTES.length - 64, 64));
      assertArrayEquals(slice(BYTES, BYTES.length - TAIL, TAIL),
          read(source, BYTES.length - TAIL, TAIL));
      assertEquals(1, server.requests(), "reads in the tail: " + server.log());
    }
  }

  @Test
  void aReadIsOneRangeRequestWithIfMatch() throws IOException {
    server.put("b.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("b.bin")) {
      server.reset();
      assertArrayEquals(slice(BYTES, 0, 64), read(source, 0, 64));
      assertArrayEquals(slice(BYTES, 1000, 100_000), read(source, 1000, 100_000));
      assertEquals(List.of("bytes=0-63", "bytes=1000-100999"),
          server.log().stream().map(TestHttpServer.Logged::range).toList());
      assertTrue(server.log().stream().allMatch(l -> "\"v1\"".equals(l.ifMatch())));
      assertEquals(64 + 100_000, server.bodyBytes());
    }
  }

  @Test
  void aReadAcrossTheKeptTailAsksOnlyForTheBytesBeforeIt() throws IOException {
    server.put("c.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("c.bin")) {
      server.reset();
      long tailStart = BYTES.length - TAIL;
      assertArrayEquals(slice(BYTES, tailStart - 10, 30), read(source, tailStart - 10, 30));
      assertEquals("bytes=" + (tailStart - 10) + "-" + (tailStart - 1),
          server.log().get(0).range());
      assertEquals(1, server.requests());
    }
  }

  @Test
  void aLargeReadIsOneRequestStreamedIntoTheBuffer() throws IOException {
    byte[] large = random(9 << 20, 2);
    server.put("large.bin", large, "\"v1\"");
    try (HttpSource source = open("large.bin")) {
      server.reset();
      ByteBuffer direct = ByteBuffer.allocateDirect(8 << 20);
      source.readFully(4096, direct);
      assertFalse(direct.hasRemaining());
      assertEquals(ByteBuffer.wrap(large, 4096, 8 << 20), direct.flip());
      assertEquals(1, server.requests());
    }
  }

  @Test
  void readsPastTheEndAndAfterCloseFailWithoutRequests() throws IOException {
    server.put("d.bin", BYTES, "\"v1\"");
    HttpSource source = open("d.bin");
    server.reset();
    assertThrows(CorruptArchiveException.class, () -> read(source, BYTES.length - 10, 11));
    assertThrows(CorruptArchiveException.class, () -> read(source, -1, 1));
    source.close();
    assertFalse(source.isOpen());
    assertThrows(IllegalStateException.class, () -> read(source, 0, 1));
    assertEquals(0, server.requests());
  }

  @Test
  void manyThreadsReadAtOnce() throws Exception {
    byte[] large = random(2 << 20, 3);
    server.put("shared.bin", large, "\"v1\"");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (HttpSource source = open("shared.bin")) {
      server.reset();
      List<Future<?>> reads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        long seed = t;
        reads.add(pool.submit(() -> {
          Random random = new Random(seed);
          for (int i = 0; i < 20; i++) {
            int length = 1 + random.nextInt(50_000);
            long position = random.nextInt(large.length - TAIL - length);
            assertArrayEquals(slice(large, position, length), read(source, position, length));
          }
          return null;
        }));
      }
      for (Future<?> read : reads) {
        read.get();
      }
      assertEquals(8 * 20, server.requests());
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Servers that ignore Range, and odd resources

  @Test
  void aSmallArchiveFromAServerIgnoringRangeArrivesWholeInTheOneRequest() throws IOException {
    byte[] small = random(TAIL, 4);
    server.put("small.bin", small, "\"v1\"");
    server.faults().ignoreRange = true;
    try (HttpSource source = open("small.bin")) {
      assertEquals(small.length, source.size());
      assertArrayEquals(small, read(source, 0, small.length));
      assertArrayEquals(slice(small, 10, 10), read(source, 10, 10));
      assertEquals(1, server.requests());
    }
  }

  @Test
  void aLargeArchiveFromAServerIgnoringRangeIsRefusedWithoutReadingItsBody() {
    byte[] huge = new byte[64 << 20];
    server.put("huge.bin", huge, "\"v1\"");
    server.faults().ignoreRange = true;
    IOException e = assertThrows(IOException.class, () -> open("huge.bin"));
    assertTrue(e.getMessage().contains("ignores Range requests"), e.getMessage());
    assertTrue(e.getMessage().contains(huge.length + " bytes"), e.getMessage());
    assertEquals(1, server.requests(), "no retry");
    // the server may fill the sockets' buffers before it sees the connection closed
    assertTrue(server.bodyBytes() < huge.length / 4, "body bytes sent: " + server.bodyBytes());
  }

  @Test
  void aServerThatStopsHonouringRangeAfterOpenIsRefused() throws IOException {
    server.put("stops.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("stops.bin")) {
      server.faults().ignoreRange = true;
      IOException e = assertThrows(IOException.class, () -> read(source, 0, 10));
      assertTrue(e.getMessage().contains("ignores Range requests"), e.getMessage());
    }
  }

  @Test
  void anEmptyResourceIsNotAnArchive() {
    server.put("empty.bin", new byte[0], "\"v1\"");
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class, () -> open("empty"
        + ".bin"));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Failures that pass

  @Test
  void serverErrorsAreRetriedUntilTheAnswerComes() throws IOException {
    server.put("flaky.bin", BYTES, "\"v1\"");
    server.faults().failures.set(2);
    try (HttpSource source = open("flaky.bin")) {
      assertEquals(3, server.requests());
      server.reset();
      server.faults().failures.set(1);
      server.faults().failureStatus = 502;
      assertArrayEquals(slice(BYTES, 0, 10), read(source, 0, 10));
      assertEquals(2, server.requests());
    }
  }

  @Test
  void tooManyRequestsWaitsForRetryAfterThenRetries() throws IOException {
    server.put("busy.bin", BYTES, "\"v1\"");
    server.faults().failures.set(1);
    server.faults().failureStatus = 429;
    server.faults().retryAfter = "1"; // capped to FAST's 5 ms
    try (HttpSource source = open("busy.bin")) {
      assertEquals(2, server.requests());
      assertEquals(BYTES.length, source.size());
    }
  }

  @Test
  void failuresThatLastThroughEveryRetryAreReported() {
    server.put("down.bin", BYTES, "\"v1\"");
    server.faults().failures.set(100);
    RemoteOptions twoRetries = RemoteOptions.builder().retries(2)
        .backoff(Duration.ZERO, Duration.ZERO).build();
    IOException e = assertThrows(IOException.class,
        () -> HttpSource.open(server.uri("/faulty/down.bin"), twoRetries));
    assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    assertTrue(e.getMessage().contains("3 attempts"), e.getMessage());
    assertEquals(3, server.requests());
  }

  @Test
  void aConnectionDroppedMidBodyIsRetriedAndTheBufferRefilled() throws IOException {
    server.put("drop.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("drop.bin")) {
      server.reset();
      server.faults().drops.set(1);
      server.faults().dropAfterBytes = 50_000;
      assertArrayEquals(slice(BYTES, 100, 200_000), read(source, 100, 200_000));
      assertEquals(2, server.requests());
    }
  }

  @Test
  void aShortBodyIsRetriedNeverUsed() throws IOException {
    server.put("short.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("short.bin")) {
      server.reset();
      server.faults().shortBodies.set(1);
      assertArrayEquals(slice(BYTES, 100, 1000), read(source, 100, 1000));
      assertEquals(2, server.requests());
    }
    try (HttpSource source = HttpSource.open(server.uri("/faulty/short.bin"),
        RemoteOptions.builder().retries(0).build())) {
      server.faults().shortBodies.set(1);
      IOException e = assertThrows(IOException.class, () -> read(source, 100, 1000));
      assertTrue(e.getMessage().contains("body ended after 999 of 1000 bytes"), e.getMessage());
    }
  }

  @Test
  void aStalledAnswerTimesOutAndIsRetried() throws IOException {
    server.put("slow.bin", BYTES, "\"v1\"");
    // the server sleeps far longer than the timeout, and answers at once otherwise
    RemoteOptions impatient = RemoteOptions.builder().requestTimeout(Duration.ofMillis(500))
        .retries(1).backoff(Duration.ZERO, Duration.ZERO).build();
    try (HttpSource source = HttpSource.open(server.uri("/faulty/slow.bin"), impatient)) {
      server.reset();
      server.faults().slow.set(1);
      server.faults().latencyMillis = 5000;
      assertArrayEquals(slice(BYTES, 0, 10), read(source, 0, 10));
      assertEquals(2, server.requests());
      server.faults().slow.set(2);
      IOException e = assertThrows(IOException.class, () -> read(source, 0, 10));
      assertTrue(e.getMessage().contains("no progress for 500 ms (RemoteOptions.requestTimeout)"
          + " (2 attempts for bytes=0-9)"), e.getMessage());
    }
  }

  @Test
  void anInterruptEndsTheReadAndKeepsTheFlag() throws Exception {
    server.put("interrupted.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("interrupted.bin")) {
      server.reset();
      server.faults().slow.set(1);
      server.faults().latencyMillis = 1500;
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicReference<Boolean> flag = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try {
          read(source, 0, 10);
        } catch (Throwable e) {
          failure.set(e);
        }
        flag.set(Thread.currentThread().isInterrupted());
      });
      reader.start();
      while (server.requests() == 0) {
        Thread.sleep(5);
      }
      reader.interrupt();
      reader.join();
      assertTrue(failure.get() instanceof InterruptedIOException, String.valueOf(failure.get()));
      assertTrue(flag.get(), "the interrupt flag stays set");
      // the source still serves the other threads
      assertArrayEquals(slice(BYTES, 0, 10), read(source, 0, 10));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wrong answers

  @Test
  void extraBytesAreAnErrorNotData() throws IOException {
    server.put("long.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("long.bin")) {
      server.reset();
      server.faults().longBodies.set(1);
      IOException e = assertThrows(IOException.class, () -> read(source, 100, 1000));
      assertTrue(e.getMessage().contains("1001 bytes for a range of 1000"), e.getMessage());
      assertEquals(1, server.requests(), "not retried");
    }
  }

  @Test
  void aWrongContentRangeIsAnErrorNotData() throws IOException {
    server.put("wrong.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("wrong.bin")) {
      server.reset();
      server.faults().wrongRanges.set(1);
      IOException e = assertThrows(IOException.class, () -> read(source, 100, 1000));
      assertTrue(e.getMessage().contains("answered bytes 99-1098/" + BYTES.length
          + " to a request for bytes=100-1099"), e.getMessage());
    }
    server.faults().wrongRanges.set(1);
    IOException e = assertThrows(IOException.class, () -> open("wrong.bin"));
    assertTrue(e.getMessage().contains("to a request for the last 65536 bytes"), e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // The archive changing at its URL

  @Test
  void aChangeUnderAStrongEtagFailsThroughIfMatch() throws IOException {
    server.put("strong.bin", BYTES, "\"v1\"");
    try (HttpSource source = open("strong.bin")) {
      server.put("strong.bin", random(BYTES.length, 9), "\"v2\"");
      IOException e = assertThrows(IOException.class, () -> read(source, 0, 10));
      assertTrue(e.getMessage().contains("the archive changed at this URL since it was opened"),
          e.getMessage());
      assertTrue(e.getMessage().contains("412"), e.getMessage());
      assertNotEquals(source.identity(), source.currentIdentity());
      assertEquals("etag \"v2\"", source.currentIdentity().version());
    }
  }

  @Test
  void aChangeUnderAWeakEtagFailsOnTheAnswersEtag() throws IOException {
    server.put("weak.bin", BYTES, "W/\"v1\"");
    try (HttpSource source = open("weak.bin")) {
      assertArrayEquals(slice(BYTES, 0, 10), read(source, 0, 10));
      assertNull(server.log().get(1).ifMatch(), "a weak ETag is never sent in If-Match");
      server.put("weak.bin", random(BYTES.length, 9), "W/\"v2\"");
      IOException e = assertThrows(IOException.class, () -> read(source, 0, 10));
      assertTrue(e.getMessage().contains("the archive changed at this URL since it was opened"
          + " (ETag was W/\"v1\", now W/\"v2\")"), e.getMessage());
    }
  }

  @Test
  void aChangeUnderLastModifiedFailsThroughIfUnmodifiedSince() throws IOException {
    server.putWithoutEtag("dated.bin", BYTES, "Tue, 01 Dec 2026 10:00:00 GMT");
    try (HttpSource source = open("dated.bin")) {
      assertEquals("last-modified Tue, 01 Dec 2026 10:00:00 GMT", source.identity().version());
      assertArrayEquals(slice(BYTES, 0, 10), read(source, 0, 10));
      server.putWithoutEtag("dated.bin", BYTES, "Wed, 02 Dec 2026 10:00:00 GMT");
      IOException e = assertThrows(IOException.class, () -> read(source, 0, 10));
      assertTrue(e.getMessage().contains("the archive changed"), e.getMessage());
    }
  }

  @Test
  void aChangeOfSizeWithoutValidatorsFails() throws IOException {
    server.putWithoutEtag("plain.bin", BYTES, null);
    try (HttpSource source = open("plain.bin")) {
      assertEquals("", source.identity().version());
      server.putWithoutEtag("plain.bin", Arrays.copyOf(BYTES, BYTES.length + 1), null);
      IOException e = assertThrows(IOException.class, () -> read(source, 0, 10));
      assertTrue(e.getMessage().contains("its size was " + BYTES.length + " bytes, now "
          + (BYTES.length + 1)), e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Errors and what they show

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {404, 410, 401, 403})
  void refusalsBecomeTheirFileExceptionsNamingTheUrlWithoutSecrets(int status) {
    server.put("secret.bin", BYTES, "\"v1\"");
    server.faults().status = status;
    URI url = URI.create("http://someone:hunter2@127.0.0.1:" + server.uri("/").getPort()
        + "/faulty/secret.bin?X-Amz-Signature=s3cr3t#part");
    IOException e = assertThrows(IOException.class, () -> HttpSource.open(url, FAST));
    assertEquals(status == 404 || status == 410 ? NoSuchFileException.class
        : AccessDeniedException.class, e.getClass());
    assertEquals(server.uri("/faulty/secret.bin") + ": HTTP " + status, e.getMessage());
    assertEquals(1, server.requests(), "not retried");
    assertTrue(server.log().get(0).authorization().startsWith("Basic "),
        "user information is sent as Basic authentication");
    assertEquals("X-Amz-Signature=s3cr3t", server.log().get(0).query());
  }

  @Test
  void extraHeadersAreSentAndNeverShown() throws IOException {
    server.put("auth.bin", BYTES, "\"v1\"");
    RemoteOptions options = RemoteOptions.builder().header("Authorization", "Bearer t0ken")
        .build();
    try (HttpSource source = HttpSource.open(server.uri("/faulty/auth.bin"), options)) {
      read(source, 0, 10);
      assertTrue(server.log().stream().allMatch(l -> "Bearer t0ken".equals(l.authorization())));
      assertFalse(options.toString().contains("t0ken"), options.toString());
      assertFalse(source.toString().contains("t0ken"), source.toString());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Redirects and TLS

  @Test
  void redirectsAreFollowedOnceAndReadsGoWhereTheyLed() throws IOException {
    server.put("moved.bin", BYTES, "\"v1\"");
    server.redirect("/old/moved.bin", 301, () -> "/tmp/moved.bin");
    server.redirect("/tmp/moved.bin", 307, () -> server.uri("/faulty/moved.bin").toString());
    try (HttpSource source = HttpSource.open(server.uri("/old/moved.bin"), FAST)) {
      assertEquals(3, server.requests());
      assertEquals(server.uri("/old/moved.bin").toString(), source.name());
      server.reset();
      assertArrayEquals(slice(BYTES, 0, 10), read(source, 0, 10));
      assertEquals(List.of("/faulty/moved.bin"),
          server.log().stream().map(TestHttpServer.Logged::path).toList());
    }
  }

  @Test
  void anExpiredRedirectTargetIsResolvedAgainFromTheArchiveUrl() throws IOException {
    AtomicInteger signature = new AtomicInteger(1);
    server.putSigned("signed.bin", BYTES, "\"v1\"", () -> "sig=" + signature.get());
    server.redirect("/download/signed.bin", 302,
        () -> "/faulty/signed.bin?sig=" + signature.get());
    try (HttpSource source = HttpSource.open(server.uri("/download/signed.bin"), FAST)) {
      server.reset();
      assertArrayEquals(slice(BYTES, 0, 10), read(source, 0, 10));
      assertEquals(1, server.requests());
      signature.incrementAndGet(); // the first signed URL expires
      server.reset();
      assertArrayEquals(slice(BYTES, 10, 10), read(source, 10, 10));
      assertEquals(List.of("sig=1", "sig=2"), server.log().stream()
          .filter(l -> l.path().startsWith("/faulty/")).map(TestHttpServer.Logged::query)
          .toList());
      assertEquals(3, server.requests(), "refused, redirect, read");
    }
  }

  @Test
  void redirectsBeyondTheLimitFail() {
    server.redirect("/loop", 302, () -> "/loop");
    IOException e = assertThrows(IOException.class,
        () -> HttpSource.open(server.uri("/loop"), FAST));
    assertTrue(e.getMessage().contains("more than 5 redirects"), e.getMessage());
    assertEquals(6, server.requests());
  }

  @Test
  void httpsWorksWithAContextThatTrustsTheServer() throws Exception {
    server.put("tls.bin", BYTES, "\"v1\"");
    RemoteOptions trusting = RemoteOptions.builder().sslContext(TestHttpServer.trusting(dir))
        .build();
    try (HttpSource source = HttpSource.open(server.httpsUri("/faulty/tls.bin"), trusting)) {
      assertArrayEquals(slice(BYTES, 0, 1000), read(source, 0, 1000));
      assertEquals(2, server.requests());
    }
  }

  @Test
  void anUntrustedCertificateIsReportedNeverBypassed() {
    server.put("tls.bin", BYTES, "\"v1\"");
    SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
        () -> HttpSource.open(server.httpsUri("/faulty/tls.bin"), FAST));
    assertTrue(e.getMessage().startsWith(server.httpsUri("/faulty/tls.bin")
        + ": TLS handshake failed"), e.getMessage());
    assertTrue(e.getMessage().contains("RemoteOptions.sslContext"), e.getMessage());
    assertEquals(0, server.requests());
  }

  @Test
  void aRedirectFromHttpsToHttpIsRefused() throws Exception {
    server.put("down.bin", BYTES, "\"v1\"");
    server.redirect("/downgrade", 302, () -> server.uri("/faulty/down.bin").toString());
    RemoteOptions trusting = RemoteOptions.builder().sslContext(TestHttpServer.trusting(dir))
        .build();
    IOException e = assertThrows(IOException.class,
        () -> HttpSource.open(server.httpsUri("/downgrade"), trusting));
    assertFalse(e instanceof SSLException, e.toString());
    assertTrue(e.getMessage().contains("refused a redirect from https to http ("
        + server.uri("/faulty/down.bin") + ")"), e.getMessage());
    assertEquals(1, server.requests(), "the http location is never asked");
  }

  @Test
  void credentialsStayWithTheArchiveUrlsOrigin() throws Exception {
    server.put("elsewhere.bin", BYTES, "\"v1\"");
    server.redirect("/upgrade", 302, () -> server.httpsUri("/faulty/elsewhere.bin").toString());
    RemoteOptions options = RemoteOptions.builder().sslContext(TestHttpServer.trusting(dir))
        .header("Authorization", "Bearer t0ken").build();
    try (HttpSource source = HttpSource.open(server.uri("/upgrade"), options)) {
      read(source, 0, 10);
      List<TestHttpServer.Logged> log = server.log();
      assertEquals("Bearer t0ken", log.get(0).authorization());
      assertNull(log.get(1).authorization(), "not sent to another origin");
      assertNull(log.get(2).authorization());
    }
  }
}
