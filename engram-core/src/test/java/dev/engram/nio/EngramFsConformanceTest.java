package dev.engram.nio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveWriter;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite against the {@code engram:} file system on an archive of {@link #FILES}:
 * the same walks, reads, attributes, path operations, matchers and errors as {@link
 * ZipFsConformanceTest}, except where zipfs breaks the {@code java.nio.file} contracts (this
 * provider is held to the contract there) and the one difference on purpose below.
 */
class EngramFsConformanceTest extends FileSystemConformance {
  /** The suite checks a read-only file system; an archive file that can be written opens writable. */
  private static final Map<String, Boolean> READ_ONLY = Map.of("readOnly", true);

  private Path archive;

  @Override
  protected FileSystem openFileSystem(Path workDir) throws IOException {
    if (archive == null) {
      archive = workDir.resolve("files.eng");
      try (ArchiveWriter writer = ArchiveWriter.create(archive,
          WriterOptions.builder().modifiedTime(TIME).build())) {
        for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
          writer.addFile(file.getKey(), file.getValue());
        }
        writer.finish();
      }
    }
    return FileSystems.newFileSystem(archive, READ_ONLY);
  }

  @Override
  protected FileSystem openByUri(Path archiveDir) throws IOException {
    Path copy = Files.copy(archive, archiveDir.resolve("files.eng"));
    return FileSystems.newFileSystem(URI.create("engram:" + copy.toUri()), READ_ONLY);
  }

  @Override
  protected String scheme() {
    return "engram";
  }

  @Override
  protected String fileStoreType() {
    return "engram";
  }

  @Override
  protected Set<String> attributeViews() {
    return Set.of("basic", "engram");
  }

  /**
   * Differs on purpose: a file whose name starts with {@code .} is hidden, the convention of the
   * Unix trees archives are made of, so a walk that skips hidden files skips the same files in the
   * archive as on the disk it was packed from. (zipfs calls no file hidden.)
   */
  @Override
  @Test
  void noFileIsHiddenNotEvenADotFile() throws IOException {
    assertTrue(Files.isHidden(path("/.hidden")));
    assertFalse(Files.isHidden(path("/README.md")));
    assertFalse(Files.isHidden(path("/docs")));
  }

  @Test
  void theBigFileIsFramedSoChannelReadsDecodeOnlyWhatTheyTouch() throws IOException {
    assertTrue(Files.readAttributes(path(BIG), EngramFileAttributes.class).isFramed());
  }
}
