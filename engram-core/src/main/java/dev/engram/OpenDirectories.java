package dev.engram;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The directories of an extraction, held open as {@link SecureDirectoryStream}s: each is opened
 * through its parent's stream without following a symbolic link, and files are created, stamped
 * and renamed relative to the open directory, so a directory renamed, or swapped for a link,
 * after it was checked cannot redirect a write outside the destination (the {@code openat}
 * family of system calls, where the platform has them: Linux and macOS).
 *
 * <p>At most {@link #CAPACITY} directories stay open beyond those in use (each costs two file
 * descriptors); one closed is reopened the same way, from the destination down, when it is
 * needed again. Thread-safe: {@link #acquire} and {@link #release} may be called from several
 * threads, and the streams themselves are safe to share.
 */
final class OpenDirectories implements Closeable {
  /** Directories kept open when no thread uses them, most recently used first. */
  static final int CAPACITY = 128;

  private final Path root;
  private final Handle rootHandle;
  private final int capacity;
  /** By path relative to the root ({@code a/b}), least recently used first. */
  private final LinkedHashMap<String, Handle> open = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  /** An open directory and how many threads use it now. */
  static final class Handle {
    private final SecureDirectoryStream<Path> stream;
    private int users;

    private Handle(SecureDirectoryStream<Path> stream) {
      this.stream = stream;
    }

    /** The open directory; valid until {@link #release}. */
    SecureDirectoryStream<Path> stream() {
      return stream;
    }
  }

  private OpenDirectories(Path root, SecureDirectoryStream<Path> stream, int capacity) {
    this.root = root;
    this.rootHandle = new Handle(stream);
    this.capacity = capacity;
  }

  /**
   * Opens a destination directory, or returns null where the platform cannot open files
   * relative to a directory (Windows; file systems other than the default one).
   *
   * @param root the destination, absolute, an existing directory
   * @param capacity how many unused directories to keep open
   */
  static OpenDirectories open(Path root, int capacity) throws IOException {
    if (root.getFileSystem() != FileSystems.getDefault()) {
      return null; // its channels need not be FileChannels
    }
    DirectoryStream<Path> stream = Files.newDirectoryStream(root);
    if (stream instanceof SecureDirectoryStream<Path> secure) {
      return new OpenDirectories(root, secure, capacity);
    }
    stream.close();
    return null;
  }

  /** The destination. */
  Path root() {
    return root;
  }

  /** A name inside a directory, as a path its stream takes. */
  Path name(String name) {
    return root.getFileSystem().getPath(name);
  }

  /**
   * Opens a directory of the destination, or takes it from those open, for use until {@link
   * #release}. Each component is opened through its parent without following a link.
   *
   * @param relative the directory, relative to the destination ({@code a/b}; empty for itself)
   * @param create whether to create missing directories (checking names), or fail
   * @param entry the entry path that needs it, for messages
   * @throws UnsafeEntryPathException if a component is a symbolic link
   * @throws FileSystemException if a component is not a directory, or (without {@code create})
   *     missing
   */
  synchronized Handle acquire(String relative, boolean create, String entry) throws IOException {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (relative.isEmpty()) {
      return rootHandle; // open until close; never counted
    }
    Handle handle = open.get(relative);
    if (handle != null) {
      handle.users++;
      return handle;
    }
    int slash = relative.lastIndexOf('/');
    Handle parent = acquire(slash < 0 ? "" : relative.substring(0, slash), create, entry);
    try {
      handle = new Handle(openChild(parent.stream, relative, name(relative.substring(slash + 1)),
          create, entry));
    } finally {
      release(parent);
    }
    handle.users = 1;
    open.put(relative, handle);
    evict();
    return handle;
  }

  /** Ends a use of a directory from {@link #acquire}. */
  synchronized void release(Handle handle) {
    if (handle != rootHandle) {
      handle.users--;
    }
  }

  /** Closes the least recently used unused directories beyond the capacity. */
  private void evict() {
    for (Iterator<Handle> it = open.values().iterator();
        open.size() > capacity && it.hasNext(); ) {
      Handle handle = it.next();
      if (handle.users == 0) {
        it.remove();
        try {
          handle.stream.close();
        } catch (IOException e) {
          // nothing was written through it that closing could lose
        }
      }
    }
  }

  /** Closes every directory. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    for (Handle handle : open.values()) {
      try {
        handle.stream.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    open.clear();
    try {
      rootHandle.stream.close();
    } catch (IOException e) {
      failure = e;
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Opens (creating it if allowed) a directory inside an open one, never following a link. */
  private SecureDirectoryStream<Path> openChild(SecureDirectoryStream<Path> parent,
      String relative, Path name, boolean create, String entry) throws IOException {
    Path where = root.resolve(relative);
    BasicFileAttributes attributes = attributes(parent, name);
    if (attributes == null) {
      if (!create) {
        throw new NoSuchFileException(where.toString(), null,
            "entry '" + entry + "' needs this directory, which is gone");
      }
      createDirectory(parent, name, where);
      attributes = attributes(parent, name);
      if (attributes == null) {
        throw new NoSuchFileException(where.toString(), null,
            "entry '" + entry + "' needs this directory, which was deleted as it was made");
      }
    }
    check(attributes, where, entry);
    try {
      return parent.newDirectoryStream(name,
          LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      // replaced since the check: say what is there now
      BasicFileAttributes now = attributes(parent, name);
      if (now != null) {
        try {
          check(now, where, entry);
        } catch (IOException clearer) {
          clearer.addSuppressed(e);
          throw clearer;
        }
      }
      throw e;
    }
  }

  /**
   * Refuses a symbolic link, or anything else but a directory, where an entry needs a directory.
   *
   * @param attributes the attributes of what is there, not following a link
   * @param where its path, for messages
   * @param entry the entry path, for messages
   */
  static void check(BasicFileAttributes attributes, Path where, String entry)
      throws IOException {
    if (attributes.isSymbolicLink()) {
      throw new UnsafeEntryPathException(entry, "entry \"" + entry + "\" is not extracted: "
          + where + " is a symbolic link, and extraction never follows one");
    }
    if (!attributes.isDirectory()) {
      throw new FileSystemException(where.toString(), null,
          "entry '" + entry + "' needs a directory here, but a file is in the way");
    }
  }

  /** A name's own attributes (a link's, not its target's), or null if nothing has the name. */
  private static BasicFileAttributes attributes(SecureDirectoryStream<Path> directory, Path name)
      throws IOException {
    try {
      return directory.getFileAttributeView(name, BasicFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS).readAttributes();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Creates a directory inside an open one. Java cannot create a directory relative to an open
   * one ({@code mkdirat}), and creating it by path would follow a parent swapped for a link: so
   * it is made under a temporary name directly in the destination (whose path is trusted) and
   * renamed into the open parent ({@code renameat}). Where that rename cannot cross file
   * systems (a mount point inside the destination), it is created by path, and the caller's
   * opening without following links still refuses what is not a real directory in the parent.
   * Something already at the name is left for the caller to check.
   */
  private void createDirectory(SecureDirectoryStream<Path> parent, Path name, Path where)
      throws IOException {
    Path temporary;
    while (true) {
      temporary = root.resolve(".engram-directory." + ProcessHandle.current().pid() + "-"
          + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        Files.createDirectory(temporary);
        break;
      } catch (FileAlreadyExistsException e) {
        // try another name
      }
    }
    Path temporaryName = temporary.getFileName();
    try {
      rootHandle.stream.move(temporaryName, parent, name);
    } catch (AtomicMoveNotSupportedException otherFileSystem) {
      rootHandle.stream.deleteDirectory(temporaryName);
      try {
        Files.createDirectory(where);
      } catch (FileAlreadyExistsException raced) {
        // the caller checks what it is
      }
    } catch (IOException e) {
      try {
        rootHandle.stream.deleteDirectory(temporaryName);
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (attributes(parent, name) == null) {
        throw e;
      }
      // something took the name meanwhile: the caller checks what it is
    }
  }
}
