package dev.engram.cli;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Matches archive paths against shell-style globs ({@code *}, {@code ?}, {@code [a-z]}, {@code
 * {a,b}}, {@code **}), the way {@code --exclude} and {@code extract}'s patterns read: a glob with
 * a {@code /} matches the whole path ({@code docs/*.md}, {@code **}{@code /tmp/**}); a glob
 * without one matches any single component ({@code *.log} anywhere, {@code node_modules} as a
 * directory name anywhere).
 */
final class Globs {
  private final List<Glob> globs;

  private record Glob(String text, PathMatcher matcher, boolean wholePath) {}

  private Globs(List<Glob> globs) {
    this.globs = globs;
  }

  /**
   * Compiles globs.
   *
   * @throws IllegalArgumentException if one is not a valid glob
   */
  static Globs of(List<String> patterns) {
    return new Globs(patterns.stream().map(p -> new Glob(p,
        FileSystems.getDefault().getPathMatcher("glob:" + p), p.contains("/"))).toList());
  }

  boolean isEmpty() {
    return globs.isEmpty();
  }

  /** Returns the first glob that matches a {@code /}-separated path, or null. */
  String firstMatch(String path) {
    for (Glob glob : globs) {
      if (matches(glob, path)) {
        return glob.text();
      }
    }
    return null;
  }

  /** Whether some glob matches the path. */
  boolean matches(String path) {
    return firstMatch(path) != null;
  }

  /**
   * Whether a path is selected by the patterns of a command such as {@code extract} or {@code
   * rm}: it is one of them as written (a name with glob characters in it), or some glob matches
   * it.
   */
  boolean selects(String path) {
    for (Glob glob : globs) {
      if (glob.text().equals(path) || matches(glob, path)) {
        return true;
      }
    }
    return false;
  }

  /** The patterns, in order, that select none of the paths. */
  List<String> unselected(Collection<String> paths) {
    List<String> unselected = new ArrayList<>();
    for (Glob glob : globs) {
      if (paths.stream().noneMatch(path -> glob.text().equals(path) || matches(glob, path))) {
        unselected.add(glob.text());
      }
    }
    return unselected;
  }

  private static boolean matches(Glob glob, String path) {
    try {
      return matchesPath(glob, path);
    } catch (InvalidPathException e) {
      return false; // a hostile name (a NUL byte, say) that no glob means
    }
  }

  private static boolean matchesPath(Glob glob, String path) {
    if (glob.wholePath()) {
      return glob.matcher().matches(Path.of(path));
    }
    for (String component : path.split("/")) {
      if (!component.isEmpty() && glob.matcher().matches(Path.of(component))) {
        return true;
      }
    }
    return false;
  }
}
