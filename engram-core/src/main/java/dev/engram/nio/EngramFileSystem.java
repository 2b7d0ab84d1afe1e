package dev.engram.nio;

import dev.engram.ArchiveReader;
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
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An Engram archive as a read-only {@link FileSystem}: one root {@code /}, a file per entry, and
 * the directories entry names imply. Open one with {@code FileSystems.newFileSystem(Path.of(
 * "docs.eng"))} or by URI ({@code engram:file:///data/docs.eng}); see {@link
 * EngramFileSystemProvider} for the URI form and the {@code env} keys.
 *
 * <p>Opening reads the archive's directory once (never the local headers of every entry); the
 * tree of names is built when a path is first looked up, and content is read only when a file is
 * opened. {@code newByteChannel}
 * gives a channel with a real position and size, where reads in a framed entry decode only the
 * frames they touch; {@code FileChannel.open} gives a channel whose positional reads run in
 * parallel. Every write throws {@link java.nio.file.ReadOnlyFileSystemException}.
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
 * channels and streams, without a lock between them.
 */
public final class EngramFileSystem extends FileSystem {
  private final EngramFileSystemProvider provider;
  private final ArchiveReader reader;
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

  EngramFileSystem(EngramFileSystemProvider provider, ArchiveReader reader,
      ReaderOptions ownedOptions, URI archiveUri, Object registryKey) {
    this.provider = provider;
    this.reader = reader;
    this.ownedOptions = ownedOptions;
    this.archiveUri = archiveUri;
    this.registryKey = registryKey;
    this.encrypted = reader.encryption().isPresent();
    this.root = EngramPath.ofClean(this, "/");
    this.store = new EngramFileStore(this);
  }

  @Override
  public EngramFileSystemProvider provider() {
    return provider;
  }

  /**
   * Closes the archive and every channel, stream and directory stream still open on it. Closing
   * again does nothing.
   *
   * @throws IOException if closing the archive fails (the file system is closed all the same)
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

  private static IOException addTo(IOException first, IOException next) {
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
   * Returns true: this version reads archives only.
   *
   * @return true
   */
  @Override
  public boolean isReadOnly() {
    return true;
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
    ensureOpen();
    return reader.frameCacheStatistics();
  }

  /**
   * Returns the archive's name, as messages show it.
   *
   * @return the archive's path or URI
   */
  @Override
  public String toString() {
    return reader.name();
  }

  /**
   * Returns the reader this file system reads through: for what paths do not say, such as an
   * entry's {@link dev.engram.EntryInfo} by its stored name ({@link EngramFileAttributes#entryName()})
   * or the manifest. The reader belongs to the file system: it is closed with it, and must not be
   * closed by the caller.
   *
   * @return the reader, open until the file system closes
   * @throws ClosedFileSystemException if the file system is closed
   */
  public ArchiveReader reader() {
    ensureOpen();
    return reader;
  }

  // ---- for the provider and the other classes of this package

  EngramPath root() {
    return root;
  }

  URI archiveUri() {
    return archiveUri;
  }

  /** The reader, whether or not the file system is open. */
  ArchiveReader archiveReader() {
    return reader;
  }

  private EntryTree tree() {
    EntryTree built = tree;
    if (built == null) {
      synchronized (this) {
        built = tree;
        if (built == null) {
          built = EntryTree.of(reader.entries());
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
    return new EntryAttributes(require(path), encrypted);
  }

  private EntryTree.Node requireFile(EngramPath path) throws IOException {
    EntryTree.Node node = require(path);
    if (node.isDirectory()) {
      throw new FileSystemException(path.toString(), null, "is a directory");
    }
    return node;
  }

  SeekableByteChannel newByteChannel(EngramPath path) throws IOException {
    EntryTree.Node node = requireFile(path);
    EntryChannel channel = new EntryChannel(reader.openChannel(node.entry.path()), this);
    channel.registration = track(channel);
    return channel;
  }

  FileChannel newFileChannel(EngramPath path) throws IOException {
    EntryTree.Node node = requireFile(path);
    EntryFileChannel channel =
        new EntryFileChannel(reader.openRandomAccess(node.entry.path()), this);
    channel.registration = track(channel);
    return channel;
  }

  InputStream newInputStream(EngramPath path) throws IOException {
    EntryTree.Node node = requireFile(path);
    EntryInputStream stream = new EntryInputStream(reader.openStream(node.entry.path()), this);
    stream.registration = track(stream);
    return stream;
  }

  /** Registers a channel, stream or directory stream to be closed with the file system. */
  private OpenResources.Link track(Closeable resource) throws IOException {
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
    ChildStream stream = new ChildStream(dir, node.children(), filter);
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
