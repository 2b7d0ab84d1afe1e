package dev.engram;

import dev.engram.io.TemporaryFiles;
import dev.engram.manifest.Manifest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Changes to an existing archive: files added, replaced, deleted and moved, staged in memory (new
 * content from streams spooled to private temporary files) and written at {@link #commit()} as a
 * new archive that replaces the old one in one atomic rename. Until then, and if anything fails,
 * the archive is untouched.
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
 * they are stored: never compressed again, their CRC32 checked on the way ({@link
 * ArchiveWriter#copyEntry(ArchiveReader, String, String)}), their times kept. New content is
 * written with {@link UpdateOptions#writerOptions()}. An encrypted archive keeps its encryption:
 * the same mode and layout, the same key, and for a passphrase the same key-derivation record
 * (salt and cost), so the same key or passphrase opens the new archive. An archive encrypted as a
 * whole is encrypted again (the body is new). In one encrypted per file, entries left alone keep
 * their encrypted bytes as they are; new ones are encrypted with the same key; a moved entry
 * keeps them too, except in the segmented layout ({@link WriterOptions#segmentedEncryption()}),
 * whose segments authenticate the entry's path: a moved entry is decrypted and encrypted again
 * for its new path there, still not decompressed. A wrong key fails at {@link #open} (an entry
 * is decrypted to check it), unless the archive has no entries to check it against. A
 * manifest is written again with its metadata and the new list of files; a signed one only as
 * {@link UpdateOptions#signedManifest()} says (by default the commit refuses, so that no signature
 * is ever left that no longer matches).
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
 * process can leave its temporary file ({@code .NAME.*.tmp}) behind.
 *
 * <p>Not thread-safe: one thread at a time.
 */
public final class ArchiveUpdate implements Closeable {
  /** What a path of the updated archive will hold. */
  private sealed interface Content permits Original, FileContent, Spooled, Bytes {}

  /** An entry of the archive, copied as stored. */
  private record Original(String stored) implements Content {}

  /** A file, read at commit. */
  private record FileContent(Path file, CompressionMethod method) implements Content {}

  /** A stream's content, spooled to a temporary file this update owns. */
  private record Spooled(Path file, CompressionMethod method) implements Content {}

  private record Bytes(byte[] bytes, CompressionMethod method) implements Content {}

  private final Path archive;
  private final UpdateOptions options;
  private final ArchiveReader reader;
  /** Reader options this update made (with a copy of the key), wiped at close; null: caller's. */
  private final ReaderOptions readerOptions;
  private final BasicFileAttributes openedAs;
  private final Optional<Manifest> manifest;
  /** Paths in the order they will be written; unsafe stored names keyed as stored. */
  private final LinkedHashMap<String, Content> view = new LinkedHashMap<>();
  private final List<Path> spooled = new ArrayList<>();
  private boolean changed;
  private boolean committed;
  private boolean closed;

  private ArchiveUpdate(Path archive, UpdateOptions options, ArchiveReader reader,
      ReaderOptions readerOptions, BasicFileAttributes openedAs) throws IOException {
    this.archive = archive;
    this.options = options;
    this.reader = reader;
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
  public List<String> list() {
    ensureOpen();
    return List.copyOf(view.keySet());
  }

  /**
   * Says whether the archive will hold a path.
   *
   * @param path the path
   * @return true if it will
   */
  public boolean contains(String path) {
    ensureOpen();
    return view.containsKey(key(path));
  }

  /**
   * Returns the entry of the archive as opened that a path will keep, unchanged or moved.
   *
   * @param path the path in the updated archive
   * @return the original entry, or empty if the path is new, replaced or absent
   */
  public Optional<EntryInfo> original(String path) {
    ensureOpen();
    return view.get(key(path)) instanceof Original original
        ? reader.entry(original.stored()) : Optional.empty();
  }

  /**
   * Returns the archive's manifest as it was opened: {@link #commit()} writes it again with its
   * metadata and the new list of files, and refuses a signed one unless the options say what to
   * do with its signatures.
   *
   * @return the manifest, or empty if the archive has none
   */
  public Optional<Manifest> manifest() {
    ensureOpen();
    return manifest;
  }

  /**
   * Says whether anything was added, replaced, deleted or moved.
   *
   * @return true if {@link #commit()} will write a new archive
   */
  public boolean hasChanges() {
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
    put(name, new Bytes(content.clone(), method));
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
    String name = newPath(path);
    Objects.requireNonNull(content, "content");
    Path spool = TemporaryFiles.createSibling(archive, true);
    spooled.add(spool);
    try (OutputStream out = Files.newOutputStream(spool)) {
      content.transferTo(out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(spool);
      spooled.remove(spool);
      throw e;
    }
    put(name, new Spooled(spool, method));
  }

  private void put(String name, Content content) {
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
  public void delete(String path) throws IOException {
    ensureOpen();
    String key = key(path);
    Content removed = view.remove(key);
    if (removed == null) {
      throw new NoSuchFileException(path, null, "no such file in " + reader.name());
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
  public void move(String from, String to) throws IOException {
    ensureOpen();
    String source = key(from);
    String target = newPath(to);
    if (!view.containsKey(source)) {
      throw new NoSuchFileException(from, null, "no such file in " + reader.name());
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
      try {
        Files.deleteIfExists(spool.file());
      } catch (IOException e) {
        return; // deleted again at close
      }
      spooled.remove(spool.file());
    }
  }

  /** The key of a path given by a caller: normalised, or as stored when it is unsafe. */
  private String key(String path) {
    Objects.requireNonNull(path, "path");
    return ArchivePaths.violation(path).isPresent() ? path : ArchivePaths.normalize(path);
  }

  private String newPath(String path) {
    ensureOpen();
    String name = ArchivePaths.normalize(Objects.requireNonNull(path, "path"));
    if (name.equals(Manifest.ENTRY_NAME)) {
      throw new IllegalArgumentException(Manifest.ENTRY_NAME + " is written by the update"
          + " itself (its metadata kept, its files listed anew)");
    }
    return name;
  }

  /**
   * Writes the updated archive and renames it over the old one, if anything changed; with no
   * changes the archive is left as it is. The update is finished after a successful commit.
   *
   * @throws ConcurrentUpdateException if another update holds the archive's lock, or the
   *     archive was changed, replaced or deleted since this update opened it
   * @throws EngramException if the manifest is signed and the options do not say what to do
   *     ({@link #manifest()} tells beforehand), the options resign and there is no manifest, or
   *     entries with unsafe names remain (delete them)
   * @throws CorruptArchiveException if an entry to keep is damaged (nothing is written)
   * @throws IllegalStateException if committed or closed already
   * @throws IOException if reading or writing fails (the archive is left as it was)
   */
  public void commit() throws IOException {
    ensureOpen();
    if (committed) {
      throw new IllegalStateException("this update was committed already");
    }
    if (!changed) {
      committed = true;
      return;
    }
    List<String> unsafe = view.keySet().stream()
        .filter(name -> ArchivePaths.violation(name).isPresent()).toList();
    if (!unsafe.isEmpty()) {
      throw new EngramException("entries with unsafe names would be copied: " + unsafe
          + "; delete them in the update").initArchive(reader.name());
    }
    WriterOptions writerOptions = writerOptions();
    try (FileChannel lockChannel = openForLock()) {
      lock(lockChannel); // released when the channel closes
      Path written = TemporaryFiles.createSibling(archive);
      try {
        try (ArchiveWriter writer = ArchiveWriter.create(written, writerOptions)) {
          for (Map.Entry<String, Content> path : view.entrySet()) {
            add(writer, path.getKey(), path.getValue());
          }
          writer.finish();
        }
        checkUnchanged();
        TemporaryFiles.moveIntoPlace(written, archive);
        TemporaryFiles.syncDirectory(archive.toAbsolutePath().getParent());
      } finally {
        Files.deleteIfExists(written);
      }
      committed = true;
    } finally {
      writerOptions.destroy();
    }
  }

  private void add(ArchiveWriter writer, String name, Content content) throws IOException {
    if (content instanceof Original original) {
      writer.copyEntry(reader, original.stored(), name);
    } else if (content instanceof FileContent file) {
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

  /** The options of the new archive: the caller's, the archive's encryption and manifest. */
  private WriterOptions writerOptions() throws IOException {
    WriterOptions.Builder builder = options.writerOptions().toBuilder();
    if (reader.encryption().isPresent()) {
      builder.encryptionOf(reader.encryptionState()); // same key, salt and layout
    }
    if (manifest.isPresent()) {
      Manifest old = manifest.get();
      boolean signed = !old.signatures().isEmpty();
      if (signed && options.signedManifest() == UpdateOptions.SignedManifest.REFUSE) {
        throw new EngramException("its manifest is signed, and an update cannot keep the"
            + " signatures valid: say whether to drop them or sign again"
            + " (UpdateOptions.Builder.signedManifest(DROP) or resign(key, signer))")
            .initArchive(reader.name());
      }
      builder.manifest(old.toBuilder().clearSignatures().build());
      if (options.signer() != null) {
        builder.signWith(options.signer().key(), options.signer().name());
      }
    } else if (options.signer() != null) {
      throw new EngramException("it has no manifest to sign again").initArchive(reader.name());
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
          + " try again when that one has finished").initArchive(reader.name());
    }
  }

  /** Fails if the archive's path no longer holds the file this update opened, as it was. */
  private void checkUnchanged() throws IOException {
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(archive, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new ConcurrentUpdateException("it was deleted while this update ran; nothing was written")
          .initArchive(reader.name());
    }
    boolean same = Objects.equals(now.fileKey(), openedAs.fileKey())
        && now.size() == openedAs.size()
        && now.lastModifiedTime().equals(openedAs.lastModifiedTime());
    if (!same) {
      throw new ConcurrentUpdateException("it was changed by someone else since this update opened it;"
          + " nothing was written: open it again and redo the changes").initArchive(reader.name());
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
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
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
      reader.close();
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

  @Override
  public String toString() {
    return "ArchiveUpdate[" + reader.name() + (changed ? ", changed" : "") + "]";
  }
}
