package dev.engram.cli;

import dev.engram.ArchivePaths;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The files that folders and files named on the command line give, by the archive path each is
 * stored under: what {@code pack}, {@code add} and {@code update} store, named the same way.
 * Sorted by archive path ({@link String#compareTo}), the order they are written; immutable.
 *
 * <p>Packing a hundred thousand files holds this for the whole run, beside the writer's own
 * directory, so it keeps little per file: the archive path and an {@code int} saying which folder
 * it lies in (not even that when there is one folder). The file's {@link Path} is made again when
 * asked for, as the folder resolved against the archive path; only a file whose archive path does
 * not lead back to it that way (one given by itself, a name with a {@code \} in it, a name the
 * platform's charset does not decode exactly) has its {@code Path} kept.
 */
final class InputFiles {
  /** The archive paths, sorted, no two equal. */
  private final String[] paths;

  /** The folders named, by their place among the inputs (null for a file named). */
  private final Path[] roots;

  /**
   * For each path, the index in {@link #roots} of the folder it is resolved against, or the
   * complement ({@code ~i}) of the index in {@link #files} of the file itself; null when every
   * path lies in {@code roots[0]}, the usual single folder.
   */
  private final int[] sources;

  /** The files whose archive path does not lead back to them from their folder. */
  private final Path[] files;

  private InputFiles(String[] paths, Path[] roots, int[] sources, Path[] files) {
    this.paths = paths;
    this.roots = roots;
    this.sources = sources;
    this.files = files;
  }

  /**
   * Every file to store, by archive path: a folder's files under their path relative to it
   * ({@code /}-separated), a file given by itself under its name. Paths {@code --exclude} matches
   * (and everything under a folder it matches) are left out, so are symbolic links and special
   * files (with a warning) and the archive itself.
   *
   * @param command the command, for warnings and usage errors
   * @param inputs the folders and files named
   * @param excluded the {@code --exclude} globs
   * @param archive the archive being written, never stored in itself
   * @return the files, sorted by archive path
   * @throws NoSuchFileException if an input does not exist
   * @throws picocli.CommandLine.ParameterException if a name cannot be stored, or two files
   *     would be stored under the same path (at the second of them, before walking further)
   */
  static InputFiles collect(BaseCommand command, List<Path> inputs, Globs excluded,
      Path archive) throws IOException {
    Path archiveFile = archive.toAbsolutePath().normalize();
    Collector collector = new Collector(command, inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      Path input = inputs.get(i);
      if (!Files.exists(input, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(input.toString(), null, "no such file or folder");
      }
      if (Files.isDirectory(input)) {
        collector.roots[i] = input;
        walk(command, input, i, excluded, archiveFile, collector);
      } else if (Files.isRegularFile(input)) {
        collector.add(input.getFileName().toString(), input, -1);
      } else {
        throw command.usage(input + " is neither a file nor a folder");
      }
    }
    return collector.finish();
  }

  /**
   * Whether {@code --exclude} leaves out an archive path when folders are walked: it, or a folder
   * it lies in, matches.
   */
  static boolean isExcluded(Globs excluded, String path) {
    if (excluded.isEmpty()) {
      return false;
    }
    for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
      if (excluded.matches(path.substring(0, slash))) {
        return true;
      }
    }
    return excluded.matches(path);
  }

  /** How many files there are. */
  int size() {
    return paths.length;
  }

  /** Whether there are no files. */
  boolean isEmpty() {
    return paths.length == 0;
  }

  /**
   * The archive path of the {@code index}th file in sorted order.
   *
   * @throws ArrayIndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  String path(int index) {
    return paths[index];
  }

  /**
   * The {@code index}th file in sorted order, as the walk or the command line named it (the same
   * {@code Path}, made anew: callers open it, print it, and let it go).
   *
   * @throws ArrayIndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  Path file(int index) {
    int source = sources == null ? 0 : sources[index];
    return source >= 0 ? roots[source].resolve(paths[index]) : files[~source];
  }

  /**
   * Where an archive path is in sorted order.
   *
   * @return its index, or a negative number if no file is stored under it
   */
  int indexOf(String path) {
    return Arrays.binarySearch(paths, path);
  }

  /** Whether a file is stored under an archive path. */
  boolean contains(String path) {
    return indexOf(path) >= 0;
  }

  /** The archive paths, sorted: an unmodifiable view, not a copy. */
  List<String> paths() {
    return Collections.unmodifiableList(Arrays.asList(paths));
  }

  /**
   * These files but the {@code index}th.
   *
   * @throws ArrayIndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  InputFiles without(int index) {
    String[] fewer = new String[paths.length - 1];
    System.arraycopy(paths, 0, fewer, 0, index);
    System.arraycopy(paths, index + 1, fewer, index, fewer.length - index);
    int[] fewerSources = null;
    if (sources != null) {
      fewerSources = new int[fewer.length];
      System.arraycopy(sources, 0, fewerSources, 0, index);
      System.arraycopy(sources, index + 1, fewerSources, index, fewer.length - index);
    }
    return new InputFiles(fewer, roots, fewerSources, files);
  }

  private static void walk(BaseCommand command, Path root, int rootIndex, Globs excluded,
      Path archiveFile, Collector collector) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return !dir.equals(root) && excluded.matches(relative(root, dir))
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String path = relative(root, file);
        if (excluded.matches(path)) {
          return FileVisitResult.CONTINUE;
        }
        if (attrs.isSymbolicLink()) {
          command.warn("skipped symbolic link " + file);
        } else if (!attrs.isRegularFile()) {
          command.warn("skipped " + file + ": not a regular file");
        } else if (!file.toAbsolutePath().normalize().equals(archiveFile)) {
          collector.add(path, file, rootIndex);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static String relative(Path root, Path file) {
    StringBuilder path = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (path.length() > 0) {
        path.append('/');
      }
      path.append(part);
    }
    return path.toString();
  }

  /**
   * Gathers the files in the order they are found, refusing a second file under a path at once
   * (as a map would, so the walk stops where it always did), then sorts them. Its open-addressing
   * table of indices finds duplicates for four to eight bytes a file where a hash set would spend
   * some fifty, and is dropped once the files are sorted.
   */
  private static final class Collector {
    private final BaseCommand command;
    private final Path[] roots;
    private final ArrayList<String> paths = new ArrayList<>();
    private final ArrayList<Path> files = new ArrayList<>();
    /** Each path's source as {@link InputFiles#sources} holds it, in the order found. */
    private int[] sources = new int[64];
    /** 1 + the index in {@link #paths} of the path hashed there, or 0 for none. */
    private int[] table = new int[128];

    Collector(BaseCommand command, int inputs) {
      this.command = command;
      this.roots = new Path[inputs];
    }

    /**
     * Adds a file under an archive path, unless the path is refused.
     *
     * @param path the archive path before normalizing
     * @param file the file
     * @param root the index of the folder {@code file} was found in, or -1 for a file named
     */
    void add(String path, Path file, int root) {
      String name;
      try {
        name = ArchivePaths.normalize(path);
      } catch (IllegalArgumentException e) {
        throw command.usage("cannot store " + file + ": " + e.getMessage());
      }
      int slot = slot(name);
      if (table[slot] != 0) {
        throw command.usage("two inputs would both be stored as '" + name + "': "
            + fileAt(table[slot] - 1) + " and " + file);
      }
      int index = paths.size();
      paths.add(name);
      // the resolved path is compared, not reasoned about: names the platform charset does not
      // decode exactly, or with a '\' that normalizing turned into '/', fail here and are kept
      int source;
      if (root >= 0 && roots[root].resolve(name).equals(file)) {
        source = root;
      } else {
        source = ~files.size();
        files.add(file);
      }
      if (index == sources.length) {
        sources = Arrays.copyOf(sources, index * 2);
      }
      sources[index] = source;
      table[slot] = index + 1;
      if (paths.size() * 2 > table.length) {
        rehash();
      }
    }

    InputFiles finish() {
      String[] sorted = paths.toArray(new String[0]);
      Arrays.sort(sorted);
      int[] sortedSources = new int[sorted.length];
      boolean allInFirst = true;
      for (int i = 0; i < sorted.length; i++) {
        int source = sources[table[slot(sorted[i])] - 1];
        sortedSources[i] = source;
        allInFirst &= source == 0;
      }
      return new InputFiles(sorted, roots, allInFirst ? null : sortedSources,
          files.toArray(new Path[0]));
    }

    private Path fileAt(int index) {
      int source = sources[index];
      return source >= 0 ? roots[source].resolve(paths.get(index)) : files.get(~source);
    }

    /** The slot that holds {@code name}, or the empty slot where it would go. */
    private int slot(String name) {
      int mask = table.length - 1;
      for (int slot = spread(name.hashCode()) & mask; ; slot = (slot + 1) & mask) {
        int entry = table[slot];
        if (entry == 0 || paths.get(entry - 1).equals(name)) {
          return slot;
        }
      }
    }

    private void rehash() {
      int[] old = table;
      table = new int[old.length * 2];
      int mask = table.length - 1;
      for (int entry : old) {
        if (entry != 0) {
          int slot = spread(paths.get(entry - 1).hashCode()) & mask;
          while (table[slot] != 0) {
            slot = (slot + 1) & mask;
          }
          table[slot] = entry;
        }
      }
    }

    /**
     * Linear probing uses only a hash's low bits, and the hashes of names alike (those of one
     * folder, numbered files) crowd there: multiplying by the golden ratio and folding the high
     * half down spreads them.
     */
    private static int spread(int hash) {
      int h = hash * 0x9E3779B9;
      return h ^ (h >>> 16);
    }
  }
}
