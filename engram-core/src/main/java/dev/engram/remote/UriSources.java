package dev.engram.remote;

import dev.engram.source.ArchiveSource;
import dev.engram.source.ArchiveSourceProvider;
import dev.engram.source.RemoteOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Which source reads a URI: {@code file:} a local file, {@code http:} and {@code https:} an
 * {@link HttpSource}, any other scheme the {@link ArchiveSourceProvider} that claims it.
 * Stateless and thread-safe.
 */
public final class UriSources {
  /** Schemes a module of this project will provide, for the message when it is missing. */
  private static final Map<String, String> KNOWN_MODULES = Map.of(
      "s3", "engram-s3 (module dev.engram.s3)");

  private UriSources() {}

  /**
   * Opens the archive at a URI (see {@link ArchiveSource#open(URI, RemoteOptions)}).
   *
   * @param uri an absolute URI
   * @param options for remote schemes
   * @return the open source
   * @throws IllegalArgumentException if the URI is not absolute
   * @throws UnsupportedOperationException if no installed module reads its scheme
   * @throws IOException if it cannot be opened
   */
  public static ArchiveSource open(URI uri, RemoteOptions options) throws IOException {
    if (!uri.isAbsolute()) {
      throw new IllegalArgumentException("not an absolute URI (no scheme): "
          + Locations.redact(uri));
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "file":
        return ArchiveSource.open(Path.of(uri));
      case "http":
      case "https":
        return HttpSource.open(uri, options);
      default:
        return provided(scheme, uri, options);
    }
  }

  private static ArchiveSource provided(String scheme, URI uri, RemoteOptions options)
      throws IOException {
    List<ArchiveSourceProvider> providers = providers();
    for (ArchiveSourceProvider provider : providers) {
      if (provider.schemes().contains(scheme)) {
        return provider.open(uri, options);
      }
    }
    TreeSet<String> offered = new TreeSet<>(List.of("file", "http", "https"));
    providers.forEach(p -> offered.addAll(p.schemes()));
    String module = KNOWN_MODULES.get(scheme);
    throw new UnsupportedOperationException("no installed module reads archives at " + scheme
        + ": URIs (" + Locations.redact(uri) + "); "
        + (module != null ? "add " + module + " to the class path or module path"
            : "a module providing dev.engram.source.ArchiveSourceProvider would")
        + "; schemes read here: " + String.join(", ", offered));
  }

  /**
   * The providers visible to engram-core's own class loader (its module's layer on the module
   * path) and to the thread's context class loader (an application server's or plugin's), each
   * class once.
   */
  private static List<ArchiveSourceProvider> providers() {
    Map<Class<?>, ArchiveSourceProvider> found = new LinkedHashMap<>();
    ClassLoader own = UriSources.class.getClassLoader();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    List<ServiceLoader<ArchiveSourceProvider>> loaders = new ArrayList<>();
    loaders.add(ServiceLoader.load(ArchiveSourceProvider.class, own));
    if (context != null && context != own) {
      loaders.add(ServiceLoader.load(ArchiveSourceProvider.class, context));
    }
    for (ServiceLoader<ArchiveSourceProvider> loader : loaders) {
      for (ServiceLoader.Provider<ArchiveSourceProvider> provider :
          (Iterable<ServiceLoader.Provider<ArchiveSourceProvider>>) loader.stream()::iterator) {
        if (!found.containsKey(provider.type())) {
          found.put(provider.type(), provider.get());
        }
      }
    }
    return new ArrayList<>(found.values());
  }
}
