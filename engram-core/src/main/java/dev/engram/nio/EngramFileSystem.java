package dev.engram.nio;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveUpdate;
import dev.engram.CompressionMethod;
import dev.engram.FrameCacheStatistics;
import dev.engram.ReaderOptions;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.OpenOption;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An Engram archive as a {@link FileSystem}: one root {@code /}, a file per entry, and the
 * directories entry names imply. Open one with {@code FileSystems.newFileSystem(Path.of(
 * "docs.eng"))} or by URI ({@code engram:file:///data/docs.eng}); see {@link
 * EngramFileSystemProvider} for the URI form and the {@code env} keys.
 *
 * <p>Opening reads the archive's directory once (never the local headers of every entry); the
 * tree of names is built when a path is first looked up, and content is read only when a file is
 * opened. {@code newByteChannel}
 * gives a channel with a real position and size, where reads in a framed entry decode only the
 * frames they touch; {@code FileChannel.open} gives a channel whose positional reads run in
 * parallel. In a read-only file system every write throws {@link
 * java.nio.file.ReadOnlyFileSystemException}.
 *
 * <p><b>Writing.</b> A writable file system (see {@code readOnly} and {@code create} in {@link
 * EngramFileSystemProvider}) stages its changes in a {@link dev.engram.ArchiveUpdate} and
 * touches the archive only when it closes. {@code Files.write}, {@code newOutputStream}, {@code
 * newByteChannel} and {@code FileChannel.open} with {@code WRITE} or {@code APPEND} write a file
 * (the open options mean what they mean for the default file system: {@code WRITE} without
 * {@code TRUNCATE_EXISTING} starts with the file's content), streamed to a private temporary file
 * beside the archive, never held in memory; the file takes that content when the stream or
 * channel closes, and until then shows its previous content (or does not exist). {@code
 * Files.copy} inside copies the content; from another file system it streams it in. {@code
 * Files.move} moves a file or a whole directory at once ({@code ATOMIC_MOVE} is granted); files of
 * the archive keep their stored bytes wherever they move. {@code Files.delete} deletes a file or
 * an empty directory. Reads see every change at once. Directories stay implied by file names:
 * {@code createDirectory} makes one that lasts while the file system is open, and an empty one
 * is not stored. Times are not set: new content gets the time it was written ({@code
 * setLastModifiedTime} and {@code COPY_ATTRIBUTES} throw {@link UnsupportedOperationException},
 * so does {@code Files.move} from another file system, which copies attributes). The root's
 * {@code manifest.json} is written anew by the update: it can be read, not changed. New names
 * must pass {@link dev.engram.ArchivePaths}; a name with a {@code \} is refused. A file written
 * is not stored yet: its {@link EngramFileAttributes} give its size and time only.
 *
 * <p>{@link #close()} closes the streams and channels still open (those writing keep what they
 * wrote), then writes the new archive beside the old one, entries left alone copied as stored
 * (CRC-checked, not compressed or encrypted again), and renames it over the old one. If that
 * fails (someone else changed the archive meanwhile, a signed manifest, an I/O error), {@code
 * close()} throws, the archive stays as it was, and the file system is closed all the same, its
 * temporary files deleted.
 *
 * <p>Entries whose names could escape the root ({@code ../x}, absolute names, drive letters,
 * control characters) are never shown as files; neither is an entry followed by another of the
 * same name (the later one is the file, as for {@link ArchiveReader#entry}) nor a file whose
 * name other entries use as a directory. {@link #hiddenEntries()} lists them with the reason.
 *
 * <p>Closing the file system closes the archive and every channel, stream and directory stream
 * still open on it; after that, operations throw {@link ClosedFileSystemException}, channels and
 * streams {@link java.nio.channels.ClosedChannelException}, and directory streams end.
 *
 * <p>Thread-safe: any number of threads read through one file system at once, each with its own
 * channels and streams, without a lock between them. A writable one changes its tree under a
 * lock that lookups take too, so threads may write, move and delete while others read; each
 * thread uses its own channels and streams.
 */
public final class EngramFileSystem extends FileSystem {
  private final EngramFileSystemProvider provider;
  /** The archive as opened; null for a new archive ({@code create}). */
  private final ArchiveReader reader;
  /** The changes of a writable file system; null when it is read-only. */
  private final Staging staging;
  private final String name;
  /** Options this file system built from {@code env}, destroyed on close; null if the caller's. */
  private final ReaderOptions ownedOptions;
  private final URI archiveUri;
  /** The key of the provider's registry if this was opened by URI, else null. */
  private final Object registryKey;
  /** Built on first use: opening only to read one known file, or by URI, need not pay for it. */
  private volatile EntryTree tree;
  private final boolean encrypted;
  private final EngramPath root;
  private final EngramFileStore store;
  private final OpenResources openResources = new OpenResources();
  private volatile boolean closed;

  /** A read-only file system over a reader. */
  EngramFileSystem(EngramFileSystemProvider provider, ArchiveReader reader,
      ReaderOptions ownedOptions, URI archiveUri, Object registryKey) {
    this(provider, reader, null, null, null, ownedOptions, null, archiveUri, registryKey);
  }

  /**
   * A writable file system over an update, which it owns: its reader (none for a new archive)
   * serves the entries the update keeps; {@code wipeOptions} wipes the options made from env.
   */
  EngramFileSystem(EngramFileSystemProvider provider, ArchiveUpdate update,
      CompressionMethod method, Runnable wipeOptions, String name, URI archiveUri,
      Object registryKey) {
    this(provider, update.reader().orElse(null), update, method, wipeOptions, null, name,
        archiveUri, registryKey);
  }

  private EngramFileSystem(EngramFileSystemProvider provider, ArchiveReader reader,
      ArchiveUpdate update, CompressionMethod method, Runnable wipeOptions,
      ReaderOptions ownedOptions, String name, URI archiveUri, Object registryKey) {
    this.provider = provider;
    this.reader = reader;
    this.staging = update == null ? null : new Staging(this, update, method, wipeOptions);
    this.name = reader != null ? reader.name() : name;
    this.ownedOptions = ownedOptions;
    this.archiveUri = archiveUri;
    this.registryKey = registryKey;
    this.encrypted = reader != null && reader.encryption().isPresent();
    this.root = EngramPath.ofClean(this, "/");
    this.store = new EngramFileStore(this);
  }

  @Override
  public EngramFileSystemProvider provider() {
    return provider;
  }

  /**
   * Closes the archive and every channel, stream and directory stream still open on it. A
   * writable file system first closes the channels and streams still writing files, which keeps
   * what they wrote, then writes the new archive if anything changed (a new archive always) and
   * renames it over the old one; if that fails, the archive stays as it was, and the file system
   * is closed all the same, its changes dropped. Closing again does nothing.
   *
   * @throws dev.engram.ConcurrentUpdateException if someone else changed or replaced the archive
   *     since the file system opened it (or, for a new archive, a file appeared at its path)
   * @throws dev.engram.SignedManifestException if the archive's manifest is signed and env did
   *     not say what to do with it ({@code manifest})
   * @throws IOException if writing the new archive fails, if a stream still writing a file
   *     cannot be closed (then nothing is written), or if closing the archive fails
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (registryKey != null) {
      provider.unregister(registryKey, this);
    }
    if (staging != null) {
      closeWritable();
      return;
    }
    IOException failure = null;
    for (Closeable resource : openResources.removeAll()) {
      try {
        resource.close();
      } catch (IOException e) {
        failure = addTo(failure, e);
      }
    }
    try {
      reader.close();
    } catch (IOException e) {
      failure = addTo(failure, e);
    } finally {
      if (ownedOptions != null) {
        ownedOptions.destroy();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes what is open (writers keep their content), commits, and closes the update. */
  private void closeWritable() throws IOException {
    List<Closeable> resources;
    synchronized (staging) { // operations in progress finish first; later ones see the close
      resources = openResources.removeAll();
    }
    IOException failure = null;
    boolean writersClosed = true;
    for (Closeable resource : resources) {
      try {
        resource.close();
      } catch (IOException e) {
        failure = addTo(failure, e);
        writersClosed &= !(resource instanceof StagingChannel);
      }
    }
    try {
      if (writersClosed) {
        staging.commit();
      }
    } catch (IOException e) {
      failure = addTo(e, failure);
    } finally {
      try {
        staging.close();
      } catch (IOException e) {
        failure = addTo(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static IOException addTo(IOException first, IOException next) {
    if (next == null) {
      return first;
    }
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  /**
   * Says whether the file system only reads: see {@code readOnly} in {@link
   * EngramFileSystemProvider}.
   *
   * @return true if every write throws {@link java.nio.file.ReadOnlyFileSystemException}
   */
  @Override
  public boolean isReadOnly() {
    return staging == null;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    ensureOpen();
    return List.of(root);
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    ensureOpen();
    return List.of(store);
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return Set.of(EntryAttributes.BASIC, EntryAttributes.ENGRAM);
  }

  /**
   * Makes a path from names joined by {@code /}. Repeated separators collapse and a trailing one
   * is dropped; a path starting with {@code /} is absolute, others are relative to the root.
   *
   * @throws java.nio.file.InvalidPathException if a name holds a NUL character
   */
  @Override
  public Path getPath(String first, String... more) {
    if (more.length == 0) {
      return EngramPath.of(this, first);
    }
    StringBuilder sb = new StringBuilder(first);
    for (String name : more) {
      if (!name.isEmpty()) {
        if (sb.length() > 0) {
          sb.append('/');
        }
        sb.append(name);
      }
    }
    return EngramPath.of(this, sb.toString());
  }

  /**
   * Returns a matcher of paths' strings for {@code glob:} (with the rules of {@link
   * FileSystem#getPathMatcher}) or {@code regex:} ({@link Pattern}) patterns.
   *
   * @throws IllegalArgumentException if the argument is not {@code syntax:pattern}
   * @throws java.util.regex.PatternSyntaxException if the pattern is invalid
   * @throws UnsupportedOperationException for another syntax
   */
  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    int colon = syntaxAndPattern.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected syntax:pattern, for example glob:**/*.md, not "
          + syntaxAndPattern);
    }
    String syntax = syntaxAndPattern.substring(0, colon);
    String pattern = syntaxAndPattern.substring(colon + 1);
    String regex;
    if (syntax.equalsIgnoreCase("glob")) {
      regex = Globs.toRegex(pattern);
    } else if (syntax.equalsIgnoreCase("regex")) {
      regex = pattern;
    } else {
      throw new UnsupportedOperationException("syntax '" + syntax + "' is not recognized; use"
          + " glob: or regex:");
    }
    Pattern compiled = Pattern.compile(regex);
    return path -> compiled.matcher(path.toString()).matches();
  }

  /**
   * Not supported: an archive has no users or groups.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    throw new UnsupportedOperationException("an engram file system has no users or groups");
  }

  /**
   * Not supported: a read-only archive never changes.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("an engram file system cannot be watched");
  }

  /**
   * Returns the entries not shown as files (see the class comment), in directory order.
   *
   * @return an unmodifiable list; empty when every entry is a file
   * @throws ClosedFileSystemException if the file system is closed
   */
  public List<HiddenEntry> hiddenEntries() {
    ensureOpen();
    return tree().hidden();
  }

  /**
   * Returns a snapshot of the frame cache shared by the {@link FileChannel}s of this file system,
   * as {@link ArchiveReader#frameCacheStatistics()} describes.
   *
   * @return the statistics at this moment
   * @throws ClosedFileSystemException if the file system is closed
   */
  public FrameCacheStatistics frameCacheStatistics() {
    return reader().frameCacheStatistics();
  }

  /**
   * Returns the archive's name, as messages show it.
   *
   * @return the archive's path or URI
   */
  @Override
  public String toString() {
    return name;
  }

  /**
   * Returns the reader this file system reads through: for what paths do not say, such as an
   * entry's {@link dev.engram.EntryInfo} by its stored name ({@link EngramFileAttributes#entryName()})
   * or the manifest. The reader belongs to the file system: it is closed with it, and must not be
   * closed by the caller.
   *
   * <p>A writable file system reads the archive as it was opened: files written, deleted or
   * moved since are its own, not the reader's.
   *
   * @return the reader, open until the file system closes
   * @throws ClosedFileSystemException if the file system is closed
   * @throws IllegalStateException if the file system creates a new archive, which has no reader
   */
  public ArchiveReader reader() {
    ensureOpen();
    if (reader == null) {
      throw new IllegalStateException(name + " is a new archive: it has no reader until it is"
          + " written, when the file system closes");
    }
    return reader;
  }

  // ---- for the provider and the other classes of this package

  EngramPath root() {
    return root;
  }

  URI archiveUri() {
    return archiveUri;
  }

  /** The reader, whether or not the file system is open; null for a new archive. */
  ArchiveReader archiveReader() {
    return reader;
  }

  /** The changes of a writable file system; null if it is read-only. */
  Staging staging() {
    return staging;
  }

  /** The tree; a writable file system's changes, and lookups in it, need its staging's lock. */
  EntryTree tree() {
    EntryTree built = tree;
    if (built == null) {
      synchronized (this) {
        built = tree;
        if (built == null) {
          built = EntryTree.of(reader == null ? List.of() : reader.entries());
          tree = built;
        }
      }
    }
    return built;
  }

  void ensureOpen() {
    if (closed) {
      throw new ClosedFileSystemException();
    }
  }

  /** The node at a path, or null; throws if the file system is closed. */
  EntryTree.Node find(EngramPath path) {
    ensureOpen();
    if (staging != null) {
      // the tree changes: no node a listing put in a path is trusted, every lookup is locked
      String key = path.treeKey();
      synchronized (staging) {
        return tree().get(key);
      }
    }
    EntryTree.Node node = path.node();
    return node != null ? node : tree().get(path.treeKey());
  }

  /** The node at a path. */
  EntryTree.Node require(EngramPath path) throws NoSuchFileException {
    EntryTree.Node node = find(path);
    if (node == null) {
      throw new NoSuchFileException(path.toString());
    }
    return node;
  }

  EngramFileAttributes attributes(EngramPath path) throws NoSuchFileException {
    if (staging != null) {
      synchronized (staging) { // a directory's time reads what is below it
        return new EntryAttributes(require(path), encrypted, true);
      }
    }
    return new EntryAttributes(require(path), encrypted);
  }

  private EntryTree.Node requireFile(EngramPath path) throws IOException {
    EntryTree.Node node = require(path);
    if (node.isDirectory()) {
      throw new FileSystemException(path.toString(), null, "is a directory");
    }
    return node;
  }

  /**
   * Opens a channel over a file: read-only, or with write options (a writable file system's
   * {@link Staging#newWriteChannel}).
   */
  SeekableByteChannel newByteChannel(EngramPath path, Set<? extends OpenOption> options)
      throws IOException {
    if (staging != null && Staging.writes(options)) {
      return staging.newWriteChannel(path, options);
    }
    SeekableByteChannel staged = openStaged(path);
    if (staged != null) {
      return staged;
    }
    EntryTree.Node node = requireFile(path);
    EntryChannel channel = new EntryChannel(reader.openChannel(node.entry.path()), this);
    channel.registration = track(channel);
    return channel;
  }

  FileChannel newFileChannel(EngramPath path, Set<? extends OpenOption> options)
      throws IOException {
    if (staging != null && Staging.writes(options)) {
      return new ChannelFileChannel(staging.newWriteChannel(path, options), true);
    }
    SeekableByteChannel staged = openStaged(path);
    if (staged != null) {
      return new ChannelFileChannel(staged, false);
    }
    EntryTree.Node node = requireFile(path);
    EntryFileChannel channel =
        new EntryFileChannel(reader.openRandomAccess(node.entry.path()), this);
    channel.registration = track(channel);
    return channel;
  }

  /**
   * Opens a read-only channel over the staged content of a writable file system's file, or
   * returns null if the path is a file of the archive as opened (read by the reader's channels).
   */
  private SeekableByteChannel openStaged(EngramPath path) throws IOException {
    if (staging == null) {
      return null;
    }
    synchronized (staging) { // the tree and the update agree while it is held
      EntryTree.Node node = requireFile(path);
      if (!node.isStaged()) {
        return null;
      }
      EntryChannel channel = new EntryChannel(
          new StagedContentChannel(() -> staging.openStaged(node), node.size()), this);
      channel.registration = track(channel);
      return channel;
    }
  }

  InputStream newInputStream(EngramPath path) throws IOException {
    EntryTree.Node node;
    if (staging != null) {
      synchronized (staging) {
        node = requireFile(path);
        if (node.isStaged()) {
          EntryInputStream stream = new EntryInputStream(staging.openStaged(node), this);
          stream.registration = track(stream);
          return stream;
        }
      }
    } else {
      node = requireFile(path);
    }
    EntryInputStream stream = new EntryInputStream(reader.openStream(node.entry.path()), this);
    stream.registration = track(stream);
    return stream;
  }

  /** Registers a channel, stream or directory stream to be closed with the file system. */
  OpenResources.Link track(Closeable resource) throws IOException {
    OpenResources.Link link = openResources.add(resource);
    if (closed) {
      // close() may have taken the list before the add: close this one here
      resource.close();
      throw new ClosedFileSystemException();
    }
    return link;
  }

  /** Unregisters a channel or stream its user closed. */
  void forget(OpenResources.Link registration) {
    if (registration != null) {
      openResources.remove(registration);
    }
  }

  /** The number of channels and streams open on this file system (for tests). */
  int openResourceCount() {
    return openResources.size();
  }

  DirectoryStream<Path> newDirectoryStream(EngramPath dir,
      DirectoryStream.Filter<? super Path> filter) throws IOException {
    EntryTree.Node node = require(dir);
    if (!node.isDirectory()) {
      throw new NotDirectoryException(dir.toString());
    }
    List<EntryTree.Node> children;
    if (staging != null) {
      synchronized (staging) { // a snapshot: the directory may change while it is listed
        children = List.copyOf(node.children());
      }
    } else {
      children = node.children();
    }
    ChildStream stream = new ChildStream(dir, children, filter);
    stream.registration = track(stream);
    return stream;
  }

  /**
   * The children of a directory, as paths under the path the stream was opened with. Closing the
   * file system closes it: an iterator then ends, and {@link #iterator()} fails.
   */
  private final class ChildStream implements DirectoryStream<Path> {
    private final String prefix;
    private final List<EntryTree.Node> children;
    private final Filter<? super Path> filter;
    private boolean iterated;
    private volatile boolean streamClosed;
    OpenResources.Link registration;

    ChildStream(EngramPath dir, List<EntryTree.Node> children,
        Filter<? super Path> filter) {
      String d = dir.pathString();
      // null when the directory was named by its key: its children's paths are their keys
      this.prefix = d.equals(dir.treeKey()) ? null
          : d.isEmpty() ? "" : d.equals("/") ? "/" : d + "/";
      this.children = children;
      this.filter = filter;
    }

    @Override
    public synchronized Iterator<Path> iterator() {
      if (streamClosed) {
        throw new IllegalStateException("directory stream is closed");
      }
      if (iterated) {
        throw new IllegalStateException("iterator() was already called on this stream");
      }
      iterated = true;
      return new Iterator<>() {
        private final Iterator<EntryTree.Node> next = children.iterator();
        private Path pending;

        @Override
        public boolean hasNext() {
          while (pending == null && !streamClosed && next.hasNext()) {
            ensureOpen();
            EntryTree.Node child = next.next();
            Path candidate = prefix == null ? EngramPath.ofNode(EngramFileSystem.this, child)
                : EngramPath.ofClean(EngramFileSystem.this, prefix + child.name());
            try {
              if (filter == null || filter.accept(candidate)) {
                pending = candidate;
              }
            } catch (IOException e) {
              throw new DirectoryIteratorException(e);
            }
          }
          return pending != null;
        }

        @Override
        public Path next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Path result = pending;
          pending = null;
          return result;
        }
      };
    }

    @Override
    public void close() {
      if (!streamClosed) {
        streamClosed = true;
        forget(registration);
      }
    }
  }
}
