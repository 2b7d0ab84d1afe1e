package dev.engram.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Answers that are wrong, damaged on their way from s3proxy to the source by an interceptor of the
 * client: a body that ends early (retried, never used), one too long, a wrong or missing {@code
 * Content-Range}, another ETag from a store that ignores {@code If-Match}.
 */
class S3SourceFaultsTest {
  private static final String BUCKET = "faults";
  private static final String KEY = "larger.eng";
  private static final Map<String, byte[]> CONTENTS = TestArchives.largerContents();

  private static S3TestServer server;
  private static final Faults FAULTS = new Faults();
  private static S3Client retrying;
  private static S3Client once;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
    server.createBucket(BUCKET);
    server.put(BUCKET, KEY, TestArchives.write(CONTENTS));
    retrying = server.client(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, null, FAULTS);
    once = server.client(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY,
        AwsRetryStrategy.doNotRetry(), FAULTS);
  }

  @AfterAll
  static void stopServer() {
    for (AutoCloseable closing : new AutoCloseable[] {retrying, once, server}) {
      try {
        if (closing != null) {
          closing.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @BeforeEach
  void noFaults() {
    FAULTS.clear();
    RequestLog.reset();
  }

  /** Opens the archive, then damages the answers to the reads that follow as {@code faults} say. */
  private static IOException readFails(S3Client client, Runnable faults) throws IOException {
    try (ArchiveReader reader = S3Archives.open(client, BUCKET, KEY, ReaderOptions.defaults())) {
      faults.run();
      RequestLog.reset();
      return assertThrows(IOException.class, () -> reader.read("first.txt"));
    }
  }

  @Test
  void aBodyThatEndsEarlyIsRetriedNeverUsed() throws IOException {
    try (ArchiveReader reader = S3Archives.open(retrying, BUCKET, KEY, ReaderOptions.defaults())) {
      FAULTS.shortBodies.set(1);
      RequestLog.reset();
      assertArrayEquals(CONTENTS.get("first.txt"), reader.read("first.txt"));
      assertEquals(2, RequestLog.gets(), () -> "requests: " + RequestLog.sent());
    }
    IOException e = readFails(once, () -> FAULTS.shortBodies.set(1));
    assertTrue(e.getMessage().matches(
        "s3://faults/larger.eng: the body ended after \\d+ of \\d+ bytes"), e.getMessage());
  }

  @Test
  void aBodyThatStallsIsRetriedAndIsNoInterrupt() throws IOException {
    try (ArchiveReader reader = S3Archives.open(retrying, BUCKET, KEY, ReaderOptions.defaults())) {
      FAULTS.stalledBodies.set(1);
      RequestLog.reset();
      assertArrayEquals(CONTENTS.get("first.txt"), reader.read("first.txt"));
      assertEquals(2, RequestLog.gets(), () -> "requests: " + RequestLog.sent());
    }
    IOException e = readFails(once, () -> FAULTS.stalledBodies.set(1));
    assertFalse(e instanceof InterruptedIOException, e.toString());
    assertFalse(Thread.currentThread().isInterrupted());
    assertTrue(e.getMessage().matches("s3://faults/larger.eng: the body broke off after 0 of \\d+"
        + " bytes: Read timed out"), e.getMessage());
  }

  @Test
  void aBodyLongerThanTheRangeIsRefused() throws IOException {
    IOException e = readFails(retrying, () -> FAULTS.longBodies.set(1));
    assertTrue(e.getMessage().contains("S3 sent more than the"), e.getMessage());
    assertEquals(1, RequestLog.gets(), "not retried");
  }

  @Test
  void aWrongContentRangeIsRefusedNotData() throws IOException {
    IOException e = readFails(retrying, () -> FAULTS.headers = response -> response.toBuilder()
        .putHeader("Content-Range", shifted(response.firstMatchingHeader("Content-Range")
            .orElseThrow())).build());
    assertTrue(e.getMessage().matches("s3://faults/larger.eng: S3 answered bytes \\d+-\\d+/\\d+"
        + " to a request for bytes=\\d+-\\d+"), e.getMessage());
    assertEquals(1, RequestLog.gets(), "not retried");
  }

  @Test
  void aStoreThatIgnoresRangesIsRefused() throws IOException {
    // as such a store answers: 200, the whole object's length, no Content-Range
    long size = TestArchives.write(CONTENTS).length;
    UnaryOperator<SdkHttpResponse> whole = response -> response.toBuilder().statusCode(200)
        .removeHeader("Content-Range").putHeader("Content-Length", Long.toString(size)).build();
    IOException read = readFails(retrying, () -> FAULTS.headers = whole);
    assertTrue(read.getMessage().contains("the store ignored the range bytes="),
        read.getMessage());
    assertTrue(read.getMessage().contains("sent the whole object (" + size + " bytes)"),
        read.getMessage());
    // at open too: the body is never read
    FAULTS.headers = whole;
    IOException open = assertThrows(IOException.class,
        () -> S3Archives.open(retrying, BUCKET, KEY, ReaderOptions.defaults()));
    assertTrue(open.getMessage().contains("the store ignored the range bytes=-65536"),
        open.getMessage());
  }

  @Test
  void a206WithoutContentRangeIsRefused() throws IOException {
    IOException e = readFails(retrying, () -> FAULTS.headers = response -> response.toBuilder()
        .removeHeader("Content-Range").build());
    assertTrue(e.getMessage().endsWith("S3's 206 answer has no Content-Range"), e.getMessage());
  }

  @Test
  void anotherETagMeansTheArchiveChanged() throws IOException {
    // a store that ignores If-Match: the ETag of every answer is checked anyway
    IOException e = readFails(retrying, () -> FAULTS.headers = response -> response.toBuilder()
        .putHeader("ETag", "\"another\"").build());
    assertTrue(e.getMessage().contains("the archive changed in S3 since it was opened (ETag was"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("now \"another\"); reopen it to read the new version"),
        e.getMessage());
  }

  @Test
  void aReadByVersionThatS3RefusesGoesOnByETagAlone() throws IOException {
    // a versioned bucket (s3proxy has none: the version id is added to its answers) whose
    // policy grants s3:GetObject but not s3:GetObjectVersion
    FAULTS.headers = response -> response.toBuilder().putHeader("x-amz-version-id", "v1").build();
    FAULTS.refuseReadsByVersion = true;
    try (ArchiveReader reader = S3Archives.open(retrying, BUCKET, KEY, ReaderOptions.defaults())) {
      assertTrue(reader.source().identity().version().endsWith("version v1"),
          reader.source().identity().version());
      RequestLog.reset();
      assertArrayEquals(CONTENTS.get("first.txt"), reader.read("first.txt"));
      assertEquals(2, RequestLog.gets(), () -> "refused by version, then by ETag: "
          + RequestLog.sent());
      assertEquals(1, FAULTS.readsByVersion.get());
      RequestLog.reset();
      assertArrayEquals(CONTENTS.get("filler.bin"), reader.read("filler.bin"));
      assertEquals(1, FAULTS.readsByVersion.get(), "never asked by version again");
    }
  }

  /** {@code bytes F-L/T} moved one byte on. */
  private static String shifted(String contentRange) {
    String[] parts = contentRange.split("[ /-]");
    return "bytes " + (Long.parseLong(parts[1]) + 1) + "-" + (Long.parseLong(parts[2]) + 1) + "/"
        + parts[3];
  }

  /**
   * Damages the answers to GetObject: their headers, and the next bodies, which lose their last
   * byte or gain one.
   */
  private static final class Faults implements ExecutionInterceptor {
    final AtomicInteger shortBodies = new AtomicInteger();
    final AtomicInteger longBodies = new AtomicInteger();
    /** Bodies whose first read times out, as a socket read does after its timeout. */
    final AtomicInteger stalledBodies = new AtomicInteger();
    volatile UnaryOperator<SdkHttpResponse> headers;
    /** Answers a GetObject that names a version id with 403, as S3 without that permission. */
    volatile boolean refuseReadsByVersion;
    /** GetObject requests that named a version id. */
    final AtomicInteger readsByVersion = new AtomicInteger();
    private static final ExecutionAttribute<Boolean> BY_VERSION =
        new ExecutionAttribute<>("engram-test-by-version");

    void clear() {
      shortBodies.set(0);
      longBodies.set(0);
      stalledBodies.set(0);
      headers = null;
      refuseReadsByVersion = false;
      readsByVersion.set(0);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context,
        ExecutionAttributes attributes) {
      if (isGet(attributes)
          && context.httpRequest().rawQueryParameters().containsKey("versionId")) {
        readsByVersion.incrementAndGet();
        attributes.putAttribute(BY_VERSION, refuseReadsByVersion);
      }
    }

    private static boolean refused(ExecutionAttributes attributes) {
      return Boolean.TRUE.equals(attributes.getAttribute(BY_VERSION));
    }

    private static boolean isGet(ExecutionAttributes attributes) {
      return "GetObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
        ExecutionAttributes attributes) {
      if (refused(attributes)) {
        return context.httpResponse().toBuilder().statusCode(403)
            .removeHeader("Content-Range").build();
      }
      UnaryOperator<SdkHttpResponse> change = headers;
      return change != null && isGet(attributes) ? change.apply(context.httpResponse())
          : context.httpResponse();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
        ExecutionAttributes attributes) {
      if (refused(attributes)) {
        byte[] denied = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied"
            + "</Code><Message>Access Denied</Message></Error>").getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        return Optional.of(new ByteArrayInputStream(denied));
      }
      Optional<InputStream> body = context.responseBody();
      if (body.isEmpty() || !isGet(attributes)) {
        return body;
      }
      if (shortBodies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return Optional.of(new WithoutLastByte(body.get()));
      }
      if (stalledBodies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        InputStream stalled = body.get();
        return Optional.of(new InputStream() {
          @Override
          public int read() throws IOException {
            throw new SocketTimeoutException("Read timed out");
          }

          @Override
          public void close() throws IOException {
            stalled.close();
          }
        });
      }
      if (longBodies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return Optional.of(new SequenceInputStream(body.get(),
            new ByteArrayInputStream(new byte[] {42})));
      }
      return body;
    }
  }

  /** A stream that ends one byte before the stream it wraps. */
  private static final class WithoutLastByte extends InputStream {
    private final InputStream in;
    private int held = -2; // -2: nothing read yet

    WithoutLastByte(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      if (held == -2) {
        held = in.read();
      }
      if (held < 0) {
        return -1;
      }
      int next = in.read();
      if (next < 0) {
        held = -1; // the last byte: kept back
        return -1;
      }
      int out = held;
      held = next;
      return out;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
