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
      if (selects(glob, path)) {
        return true;
      }
    }
    return false;
  }

  /** The patterns, in order, that select none of the paths. */
  List<String> unselected(Collection<String> paths) {
    List<String> unselected = new ArrayList<>();
    for (Glob glob : globs) {
      if (paths.stream().noneMatch(path -> selects(glob, path))) {
        unselected.add(glob.text());
      }
    }
    return unselected;
  }

  /**
   * Starts following which patterns select some path, one path at a time: {@link
   * #unselected(Collection)} without collecting the paths (a million entries' would cost tens of
   * megabytes).
   */
  Selection selection() {
    return new Selection();
  }

  /** Which patterns have selected a path so far. Not thread-safe. */
  final class Selection {
    /** Whether each glob, by position, has selected a path. */
    private final boolean[] used = new boolean[globs.size()];

    private Selection() {}

    /** Whether the patterns select a path, as {@link Globs#selects}; notes each that does. */
    boolean selects(String path) {
      boolean selected = false;
      for (int g = 0; g < used.length; g++) {
        if (selected && used[g]) {
          continue; // neither the answer nor what this glob has done can change
        }
        if (Globs.selects(globs.get(g), path)) {
          used[g] = true;
          selected = true;
        }
      }
      return selected;
    }

    /** The patterns, in order, that have selected none of the paths given. */
    List<String> unselected() {
      List<String> unselected = new ArrayList<>();
      for (int g = 0; g < used.length; g++) {
        if (!used[g]) {
          unselected.add(globs.get(g).text());
        }
      }
      return unselected;
    }
  }

  /** Whether a glob selects a path: the path is the glob as written, or the glob matches it. */
  private static boolean selects(Glob glob, String path) {
    return glob.text().equals(path) || matches(glob, path);
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
