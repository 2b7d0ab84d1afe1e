package dev.engram.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A real HTTP server for tests, on 127.0.0.1 only (an ephemeral port; HTTPS on a second one with
 * a self-signed certificate made by {@code keytool} when asked for).
 *
 * <ul>
 *   <li>{@code /files/NAME}: the files of a directory, served by Jetty's {@link ResourceHandler}
 *       as a real deployment would (ranges, suffix ranges, 416, weak ETags, Last-Modified), but
 *       without its cache, so that a file changed on disk is served changed at once.
 *   <li>{@code /faulty/NAME}: byte arrays put with {@link #put}, served by this class's own
 *       range implementation (strong or weak ETags, {@code If-Match}), with the faults of {@link
 *       Faults} injected.
 *   <li>any path given to {@link #redirect}: a redirect.
 * </ul>
 *
 * <p>Every request is counted and logged, and every body byte handed to Jetty is counted, on the
 * server's side: tests assert exact request counts. Thread-safe.
 */
public final class TestHttpServer implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final String PASSWORD = "test-only";

  private final Server server;
  private final ServerConnector http;
  private final ServerConnector https;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong bodyBytes = new AtomicLong();
  private final List<Logged> log = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Resource> resources = new ConcurrentHashMap<>();
  private final Map<String, Redirect> redirects = new ConcurrentHashMap<>();
  private final Faults faults = new Faults();

  /** One request as the server saw it. */
  public record Logged(String path, String query, String range, String ifMatch,
      String authorization) {}

  /** A resource of {@code /faulty/}; {@code etag} as sent ({@code "x"} or {@code W/"x"}). */
  private record Resource(byte[] bytes, String etag, String lastModified,
      Supplier<String> validQuery) {}

  private record Redirect(int status, Supplier<String> location) {}

  /**
   * Faults injected into the answers of {@code /faulty/}: each counter says how many of the next
   * requests get the fault (decremented as they do); the flags last until reset.
   */
  public static final class Faults {
    /** The next N requests get {@link #failureStatus} (with {@link #retryAfter} if set). */
    public final AtomicInteger failures = new AtomicInteger();
    public volatile int failureStatus = 503;
    public volatile String retryAfter;
    /** The next N bodies stop after {@link #dropAfterBytes} and the connection is closed. */
    public final AtomicInteger drops = new AtomicInteger();
    public volatile int dropAfterBytes = 100;
    /** The next N bodies are one byte short, without Content-Length (chunked): well framed. */
    public final AtomicInteger shortBodies = new AtomicInteger();
    /** The next N bodies are one byte longer than their Content-Range says. */
    public final AtomicInteger longBodies = new AtomicInteger();
    /** The next N answers give a Content-Range one byte off the request (and those bytes). */
    public final AtomicInteger wrongRanges = new AtomicInteger();
    /** The next N requests wait {@link #latencyMillis} before answering. */
    public final AtomicInteger slow = new AtomicInteger();
    public volatile long latencyMillis;
    /** Every request gets the whole resource with 200, as a server without range support. */
    public volatile boolean ignoreRange;
    /** Every request gets this status (404, 401, 403...) when not 0. */
    public volatile int status;

    void reset() {
      failures.set(0);
      failureStatus = 503;
      retryAfter = null;
      drops.set(0);
      dropAfterBytes = 100;
      shortBodies.set(0);
      longBodies.set(0);
      wrongRanges.set(0);
      slow.set(0);
      latencyMillis = 0;
      ignoreRange = false;
      status = 0;
    }

    private static boolean take(AtomicInteger counter) {
      return counter.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }
  }

  private TestHttpServer(Path files, Path keyStore) throws Exception {
    server = new Server();
    server.setStopTimeout(0);
    http = new ServerConnector(server);
    http.setHost("127.0.0.1");
    http.setPort(0);
    server.addConnector(http);
    if (keyStore != null) {
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStorePath(keyStore.toString());
      tls.setKeyStorePassword(PASSWORD);
      https = new ServerConnector(server, tls);
      https.setHost("127.0.0.1");
      https.setPort(0);
      server.addConnector(https);
    } else {
      https = null;
    }
    ResourceHandler fileHandler = new ResourceHandler() {
      /** Jetty's files without its cache: a file changed on disk is served changed at once. */
      @Override
      protected HttpContent.Factory newHttpContentFactory(ByteBufferPool.Sized buffers) {
        return new ResourceHttpContentFactory(getBaseResource(), getMimeTypes(), buffers);
      }
    };
    fileHandler.setBaseResource(ResourceFactory.of(server).newResource(files));
    fileHandler.setEtags(true);
    fileHandler.setDirAllowed(false);
    server.setHandler(new Counting(new Router(new ContextHandler(fileHandler, "/files"))));
    server.start();
  }

  /**
   * Starts a server for the files of a directory (at {@code /files/}), over HTTP only.
   *
   * @param files the directory
   * @return the running server
   * @throws Exception if it cannot start
   */
  public static TestHttpServer start(Path files) throws Exception {
    return new TestHttpServer(files, null);
  }

  /**
   * Starts a server for the files of a directory, over HTTP and HTTPS.
   *
   * @param files the directory
   * @param work where the key store is made
   * @return the running server
   * @throws Exception if it cannot start or keytool fails
   */
  public static TestHttpServer startWithTls(Path files, Path work) throws Exception {
    return new TestHttpServer(files, selfSignedKeyStore(work));
  }

  /** The URL of a path on the HTTP connector ({@code /files/x.eng}, {@code /faulty/x.eng}). */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + http.getLocalPort() + path);
  }

  /** The URL of a path on the HTTPS connector. */
  public URI httpsUri(String path) {
    return URI.create("https://127.0.0.1:" + https.getLocalPort() + path);
  }

  /** Serves bytes at {@code /faulty/NAME} with a strong ETag made from a version label. */
  public void put(String name, byte[] bytes, String etag) {
    resources.put(name, new Resource(bytes, etag, null, null));
  }

  /** Serves bytes with only a Last-Modified date (no ETag), or no validator when it is null. */
  public void putWithoutEtag(String name, byte[] bytes, String lastModified) {
    resources.put(name, new Resource(bytes, null, lastModified, null));
  }

  /** Serves bytes only to requests whose query is the one the supplier gives now, else 403. */
  public void putSigned(String name, byte[] bytes, String etag, Supplier<String> validQuery) {
    resources.put(name, new Resource(bytes, etag, null, validQuery));
  }

  /** Answers requests for a path with a redirect to what the supplier gives at that time. */
  public void redirect(String path, int status, Supplier<String> location) {
    redirects.put(path, new Redirect(status, location));
  }

  /** The faults of {@code /faulty/}. */
  public Faults faults() {
    return faults;
  }

  /** Requests received since the last {@link #reset}. */
  public int requests() {
    return requests.get();
  }

  /** Body bytes handed to Jetty since the last {@link #reset}. */
  public long bodyBytes() {
    return bodyBytes.get();
  }

  /** The requests received since the last {@link #reset}, in order of arrival. */
  public List<Logged> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** Forgets the counts, the log and the faults. */
  public void reset() {
    requests.set(0);
    bodyBytes.set(0);
    log.clear();
    faults.reset();
  }

  /** An SSL context that trusts this server's self-signed certificate (and nothing else). */
  public static SSLContext trusting(Path work) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(selfSignedKeyStore(work))) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("test-server", keys.getCertificate("test-server"));
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** Makes (once per directory) a key store with a self-signed certificate for 127.0.0.1. */
  static synchronized Path selfSignedKeyStore(Path work) throws Exception {
    Path store = work.resolve("test-server.p12");
    if (Files.exists(store)) {
      return store;
    }
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias",
        "test-server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
        store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
    return store;
  }

  @Override
  public void close() throws IOException {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IOException("the test server did not stop", e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Counts requests and the body bytes of their answers. */
  private final class Counting extends Handler.Wrapper {
    Counting(Handler handler) {
      super(handler);
    }

    /**
     * Blocking: {@code /faulty/} writes with blocking streams and sleeps, which a handler that
     * Jetty may call on its selector thread (as the ResourceHandler alone would be) must not.
     */
    @Override
    public InvocationType getInvocationType() {
      return InvocationType.BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback)
        throws Exception {
      requests.incrementAndGet();
      log.add(new Logged(Request.getPathInContext(request), request.getHttpURI().getQuery(),
          request.getHeaders().get(HttpHeader.RANGE), request.getHeaders().get(HttpHeader.IF_MATCH),
          request.getHeaders().get(HttpHeader.AUTHORIZATION)));
      Response counted = new Response.Wrapper(request, response) {
        @Override
        public void write(boolean last, ByteBuffer content, Callback written) {
          if (content != null) {
            bodyBytes.addAndGet(content.remaining());
          }
          super.write(last, content, written);
        }
      };
      return super.handle(request, counted, callback);
    }
  }

  /** Sends redirects and {@code /faulty/} itself, the rest to the ResourceHandler. */
  private final class Router extends Handler.Wrapper {
    Router(Handler files) {
      super(files);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback)
        throws Exception {
      String path = Request.getPathInContext(request);
      Redirect redirect = redirects.get(path);
      if (redirect != null) {
        response.setStatus(redirect.status());
        response.getHeaders().put(HttpHeader.LOCATION, redirect.location().get());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
        callback.succeeded();
        return true;
      }
      if (path.startsWith("/faulty/")) {
        serveFaulty(request, response, callback, path.substring("/faulty/".length()));
        return true;
      }
      if (path.startsWith("/files/")) {
        return super.handle(request, response, callback);
      }
      return false;
    }
  }

  private void serveFaulty(Request request, Response response, Callback callback, String name)
      throws Exception {
    if (Faults.take(faults.slow)) {
      Thread.sleep(faults.latencyMillis);
    }
    Resource resource = resources.get(name);
    if (faults.status != 0 || resource == null) {
      empty(response, callback, faults.status != 0 ? faults.status : 404);
      return;
    }
    if (resource.validQuery() != null
        && !resource.validQuery().get().equals(request.getHttpURI().getQuery())) {
      empty(response, callback, 403);
      return;
    }
    if (Faults.take(faults.failures)) {
      if (faults.retryAfter != null) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, faults.retryAfter);
      }
      empty(response, callback, faults.failureStatus);
      return;
    }
    byte[] bytes = resource.bytes();
    if (resource.etag() != null) {
      response.getHeaders().put(HttpHeader.ETAG, resource.etag());
    }
    if (resource.lastModified() != null) {
      response.getHeaders().put(HttpHeader.LAST_MODIFIED, resource.lastModified());
    }
    String ifMatch = request.getHeaders().get(HttpHeader.IF_MATCH);
    // strong comparison: a weak tag never matches
    if (ifMatch != null && (resource.etag() == null || resource.etag().startsWith("W/")
        || !ifMatch.equals(resource.etag()))) {
      empty(response, callback, 412);
      return;
    }
    String ifUnmodified = request.getHeaders().get(HttpHeader.IF_UNMODIFIED_SINCE);
    if (ifUnmodified != null && !ifUnmodified.equals(resource.lastModified())) {
      empty(response, callback, 412);
      return;
    }
    String range = request.getHeaders().get(HttpHeader.RANGE);
    long first = 0;
    long last = bytes.length - 1;
    boolean partial = range != null && !faults.ignoreRange;
    if (partial) {
      Matcher m = RANGE.matcher(range);
      if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
        empty(response, callback, 400);
        return;
      }
      if (m.group(1).isEmpty()) {
        first = Math.max(0, bytes.length - Long.parseLong(m.group(2)));
      } else {
        first = Long.parseLong(m.group(1));
        last = m.group(2).isEmpty() ? last : Math.min(last, Long.parseLong(m.group(2)));
      }
      if (first >= bytes.length || first > last) {
        response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + bytes.length);
        empty(response, callback, 416);
        return;
      }
    }
    long shownFirst = first;
    long shownLast = last;
    if (partial && Faults.take(faults.wrongRanges)) {
      // one byte off, and the body of that range: an answer for another request
      if (first > 0) {
        shownFirst--;
        shownLast--;
      } else {
        shownFirst++;
        shownLast = Math.min(shownLast + 1, bytes.length - 1);
      }
    }
    long length = shownLast - shownFirst + 1;
    long sent = length;
    if (Faults.take(faults.shortBodies)) {
      sent = length - 1;
    } else if (Faults.take(faults.longBodies)) {
      sent = Math.min(length + 1, bytes.length - shownFirst);
    }
    response.setStatus(partial ? 206 : 200);
    if (partial) {
      response.getHeaders().put(HttpHeader.CONTENT_RANGE,
          "bytes " + shownFirst + "-" + shownLast + "/" + bytes.length);
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
    if (sent >= length) {
      // a short body goes without Content-Length (chunked), so that it is well framed
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, sent);
    }
    boolean drop = Faults.take(faults.drops);
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      long limit = drop ? Math.min(sent, faults.dropAfterBytes) : sent;
      for (long done = 0; done < limit; ) {
        int n = (int) Math.min(64 * 1024, limit - done);
        out.write(bytes, (int) (shownFirst + done), n);
        done += n;
      }
      if (drop) {
        out.flush();
        throw new IOException("connection dropped on purpose");
      }
    } catch (IOException e) {
      callback.failed(e); // the connection is closed: the client sees its body end early
      return;
    }
    callback.succeeded();
  }

  private static void empty(Response response, Callback callback, int status) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
    callback.succeeded();
  }
}
