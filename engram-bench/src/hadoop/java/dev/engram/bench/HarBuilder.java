package dev.engram.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.tools.HadoopArchives;
import org.apache.hadoop.util.ToolRunner;

/**
 * Builds HAR archives with Hadoop's own tool, {@link HadoopArchives} (what {@code hadoop archive}
 * runs), in this JVM: a MapReduce job on the {@code LocalJobRunner} that hadoop-client-api
 * carries, over the local file system.
 */
final class HarBuilder {
  private HarBuilder() {}

  /**
   * Archives {@code parent/source} into {@code archive} ({@code hadoop archive -archiveName
   * NAME.har -p PARENT SOURCE DEST}), so that the archive holds {@code source/...}.
   *
   * @param tmp where the job keeps its files
   * @throws Exception what the tool threw, or an {@link IOException} if it returned non-zero
   */
  static void build(Path parent, String source, Path archive, Path tmp) throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "file:///");
    conf.set("mapreduce.framework.name", "local");
    conf.set("hadoop.tmp.dir", tmp.resolve("hadoop").toString());
    Files.createDirectories(archive.getParent());
    String[] args = {"-archiveName", archive.getFileName().toString(), "-p", parent.toString(),
        source, archive.getParent().toString()};
    int status = ToolRunner.run(conf, new HadoopArchives(conf), args);
    if (status != 0) {
      throw new IOException("HadoopArchives " + String.join(" ", args) + " returned " + status);
    }
  }

  /** Checks that a HAR holds exactly the files of a folder under {@code source/}: names, sizes. */
  static void check(Path archive, String source, Path folder) throws IOException {
    Map<String, Long> expected = new HashMap<>();
    for (Path file : HadoopBenchData.files(folder)) {
      expected.put(file.getFileName().toString(), Files.size(file));
    }
    URI uri = URI.create("har://" + archive + "/" + source);
    Map<String, Long> found = new HashMap<>();
    try (FileSystem fs = FileSystem.newInstance(uri, new Configuration())) {
      RemoteIterator<LocatedFileStatus> files =
          fs.listFiles(new org.apache.hadoop.fs.Path(uri), true);
      while (files.hasNext()) {
        LocatedFileStatus file = files.next();
        found.put(file.getPath().getName(), file.getLen());
      }
    }
    if (!found.equals(expected)) {
      throw new IllegalStateException(uri + " holds " + found.size()
          + " files that differ from the " + expected.size() + " of " + folder);
    }
  }

  /** The index files whose modification times HarFileSystem's metadata cache checks. */
  static List<Path> indexFiles(Path archive) {
    return List.of(archive.resolve("_masterindex"), archive.resolve("_index"));
  }
}
