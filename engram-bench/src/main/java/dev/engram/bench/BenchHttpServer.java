package dev.engram.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The web server of the remote benchmark: Jetty on 127.0.0.1 (an ephemeral port), serving the
 * files of a directory at {@code /files/NAME} with its {@link ResourceHandler}, as a real
 * deployment would (range and suffix-range requests, ETags, Last-Modified), without Jetty's
 * in-memory cache of file contents (files are read from the OS page cache, warm for every
 * contender).
 *
 * <p>Every request waits a fixed delay before it is handled, once, before any byte of the answer
 * is sent: a round trip to a distant server. The bandwidth is the loopback's. Requests and the
 * body bytes of their answers are counted on the server's side; {@link #awaitIdle} waits until no
 * request is under way, so that a contender's counts hold nothing of another's. Thread-safe.
 */
final class BenchHttpServer implements AutoCloseable {
  private static final String FILES = "/files";
  /** How long no request must be under way for the server to be idle. */
  private static final long QUIET_MILLIS = 50;

  private final Server server;
  private final ServerConnector connector;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bodyBytes = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long delayMillis;
  private volatile boolean trace;

  /** Requests received and body bytes sent since the last {@link #reset}. */
  record Counts(long requests, long bytes) {}

  private BenchHttpServer(Path directory) throws Exception {
    server = new Server();
    server.setStopTimeout(0);
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ResourceHandler files = new ResourceHandler() {
      /** Jetty's file contents without its cache: every request reads the file. */
      @Override
      protected HttpContent.Factory newHttpContentFactory(ByteBufferPool.Sized buffers) {
        return new ResourceHttpContentFactory(getBaseResource(), getMimeTypes(), buffers);
      }
    };
    files.setBaseResource(ResourceFactory.of(server).newResource(directory));
    files.setEtags(true);
    files.setDirAllowed(false);
    server.setHandler(new Delaying(new ContextHandler(files, FILES)));
    server.start();
  }

  /**
   * Starts a server for the files of a directory.
   *
   * @param directory the directory
   * @return the running server
   * @throws Exception if it cannot start
   */
  static BenchHttpServer start(Path directory) throws Exception {
    return new BenchHttpServer(directory);
  }

  /** The URL of a file of the directory. */
  URI uri(String fileName) {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + FILES + "/" + fileName);
  }

  /** Sets the delay every request waits before it is handled. */
  void delayMillis(long millis) {
    delayMillis = millis;
  }

  /** Whether each request's range and body bytes are shown on standard error when it ends. */
  void trace(boolean on) {
    trace = on;
  }

  /** Forgets the counts. */
  void reset() {
    requests.set(0);
    bodyBytes.set(0);
  }

  /** The counts since the last {@link #reset}. */
  Counts counts() {
    return new Counts(requests.get(), bodyBytes.get());
  }

  /**
   * Waits until no request has been under way for {@link #QUIET_MILLIS} (a reader closed with
   * read-ahead in flight leaves some, which may reach the server only after the close), at most
   * 10 s.
   *
   * @throws IllegalStateException if requests are still under way after 10 s
   * @throws InterruptedException if interrupted
   */
  void awaitIdle() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long quietSince = System.nanoTime();
    while (System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
      if (inFlight.get() > 0) {
        quietSince = System.nanoTime();
      }
      if (System.nanoTime() > until) {
        throw new IllegalStateException(inFlight.get() + " requests still under way after 10 s");
      }
      Thread.sleep(1);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IOException("the benchmark's server did not stop", e);
    }
  }

  /** Waits the delay, then counts the request, its body bytes, and while it is under way. */
  private final class Delaying extends Handler.Wrapper {
    Delaying(Handler handler) {
      super(handler);
    }

    /** It sleeps: Jetty must never call it on a selector thread. */
    @Override
    public InvocationType getInvocationType() {
      return InvocationType.BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback)
        throws Exception {
      inFlight.incrementAndGet();
      AtomicLong sent = new AtomicLong();
      Callback done = new Callback.Nested(callback) {
        @Override
        public void completed() {
          if (trace) {
            System.err.printf("    request %s: %s, %,d B%n", Request.getPathInContext(request),
                request.getHeaders().get("Range"), sent.get());
          }
          inFlight.decrementAndGet();
        }
      };
      try {
        long delay = delayMillis;
        if (delay > 0) {
          Thread.sleep(delay);
        }
        requests.incrementAndGet();
        Response counted = new Response.Wrapper(request, response) {
          @Override
          public void write(boolean last, ByteBuffer content, Callback written) {
            if (content != null) {
              bodyBytes.addAndGet(content.remaining());
              sent.addAndGet(content.remaining());
            }
            super.write(last, content, written);
          }
        };
        if (super.handle(request, counted, done)) {
          return true;
        }
      } catch (Exception | Error e) {
        inFlight.decrementAndGet();
        throw e;
      }
      inFlight.decrementAndGet(); // not handled: Jetty answers 404 without the callback
      return false;
    }
  }
}
