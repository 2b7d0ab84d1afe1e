package dev.engram.nio;

import dev.engram.ArchiveReader;
import dev.engram.KeyRequiredException;
import dev.engram.ReaderOptions;
import dev.engram.format.Header;
import dev.engram.source.ArchiveSource;
import dev.engram.ArchivePaths;
import dev.engram.ArchiveUpdate;
import dev.engram.UnsupportedArchiveException;
import dev.engram.UpdateOptions;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider of {@link EngramFileSystem}s, for the URI scheme {@code engram}. It is installed
 * through {@link java.util.ServiceLoader} (the module's {@code provides} clause and {@code
 * META-INF/services}), so the JDK's own methods find it:
 *
 * <pre>{@code
 * try (FileSystem docs = FileSystems.newFileSystem(Path.of("docs.eng"))) {
 *   try (Stream<Path> files = Files.walk(docs.getPath("/"))) { ... }
 * }
 * }</pre>
 *
 * <p><b>Opening by path.</b> {@code FileSystems.newFileSystem(path)}, {@code (path, env)} and
 * {@code (path, env, classLoader)} open the archive at a path of any file system: a local file,
 * or a file inside a zip file system or an in-memory one. A path whose name ends with {@code
 * .eng} is always taken (a missing or damaged archive gets the reader's error); any other path
 * is left to other providers ({@link UnsupportedOperationException}, before {@code env} is even
 * read) unless it is a file that starts with the archive magic. So installing this provider
 * changes nothing for other formats: {@code newFileSystem(Path.of("new.zip"), Map.of("create",
 * "true"))} still reaches jdk.zipfs. File systems opened by path are
 * private to the caller: they are not registered, so opening the same archive twice gives two
 * independent file systems.
 *
 * <p>{@code FileSystems.newFileSystem(path)} asks the installed providers in turn. With
 * engram-core on the module path this provider is asked before jdk.zipfs (the application class
 * loader's modules come before the platform class loader's); on the class path jdk.zipfs is asked
 * first, and it reads the last 64 KiB of the archive, 128 bytes at a time, looking for a ZIP end
 * record before it declines: about 1 ms, as long as opening an archive of 10,000 entries takes.
 * Calling this provider's {@link #newFileSystem(Path, Map)} directly skips that.
 *
 * <p><b>Opening by URI.</b> {@code FileSystems.newFileSystem(URI.create(
 * "engram:file:///data/docs.eng"), env)} opens the archive and registers its file system under
 * the archive's real path until it is closed: {@link #getFileSystem(URI)} returns it, {@code
 * Path.of(uri)} finds paths in it, and opening the same archive by URI again throws {@link
 * FileSystemAlreadyExistsException} (checked atomically: of two threads racing, exactly one
 * wins). The URI of a path inside is {@code engram:} + the archive's URI + {@code !} + the
 * absolute path, percent-encoded in UTF-8 so that any name round-trips through {@link
 * Path#toUri()} and {@code Path.of(URI)}: {@code
 * engram:file:///data/my%20docs.eng!/notes/caf%C3%A9%20%231.txt}. The separator is the last
 * {@code !/}; a URI that names only the archive may leave it out.
 *
 * <p><b>Remote archives.</b> An archive URI whose scheme no installed file system serves is
 * read with {@link dev.engram.ArchiveReader#open(URI, ReaderOptions)}: {@code
 * engram:https://example.org/docs.eng} ({@code http:} and {@code https:} with range requests,
 * {@code s3:} with engram-s3), never downloaded whole; such a file system is registered under
 * the archive's URI. {@link ReaderOptions#remote()} (in {@code readerOptions}) says how it is
 * fetched.
 *
 * <p><b>Writing.</b> An archive file of the default file system that can be written opens
 * writable, unless {@code readOnly} is true; {@code create} makes a new archive when there is no
 * file (on the class path, jdk.zipfs is asked first for a path and makes a ZIP file at any path
 * given {@code create}: create archives by URI, {@code engram:file:...}, or with this provider's
 * {@link #newFileSystem(Path, Map)}). Archives read over a network or from a caller's {@link
 * ArchiveSource} are read-only. Without {@code readOnly}, an archive an update cannot keep
 * (one with entries whose names break the path policy, or an encrypted one opened without its
 * key, which can still be listed when encrypted per file) opens read-only; with {@code readOnly}
 * false it fails. See {@link EngramFileSystem} for what writing does.
 *
 * <p><b>{@code env} keys.</b> Booleans may be given as {@link Boolean}s or the strings {@code
 * "true"} and {@code "false"}.
 *
 * <table>
 *   <caption>Keys of the env map</caption>
 *   <tr><th>key</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code create}</td><td>boolean</td><td>create the archive if there is no file
 *     (an existing one is opened); default false</td></tr>
 *   <tr><td>{@code readOnly}</td><td>boolean</td><td>only read; default: true unless the
 *     archive is a file that can be written</td></tr>
 *   <tr><td>{@code key}</td><td>{@code byte[32]}</td><td>the AES-256 key of an encrypted
 *     archive, which an update encrypts again with it; with {@code create}, the new archive is
 *     encrypted with it (copied; wipe yours)</td></tr>
 *   <tr><td>{@code passphrase}</td><td>{@code char[]}</td><td>the same with a passphrase
 *     (copied; wipe yours)</td></tr>
 *   <tr><td>{@code encryption}</td><td>{@code "archive"}, {@code "per-file"} or an {@link
 *     dev.engram.EncryptionMode}</td><td>how a created archive is encrypted with {@code key} or
 *     {@code passphrase}; default as a whole</td></tr>
 *   <tr><td>{@code readerOptions}</td><td>{@link ReaderOptions}</td><td>everything else
 *     about reading: limits, caches, threads, or the key; not together with {@code key} or
 *     {@code passphrase}</td></tr>
 *   <tr><td>{@code writerOptions}</td><td>{@link dev.engram.WriterOptions}</td><td>how new
 *     content is written (level, threads, times); for a created archive also its manifest and
 *     encryption. An update takes encryption and manifest from the archive and refuses options
 *     that set them</td></tr>
 *   <tr><td>{@code compression}</td><td>{@code "auto"}, {@code "none"}, {@code "lz4"}, {@code
 *     "zstd"} or a {@link dev.engram.CompressionMethod}</td><td>the method of new content;
 *     default: chosen by content</td></tr>
 *   <tr><td>{@code manifest}</td><td>{@code "refuse"}, {@code "drop"}, {@code "resign"} or an
 *     {@link dev.engram.UpdateOptions.SignedManifest}</td><td>what closing does with a signed
 *     manifest, whose signatures cannot stay valid: refuse (the default: {@code close()} throws
 *     {@link dev.engram.SignedManifestException}), drop them, or sign again</td></tr>
 *   <tr><td>{@code signingKey}, {@code signer}</td><td>{@link java.security.PrivateKey},
 *     {@code String}</td><td>the Ed25519 key and signer name of {@code "resign"}, and only of
 *     it</td></tr>
 * </table>
 *
 * <p>Any other key is refused with an {@link IllegalArgumentException} that names it and the
 * known ones (only once the path is taken as an archive: other providers' paths and keys pass);
 * so are values of the wrong type and keys that contradict each other ({@code create} with
 * {@code readOnly}). Options built from {@code key} or {@code passphrase} are destroyed when the
 * file system closes; options given as {@code readerOptions} or {@code writerOptions} stay the
 * caller's.
 *
 * <p>Thread-safe.
 */
public final class EngramFileSystemProvider extends FileSystemProvider {
  private static final String ARCHIVE_SUFFIX = ".eng";

  /** File systems opened by URI: by the archive's real path, or a remote archive's URI. */
  private final ConcurrentHashMap<Object, EngramFileSystem> byArchive = new ConcurrentHashMap<>();

  /**
   * Makes a provider. Applications do not call this: the JDK finds the provider through {@link
   * java.util.ServiceLoader}, and {@link FileSystemProvider#installedProviders()} lists it.
   */
  public EngramFileSystemProvider() {}

  /**
   * Returns {@code "engram"}.
   *
   * @return the URI scheme
   */
  @Override
  public String getScheme() {
    return ArchiveUris.SCHEME;
  }

  /**
   * Opens the archive an {@code engram:} URI names and registers its file system (see the class
   * comment).
   *
   * @param uri {@code engram:} + the archive's URI, optionally followed by {@code !/}
   * @param env the keys in the class comment; may be empty
   * @return the new file system
   * @throws FileSystemAlreadyExistsException if this archive is open by URI already
   * @throws IllegalArgumentException if the URI is not an {@code engram:} URI or {@code env} holds
   *     an unknown key or a value of the wrong type
   * @throws FileSystemNotFoundException if no provider serves the archive URI's scheme
   * @throws java.nio.file.NoSuchFileException if the archive does not exist
   * @throws dev.engram.EngramException if it is not a valid archive (corrupt, unsupported, key
   *     missing or wrong)
   * @throws IOException if it cannot be read
   */
  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
    ArchiveUris.Parsed parsed = ArchiveUris.parse(uri);
    FileSystemEnv settings = FileSystemEnv.of(env);
    boolean remote = !isFileSystemUri(parsed.archive());
    Path archive = remote ? null : Path.of(parsed.archive());
    Object key = remote ? parsed.archive().normalize() : realPath(archive, settings.create());
    if (byArchive.containsKey(key)) {
      throw new FileSystemAlreadyExistsException(uri.toString());
    }
    EngramFileSystem fileSystem;
    if (remote) {
      settings.requireReadOnly(parsed.archive().toString());
      fileSystem = read(options -> ArchiveSource.open(parsed.archive(), options.remote()),
          parsed.archive(), settings, key);
    } else {
      fileSystem = openFile(archive, settings, key);
    }
    if (byArchive.putIfAbsent(key, fileSystem) != null) {
      fileSystem.close(); // another thread registered the same archive meanwhile
      throw new FileSystemAlreadyExistsException(uri.toString());
    }
    return fileSystem;
  }

  /**
   * Opens the archive at a path as a file system that is not registered (see the class comment).
   *
   * @param path the archive, on any file system
   * @param env the keys in the class comment; may be empty
   * @return the new file system
   * @throws UnsupportedOperationException if the name does not end with {@code .eng} and the path
   *     is not a file starting with the archive magic, so that {@code FileSystems.newFileSystem}
   *     tries other providers
   * @throws IllegalArgumentException if {@code env} holds an unknown key or a value of the wrong
   *     type
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws dev.engram.EngramException if it is not a valid archive (corrupt, unsupported, key
   *     missing or wrong)
   * @throws IOException if it cannot be read
   */
  @Override
  public FileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
    boolean named = String.valueOf(path.getFileName()).endsWith(ARCHIVE_SUFFIX);
    if (!named) {
      // Not ours unless it is a file that starts with the magic. Decided before env is read:
      // env may hold another provider's keys (zipfs's "create" for a new "x.zip").
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (IOException e) {
        throw new UnsupportedOperationException(path + " is not an Engram archive (" + e + ")");
      }
      if (!attributes.isRegularFile()) {
        throw new UnsupportedOperationException(path + " is not a file");
      }
      try (ArchiveSource probe = ArchiveSource.open(path)) {
        if (!startsWithMagic(probe)) {
          throw new UnsupportedOperationException(path + " is not an Engram archive");
        }
      }
    }
    return openFile(path, FileSystemEnv.of(env), null);
  }

  /** The real path of an archive file, or for one to create, its directory's and its name. */
  private static Path realPath(Path archive, boolean create) throws IOException {
    if (create && !Files.exists(archive, LinkOption.NOFOLLOW_LINKS)) {
      Path absolute = archive.toAbsolutePath();
      Path directory = absolute.getParent();
      return directory == null ? absolute
          : directory.toRealPath().resolve(absolute.getFileName().toString());
    }
    return archive.toRealPath();
  }

  /**
   * Opens an archive file: a new one ({@code create} and no file), one to update (writable), or
   * one to read. Without {@code readOnly} in env, an archive the update cannot keep (holding
   * entries with unsafe names, or encrypted and opened without its key) is opened read-only.
   */
  private EngramFileSystem openFile(Path path, FileSystemEnv env, Object registryKey)
      throws IOException {
    URI archiveUri = path.toAbsolutePath().toUri();
    if (env.create() && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      WriterOptions options = env.createOptions();
      try {
        ArchiveUpdate update = ArchiveUpdate.create(path, options);
        return new EngramFileSystem(this, update, env.compression(), options::destroy,
            path.toString(), archiveUri, registryKey);
      } catch (IOException | RuntimeException e) {
        options.destroy();
        throw e;
      }
    }
    Boolean readOnly = env.readOnly();
    boolean writable = readOnly != null ? !readOnly
        : path.getFileSystem() == FileSystems.getDefault() && Files.isWritable(path);
    if (writable) {
      try {
        return openForUpdate(path, env, archiveUri, registryKey);
      } catch (UnsupportedArchiveException | KeyRequiredException e) {
        if (readOnly != null) {
          throw e;
        }
        // not updatable: read it, as before writable file systems (listing needs no key)
      }
    }
    return read(options -> ArchiveSource.open(path), archiveUri, env, registryKey);
  }

  /** Opens a source. */
  private interface SourceOpener {
    ArchiveSource open(ReaderOptions options) throws IOException;
  }

  /** Opens a read-only file system over the source an opener gives. */
  private EngramFileSystem read(SourceOpener opener, URI archiveUri, FileSystemEnv env,
      Object registryKey) throws IOException {
    FileSystemEnv.ReaderSettings settings = env.readerSettings();
    ArchiveSource source;
    try {
      source = opener.open(settings.options());
    } catch (IOException | RuntimeException e) {
      settings.discard();
      throw e;
    }
    try {
      return open(source, archiveUri, settings, registryKey);
    } catch (IOException | RuntimeException e) {
      source.close(); // does nothing if open() closed it
      throw e;
    }
  }

  private EngramFileSystem openForUpdate(Path path, FileSystemEnv env, URI archiveUri,
      Object registryKey) throws IOException {
    UpdateOptions options = env.updateOptions();
    ArchiveUpdate update = null;
    try {
      update = ArchiveUpdate.open(path, options);
      List<String> unsafe = update.list().stream()
          .filter(name -> ArchivePaths.violation(name).isPresent()).toList();
      if (!unsafe.isEmpty()) {
        throw new UnsupportedArchiveException("it holds entries with unsafe names, which an"
            + " update cannot copy: " + unsafe + "; open it with env readOnly true, or delete"
            + " them with an ArchiveUpdate").initArchive(path.toString());
      }
      return new EngramFileSystem(this, update, env.compression(), options::destroy,
          path.toString(), archiveUri, registryKey);
    } catch (IOException | RuntimeException e) {
      try {
        if (update != null) {
          update.close();
        }
      } finally {
        options.destroy();
      }
      throw e;
    }
  }

  /**
   * Opens the archive a source serves as a file system that is not registered, like one opened by
   * path: for archives whose bytes come from elsewhere, such as a distributed file system (the
   * module engram-hadoop reads them through Hadoop this way) or a source of the caller's own. The
   * file system owns the source: closing the file system closes it, and so does a failure here.
   * The URIs of its paths name the archive by the source's {@link ArchiveSource#identity()
   * identity} location when that is an absolute URI.
   *
   * @param source the archive's bytes
   * @param env the keys in the class comment; may be empty
   * @return the new file system
   * @throws IllegalArgumentException if {@code env} holds an unknown key or a value of the wrong
   *     type (the source is closed)
   * @throws dev.engram.EngramException if it is not a valid archive (corrupt, unsupported, key
   *     missing or wrong)
   * @throws IOException if it cannot be read
   */
  public EngramFileSystem newFileSystem(ArchiveSource source, Map<String, ?> env)
      throws IOException {
    Objects.requireNonNull(source, "source");
    try {
      FileSystemEnv settings = FileSystemEnv.of(env);
      settings.requireReadOnly(source.name());
      return open(source, sourceUri(source), settings.readerSettings(), null);
    } catch (IOException | RuntimeException e) {
      source.close(); // does nothing if open() closed it
      throw e;
    }
  }

  /** The URI a source's identity names, else an opaque {@code source:} URI of its name. */
  private static URI sourceUri(ArchiveSource source) {
    String location = source.identity().location();
    try {
      URI uri = new URI(location);
      if (uri.isAbsolute()) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // not a URI: named below
    }
    try {
      return new URI("source", location, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the source's location cannot be a URI: " + location, e);
    }
  }

  /** Opens a source as a file system; closes the source and wipes the settings if that fails. */
  private EngramFileSystem open(ArchiveSource source, URI archiveUri,
      FileSystemEnv.ReaderSettings settings, Object registryKey) throws IOException {
    ArchiveReader reader = null;
    try {
      reader = ArchiveReader.open(source, settings.options());
      return new EngramFileSystem(this, reader, settings.owned(), archiveUri, registryKey);
    } catch (IOException | RuntimeException e) {
      settings.discard();
      if (reader != null) {
        reader.close();
      }
      throw e;
    }
  }

  private static boolean startsWithMagic(ArchiveSource source) throws IOException {
    if (source.size() < 8) {
      return false;
    }
    byte[] first = new byte[8];
    source.readFully(0, ByteBuffer.wrap(first));
    return Header.startsWithMagic(first);
  }

  /**
   * Says whether an archive URI names a file of an installed file system ({@code file:}, {@code
   * jar:}, an in-memory one, {@code engram:}); otherwise it is read as a remote archive by {@link
   * ArchiveSource#open(URI, dev.engram.source.RemoteOptions)} ({@code http:}, {@code https:}, and
   * the schemes of modules such as engram-s3).
   */
  private static boolean isFileSystemUri(URI archive) {
    String scheme = archive.getScheme();
    for (FileSystemProvider provider : FileSystemProvider.installedProviders()) {
      if (provider.getScheme().equalsIgnoreCase(scheme)) {
        return true;
      }
    }
    return false;
  }

  void unregister(Object key, EngramFileSystem fileSystem) {
    byArchive.remove(key, fileSystem);
  }

  /**
   * Returns the file system opened by URI for the archive a URI names.
   *
   * @param uri an {@code engram:} URI of the archive or of a path in it
   * @return the open file system
   * @throws FileSystemNotFoundException if the archive is not open by URI (file systems opened by
   *     path are not registered)
   * @throws IllegalArgumentException if the URI is not an {@code engram:} URI
   */
  @Override
  public FileSystem getFileSystem(URI uri) {
    return registered(uri, ArchiveUris.parse(uri));
  }

  private EngramFileSystem registered(URI uri, ArchiveUris.Parsed parsed) {
    Object key;
    if (isFileSystemUri(parsed.archive())) {
      try {
        key = Path.of(parsed.archive()).toRealPath();
      } catch (IOException e) {
        throw new FileSystemNotFoundException("no engram file system is open for " + uri + " ("
            + e + ")");
      }
    } else {
      key = parsed.archive().normalize();
    }
    EngramFileSystem fileSystem = byArchive.get(key);
    if (fileSystem == null) {
      throw new FileSystemNotFoundException("no engram file system is open by URI for " + uri);
    }
    return fileSystem;
  }

  /**
   * Returns the path an {@code engram:} URI names, in the file system opened by URI for its
   * archive.
   *
   * @param uri {@code engram:} + the archive's URI + {@code !} + the absolute path, encoded
   * @return the path
   * @throws FileSystemNotFoundException if the archive is not open by URI
   * @throws IllegalArgumentException if the URI is not an {@code engram:} URI or names no path
   */
  @Override
  public Path getPath(URI uri) {
    ArchiveUris.Parsed parsed = ArchiveUris.parse(uri);
    if (parsed.entryPath() == null) {
      throw new IllegalArgumentException("the URI names an archive but no path in it (add !/"
          + " and the path): " + uri);
    }
    return registered(uri, parsed).getPath(parsed.entryPath());
  }

  /**
   * Opens a channel over a file: read-only, or on a writable file system with {@code WRITE} or
   * {@code APPEND} a channel that writes the file (see {@link EngramFileSystem}).
   *
   * @throws ReadOnlyFileSystemException if the options ask to write, append or delete on close
   *     and the file system is read-only
   * @throws UnsupportedOperationException if an option is not a standard or link option, or is
   *     {@code DELETE_ON_CLOSE}, or file attributes are given
   * @throws IllegalArgumentException if {@code APPEND} goes with {@code READ} or {@code
   *     TRUNCATE_EXISTING}
   * @throws java.nio.file.NoSuchFileException if there is no such file (nor its directory, to
   *     create one)
   * @throws java.nio.file.FileAlreadyExistsException if {@code CREATE_NEW} finds a file
   * @throws java.nio.file.FileSystemException if the path is a directory, or a name the archive
   *     cannot hold
   * @throws java.nio.file.AccessDeniedException for writing the manifest, which the file system
   *     writes itself
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   * @throws dev.engram.EngramException if the entry is damaged or needs a key
   * @throws IOException if reading fails
   */
  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    EngramPath p = checkPath(path);
    checkOpenOptions(p, options, attrs);
    return p.getFileSystem().newByteChannel(p, options);
  }

  /**
   * Opens a file channel over a file, whose positional reads of an entry of the archive run in
   * parallel; or, on a writable file system with {@code WRITE} or {@code APPEND}, one that
   * writes the file (see {@link EngramFileSystem}).
   *
   * @throws ReadOnlyFileSystemException if the options ask to write, append or delete on close
   *     and the file system is read-only
   * @throws UnsupportedOperationException if an option is not a standard or link option, or is
   *     {@code DELETE_ON_CLOSE}, or file attributes are given
   * @throws IllegalArgumentException if {@code APPEND} goes with {@code READ} or {@code
   *     TRUNCATE_EXISTING}
   * @throws java.nio.file.NoSuchFileException if there is no such file (nor its directory, to
   *     create one)
   * @throws java.nio.file.FileAlreadyExistsException if {@code CREATE_NEW} finds a file
   * @throws java.nio.file.FileSystemException if the path is a directory, or a name the archive
   *     cannot hold
   * @throws java.nio.file.AccessDeniedException for writing the manifest, which the file system
   *     writes itself
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   * @throws dev.engram.EngramException if the entry is damaged or needs a key
   * @throws IOException if reading fails
   */
  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    EngramPath p = checkPath(path);
    checkOpenOptions(p, options, attrs);
    return p.getFileSystem().newFileChannel(p, options);
  }

  private static void checkOpenOptions(EngramPath path, Set<? extends OpenOption> options,
      FileAttribute<?>[] attrs) {
    path.getFileSystem().ensureOpen();
    if (!path.getFileSystem().isReadOnly()) {
      noAttributes(attrs);
      return; // the writable file system checks them
    }
    for (OpenOption option : options) {
      if (option == StandardOpenOption.WRITE || option == StandardOpenOption.APPEND
          || option == StandardOpenOption.DELETE_ON_CLOSE) {
        throw new ReadOnlyFileSystemException();
      }
      if (!(option instanceof StandardOpenOption) && !(option instanceof LinkOption)) {
        throw new UnsupportedOperationException("open option " + option + " is not supported");
      }
    }
  }

  /**
   * Opens a stream over a file's content, checked against its CRC32 at the end.
   *
   * @throws UnsupportedOperationException if the options include {@code WRITE} or {@code APPEND}
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws java.nio.file.FileSystemException if the path is a directory
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   * @throws dev.engram.EngramException if the entry is damaged or needs a key
   * @throws IOException if reading fails
   */
  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    EngramPath p = checkPath(path);
    for (OpenOption option : options) {
      if (option == StandardOpenOption.WRITE || option == StandardOpenOption.APPEND) {
        throw new UnsupportedOperationException("'" + option + "' not allowed");
      }
    }
    p.getFileSystem().ensureOpen();
    return p.getFileSystem().newInputStream(p);
  }

  /**
   * Opens a stream that writes a file of a writable file system, with the options of {@link
   * Files#newOutputStream} ({@code CREATE}, {@code TRUNCATE_EXISTING} and {@code WRITE} when none
   * are given): what it writes goes to a private temporary file beside the archive, and becomes
   * the file's content when the stream closes.
   *
   * @throws ReadOnlyFileSystemException if the file system is read-only
   * @throws IllegalArgumentException if the options include {@code READ}
   * @throws UnsupportedOperationException if an option is not a standard or link option, or is
   *     {@code DELETE_ON_CLOSE}
   * @throws java.nio.file.NoSuchFileException if the file's directory does not exist
   * @throws java.nio.file.FileAlreadyExistsException if {@code CREATE_NEW} finds a file
   * @throws java.nio.file.FileSystemException if the path is a directory, or a name the archive
   *     cannot hold
   * @throws java.nio.file.AccessDeniedException for the manifest, which the file system writes
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   * @throws IOException if the temporary file cannot be made
   */
  @Override
  public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
    EngramPath p = writable(path);
    Set<OpenOption> set = new HashSet<>(Arrays.asList(options));
    if (set.contains(StandardOpenOption.READ)) {
      throw new IllegalArgumentException("READ not allowed");
    }
    if (set.isEmpty()) {
      set.add(StandardOpenOption.CREATE);
      set.add(StandardOpenOption.TRUNCATE_EXISTING);
    }
    set.add(StandardOpenOption.WRITE);
    return p.getFileSystem().staging().newWriteChannel(p, set).asStream();
  }

  /**
   * Lists a directory's children, as paths under {@code dir}, in the order the archive first
   * names them.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such directory
   * @throws java.nio.file.NotDirectoryException if the path is a file
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir,
      DirectoryStream.Filter<? super Path> filter) throws IOException {
    EngramPath p = checkPath(dir);
    return p.getFileSystem().newDirectoryStream(p, filter);
  }

  /**
   * Makes a directory in a writable file system. Directories are implied by the names of the
   * files below them: one that is still empty when the file system closes is not stored.
   *
   * @throws ReadOnlyFileSystemException if the file system is read-only
   * @throws UnsupportedOperationException if file attributes are given
   * @throws java.nio.file.FileAlreadyExistsException if there is a file or directory there
   * @throws java.nio.file.NoSuchFileException if its parent does not exist
   * @throws java.nio.file.FileSystemException if its parent is a file, or the name is one the
   *     archive cannot hold
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    EngramPath p = writable(dir);
    noAttributes(attrs);
    p.getFileSystem().staging().createDirectory(p);
  }

  private static void noAttributes(FileAttribute<?>[] attrs) {
    if (attrs.length > 0) {
      throw new UnsupportedOperationException("an engram file system has no file attributes to"
          + " set: " + attrs[0].name());
    }
  }

  /**
   * Always fails: the file system is read-only.
   *
   * @throws ReadOnlyFileSystemException always
   */
  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
    throw readOnly(link);
  }

  /**
   * Always fails: the file system is read-only.
   *
   * @throws ReadOnlyFileSystemException always
   */
  @Override
  public void createLink(Path link, Path existing) {
    throw readOnly(link);
  }

  /**
   * Deletes a file or an empty directory of a writable file system.
   *
   * @throws ReadOnlyFileSystemException if the file system is read-only
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws java.nio.file.DirectoryNotEmptyException if the directory holds files or directories
   * @throws java.nio.file.FileSystemException for the root
   * @throws java.nio.file.AccessDeniedException for the manifest, which the file system writes
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public void delete(Path path) throws IOException {
    EngramPath p = writable(path);
    p.getFileSystem().staging().delete(p);
  }

  /**
   * Copies a file's content (a directory: makes an empty one) within one writable file system.
   * {@code REPLACE_EXISTING} replaces a file or an empty directory; {@code COPY_ATTRIBUTES} is
   * refused, since times are not set. (Copying between file systems does not come here: {@code
   * Files.copy} streams it.)
   *
   * @throws ReadOnlyFileSystemException if the target's file system is read-only
   * @throws ProviderMismatchException if the paths are in different engram file systems
   * @throws UnsupportedOperationException for {@code COPY_ATTRIBUTES}, {@code ATOMIC_MOVE} or an
   *     option that is not standard
   * @throws java.nio.file.NoSuchFileException if there is no source, or no target directory
   * @throws java.nio.file.FileAlreadyExistsException if the target exists and is not to be
   *     replaced
   * @throws java.nio.file.DirectoryNotEmptyException if the target is a directory with files
   * @throws java.nio.file.FileSystemException if the target's name is one the archive cannot hold
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   * @throws IOException if reading the source or writing the copy fails (the copy is deleted)
   */
  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    EngramPath from = checkPath(source);
    EngramPath to = writable(target);
    sameFileSystem(from, to);
    to.getFileSystem().staging().copy(from, to, options);
  }

  /**
   * Moves a file, or a directory with everything below it, within one writable file system;
   * files of the archive keep their stored bytes. The move happens at once, so {@code
   * ATOMIC_MOVE} is granted; {@code REPLACE_EXISTING} replaces a file or an empty directory.
   *
   * @throws ReadOnlyFileSystemException if the file system is read-only
   * @throws ProviderMismatchException if the paths are in different engram file systems
   * @throws UnsupportedOperationException for an option that is not standard
   * @throws java.nio.file.NoSuchFileException if there is no source, or no target directory
   * @throws java.nio.file.FileAlreadyExistsException if the target exists and is not to be
   *     replaced
   * @throws java.nio.file.DirectoryNotEmptyException if the target is a directory with files
   * @throws java.nio.file.FileSystemException if a directory would move into itself, for the
   *     root, or if a new name is one the archive cannot hold
   * @throws java.nio.file.AccessDeniedException for the manifest, which the file system writes
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    EngramPath from = checkPath(source);
    EngramPath to = writable(target);
    sameFileSystem(from, to);
    to.getFileSystem().staging().move(from, to, options);
  }

  private static void sameFileSystem(EngramPath a, EngramPath b) {
    if (a.getFileSystem() != b.getFileSystem()) {
      throw new ProviderMismatchException("the paths are in different engram file systems: "
          + a.getFileSystem() + " and " + b.getFileSystem());
    }
  }

  /** A path of a writable file system that is open. */
  private static EngramPath writable(Path path) {
    EngramPath p = checkPath(path);
    p.getFileSystem().ensureOpen();
    if (p.getFileSystem().isReadOnly()) {
      throw new ReadOnlyFileSystemException();
    }
    return p;
  }

  private static ReadOnlyFileSystemException readOnly(Path path) {
    checkPath(path).getFileSystem().ensureOpen();
    return new ReadOnlyFileSystemException();
  }

  /**
   * Says whether two paths locate the same file: equal paths do without a look at the archive;
   * otherwise both must exist, in the same file system, at the same real path.
   *
   * @throws java.nio.file.NoSuchFileException if a path that must be looked up does not exist
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    EngramPath p = checkPath(path);
    if (p.equals(path2)) {
      return true;
    }
    if (!(path2 instanceof EngramPath) || path2.getFileSystem() != p.getFileSystem()) {
      return false;
    }
    return p.toRealPath().equals(path2.toRealPath());
  }

  /**
   * Says whether a file's name starts with {@code .}, the Unix convention. (jdk.zipfs calls no
   * file hidden; archives of Unix trees are better served by the convention their files used.)
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public boolean isHidden(Path path) throws IOException {
    EngramPath p = checkPath(path);
    p.getFileSystem().require(p);
    Path name = p.toAbsolutePath().normalize().getFileName();
    return name != null && name.toString().startsWith(".");
  }

  /**
   * Returns the archive's one store.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public FileStore getFileStore(Path path) throws IOException {
    EngramPath p = checkPath(path);
    p.getFileSystem().require(p);
    return p.getFileSystem().getFileStores().iterator().next();
  }

  /**
   * Checks that a file exists and allows the access: reading always; writing only in a writable
   * file system; executing only directories (to look inside them).
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws AccessDeniedException if writing in a read-only file system, or executing a file, is
   *     asked
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    EngramPath p = checkPath(path);
    EntryTree.Node node = p.getFileSystem().require(p);
    for (AccessMode mode : modes) {
      if (mode == AccessMode.WRITE && p.getFileSystem().isReadOnly()) {
        throw new AccessDeniedException(p.toString(), null, "read-only file system");
      }
      if (mode == AccessMode.EXECUTE && !node.isDirectory()) {
        throw new AccessDeniedException(p.toString(), null, "files in an archive do not run");
      }
    }
  }

  /**
   * Returns the {@code basic} view ({@link BasicFileAttributeView}) or the {@code engram} view
   * ({@link EngramFileAttributeView}) of a path, or null for another type. The view reads the
   * archive's directory when asked, so it can be made for a path that does not exist.
   */
  @Override
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type,
      LinkOption... options) {
    EngramPath p = checkPath(path);
    if (type == BasicFileAttributeView.class) {
      return type.cast(new EntryAttributeView(p, EntryAttributes.BASIC));
    }
    if (type == EngramFileAttributeView.class) {
      return type.cast(new EntryAttributeView(p, EntryAttributes.ENGRAM));
    }
    return null;
  }

  /**
   * Reads a path's attributes as {@link BasicFileAttributes} or {@link EngramFileAttributes}.
   *
   * @throws UnsupportedOperationException for another type
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type,
      LinkOption... options) throws IOException {
    EngramPath p = checkPath(path);
    if (type != BasicFileAttributes.class && type != EngramFileAttributes.class) {
      throw new UnsupportedOperationException(type.getName() + " is not available; an engram"
          + " file system has BasicFileAttributes and EngramFileAttributes");
    }
    return type.cast(p.getFileSystem().attributes(p));
  }

  /**
   * Reads attributes by name from the {@code basic} or {@code engram} view (see {@link
   * EngramFileAttributes} for the names).
   *
   * @throws UnsupportedOperationException if the view is neither
   * @throws IllegalArgumentException if a name is not an attribute of the view
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   */
  @Override
  public Map<String, Object> readAttributes(Path path, String attributes,
      LinkOption... options) throws IOException {
    EngramPath p = checkPath(path);
    return ((EntryAttributes) p.getFileSystem().attributes(p)).read(attributes);
  }

  /**
   * Always fails: times and other attributes are not set.
   *
   * @throws ReadOnlyFileSystemException if the file system is read-only
   * @throws UnsupportedOperationException if it is writable: new content gets the time it was
   *     written, files of the archive keep theirs
   */
  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
    throw cannotSetAttributes(checkPath(path));
  }

  /** The failure of setting an attribute: read-only, or not supported. */
  static RuntimeException cannotSetAttributes(EngramPath path) {
    if (path.getFileSystem().isReadOnly()) {
      return readOnly(path);
    }
    path.getFileSystem().ensureOpen();
    return new UnsupportedOperationException("an engram file system does not set attributes:"
        + " new content gets the time it was written, files of the archive keep theirs");
  }

  private static EngramPath checkPath(Path path) {
    if (path == null) {
      throw new NullPointerException("path");
    }
    if (!(path instanceof EngramPath)) {
      throw new ProviderMismatchException("not a path of an engram file system: " + path);
    }
    return (EngramPath) path;
  }
}
