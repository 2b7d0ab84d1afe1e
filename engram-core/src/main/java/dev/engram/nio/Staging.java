package dev.engram.nio;

import dev.engram.ArchivePaths;
import dev.engram.ArchiveUpdate;
import dev.engram.CompressionMethod;
import dev.engram.manifest.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The changes of a writable {@link EngramFileSystem}: every operation that writes checks the
 * file system's tree, stages the change in an {@link ArchiveUpdate} and changes the tree, under
 * this object's lock, which lookups in the tree take too. Content goes to the update's spooled
 * channels and streams, not to the lock: only opening and closing them (and the copy of the old
 * content that {@code APPEND} and {@code WRITE} without {@code TRUNCATE_EXISTING} start with) hold
 * it. {@link #commit()} writes the new archive when the file system closes.
 *
 * <p>The tree's key of a file is {@code /} + its name in the update. Names are checked by {@link
 * ArchivePaths} (the one path policy); {@code manifest.json} at the root is the update's to write.
 *
 * <p>Thread-safe.
 */
final class Staging {
  private static final Set<StandardOpenOption> UNSUPPORTED =
      EnumSet.of(StandardOpenOption.DELETE_ON_CLOSE);

  private final EngramFileSystem fileSystem;
  private final ArchiveUpdate update;
  /** The method of new content; null chooses by content. */
  private final CompressionMethod method;
  /** Wipes the options made from {@code env}, when the file system closes. */
  private final Runnable wipeOptions;

  Staging(EngramFileSystem fileSystem, ArchiveUpdate update, CompressionMethod method,
      Runnable wipeOptions) {
    this.fileSystem = fileSystem;
    this.update = update;
    this.method = method;
    this.wipeOptions = wipeOptions;
  }

  /** Says whether open options ask to write (or to delete on close). */
  static boolean writes(Set<? extends OpenOption> options) {
    return options.contains(StandardOpenOption.WRITE)
        || options.contains(StandardOpenOption.APPEND)
        || options.contains(StandardOpenOption.DELETE_ON_CLOSE);
  }

  /** The update's name of the file at a tree key. */
  private static String name(String key) {
    return key.substring(1);
  }

  /**
   * The name a new file or directory at a path gets in the archive, checked against the path
   * policy.
   *
   * @throws FileSystemException if the path is the root, or breaks the policy
   * @throws AccessDeniedException for the manifest, which the update writes
   */
  private static String newName(EngramPath path, String key, boolean file)
      throws FileSystemException {
    if (key.equals("/")) {
      throw new FileSystemException(path.toString(), null, "is the root");
    }
    String name = name(key);
    if (name.indexOf('\\') >= 0) {
      throw new FileSystemException(path.toString(), null, "archives read '\\' as a separator,"
          + " so a name cannot hold it");
    }
    Optional<String> violation = ArchivePaths.violation(name);
    if (violation.isPresent()) {
      throw new FileSystemException(path.toString(), null, "an archive cannot hold this name: "
          + violation.get());
    }
    if (file && name.equals(Manifest.ENTRY_NAME)) {
      throw manifest(path);
    }
    return name;
  }

  private static AccessDeniedException manifest(EngramPath path) {
    return new AccessDeniedException(path.toString(), null, "the archive's manifest is written"
        + " when the file system closes (its metadata kept, its files listed anew)");
  }

  /** Says whether a node is the manifest of the archive as opened, which no change may touch. */
  private static boolean isManifest(EntryTree.Node node) {
    return node.entry != null && node.key.equals("/" + Manifest.ENTRY_NAME);
  }

  /** The directory a new file or directory at a key goes into; fails if there is none. */
  private EntryTree.Node parentOf(EngramPath path, String key) throws IOException {
    int slash = key.lastIndexOf('/');
    String parentKey = slash == 0 ? "/" : key.substring(0, slash);
    EntryTree.Node parent = fileSystem.tree().get(parentKey);
    if (parent == null) {
      throw new NoSuchFileException(path.toString(), null, "its directory does not exist");
    }
    if (!parent.isDirectory()) {
      throw new FileSystemException(path.toString(), null, "its parent is a file");
    }
    return parent;
  }

  // ---- writing content

  /**
   * Opens a channel that writes a file, with the options of {@link
   * java.nio.file.Files#newByteChannel}: the file's content is the channel's when it closes.
   */
  StagingChannel newWriteChannel(EngramPath path, Set<? extends OpenOption> options)
      throws IOException {
    boolean append = options.contains(StandardOpenOption.APPEND);
    boolean truncate = options.contains(StandardOpenOption.TRUNCATE_EXISTING);
    boolean read = options.contains(StandardOpenOption.READ);
    if (append && (read || truncate)) {
      throw new IllegalArgumentException("APPEND cannot go with " + (read ? "READ"
          : "TRUNCATE_EXISTING"));
    }
    for (OpenOption option : options) {
      if (UNSUPPORTED.contains(option)
          || !(option instanceof StandardOpenOption) && !(option instanceof LinkOption)) {
        throw new UnsupportedOperationException("open option " + option + " is not supported");
      }
    }
    String key = path.treeKey();
    synchronized (this) {
      fileSystem.ensureOpen();
      EntryTree.Node node = fileSystem.tree().get(key);
      if (node != null && node.isDirectory()) {
        throw new FileSystemException(path.toString(), null, "is a directory");
      }
      if (node != null && isManifest(node)) {
        throw manifest(path);
      }
      if (node != null && options.contains(StandardOpenOption.CREATE_NEW)) {
        throw new FileAlreadyExistsException(path.toString());
      }
      if (node == null && !options.contains(StandardOpenOption.CREATE)
          && !options.contains(StandardOpenOption.CREATE_NEW)) {
        throw new NoSuchFileException(path.toString());
      }
      String name = newName(path, key, true);
      if (node == null) {
        parentOf(path, key);
      }
      SeekableByteChannel spool = update.newByteChannel(name, method, node != null && !truncate);
      StagingChannel channel = new StagingChannel(spool, this, key, read, append);
      try {
        channel.registration = fileSystem.track(channel);
      } catch (IOException | RuntimeException e) {
        spool.close();
        throw e;
      }
      return channel;
    }
  }

  /**
   * Makes a closing channel's content the file's, in the update and the tree. If a directory
   * took the file's place while it was written, the content is dropped.
   */
  synchronized void finish(StagingChannel channel, SeekableByteChannel spool) throws IOException {
    fileSystem.forget(channel.registration);
    String key = channel.key();
    String name = name(key);
    String conflict = fileSystem.tree().fileConflict(key);
    spool.close(); // the content is the update's now
    if (conflict != null) {
      update.delete(name);
      throw new FileSystemException(key, null, "its content was dropped: while it was written,"
          + " the path changed (it " + conflict + ")");
    }
    fileSystem.tree().putFile(key, null, update.size(name), update.lastModified(name));
  }

  /** Opens the staged content of a file (one the update holds, not the archive's entry). */
  InputStream openStaged(EntryTree.Node node) throws IOException {
    return update.newInputStream(name(node.key));
  }

  // ---- changing the tree

  void createDirectory(EngramPath dir) throws IOException {
    String key = dir.treeKey();
    synchronized (this) {
      fileSystem.ensureOpen();
      if (fileSystem.tree().get(key) != null) {
        throw new FileAlreadyExistsException(dir.toString());
      }
      newName(dir, key, false);
      parentOf(dir, key);
      fileSystem.tree().makeDirectory(key, Instant.now());
    }
  }

  void delete(EngramPath path) throws IOException {
    String key = path.treeKey();
    synchronized (this) {
      fileSystem.ensureOpen();
      EntryTree.Node node = fileSystem.tree().get(key);
      if (node == null) {
        throw new NoSuchFileException(path.toString());
      }
      remove(path, node);
    }
  }

  /** Deletes a file or an empty directory. */
  private void remove(EngramPath path, EntryTree.Node node) throws IOException {
    if (node.key.equals("/")) {
      throw new FileSystemException(path.toString(), null, "the root cannot be deleted");
    }
    if (node.isDirectory()) {
      if (!node.children().isEmpty()) {
        throw new DirectoryNotEmptyException(path.toString());
      }
    } else if (isManifest(node)) {
      throw manifest(path);
    } else {
      update.delete(name(node.key));
    }
    fileSystem.tree().remove(node);
  }

  /**
   * Copies a file's content to another path (a directory: an empty one, as {@link
   * java.nio.file.Files#copy(java.nio.file.Path, java.nio.file.Path, CopyOption...)} does).
   * If reading or writing fails, the target is deleted.
   */
  void copy(EngramPath source, EngramPath target, CopyOption... options) throws IOException {
    boolean replace = copyOptions(options, false);
    String from = source.treeKey();
    String to = target.treeKey();
    EntryTree.Node node;
    synchronized (this) {
      fileSystem.ensureOpen();
      node = fileSystem.tree().get(from);
      if (node == null) {
        throw new NoSuchFileException(source.toString());
      }
      if (from.equals(to)) {
        return;
      }
      clearTarget(target, to, replace);
      if (node.isDirectory()) {
        newName(target, to, false);
        parentOf(target, to);
        fileSystem.tree().makeDirectory(to, Instant.now());
        return;
      }
    }
    Set<StandardOpenOption> write = EnumSet.of(StandardOpenOption.WRITE,
        replace ? StandardOpenOption.CREATE : StandardOpenOption.CREATE_NEW,
        StandardOpenOption.TRUNCATE_EXISTING);
    try (InputStream in = fileSystem.newInputStream(source)) {
      OutputStream out = newWriteChannel(target, write).asStream();
      boolean copied = false;
      try {
        in.transferTo(out);
        out.close();
        copied = true;
      } finally {
        if (!copied) {
          dropCopy(target, out);
        }
      }
    }
  }

  /** Closes a copy that failed and deletes what it wrote, keeping the first failure. */
  private void dropCopy(EngramPath target, OutputStream out) {
    try {
      out.close();
      delete(target);
    } catch (IOException | RuntimeException e) {
      // the copy's own failure is the one to report; the file system may have closed
    }
  }

  /**
   * Moves a file, or a directory with everything below it; entries of the archive keep their
   * stored bytes. Everything happens at once under the lock, so {@code ATOMIC_MOVE} is granted.
   */
  void move(EngramPath source, EngramPath target, CopyOption... options) throws IOException {
    boolean replace = copyOptions(options, true);
    String from = source.treeKey();
    String to = target.treeKey();
    synchronized (this) {
      fileSystem.ensureOpen();
      EntryTree.Node node = fileSystem.tree().get(from);
      if (node == null) {
        throw new NoSuchFileException(source.toString());
      }
      if (from.equals("/")) {
        throw new FileSystemException(source.toString(), null, "the root cannot be moved");
      }
      if (isManifest(node)) {
        throw manifest(source);
      }
      if (from.equals(to)) {
        return;
      }
      if (to.startsWith(from + "/")) {
        throw new FileSystemException(source.toString(), target.toString(),
            "a directory cannot move into itself");
      }
      newName(target, to, !node.isDirectory());
      List<EntryTree.Node> files = fileSystem.tree().files(node);
      List<String> names = new ArrayList<>(files.size());
      for (EntryTree.Node file : files) {
        String moved = to + file.key.substring(from.length());
        names.add(newName(target, moved, true));
        if (fileSystem.tree().get(moved) == null && update.contains(name(moved))) {
          throw new FileAlreadyExistsException(target.toString(), null, "the archive holds "
              + name(moved) + " (an entry it does not show as a file)");
        }
      }
      clearTarget(target, to, replace);
      parentOf(target, to);
      for (int i = 0; i < files.size(); i++) {
        update.move(name(files.get(i).key), names.get(i));
      }
      fileSystem.tree().copy(node, to);
      fileSystem.tree().remove(node);
    }
  }

  /** Checks copy options; returns whether REPLACE_EXISTING is among them. */
  private static boolean copyOptions(CopyOption[] options, boolean move) {
    boolean replace = false;
    for (CopyOption option : options) {
      if (option == StandardCopyOption.REPLACE_EXISTING) {
        replace = true;
      } else if (option == StandardCopyOption.ATOMIC_MOVE && move
          || option == StandardCopyOption.COPY_ATTRIBUTES && move
          || option == LinkOption.NOFOLLOW_LINKS) {
        continue; // a move keeps the stored times; there are no links
      } else if (option == StandardCopyOption.COPY_ATTRIBUTES) {
        throw new UnsupportedOperationException("COPY_ATTRIBUTES: an engram file system does not"
            + " set times, a copy gets the time it is written");
      } else {
        throw new UnsupportedOperationException("copy option " + option + " is not supported");
      }
    }
    return replace;
  }

  /** Makes room at a target: fails if something is there, unless it may be replaced. */
  private void clearTarget(EngramPath target, String key, boolean replace) throws IOException {
    EntryTree.Node existing = fileSystem.tree().get(key);
    if (existing == null) {
      return;
    }
    if (!replace) {
      throw new FileAlreadyExistsException(target.toString());
    }
    remove(target, existing);
  }

  // ---- closing

  /** Writes the new archive if anything changed, or if the archive is new. */
  synchronized void commit() throws IOException {
    update.commit();
  }

  /** Closes the update (its staged files deleted) and wipes the options made from env. */
  synchronized void close() throws IOException {
    try {
      update.close();
    } finally {
      wipeOptions.run();
    }
  }
}
