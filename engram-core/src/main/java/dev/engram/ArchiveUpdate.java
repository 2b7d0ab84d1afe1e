package dev.engram;

import dev.engram.io.TemporaryFiles;
import dev.engram.manifest.FileEntry;
import dev.engram.manifest.Manifest;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Changes to an archive: files added, replaced, deleted and moved, staged in memory (new content
 * from streams spooled to private temporary files) and written at {@link #commit()} as a new
 * archive that replaces the old one in one atomic rename. Until then, and if anything fails, the
 * archive is untouched. {@link #create} starts a new archive the same way.
 *
 * <pre>{@code
 * try (ArchiveUpdate update = ArchiveUpdate.open(Path.of("docs.eng"))) {
 *   update.write("notes/today.md", Path.of("today.md"));   // adds, or replaces
 *   update.delete("drafts/old.md");
 *   update.move("README.txt", "README.md");
 *   update.commit();
 * }
 * }</pre>
 *
 * <p><b>What is kept.</b> Entries the update does not touch (moved ones included) are copied as
 * they are stored, by the operating system from file to file where it can: never compressed or
 * encrypted again, their times kept, each one's local header checked against the central
 * directory. Their CRC32s travel with them; {@link UpdateOptions.Builder#verifyCopies} also
 * decodes every kept entry to check it first, at the cost of decoding the whole archive. New
 * content is written with {@link UpdateOptions#writerOptions()}. An encrypted archive keeps its
 * encryption: the same mode and layout, the same key, and for a passphrase the same
 * key-derivation record (salt and cost), so the same key or passphrase opens the new archive. An
 * archive encrypted as a whole is encrypted again (the body is new). In one encrypted per file,
 * entries left alone keep their encrypted bytes as they are; new ones are encrypted with the same
 * key; a moved entry keeps them too, except in the segmented layout ({@link
 * WriterOptions#segmentedEncryption()}), whose segments authenticate the entry's path: a moved
 * entry is decrypted and encrypted again for its new path there, still not decompressed. A wrong
 * key fails at {@link #open} (an entry is decrypted to check it), unless the archive has no
 * entries to check it against. A manifest is written again with its metadata and the new list of
 * files (the SHA-256 it lists for a kept entry is kept, so kept entries need no decoding); a
 * signed one only as {@link UpdateOptions#signedManifest()} says (by default the commit refuses,
 * so that no signature is ever left that no longer matches).
 *
 * <p><b>Concurrent updates.</b> {@link #commit()} holds an exclusive lock on the archive file
 * (where the file can be opened for writing) while it writes, and checks just before the rename
 * that the file is still the one this update opened (same file, size and modification time): an
 * update of an archive that another process locked, or replaced since, fails with a {@link
 * ConcurrentUpdateException} that says so, and changes nothing, so two updates never lose each other's
 * changes silently.
 *
 * <p><b>Crashes.</b> The new archive is written to a temporary file next to the archive and
 * renamed over it: a crash at any point leaves the old archive or the complete new one. A killed
 * process cannot delete its temporary files ({@code .NAME.PID-RANDOM.tmp}); the next update or
 * writer of the same archive deletes them (see {@link ArchiveWriter#create(Path, WriterOptions)}).
 *
 * <p>Once committed or closed, an update refuses further changes with an {@link
 * IllegalStateException}: they would never be written.
 *
 * <p>Thread-safe: its methods may be called from several threads (streams and channels it
 * returns are each for one thread); {@link #commit()} waits for calls in progress, and refuses
 * while an entry is still being written.
 */
public final class ArchiveUpdate implements Closeable {
  /** What a path of the updated archive will hold. */
  private sealed interface Content permits Original, FileContent, Spooled, Bytes {}

  /** An entry of the archive, copied as stored. */
  private record Original(String stored) implements Content {}

  /** A file, read at commit. */
  private record FileContent(Path file, CompressionMethod method) implements Content {}

  /** A stream's content, spooled to a temporary file this update owns. */
  private record Spooled(Path file, CompressionMethod method, Instant written)
      implements Content {}

  private record Bytes(byte[] bytes, CompressionMethod method, Instant written)
      implements Content {}

  private final Path archive;
  private final UpdateOptions options;
  /** The archive as opened; null when {@link #create} makes a new one. */
  private final ArchiveReader reader;
  /** The options of a new archive ({@link #create}); null for an update. */
  private final WriterOptions createOptions;
  /** Reader options this update made (with a copy of the key), wiped at close; null: caller's. */
  private final ReaderOptions readerOptions;
  private final BasicFileAttributes openedAs;
  private final Optional<Manifest> manifest;
  /** Paths in the order they will be written; unsafe stored names keyed as stored. */
  private final LinkedHashMap<String, Content> view = new LinkedHashMap<>();
  private final List<Path> spooled = new ArrayList<>();
  /** The manifest's files by path, made at the first commit that needs them. */
  private Map<String, FileEntry> listedFiles;
  /** Streams and channels still writing an entry; closed (and their content dropped) at close. */
  private final Set<SpoolChannel> writing = new LinkedHashSet<>();
  private boolean changed;
  private boolean committed;
  private boolean closed;

  private ArchiveUpdate(Path archive, UpdateOptions options, ArchiveReader reader,
      ReaderOptions readerOptions, BasicFileAttributes openedAs) throws IOException {
    this.archive = archive;
    this.options = options;
    this.reader = reader;
    this.createOptions = null;
    this.readerOptions = readerOptions;
    this.openedAs = openedAs;
    this.manifest = reader.manifest();
    for (EntryInfo entry : reader.entries()) {
      String stored = entry.path();
      if (stored.equals(Manifest.ENTRY_NAME)) {
        continue;
      }
      String key = ArchivePaths.violation(stored).isPresent() ? stored
          : ArchivePaths.normalize(stored);
      view.remove(key); // a later entry of the same path wins, as the reader decides
      view.put(key, new Original(stored));
    }
  }

  /**
   * Opens an archive that is not encrypted for updating, with default options.
   *
   * @param archive the archive
   * @return the update, to be committed and closed
   * @throws NoSuchFileException if there is no such file
   * @throws EngramException if it is not a valid archive, or is encrypted
   * @throws IOException if it cannot be read
   */
  public static ArchiveUpdate open(Path archive) throws IOException {
    return open(archive, UpdateOptions.defaults());
  }

  /**
   * Opens an archive for updating.
   *
   * @param archive the archive
   * @param options its key, how new content is written, what happens to a signed manifest
   * @return the update, to be committed and closed
   * @throws NoSuchFileException if there is no such file
   * @throws KeyRequiredException if the archive is encrypted and the options hold no key
   * @throws AuthenticationFailedException if the key or passphrase is wrong
   * @throws EngramException if it is not a valid archive
   * @throws IOException if it cannot be read
   */
  public static ArchiveUpdate open(Path archive, UpdateOptions options) throws IOException {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(options, "options");
    BasicFileAttributes attributes = Files.readAttributes(archive, BasicFileAttributes.class);
    TemporaryFiles.deleteAbandoned(archive); // what a killed update of it left
    ReaderOptions built = options.readerOptions() != null ? options.readerOptions()
        : withSecret(options.secret());
    boolean owned = options.readerOptions() == null;
    ArchiveReader reader = null;
    try {
      reader = ArchiveReader.open(archive, built);
      reader.checkKey(); // per file: a wrong key fails here, not at commit
      return new ArchiveUpdate(archive, options, reader, owned ? built : null, attributes);
    } catch (IOException | RuntimeException e) {
      if (reader != null) {
        reader.close();
      }
      if (owned) {
        built.destroy();
      }
      throw e;
    }
  }

  private ArchiveUpdate(Path archive, WriterOptions createOptions) {
    this.archive = archive;
    this.options = UpdateOptions.defaults();
    this.reader = null;
    this.createOptions = createOptions;
    this.readerOptions = null;
    this.openedAs = null;
    this.manifest = Optional.empty();
    this.changed = true; // the new archive is written at commit, even with no entries
  }

  /**
   * Starts a new archive: files written into the update go into it at {@link #commit()}, which
   * creates the archive (with no entries if none were written). Until then there is no file at
   * {@code archive}.
   *
   * @param archive where the archive will be; there must be no file there
   * @param options how the archive is written, encryption and manifest included
   * @return the update, to be committed and closed
   * @throws FileAlreadyExistsException if there is a file (or a link) at {@code archive}
   * @throws NoSuchFileException if its directory does not exist
   * @throws IOException if the directory cannot be read
   */
  public static ArchiveUpdate create(Path archive, WriterOptions options) throws IOException {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(options, "options");
    Path absolute = archive.toAbsolutePath();
    if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(archive.toString(), null,
          "there is a file there already; open it with ArchiveUpdate.open to change it");
    }
    Path directory = absolute.getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw new NoSuchFileException(String.valueOf(directory), null,
          "the archive's directory does not exist");
    }
    return new ArchiveUpdate(absolute, options);
  }

  /** Default reader options with a copy of the secret. */
  private static ReaderOptions withSecret(Secret secret) {
    ReaderOptions.Builder builder = ReaderOptions.builder();
    secret.supply(builder::key, builder::passphrase);
    return builder.build();
  }

  /**
   * Returns the paths the archive will hold, in the order they will be written.
   *
   * @return an immutable list; {@code manifest.json} is not in it (the update writes it)
   */
  public synchronized List<String> list() {
    ensureOpen();
    return List.copyOf(view.keySet());
  }

  /**
   * Says whether the archive will hold a path.
   *
   * @param path the path
   * @return true if it will
   */
  public synchronized boolean contains(String path) {
    ensureOpen();
    return view.containsKey(key(path));
  }

  /**
   * Returns the entry of the archive as opened that a path will keep, unchanged or moved.
   *
   * @param path the path in the updated archive
   * @return the original entry, or empty if the path is new, replaced or absent
   */
  public synchronized Optional<EntryInfo> original(String path) {
    ensureOpen();
    return view.get(key(path)) instanceof Original original
        ? reader.entry(original.stored()) : Optional.empty();
  }

  /**
   * Returns the size a path's content will have.
   *
   * @param path the path in the updated archive
   * @return its size in bytes
   * @throws NoSuchFileException if the archive will not hold the path
   * @throws IOException if the size of a file to add cannot be read
   */
  public long size(String path) throws IOException {
    Content content = content(path);
    if (content instanceof Original original) {
      return stored(original).uncompressedSize();
    } else if (content instanceof FileContent file) {
      return Files.size(file.file());
    } else if (content instanceof Spooled spool) {
      return Files.size(spool.file());
    }
    return ((Bytes) content).bytes().length;
  }

  /**
   * Returns the modification time a path's content has now: an original entry's, a file's to
   * add, or the time new content was written into the update. The archive records the time its
   * {@link WriterOptions} give for new content.
   *
   * @param path the path in the updated archive
   * @return the time
   * @throws NoSuchFileException if the archive will not hold the path
   * @throws IOException if the time of a file to add cannot be read
   */
  public Instant lastModified(String path) throws IOException {
    Content content = content(path);
    if (content instanceof Original original) {
      return stored(original).modifiedTime();
    } else if (content instanceof FileContent file) {
      return Files.getLastModifiedTime(file.file()).toInstant();
    } else if (content instanceof Spooled spool) {
      return spool.written();
    }
    return ((Bytes) content).written();
  }

  /**
   * Opens a path's content as it is now in the update: the archive's entry, or what was written.
   * The stream reads a spooled file or the archive; it must be closed before the update closes.
   *
   * @param path the path in the updated archive
   * @return a stream of the content, for one thread
   * @throws NoSuchFileException if the archive will not hold the path
   * @throws IOException if it cannot be opened
   */
  public InputStream newInputStream(String path) throws IOException {
    Content content = content(path);
    if (content instanceof Original original) {
      return reader.openStream(original.stored());
    } else if (content instanceof FileContent file) {
      return Files.newInputStream(file.file());
    } else if (content instanceof Spooled spool) {
      return Files.newInputStream(spool.file());
    }
    return new ByteArrayInputStream(((Bytes) content).bytes());
  }

  private synchronized Content content(String path) throws NoSuchFileException {
    ensureOpen();
    Content content = view.get(key(path));
    if (content == null) {
      throw new NoSuchFileException(path, null, "no such file in " + name());
    }
    return content;
  }

  private EntryInfo stored(Original original) throws NoSuchFileException {
    return reader.entry(original.stored()).orElseThrow(() ->
        new NoSuchFileException(original.stored(), null, "no such entry in " + name()));
  }

  /**
   * Returns the archive's manifest as it was opened: {@link #commit()} writes it again with its
   * metadata and the new list of files, and refuses a signed one unless the options say what to
   * do with its signatures.
   *
   * @return the manifest, or empty if the archive has none
   */
  public synchronized Optional<Manifest> manifest() {
    ensureOpen();
    return manifest;
  }

  /**
   * Says whether anything was added, replaced, deleted or moved.
   *
   * @return true if {@link #commit()} will write a new archive
   */
  public synchronized boolean hasChanges() {
    return changed;
  }

  /**
   * Adds a file, or replaces the content of a path the archive holds. The file is read at
   * {@link #commit()}, and must stay until then.
   *
   * @param path the path in the archive
   * @param file a regular file
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy or is
   *     {@code manifest.json}
   * @throws NoSuchFileException if the file does not exist or is not a regular file
   */
  public void write(String path, Path file) throws IOException {
    write(path, file, null);
  }

  /**
   * Adds a file, or replaces the content of a path, like {@link #write(String, Path)}, compressed
   * with the given method.
   *
   * @param path the path in the archive
   * @param file a regular file
   * @param method the compression method; null chooses by content, as {@link
   *     ArchiveWriter#addFile(String, Path)} does
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy or is
   *     {@code manifest.json}
   * @throws NoSuchFileException if the file does not exist or is not a regular file
   */
  public void write(String path, Path file, CompressionMethod method) throws IOException {
    String name = newPath(path);
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "not a regular file");
    }
    put(name, new FileContent(file.toAbsolutePath(), method));
  }

  /**
   * Adds content, or replaces the content of a path the archive holds.
   *
   * @param path the path in the archive
   * @param content the content (copied)
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy or is
   *     {@code manifest.json}
   */
  public void write(String path, byte[] content) {
    write(path, content, null);
  }

  /**
   * Adds content, or replaces the content of a path, compressed with the given method.
   *
   * @param path the path in the archive
   * @param content the content (copied)
   * @param method the compression method; null chooses by content
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy or is
   *     {@code manifest.json}
   */
  public void write(String path, byte[] content, CompressionMethod method) {
    String name = newPath(path);
    put(name, new Bytes(content.clone(), method, Instant.now()));
  }

  /**
   * Adds a stream's content, or replaces the content of a path the archive holds. The stream is
   * read to its end now (and not closed) into a temporary file next to the archive, readable by
   * its owner only, deleted when this update closes.
   *
   * @param path the path in the archive
   * @param content the content
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy or is
   *     {@code manifest.json}
   * @throws IOException if reading the stream or writing the temporary file fails
   */
  public void write(String path, InputStream content) throws IOException {
    write(path, content, null);
  }

  /**
   * Adds a stream's content, or replaces the content of a path, like {@link #write(String,
   * InputStream)}, compressed with the given method.
   *
   * @param path the path in the archive
   * @param content the content
   * @param method the compression method; null chooses by content
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy or is
   *     {@code manifest.json}
   * @throws IOException if reading the stream or writing the temporary file fails
   */
  public void write(String path, InputStream content, CompressionMethod method)
      throws IOException {
    Objects.requireNonNull(content, "content");
    try (OutputStream out = newOutputStream(path, method)) {
      content.transferTo(out);
    }
  }

  /**
   * Opens a stream that adds a file, or replaces the content of a path, when it is closed. What
   * is written goes to a temporary file next to the archive, readable by its owner only, and
   * deleted when this update closes: nothing is held in memory. Until the stream closes, the
   * update shows the path's previous content; a stream the update closes first is discarded.
   *
   * @param path the path in the archive
   * @param method the compression method; null chooses by content
   * @return the stream, for one thread
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy or is
   *     {@code manifest.json}
   * @throws IOException if the temporary file cannot be created
   */
  public OutputStream newOutputStream(String path, CompressionMethod method) throws IOException {
    // closing the stream closes the channel, which makes the content the path's
    return new BufferedOutputStream(Channels.newOutputStream(newByteChannel(path, method, false)),
        1 << 16);
  }

  /**
   * Opens a channel that adds a file, or replaces the content of a path, when it is closed: a
   * temporary file next to the archive, readable by its owner only, that may be read, written at
   * any position and truncated, like {@link #newOutputStream}'s.
   *
   * @param path the path in the archive
   * @param method the compression method; null chooses by content
   * @param keepContent whether the channel starts with the path's current content (when the
   *     update holds the path) rather than empty
   * @return the channel, at position 0, for one thread
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy or is
   *     {@code manifest.json}
   * @throws IOException if the temporary file cannot be created, or the content copied into it
   */
  public SeekableByteChannel newByteChannel(String path, CompressionMethod method,
      boolean keepContent) throws IOException {
    String name;
    TemporaryFiles.Sibling spool;
    synchronized (this) {
      name = newPath(path);
      spool = TemporaryFiles.openSibling(archive, true);
      spooled.add(spool.path());
    }
    SpoolChannel channel = new SpoolChannel(name, method, spool);
    try {
      synchronized (this) {
        ensureOpen();
        writing.add(channel);
      }
      if (keepContent && contains(name)) {
        try (InputStream current = newInputStream(name)) {
          current.transferTo(Channels.newOutputStream(spool.channel()));
        }
        spool.channel().position(0);
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.discard();
      throw e;
    }
  }

  /** A spooled entry being written: content of the update when it is closed. */
  private final class SpoolChannel implements SeekableByteChannel {
    private final String name;
    private final CompressionMethod method;
    private final TemporaryFiles.Sibling spool;

    SpoolChannel(String name, CompressionMethod method, TemporaryFiles.Sibling spool) {
      this.name = name;
      this.method = method;
      this.spool = spool;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return spool.channel().read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return spool.channel().write(src);
    }

    @Override
    public long position() throws IOException {
      return spool.channel().position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      spool.channel().position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return spool.channel().size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
      spool.channel().truncate(size);
      return this;
    }

    @Override
    public boolean isOpen() {
      return spool.channel().isOpen();
    }

    /** Makes the content the path's; a second close does nothing. */
    @Override
    public void close() throws IOException {
      synchronized (ArchiveUpdate.this) {
        if (!writing.remove(this)) {
          return; // closed already, or discarded by the update's close
        }
        try {
          spool.channel().close();
        } catch (IOException e) {
          dropSpool(spool.path());
          throw e;
        }
        put(name, new Spooled(spool.path(), method, Instant.now()));
      }
    }

    /** Closes the channel and deletes its file, dropping what was written. */
    void discard() {
      synchronized (ArchiveUpdate.this) {
        writing.remove(this);
      }
      try {
        spool.channel().close();
      } catch (IOException e) {
        // the file is deleted all the same
      }
      dropSpool(spool.path());
    }
  }

  private synchronized void dropSpool(Path file) {
    try {
      Files.deleteIfExists(file);
      spooled.remove(file);
    } catch (IOException e) {
      // deleted again at close
    }
  }

  private synchronized void put(String name, Content content) {
    Content before = view.put(name, content);
    discard(before);
    changed = true;
  }

  /**
   * Deletes a path from the archive.
   *
   * @param path the path (an unsafe name as stored)
   * @throws NoSuchFileException if the archive holds no such path
   */
  public synchronized void delete(String path) throws IOException {
    ensureChangeable();
    String key = key(path);
    Content removed = view.remove(key);
    if (removed == null) {
      throw new NoSuchFileException(path, null, "no such file in " + name());
    }
    discard(removed);
    changed = true;
  }

  /**
   * Moves a path to another one; an entry of the archive keeps its stored bytes.
   *
   * @param from the path the archive holds
   * @param to the new path
   * @throws NoSuchFileException if the archive holds no {@code from}
   * @throws FileAlreadyExistsException if it holds {@code to} already
   * @throws IllegalArgumentException if {@code to} breaks the {@link ArchivePaths} policy or is
   *     {@code manifest.json}
   */
  public synchronized void move(String from, String to) throws IOException {
    ensureChangeable();
    String source = key(from);
    String target = newPath(to);
    if (!view.containsKey(source)) {
      throw new NoSuchFileException(from, null, "no such file in " + name());
    }
    if (source.equals(target)) {
      return;
    }
    if (view.containsKey(target)) {
      throw new FileAlreadyExistsException(to, null, "the archive holds it already");
    }
    view.put(target, view.remove(source));
    changed = true;
  }

  private void discard(Content content) {
    if (content instanceof Spooled spool) {
      dropSpool(spool.file());
    }
  }

  /** The key of a path given by a caller: normalised, or as stored when it is unsafe. */
  private String key(String path) {
    Objects.requireNonNull(path, "path");
    return ArchivePaths.violation(path).isPresent() ? path : ArchivePaths.normalize(path);
  }

  private String newPath(String path) {
    ensureChangeable();
    String name = ArchivePaths.normalize(Objects.requireNonNull(path, "path"));
    if (name.equals(Manifest.ENTRY_NAME)) {
      throw new IllegalArgumentException(Manifest.ENTRY_NAME + " is written by the update"
          + " itself (its metadata kept, its files listed anew)");
    }
    return name;
  }

  /**
   * Writes the updated archive and renames it over the old one, if anything changed; with no
   * changes the archive is left as it is. A new archive ({@link #create}) is always written, and
   * never replaces a file that appeared at its path meanwhile. The update is finished after a
   * successful commit.
   *
   * @throws ConcurrentUpdateException if another update holds the archive's lock, or the
   *     archive was changed, replaced or deleted since this update opened it (or, for a new one,
   *     a file appeared at its path)
   * @throws SignedManifestException if the manifest is signed and the options do not say what to
   *     do ({@link #manifest()} tells beforehand)
   * @throws EngramException if the options resign and there is no manifest, or entries with
   *     unsafe names remain (delete them)
   * @throws CorruptArchiveException if an entry to keep is damaged (nothing is written)
   * @throws IllegalStateException if committed or closed already, or an entry is still being
   *     written through a stream or channel
   * @throws IOException if reading or writing fails (the archive is left as it was)
   */
  public synchronized void commit() throws IOException {
    ensureOpen();
    if (committed) {
      throw new IllegalStateException("this update was committed already");
    }
    if (!writing.isEmpty()) {
      throw new IllegalStateException("entries are still being written: " + writingNames()
          + "; close their streams or channels first");
    }
    if (!changed) {
      committed = true;
      return;
    }
    List<String> unsafe = view.keySet().stream()
        .filter(name -> ArchivePaths.violation(name).isPresent()).toList();
    if (!unsafe.isEmpty()) {
      throw new EngramException("entries with unsafe names would be copied: " + unsafe
          + "; delete them in the update").initArchive(name());
    }
    if (reader == null) {
      write(createOptions, this::placeNew);
    } else {
      WriterOptions writerOptions = writerOptions();
      try (FileChannel lockChannel = openForLock()) {
        lock(lockChannel); // released when the channel closes
        write(writerOptions, finished -> {
          checkUnchanged();
          TemporaryFiles.replacing(archive).place(finished);
        });
      } finally {
        writerOptions.destroy();
      }
    }
    committed = true;
  }

  private List<String> writingNames() {
    return writing.stream().map(channel -> channel.name).toList();
  }

  private void write(WriterOptions writerOptions, TemporaryFiles.Placement placement)
      throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive, writerOptions, placement)) {
      List<ArchiveWriter.Kept> kept = new ArrayList<>();
      for (Map.Entry<String, Content> path : view.entrySet()) {
        if (path.getValue() instanceof Original original) {
          kept.add(new ArchiveWriter.Kept(original.stored(), path.getKey(),
              knownSha256(original.stored())));
          continue;
        }
        if (!kept.isEmpty()) {
          writer.copyEntries(reader, kept, options.verifyCopies()); // those before this one
          kept.clear();
        }
        add(writer, path.getKey(), path.getValue());
      }
      if (!kept.isEmpty()) {
        writer.copyEntries(reader, kept, options.verifyCopies());
      }
      writer.finish();
    }
  }

  /** Puts a new archive at its path, unless a file appeared there meanwhile. */
  private void placeNew(Path finished) throws IOException {
    try {
      Files.createLink(archive, finished); // fails, atomically, if the name is taken
      Files.delete(finished);
    } catch (FileAlreadyExistsException e) {
      throw appeared();
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (Files.exists(archive, LinkOption.NOFOLLOW_LINKS)) {
        throw appeared();
      }
      try {
        Files.move(finished, archive); // no hard links here: a move that does not replace
      } catch (FileAlreadyExistsException again) {
        throw appeared();
      }
    }
    TemporaryFiles.syncDirectory(archive.getParent());
  }

  private ConcurrentUpdateException appeared() {
    return (ConcurrentUpdateException) new ConcurrentUpdateException("a file appeared at its path"
        + " while this update wrote the new archive; nothing was written").initArchive(name());
  }

  private void add(ArchiveWriter writer, String name, Content content) throws IOException {
    if (content instanceof FileContent file) {
      if (file.method() == null) {
        writer.addFile(name, file.file());
      } else {
        writer.addFile(name, file.file(), file.method());
      }
    } else if (content instanceof Spooled spool) {
      if (spool.method() == null) {
        writer.addFile(name, spool.file());
      } else {
        writer.addFile(name, spool.file(), spool.method());
      }
    } else {
      Bytes bytes = (Bytes) content;
      if (bytes.method() == null) {
        writer.addFile(name, bytes.bytes());
      } else {
        writer.addFile(name, bytes.bytes(), bytes.method());
      }
    }
  }

  /**
   * The SHA-256 the archive's manifest records for an entry's content, if it lists the entry with
   * its size: what the rewritten manifest lists again, so that kept entries need no decoding.
   */
  private byte[] knownSha256(String stored) {
    if (manifest.isEmpty()) {
      return null;
    }
    if (listedFiles == null) {
      listedFiles = new HashMap<>();
      for (FileEntry file : manifest.get().files()) {
        listedFiles.putIfAbsent(file.path(), file);
      }
    }
    FileEntry file = listedFiles.get(stored);
    long size = reader.entry(stored).map(EntryInfo::uncompressedSize).orElse(-1L);
    return file != null && file.size() == size && file.sha256().matches("[0-9a-f]{64}")
        ? HexFormat.of().parseHex(file.sha256()) : null;
  }

  /** The options of the updated archive: the caller's, the archive's encryption and manifest. */
  private WriterOptions writerOptions() throws IOException {
    WriterOptions.Builder builder = options.writerOptions().toBuilder();
    if (options.writerOptions().contentVersion() == 0) {
      builder.contentVersion(reader.contentVersion()); // the archive's, unless the caller sets one
    }
    if (reader.encryption().isPresent()) {
      builder.encryptionOf(reader.encryptionState()); // same key, salt and layout
    }
    if (manifest.isPresent()) {
      Manifest old = manifest.get();
      boolean signed = !old.signatures().isEmpty();
      if (signed && options.signedManifest() == UpdateOptions.SignedManifest.REFUSE) {
        throw new SignedManifestException("its manifest is signed, and an update cannot keep the"
            + " signatures valid: say whether to drop them or sign again"
            + " (UpdateOptions.Builder.signedManifest(DROP) or resign(key, signer))")
            .initArchive(name());
      }
      builder.manifest(old.toBuilder().clearSignatures().build());
      if (options.signer() != null) {
        builder.signWith(options.signer().key(), options.signer().name());
      }
    } else if (options.signer() != null) {
      throw new EngramException("it has no manifest to sign again").initArchive(name());
    }
    return builder.build();
  }

  /** A channel to lock the archive with, or null where the file cannot be opened for writing. */
  private FileChannel openForLock() throws IOException {
    try {
      return FileChannel.open(archive, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (AccessDeniedException e) {
      return null; // a read-only file: the identity check alone guards the rename
    }
  }

  private void lock(FileChannel channel) throws IOException {
    if (channel == null) {
      return;
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM holds it
    }
    if (lock == null) {
      throw new ConcurrentUpdateException("another update of it is in progress (its lock is held);"
          + " try again when that one has finished").initArchive(name());
    }
  }

  /** Fails if the archive's path no longer holds the file this update opened, as it was. */
  private void checkUnchanged() throws IOException {
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(archive, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new ConcurrentUpdateException("it was deleted while this update ran; nothing was written")
          .initArchive(name());
    }
    boolean same = Objects.equals(now.fileKey(), openedAs.fileKey())
        && now.size() == openedAs.size()
        && now.lastModifiedTime().equals(openedAs.lastModifiedTime());
    if (!same) {
      throw new ConcurrentUpdateException("it was changed by someone else since this update opened it;"
          + " nothing was written: open it again and redo the changes").initArchive(name());
    }
  }

  /** Changes are refused once the update is closed or committed: they would never be written. */
  private void ensureChangeable() {
    ensureOpen();
    if (committed) {
      throw new IllegalStateException("this update was committed already: open the archive again"
          + " to change it further");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this update is closed");
    }
  }

  /**
   * Closes the archive, deletes the temporary files of spooled content and wipes the copy of the
   * key the reader held. Without a {@link #commit()}, the archive stays as it was. Closing again
   * does nothing.
   *
   * @throws IOException if a temporary file cannot be deleted or the archive not closed
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    for (SpoolChannel channel : List.copyOf(writing)) {
      channel.discard();
    }
    IOException failure = null;
    for (Path spool : spooled) {
      try {
        Files.deleteIfExists(spool);
      } catch (IOException e) {
        failure = e;
      }
    }
    spooled.clear();
    try {
      if (reader != null) {
        reader.close();
      }
    } catch (IOException e) {
      if (failure != null) {
        e.addSuppressed(failure);
      }
      failure = e;
    } finally {
      if (readerOptions != null) {
        readerOptions.destroy();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ---- added for the writable java.nio file system (dev.engram.nio)

  /**
   * Returns the reader of the archive as this update opened it, through which its entries are
   * read: for reading unchanged entries with the reader's own channels (the {@code engram:} file
   * system's fast paths). It belongs to the update: it closes with the update, and must not be
   * closed by the caller.
   *
   * @return the reader, or empty for a new archive ({@link #create})
   * @throws IllegalStateException if the update is closed
   */
  public synchronized Optional<ArchiveReader> reader() {
    ensureOpen();
    return Optional.ofNullable(reader);
  }

  @Override
  public String toString() {
    return "ArchiveUpdate[" + name() + (reader == null ? ", new" : changed ? ", changed" : "")
        + "]";
  }

  private String name() {
    return reader != null ? reader.name() : archive.getFileName().toString();
  }
}
