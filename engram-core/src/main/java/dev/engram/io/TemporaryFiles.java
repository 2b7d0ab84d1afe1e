package dev.engram.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary siblings for atomic replacement: content is written next to its final name and moved
 * over it in one rename, so the final name never holds a half-written file. Thread-safe
 * (stateless).
 */
public final class TemporaryFiles {
  private TemporaryFiles() {}

  /**
   * Creates a new empty file next to {@code target}, named {@code .<name>.<random>.tmp}. It gets
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
    FileAttribute<?>[] attributes = ownerOnly && Files.getFileAttributeView(directory,
        PosixFileAttributeView.class) != null
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    while (true) {
      String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
      Path candidate = directory.resolve("." + name + "." + suffix + ".tmp");
      try {
        return new Sibling(candidate, FileChannel.open(candidate, Set.of(
            StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS), attributes));
      } catch (FileAlreadyExistsException e) {
        // try another name
      }
    }
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
