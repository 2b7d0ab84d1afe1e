package dev.engram.remote;

import java.net.URI;
import java.util.Locale;

/**
 * The one place that turns a URI into what messages may show, and tells origins apart.
 * Stateless and thread-safe.
 */
final class Locations {
  private Locations() {}

  /**
   * Returns a URI as messages show it: scheme, host, port and path, without user information,
   * query or fragment, where passwords, tokens and signatures live.
   */
  static String redact(URI uri) {
    if (uri.isOpaque() || uri.getScheme() == null) {
      return uri.getScheme() == null ? "(relative URI)" : uri.getScheme() + ":(opaque URI)";
    }
    StringBuilder shown = new StringBuilder(uri.getScheme()).append("://");
    if (uri.getHost() != null) {
      shown.append(uri.getHost());
      if (uri.getPort() != -1) {
        shown.append(':').append(uri.getPort());
      }
    }
    String path = uri.getRawPath();
    return shown.append(path == null ? "" : path).toString();
  }

  /** Whether two http(s) URIs have the same origin: scheme, host and port. */
  static boolean sameOrigin(URI a, URI b) {
    return scheme(a).equals(scheme(b)) && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
  }

  static String scheme(URI uri) {
    return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return scheme(uri).equals("https") ? 443 : 80;
  }

  /** The URI to send requests to: without user information (sent as a header) and fragment. */
  static URI forRequest(URI uri) {
    return URI.create(scheme(uri) + "://" + uri.getRawAuthority().substring(
        uri.getRawUserInfo() == null ? 0 : uri.getRawUserInfo().length() + 1)
        + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }
}
