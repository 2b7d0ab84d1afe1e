package dev.engram;

import dev.engram.io.ProgressInputStream;
import dev.engram.io.TemporaryFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * Writes entries to files under a destination directory, and nowhere else.
 *
 * <ul>
 *   <li>Names are checked by {@link ArchivePaths#forExtraction} before anything is written: no
 *       absolute paths, no {@code ..}, no control characters; on Windows also no {@code :} (an
 *       NTFS stream), device names such as {@code CON} or trailing dots and spaces.
 *   <li>Directories inside the destination are created one component at a time, and an existing
 *       symbolic link on the way is refused, never followed. A symbolic link at the final name is
 *       replaced by the file, not written through.
 *   <li>Each file is written to a temporary sibling, stamped with the entry's modified time, and
 *       renamed over its final name, so an interrupted extraction never leaves a half-written file
 *       under that name; content that fails its CRC never reaches it either.
 * </ul>
 *
 * <p>The destination must not be changed concurrently by someone untrusted: Java cannot open a
 * file relative to a checked directory, so a directory swapped for a link between the check and
 * the write is outside what this class can prevent. Not thread-safe; create one per extraction.
 */
final class Extractor {
  /** Latest modified time set on extracted files; stranger values leave the file's own time. */
  private static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59Z");

  private final ArchiveReader reader;
  private final Path root;
  private final LongConsumer progress;

  Extractor(ArchiveReader reader, Path directory, LongConsumer progress) throws IOException {
    this.reader = reader;
    this.progress = progress;
    this.root = directory.toAbsolutePath().normalize();
    Files.createDirectories(root);
  }

  /**
   * Extracts every selected entry (for duplicate paths, the one lookups find). All names are checked, and
   * a file that another entry needs as a directory is refused, before anything is written.
   */
  List<Path> extractAll(Predicate<? super String> select) throws IOException {
    Map<String, EntryInfo> byTarget = new LinkedHashMap<>();
    for (EntryInfo entry : reader.entries()) {
      if (!select.test(entry.path())) {
        continue;
      }
      if (!reader.entry(entry.path()).orElseThrow().equals(entry)) {
        continue; // an earlier entry with a duplicate path: lookups resolve to the later one
      }
      byTarget.put(ArchivePaths.forExtraction(entry.path()), entry);
    }
    Set<String> files = byTarget.keySet();
    for (Map.Entry<String, EntryInfo> target : byTarget.entrySet()) {
      String relative = target.getKey();
      int slash = relative.indexOf('/');
      for (; slash >= 0; slash = relative.indexOf('/', slash + 1)) {
        String parent = relative.substring(0, slash);
        if (files.contains(parent)) {
          throw new UnsafeEntryPathException(target.getValue().path(), "entry \""
              + target.getValue().path() + "\" is not extracted: it needs \"" + parent
              + "\" to be a directory, but the archive also has a file of that name");
        }
      }
    }
    List<Path> written = new ArrayList<>(byTarget.size());
    Set<Path> checkedDirectories = new HashSet<>();
    for (Map.Entry<String, EntryInfo> target : byTarget.entrySet()) {
      written.add(extract(target.getValue(), target.getKey(), checkedDirectories));
    }
    return written;
  }

  /** Extracts one entry. */
  Path extract(EntryInfo entry) throws IOException {
    return extract(entry, ArchivePaths.forExtraction(entry.path()), new HashSet<>());
  }

  private Path extract(EntryInfo entry, String relative, Set<Path> checkedDirectories)
      throws IOException {
    String[] components = relative.split("/");
    Path parent = root;
    for (int i = 0; i < components.length - 1; i++) {
      parent = parent.resolve(components[i]);
      if (checkedDirectories.add(parent)) {
        ensureDirectory(parent, entry);
      }
    }
    Path target = parent.resolve(components[components.length - 1]);
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileSystemException(target.toString(), null,
          "entry '" + entry.path() + "' cannot replace this directory");
    }
    Path temporary = TemporaryFiles.createSibling(target);
    try {
      try (InputStream in = new ProgressInputStream(reader.openStream(entry.path()), progress);
          OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS)) {
        in.transferTo(out);
      }
      Instant modified = entry.modifiedTime();
      if (!modified.isAfter(LATEST_TIME)) {
        Files.setLastModifiedTime(temporary, FileTime.from(modified));
      }
      TemporaryFiles.moveIntoPlace(temporary, target);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return target;
  }

  /** Makes {@code directory} exist as a real directory, never following a symbolic link. */
  private static void ensureDirectory(Path directory, EntryInfo entry) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(directory, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException missing) {
      try {
        Files.createDirectory(directory);
        return;
      } catch (FileAlreadyExistsException raced) {
        attributes = Files.readAttributes(directory, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
      }
    }
    if (attributes.isSymbolicLink()) {
      throw new UnsafeEntryPathException(entry.path(), "entry \"" + entry.path()
          + "\" is not extracted: " + directory + " is a symbolic link, and extraction never"
          + " follows one");
    }
    if (!attributes.isDirectory()) {
      throw new FileSystemException(directory.toString(), null,
          "entry '" + entry.path() + "' needs a directory here, but a file is in the way");
    }
  }
}
