package dev.engram.remote;

import dev.engram.source.RemoteOptions;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The HTTP clients every {@link HttpSource} shares: one per connect timeout and TLS context, so
 * that sources of one server share its connections (and HTTP/2 multiplexes their requests), and
 * opening many archives does not start many clients. A client's selector thread and connections
 * cannot be released explicitly on Java 17 ({@code HttpClient.close()} came in 21): the JDK
 * releases them when nothing references the client any more. So at most {@link #MAX_CLIENTS}
 * are kept here, the least recently used forgotten first (sources still using a forgotten client
 * keep it alive until they are gone). Thread-safe.
 */
final class HttpClients {
  /** Distinct settings kept; more only happen when callers make a new SSLContext per archive. */
  private static final int MAX_CLIENTS = 8;

  /** What a client is configured with; an SSLContext compares by identity. */
  private record Settings(Duration connectTimeout, SSLContext sslContext) {}

  private static final Map<Settings, HttpClient> CLIENTS =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Settings, HttpClient> eldest) {
          return size() > MAX_CLIENTS;
        }
      };

  private HttpClients() {}

  /** Returns the shared client for these options' connect timeout and TLS context. */
  static HttpClient forOptions(RemoteOptions options) {
    Settings settings =
        new Settings(options.connectTimeout(), options.sslContext().orElse(null));
    synchronized (CLIENTS) {
      return CLIENTS.computeIfAbsent(settings, HttpClients::newClient);
    }
  }

  private static HttpClient newClient(Settings settings) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        // HttpSource follows redirects itself: it refuses https -> http, keeps credentials to
        // their origin and remembers where the archive was found
        .followRedirects(HttpClient.Redirect.NEVER);
    if (settings.sslContext() != null) {
      builder.sslContext(settings.sslContext());
    }
    return builder.build();
  }
}
