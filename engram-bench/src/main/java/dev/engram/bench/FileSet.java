package dev.engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The regular files under a directory, in name order, as the benchmark packs them.
 *
 * @param root the directory
 * @param files every regular file under it, sorted
 * @param totalBytes the sum of their sizes
 */
record FileSet(Path root, List<Path> files, long totalBytes) {
  static FileSet of(Path root) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    return new FileSet(root, files, sizeOf(files));
  }

  /** The entry name of a file: its path under the root, with {@code /}. */
  String name(Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  /** Every n-th file smaller than {@code maxSize}: a cheap sample of the kinds, for warm-ups. */
  FileSet sample(int every, long maxSize) throws IOException {
    List<Path> sample = new ArrayList<>();
    for (int i = 0; i < files.size(); i += every) {
      if (Files.size(files.get(i)) < maxSize) {
        sample.add(files.get(i));
      }
    }
    return new FileSet(root, sample, sizeOf(sample));
  }

  private static long sizeOf(List<Path> files) throws IOException {
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    return total;
  }
}
