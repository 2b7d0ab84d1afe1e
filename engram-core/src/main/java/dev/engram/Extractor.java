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
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.RandomAccess;
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
 *   <li>Each file is written to a temporary sibling, readable by its owner only (where the file
 *       system has POSIX permissions) until it is complete, stamped with the entry's modified
 *       time, given the permissions a plain new file gets in the destination, and renamed over
 *       its final name, so an interrupted extraction never leaves a half-written file under that
 *       name; content that fails its CRC never reaches it either.
 * </ul>
 *
 * <p><b>Races.</b> Someone else who can write inside the destination might swap a directory that
 * was checked for a symbolic link before a file is written into it. Where the platform can work
 * relative to an open directory ({@link java.nio.file.SecureDirectoryStream}: Linux, macOS),
 * every directory is opened through its parent without following links ({@link
 * OpenDirectories}), and files are created, stamped and renamed relative to it, so a swap cannot
 * redirect a write: the files land in the directory that was checked, wherever it is now.
 * Elsewhere (Windows), the directories on the way are checked again, not following links, before
 * each file is created and again before it is renamed; a swap between that check and the system
 * call remains outside what Java can prevent there.
 *
 * <p>Not thread-safe; create one per extraction.
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
  /** Whether to work relative to open directories where the platform can. */
  private final boolean relative;
  /** The permissions a plain new file gets in the destination; null where there are none. */
  private Set<PosixFilePermission> filePermissions;

  Extractor(ArchiveReader reader, Path directory, LongConsumer progress) throws IOException {
    this(reader, directory, progress, true);
  }

  /**
   * For tests: {@code relative} false works by path even where the platform could work relative
   * to open directories, as on Windows.
   */
  Extractor(ArchiveReader reader, Path directory, LongConsumer progress, boolean relative)
      throws IOException {
    this.reader = reader;
    this.progress = progress;
    this.relative = relative;
    this.root = directory.toAbsolutePath().normalize();
    Files.createDirectories(root);
  }

  /**
   * A file to write: its path, its directory relative to the destination, and its name. Made
   * when the file is prepared or written, never kept for a whole extraction (one per entry of a
   * large archive would cost a few hundred bytes each).
   */
  private record Target(Path path, String directory, String name) {}

  /**
   * Extracts every selected entry (for duplicate paths, the one lookups find). All names are
   * checked, and a file that another entry needs as a directory is refused, before anything is
   * written.
   *
   * <p>Nothing is kept per entry for the whole run but its index: each file's target is worked out
   * again from its entry's name when it is written, and the returned list resolves each path when
   * asked.
   */
  List<Path> extractAll(Predicate<? super String> select) throws IOException {
    List<String> paths = reader.list();
    int[] chosen = choose(paths, select);
    refuseFilesNeededAsDirectories(paths, chosen);
    List<EntryInfo> all = reader.entries();
    // a view, not a copy: an entry is only looked up while its file is planned or written
    List<EntryInfo> entries = new AbstractList<>() {
      @Override
      public EntryInfo get(int index) {
        return all.get(chosen[index]);
      }

      @Override
      public int size() {
        return chosen.length;
      }
    };
    try (OpenDirectories directories = openDirectories()) {
      // directories first, on this thread: then the files can be written in any order
      prepareAll(entries, directories);
      if (chosen.length > 0) {
        filePermissions = plainFilePermissions(directories);
      }
      writeAll(entries, directories);
    }
    return chosen.length == 0 ? List.of() : new WrittenFiles(root, paths, chosen);
  }

  /**
   * The indices of the entries to extract, in the order they are written: those selected, but
   * of several with one path only the one lookups find, and of several whose names differ only
   * in {@code \} and {@code /} (one file once extracted) the last, in the place of the first.
   * Every chosen name is checked, in directory order.
   */
  private int[] choose(List<String> paths, Predicate<? super String> select)
      throws UnsafeEntryPathException {
    int[] chosen = new int[paths.size()];
    int count = 0;
    // the names of paths with a '\': only these can be the name of another chosen path
    Set<String> backslashed = new HashSet<>();
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      if (!select.test(path) || reader.indexOf(path) != i) {
        continue; // not selected, or an earlier entry with a duplicate path
      }
      String name = ArchivePaths.forExtraction(path);
      if (path.indexOf('\\') >= 0) {
        backslashed.add(name);
      }
      chosen[count++] = i;
    }
    if (!backslashed.isEmpty()) {
      // one file per name: the last entry of a name takes the place of the first
      Map<String, Integer> positions = new HashMap<>();
      int kept = 0;
      for (int k = 0; k < count; k++) {
        String name = name(paths.get(chosen[k]));
        Integer first = backslashed.contains(name) ? positions.putIfAbsent(name, kept) : null;
        if (first != null) {
          chosen[first] = chosen[k];
        } else {
          chosen[kept++] = chosen[k];
        }
      }
      count = kept;
    }
    return count == chosen.length ? chosen : Arrays.copyOf(chosen, count);
  }

  /**
   * Refuses, before anything is written, a chosen file whose name another chosen entry needs as a
   * directory. Only the set of directories is built (far fewer than files, usually); the files
   * are checked against it, and only if one is named there is the first entry that needs it
   * found, as a search through every name's parents would.
   */
  private static void refuseFilesNeededAsDirectories(List<String> paths, int[] chosen)
      throws UnsafeEntryPathException {
    Set<String> directories = new HashSet<>();
    for (int i : chosen) {
      String name = name(paths.get(i));
      // from the deepest parent up: once one is known, so are all above it
      for (int slash = name.lastIndexOf('/'); slash > 0; slash = name.lastIndexOf('/', slash - 1)) {
        if (!directories.add(name.substring(0, slash))) {
          break;
        }
      }
    }
    Set<String> conflicts = new HashSet<>();
    for (int i : chosen) {
      String name = name(paths.get(i));
      if (directories.contains(name)) {
        conflicts.add(name);
      }
    }
    if (conflicts.isEmpty()) {
      return;
    }
    for (int i : chosen) {
      String path = paths.get(i);
      String name = name(path);
      for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
        String parent = name.substring(0, slash);
        if (conflicts.contains(parent)) {
          throw new UnsafeEntryPathException(path, "entry \"" + path + "\" is not extracted: it"
              + " needs \"" + parent + "\" to be a directory, but the archive also has a file of"
              + " that name");
        }
      }
    }
  }

  /**
   * Makes every entry's parent directories exist, safely, and checks that no target is an
   * existing directory, before any file is written. Keeps only the directories already made.
   */
  private void prepareAll(List<EntryInfo> entries, OpenDirectories directories)
      throws IOException {
    Set<String> checkedDirectories = new HashSet<>();
    for (EntryInfo entry : entries) {
      prepare(entry, ArchivePaths.forExtraction(entry.path()), directories, checkedDirectories);
    }
  }

  /** Writes every file, several at once ({@link EntryTasks}). */
  private void writeAll(List<EntryInfo> entries, OpenDirectories directories)
      throws IOException {
    EntryTasks.Task writeOne = i -> {
      EntryInfo entry = entries.get(i);
      write(entry, target(ArchivePaths.forExtraction(entry.path())), directories);
    };
    ReaderThreads threads = reader.threads();
    EntryTasks.runAll(entries, threads.pool(), threads.count() - 1, true, () -> writeOne);
  }

  /**
   * The name a chosen entry is extracted under: its path as {@link ArchivePaths#forExtraction}
   * returns it, which was checked when the entry was chosen.
   */
  private static String name(String path) {
    try {
      return ArchivePaths.forExtraction(path);
    } catch (UnsafeEntryPathException e) {
      throw new IllegalStateException("a name checked before fails now: " + path, e);
    }
  }

  /** The file to write for a name relative to the destination. */
  private Target target(String relative) {
    int slash = relative.lastIndexOf('/');
    return new Target(root.resolve(relative), slash < 0 ? "" : relative.substring(0, slash),
        relative.substring(slash + 1));
  }

  /**
   * The files an extraction wrote, in order, resolved from the entries' names when asked: the list
   * holds an index per file, not a path (which, with its strings, costs a hundred bytes or more).
   * Immutable, and safe to read from several threads (the reader's path list is).
   */
  private static final class WrittenFiles extends AbstractList<Path> implements RandomAccess {
    private final Path root;
    private final List<String> paths;
    private final int[] chosen;

    WrittenFiles(Path root, List<String> paths, int[] chosen) {
      this.root = root;
      this.paths = paths;
      this.chosen = chosen;
    }

    @Override
    public Path get(int index) {
      return root.resolve(name(paths.get(chosen[Objects.checkIndex(index, chosen.length)])));
    }

    @Override
    public int size() {
      return chosen.length;
    }
  }

  /** Extracts one entry. */
  Path extract(EntryInfo entry) throws IOException {
    try (OpenDirectories directories = openDirectories()) {
      Target target = prepare(entry, ArchivePaths.forExtraction(entry.path()), directories,
          new HashSet<>());
      filePermissions = plainFilePermissions(directories);
      write(entry, target, directories);
      return target.path();
    }
  }

  /** The destination's directories held open, or null to work by path. */
  private OpenDirectories openDirectories() throws IOException {
    return relative ? OpenDirectories.open(root, OpenDirectories.CAPACITY) : null;
  }

  /**
   * Makes the entry's parent directories exist, safely, and returns the file to write.
   *
   * @param directories the open directories, or null to work by path
   * @param checkedDirectories the directories (relative to the destination) already made safe
   */
  private Target prepare(EntryInfo entry, String relative, OpenDirectories directories,
      Set<String> checkedDirectories) throws IOException {
    Target target = target(relative);
    if (directories != null) {
      if (checkedDirectories.add(target.directory())) {
        directories.release(directories.acquire(target.directory(), true, entry.path()));
      }
    } else {
      String[] components = relative.split("/");
      StringBuilder parent = new StringBuilder();
      for (int i = 0; i < components.length - 1; i++) {
        parent.append(i == 0 ? "" : "/").append(components[i]);
        if (checkedDirectories.add(parent.toString())) {
          ensureDirectory(root.resolve(parent.toString()), entry);
        }
      }
    }
    if (Files.isDirectory(target.path(), LinkOption.NOFOLLOW_LINKS)) {
      throw new FileSystemException(target.path().toString(), null,
          "entry '" + entry.path() + "' cannot replace this directory");
    }
    return target;
  }

  /**
   * The permissions a plain new file gets in the destination (under the process's umask), which
   * each file receives once complete; null where the file system has no POSIX permissions.
   * Learnt from a file created and deleted.
   */
  private Set<PosixFilePermission> plainFilePermissions(OpenDirectories directories)
      throws IOException {
    if (Files.getFileAttributeView(root, PosixFileAttributeView.class) == null) {
      return null;
    }
    String probe = "engram-permissions";
    if (directories == null) {
      Path file = TemporaryFiles.createSibling(root.resolve(probe));
      try {
        return Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .permissions();
      } finally {
        Files.deleteIfExists(file);
      }
    }
    OpenDirectories.Handle handle = directories.acquire("", false, probe);
    try {
      SecureDirectoryStream<Path> directory = handle.stream();
      TemporaryFiles.Sibling sibling =
          TemporaryFiles.openSibling(directory, directories.name(probe), false);
      try {
        sibling.channel().close();
        return directory.getFileAttributeView(sibling.path(), PosixFileAttributeView.class,
            LinkOption.NOFOLLOW_LINKS).readAttributes().permissions();
      } finally {
        directory.deleteFile(sibling.path());
      }
    } finally {
      directories.release(handle);
    }
  }

  /** Writes an entry's content to a temporary sibling of the target, then renames it. */
  private void write(EntryInfo entry, Target target, OpenDirectories directories)
      throws IOException {
    if (directories == null) {
      writeByPath(entry, target);
      return;
    }
    OpenDirectories.Handle handle = directories.acquire(target.directory(), false, entry.path());
    try {
      SecureDirectoryStream<Path> directory = handle.stream();
      Path name = directories.name(target.name());
      TemporaryFiles.Sibling sibling =
          TemporaryFiles.openSibling(directory, name, filePermissions != null);
      Path temporary = sibling.path();
      try {
        writeContent(entry, sibling.channel());
        finish(directory.getFileAttributeView(temporary, finishingView(),
            LinkOption.NOFOLLOW_LINKS), entry);
        directory.move(temporary, directory, name);
      } catch (IOException | RuntimeException | Error e) {
        try {
          directory.deleteFile(temporary);
        } catch (IOException | RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
    } finally {
      directories.release(handle);
    }
  }

  /**
   * {@link #write} where files cannot be created relative to an open directory: the directories
   * on the way are checked again, without following links, before the file is created and again
   * before it is renamed.
   */
  private void writeByPath(EntryInfo entry, Target target) throws IOException {
    checkDirectories(target.directory(), entry);
    TemporaryFiles.Sibling sibling =
        TemporaryFiles.openSibling(target.path(), filePermissions != null);
    Path temporary = sibling.path();
    try {
      writeContent(entry, sibling.channel());
      finish(Files.getFileAttributeView(temporary, finishingView(),
          LinkOption.NOFOLLOW_LINKS), entry);
      checkDirectories(target.directory(), entry);
      TemporaryFiles.moveIntoPlace(temporary, target.path());
    } catch (IOException | RuntimeException | Error e) {
      Cleanup.deleteAfter(e, temporary);
      throw e;
    }
  }

  /** Writes the content to a new file and closes it. */
  private void writeContent(EntryInfo entry, FileChannel channel) throws IOException {
    try (FileChannel out = channel) {
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
  }

  /** The view {@link #finish} needs: POSIX when there are permissions to set. */
  private Class<? extends BasicFileAttributeView> finishingView() {
    return filePermissions != null ? PosixFileAttributeView.class : BasicFileAttributeView.class;
  }

  /**
   * Stamps a complete temporary file with the entry's modified time and gives it the permissions
   * of a plain new file (times first: the file's owner may not read it afterwards).
   *
   * @param view its attributes, a POSIX view when there are permissions to set
   */
  private void finish(BasicFileAttributeView view, EntryInfo entry) throws IOException {
    Instant modified = entry.modifiedTime();
    if (!modified.isAfter(LATEST_TIME)) {
      view.setTimes(FileTime.from(modified), null, null);
    }
    if (filePermissions != null && view instanceof PosixFileAttributeView posix) {
      posix.setPermissions(filePermissions);
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
    OpenDirectories.check(attributes, directory, entry.path());
  }

  /**
   * Checks, not following links, that each directory from the destination down to {@code
   * relative} is a real directory.
   */
  private void checkDirectories(String relative, EntryInfo entry) throws IOException {
    Path directory = root;
    for (int slash = 0; slash < relative.length(); ) {
      int end = relative.indexOf('/', slash);
      end = end < 0 ? relative.length() : end;
      directory = directory.resolve(relative.substring(slash, end));
      OpenDirectories.check(Files.readAttributes(directory, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS), directory, entry.path());
      slash = end + 1;
    }
  }
}
