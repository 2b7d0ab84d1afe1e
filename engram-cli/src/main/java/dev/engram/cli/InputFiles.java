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
import java.util.List;
import java.util.TreeMap;

/**
 * The files that folders and files named on the command line give, by the archive path each is
 * stored under: what {@code pack}, {@code add} and {@code update} store, named the same way.
 */
final class InputFiles {
  private InputFiles() {}

  /**
   * Every file to store, by archive path, in the order they are written: a folder's files under
   * their path relative to it ({@code /}-separated), a file given by itself under its name.
   * Paths {@code --exclude} matches (and everything under a folder it matches) are left out, so
   * are symbolic links and special files (with a warning) and the archive itself.
   *
   * @param command the command, for warnings and usage errors
   * @param inputs the folders and files named
   * @param excluded the {@code --exclude} globs
   * @param archive the archive being written, never stored in itself
   * @throws NoSuchFileException if an input does not exist
   */
  static TreeMap<String, Path> collect(BaseCommand command, List<Path> inputs, Globs excluded,
      Path archive) throws IOException {
    Path archiveFile = archive.toAbsolutePath().normalize();
    TreeMap<String, Path> files = new TreeMap<>();
    for (Path input : inputs) {
      if (!Files.exists(input, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(input.toString(), null, "no such file or folder");
      }
      if (Files.isDirectory(input)) {
        walk(command, input, excluded, archiveFile, files);
      } else if (Files.isRegularFile(input)) {
        add(command, files, input.getFileName().toString(), input);
      } else {
        throw command.usage(input + " is neither a file nor a folder");
      }
    }
    return files;
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

  private static void walk(BaseCommand command, Path root, Globs excluded, Path archiveFile,
      TreeMap<String, Path> files) throws IOException {
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
          add(command, files, path, file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void add(BaseCommand command, TreeMap<String, Path> files, String path,
      Path file) {
    String name;
    try {
      name = ArchivePaths.normalize(path);
    } catch (IllegalArgumentException e) {
      throw command.usage("cannot store " + file + ": " + e.getMessage());
    }
    Path previous = files.putIfAbsent(name, file);
    if (previous != null) {
      throw command.usage("two inputs would both be stored as '" + name + "': " + previous
          + " and " + file);
    }
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
}
