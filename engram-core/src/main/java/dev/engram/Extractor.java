package dev.engram;

import dev.engram.crypto.Sealing;
import dev.engram.io.Cleanup;
import dev.engram.io.ProgressInputStream;
import dev.engram.io.TemporaryFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.zip.CRC32;

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
  /** Bytes mapped at a time to check the CRC32 of a copied file. */
  private static final long MAP_STEP = 64L << 20;
  /** Bytes per step of an operating-system copy, between progress reports. */
  private static final long TRANSFER_STEP = 8L << 20;

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
    // directories first, on this thread: then the files can be written in any order
    List<EntryInfo> selected = new ArrayList<>(byTarget.values());
    Path[] targets = new Path[selected.size()];
    Set<Path> checkedDirectories = new HashSet<>();
    int i = 0;
    for (Map.Entry<String, EntryInfo> target : byTarget.entrySet()) {
      targets[i++] = prepare(target.getValue(), target.getKey(), checkedDirectories);
    }
    writeAll(selected, targets);
    return List.of(targets);
  }

  /** Writes every file, several at once ({@link EntryTasks}). */
  private void writeAll(List<EntryInfo> entries, Path[] targets) throws IOException {
    EntryTasks.Task writeOne = i -> write(entries.get(i), targets[i]);
    ReaderThreads threads = reader.threads();
    EntryTasks.runAll(entries, threads.pool(), threads.count() - 1, true, () -> writeOne);
  }

  /** Extracts one entry. */
  Path extract(EntryInfo entry) throws IOException {
    Path target = prepare(entry, ArchivePaths.forExtraction(entry.path()), new HashSet<>());
    write(entry, target);
    return target;
  }

  /** Makes the entry's parent directories exist, safely, and returns the file to write. */
  private Path prepare(EntryInfo entry, String relative, Set<Path> checkedDirectories)
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
    return target;
  }

  /** Writes an entry's content to a temporary sibling of the target, then renames it. */
  private void write(EntryInfo entry, Path target) throws IOException {
    TemporaryFiles.Sibling sibling = TemporaryFiles.openSibling(target, false);
    Path temporary = sibling.path();
    try {
      try (FileChannel out = sibling.channel()) {
        Optional<Sealing.Payload> region = entry.compression() == CompressionMethod.NONE
            ? reader.payloadAsStored(entry) : Optional.empty();
        if (region.isPresent()) {
          copyRegion(entry, region.get(), out);
        } else {
          try (InputStream in = new ProgressInputStream(reader.openStream(entry.path()),
              progress)) {
            in.transferTo(Channels.newOutputStream(out));
          }
        }
      }
      Instant modified = entry.modifiedTime();
      if (!modified.isAfter(LATEST_TIME)) {
        Files.setLastModifiedTime(temporary, FileTime.from(modified));
      }
      TemporaryFiles.moveIntoPlace(temporary, target);
    } catch (IOException | RuntimeException | Error e) {
      Cleanup.deleteAfter(e, temporary);
      throw e;
    }
  }

  /**
   * Copies uncompressed content file to file inside the operating system, then checks the CRC32
   * of what was written, through a memory mapping: no byte passes through the Java heap.
   */
  private void copyRegion(EntryInfo entry, Sealing.Payload region, FileChannel out)
      throws IOException {
    // in steps, so that progress moves
    for (long done = 0; done < region.length(); ) {
      long step = Math.min(TRANSFER_STEP, region.length() - done);
      region.source().transferTo(region.offset() + done, step, out);
      done += step;
      progress.accept(step);
    }
    CRC32 crc = new CRC32();
    for (long at = 0; at < region.length(); at += MAP_STEP) {
      crc.update(out.map(FileChannel.MapMode.READ_ONLY, at,
          Math.min(MAP_STEP, region.length() - at)));
    }
    if ((int) crc.getValue() != entry.crc32()) {
      throw new ChecksumMismatchException(entry.path(), entry.crc32(), (int) crc.getValue());
    }
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
