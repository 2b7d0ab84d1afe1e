package dev.engram.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary siblings for atomic replacement: content is written next to its final name and moved
 * over it in one rename, so the final name never holds a half-written file. Thread-safe.
 *
 * <p><b>Abandoned files.</b> A process killed while it writes cannot delete its temporary file.
 * So every sibling's name carries the id of the process that made it ({@code
 * .NAME.PID-RANDOM.tmp}), the channel {@link #openSibling} returns holds an exclusive {@link
 * FileLock} on it (which the operating system drops when its holder dies; on a shared file system
 * it guards against processes of other machines), and {@link #deleteAbandoned} deletes the
 * siblings of a target whose process is gone and that nobody holds locked: the next writer of the
 * same file cleans up after a crashed one.
 */
public final class TemporaryFiles {
  /** {@code .NAME.PID-RANDOM.tmp}, the names {@link #openSibling} gives, after NAME. */
  private static final Pattern SUFFIX = Pattern.compile("\\.([0-9]{1,19})-[0-9a-f]{1,16}\\.tmp");

  private static final long PID = ProcessHandle.current().pid();

  /** {@code engram-PID-RANDOM.decrypted}: the names {@link #createPrivate} gives. */
  private static final String PRIVATE_PREFIX = "engram-";
  private static final Pattern PRIVATE_SUFFIX =
      Pattern.compile("([0-9]{1,19})-[0-9a-f]{1,16}\\.decrypted");
  /** Directories {@link #createPrivate} has cleaned in this process. */
  private static final Set<Path> CLEANED = ConcurrentHashMap.newKeySet();

  private TemporaryFiles() {}

  /**
   * Creates a new empty file next to {@code target}, named {@code .<name>.<pid>-<random>.tmp}. It gets
   * the default permissions a plain new file would (not {@link Files#createTempFile}'s
   * owner-only ones), and its creation never follows an existing symbolic link.
   *
   * @param target the final path; its parent directory must exist
   * @return the new file
   * @throws IOException if it cannot be created
   */
  public static Path createSibling(Path target) throws IOException {
    return createSibling(target, false);
  }

  /**
   * Creates a new empty file next to {@code target}, like {@link #createSibling(Path)}, but
   * readable by its owner only where the file system has POSIX permissions: for plaintext that
   * will be encrypted.
   *
   * @param target the final path; its parent directory must exist
   * @param ownerOnly whether to restrict the file to its owner
   * @return the new file
   * @throws IOException if it cannot be created
   */
  public static Path createSibling(Path target, boolean ownerOnly) throws IOException {
    Sibling sibling = openSibling(target, ownerOnly);
    sibling.channel().close();
    return sibling.path();
  }

  /**
   * A temporary sibling made by {@link #openSibling}, and a channel open on it for reading and
   * writing, which the caller closes.
   *
   * @param path the new file
   * @param channel open on it, at position 0
   */
  public record Sibling(Path path, FileChannel channel) {}

  /**
   * Creates a new empty file next to {@code target}, like {@link #createSibling(Path, boolean)},
   * and keeps it open for reading and writing: one open of the file fewer than creating it and
   * opening it again.
   *
   * @param target the final path; its parent directory must exist
   * @param ownerOnly whether to restrict the file to its owner
   * @return the new file and a channel on it
   * @throws IOException if it cannot be created
   */
  public static Sibling openSibling(Path target, boolean ownerOnly) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    String name = target.getFileName().toString();
    FileAttribute<?>[] attributes = ownerOnly(ownerOnly && Files.getFileAttributeView(directory,
        PosixFileAttributeView.class) != null);
    while (true) {
      Path candidate = directory.resolve(siblingName(name));
      FileChannel channel;
      try {
        channel = FileChannel.open(candidate, Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            attributes);
      } catch (FileAlreadyExistsException e) {
        continue; // try another name
      }
      if (lockOwnFile(candidate, channel)) {
        return new Sibling(candidate, channel);
      }
      channel.close(); // another process took it for abandoned between creation and lock
    }
  }

  /**
   * Creates a new empty file named like {@link #openSibling(Path, boolean)}'s, next to {@code
   * name}, inside an open directory rather than at a path: its creation, like every later use of
   * the directory stream, follows no symbolic link, and a directory renamed or swapped for a link
   * meanwhile cannot move it elsewhere. The returned path is the file's name, relative to {@code
   * directory}.
   *
   * @param directory the open directory of the final file, of the default file system (whose
   *     channels are {@link FileChannel}s)
   * @param name the final file's name in it
   * @param ownerOnly whether to restrict the file to its owner (where it has POSIX permissions)
   * @return the new file's name in {@code directory} and a channel on it
   * @throws IOException if it cannot be created
   */
  public static Sibling openSibling(SecureDirectoryStream<Path> directory, Path name,
      boolean ownerOnly) throws IOException {
    FileAttribute<?>[] attributes = ownerOnly(ownerOnly
        && directory.getFileAttributeView(PosixFileAttributeView.class) != null);
    while (true) {
      Path candidate = name.resolveSibling(siblingName(name.getFileName().toString()));
      SeekableByteChannel opened;
      try {
        opened = directory.newByteChannel(candidate, Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            attributes);
      } catch (FileAlreadyExistsException e) {
        continue; // try another name
      }
      if (!(opened instanceof FileChannel channel)) {
        opened.close();
        directory.deleteFile(candidate);
        throw new UnsupportedOperationException("not a file channel: " + opened.getClass());
      }
      boolean own;
      try {
        own = lockOwnFile(channel, () -> directory.getFileAttributeView(candidate,
            BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes());
      } catch (IOException | RuntimeException e) {
        Cleanup.closeAfter(e, channel);
        throw e;
      }
      if (own) {
        return new Sibling(candidate, channel);
      }
      channel.close(); // another process took it for abandoned between creation and lock
    }
  }

  /** A new name {@code .NAME.PID-RANDOM.tmp} for a sibling of {@code name}. */
  private static String siblingName(String name) {
    return "." + name + "." + PID + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
        + ".tmp";
  }

  /** The attributes that create a file readable by its owner only, if {@code restrict}. */
  private static FileAttribute<?>[] ownerOnly(boolean restrict) {
    return restrict
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
  }

  /** Reads a file's attributes, throwing {@link NoSuchFileException} if it is gone. */
  @FunctionalInterface
  private interface Lookup {
    void attributes() throws IOException;
  }

  /**
   * Locks a sibling just created, and confirms that its name still holds it: another process's
   * {@link #deleteAbandoned} may have locked and deleted it in between.
   *
   * @return false if the file was taken; true if it is locked, or the file system has no locks
   */
  private static boolean lockOwnFile(Path file, FileChannel channel) throws IOException {
    return lockOwnFile(channel, () -> {
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(file.toString());
      }
    });
  }

  /** {@link #lockOwnFile(Path, FileChannel)}, looking the file up with {@code lookup}. */
  private static boolean lockOwnFile(FileChannel channel, Lookup lookup) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      return true; // no locks here: the file is never taken for abandoned either
    }
    if (lock == null) {
      return false;
    }
    try {
      lookup.attributes();
      return true;
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  /**
   * Deletes the temporary siblings of {@code target} that a process which is gone left behind:
   * the files of a writer that was killed, or crashed, before it could delete them. Siblings of
   * this process, of a process still running, or locked by anyone are kept. Best effort: files
   * that cannot be tested or deleted are left.
   *
   * @param target the final path whose siblings to look at
   * @return how many files were deleted
   */
  public static int deleteAbandoned(Path target) {
    return deleteAbandoned(target.toAbsolutePath().getParent(),
        "." + target.getFileName().toString(), SUFFIX);
  }

  /** Deletes the files named {@code prefix + suffix} whose process (group 1) is gone. */
  private static int deleteAbandoned(Path directory, String prefix, Pattern suffix) {
    int deleted = 0;
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(directory,
        path -> path.getFileName().toString().startsWith(prefix))) {
      for (Path sibling : siblings) {
        String name = sibling.getFileName().toString();
        Matcher rest = suffix.matcher(name).region(prefix.length(), name.length());
        if (rest.matches() && isGone(rest.group(1)) && deleteIfUnlocked(sibling)) {
          deleted++;
        }
      }
    } catch (IOException | DirectoryIteratorException e) {
      // best effort: the directory cannot be listed
    }
    return deleted;
  }

  /**
   * Creates a private temporary file for plaintext that exists only while this process uses it
   * (a decrypted body or payload): owner-only where the file system has POSIX permissions, named
   * {@code engram-PID-RANDOM.decrypted}. The first call for a directory in a process deletes the
   * files there that a process which is gone (killed before it could delete them) left.
   *
   * @param directory where to create it, or null for {@code java.io.tmpdir}
   * @return the new, empty file
   * @throws IOException if it cannot be created
   */
  public static Path createPrivate(Path directory) throws IOException {
    Path in = directory != null ? directory : Path.of(System.getProperty("java.io.tmpdir"));
    if (CLEANED.add(in.toAbsolutePath())) {
      deleteAbandoned(in, PRIVATE_PREFIX, PRIVATE_SUFFIX);
    }
    FileAttribute<?>[] attributes = ownerOnly(Files.getFileAttributeView(in,
        PosixFileAttributeView.class) != null);
    while (true) {
      Path candidate = in.resolve(PRIVATE_PREFIX + PID + "-"
          + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".decrypted");
      try {
        return Files.createFile(candidate, attributes);
      } catch (FileAlreadyExistsException e) {
        // try another name
      }
    }
  }

  /** Whether the process of this id is not this one and not running. */
  private static boolean isGone(String pid) {
    long id;
    try {
      id = Long.parseLong(pid);
    } catch (NumberFormatException e) {
      return false;
    }
    return id != PID && !ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Deletes a file if it is a regular file that no process holds a lock on. */
  private static boolean deleteIfUnlocked(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return false; // its writer is alive
      }
      // deleted while locked, so that its creator, locking it next, sees it gone
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isRegularFile() && Files.deleteIfExists(file);
    } catch (IOException | OverlappingFileLockException e) {
      return false;
    }
  }

  /**
   * Puts a finished temporary file where it belongs: by default, renamed over its target ({@link
   * #replacing}); an update first checks that the archive it replaces is still the one it read.
   */
  @FunctionalInterface
  public interface Placement {
    /**
     * Moves the finished file into place, or leaves it where it is and throws.
     *
     * @param finished the complete file, forced to disk
     * @throws IOException if it cannot, or must not, be placed
     */
    void place(Path finished) throws IOException;
  }

  /**
   * Returns the placement that renames a finished file over {@code target} ({@link
   * #moveIntoPlace}) and makes the rename durable ({@link #syncDirectory}).
   *
   * @param target the final path
   * @return the placement
   */
  public static Placement replacing(Path target) {
    return finished -> {
      moveIntoPlace(finished, target);
      syncDirectory(target.toAbsolutePath().getParent());
    };
  }

  /**
   * Moves a finished temporary file over its target in one rename (replacing a file or a symbolic
   * link at the target, never following it). Falls back to a plain replacing move where the file
   * system cannot move atomically.
   *
   * @param temporary the finished file
   * @param target the final path
   * @throws IOException if the move fails
   */
  public static void moveIntoPlace(Path temporary, Path target) throws IOException {
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Makes a rename in a directory durable, best effort: not every platform can open a directory.
   *
   * @param directory the directory whose entries changed
   */
  public static void syncDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // the data itself is already forced; only the rename's durability is at stake
    }
  }
}
