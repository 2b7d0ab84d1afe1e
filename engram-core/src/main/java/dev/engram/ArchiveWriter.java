package dev.engram;

import dev.engram.codec.Codecs;
import dev.engram.crypto.Encryption;
import dev.engram.crypto.Sealing;
import dev.engram.format.Directory;
import dev.engram.format.DirectoryEntries;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.Framing;
import dev.engram.format.Header;
import dev.engram.format.PathIndex;
import dev.engram.frame.FramedPayloadWriter;
import dev.engram.io.ArchiveOutput;
import dev.engram.io.Cleanup;
import dev.engram.io.ProgressInputStream;
import dev.engram.io.TemporaryFiles;
import dev.engram.manifest.Manifest;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Writes an Engram archive in one streaming pass: entries as they are added, then the central
 * directory and end record on {@link #finish()}.
 *
 * <pre>{@code
 * try (ArchiveWriter writer = ArchiveWriter.create(Path.of("docs.eng"))) {
 *   writer.addFile("README.md", readmeBytes);
 *   writer.addFile("data/big.csv", Path.of("big.csv"));
 *   writer.finish();
 * }
 * }</pre>
 *
 * <p><b>Atomic.</b> Everything is written to a temporary file next to the target; {@code
 * finish()} forces it to disk and renames it over the target. Until then the target is untouched,
 * and a writer closed without {@code finish()} deletes its temporary file, so no half-written
 * archive is ever left under the target's name. A process killed while writing cannot delete its
 * temporary file ({@code .NAME.PID-RANDOM.tmp}): the next writer of the same target deletes those
 * whose process is gone.
 *
 * <p><b>Streaming.</b> Content of 50 MiB or more is compressed in 64 KiB frames as it streams
 * through, so adding a file of any size needs a bounded amount of memory: a large file is framed
 * straight from disk. Content under 50 MiB is compressed in memory, so that it can be stored
 * uncompressed when compression does not make it smaller, as engram-rs does; a stream of unknown
 * size is therefore buffered until it ends or reaches 50 MiB.
 *
 * <p><b>Threads.</b> Content is compressed on {@link WriterOptions#threads()} threads (by
 * default one per processor, the calling thread included) while the archive is still written in
 * order, in one pass: its bytes are the same whatever the number of threads. An entry under 50
 * MiB is read (or copied, when given as an array) by {@code addFile}, which queues it for
 * compression and returns; queued entries are written by later calls, in the order they were
 * added. The queue is bounded in bytes and entries, so {@code addFile} may wait. A larger entry
 * waits for the queue to empty, then streams through with its frames compressed on the threads,
 * in bounded memory. The threads are daemons, and stop when {@code finish()} or {@code close()}
 * returns.
 *
 * <p><b>Failures.</b> An {@code addFile} that fails leaves the archive as it was before the call;
 * the writer stays usable. A bad path, a duplicate, a source that cannot be read and an entry too
 * large for the format are always thrown by the call that adds the entry. With more than one
 * thread, two failures of a queued entry surface later, as an {@link IOException} naming that
 * entry: its compression failing (which takes a bug or running out of memory), thrown by the
 * first {@code addFile} or {@link #finish()} that starts after it failed ({@code finish()} at the
 * latest); and writing it to the temporary file failing (a full disk, say), thrown by the call
 * that was writing it. Either is thrown before that call does anything else, except that a call
 * adding an entry of 50 MiB or more (or of unknown size) may first have read the source's first
 * 50 MiB; the call then adds nothing. The failed entry is not in the archive and its path may be
 * added again; the entries queued after it are kept; {@code finish()} leaves the writer open, so
 * that it can be completed or closed. With {@code threads(1)}, each {@code addFile} has written
 * its entry when it returns, and every failure is thrown by the call it belongs to.
 *
 * <p>Compatible with engram-rs: archives written with default options open, list and read there.
 * Not thread-safe: use it from one thread at a time (its own threads only compress).
 */
public final class ArchiveWriter implements Closeable {
  /** The format counts entries in 32 bits; a Java list holds fewer. */
  private static final int MAX_ENTRIES = Integer.MAX_VALUE - 8;

  private enum State { OPEN, FINISHED, CLOSED }

  private final Path target;
  /** Moves the finished archive to the target. */
  private final TemporaryFiles.Placement placement;
  private final Path temporary;
  private final WriterOptions options;
  private final ArchiveOutput out;
  /** The entries written, compactly: a million of them take some 100 MB less than as objects. */
  private final DirectoryEntries entries = new DirectoryEntries();
  private final PathIndex written = new PathIndex(entries);
  /** The paths of entries queued for compression, reserved: a duplicate is refused meanwhile. */
  private final Set<String> queued = new HashSet<>();
  /** The compression threads and the entries they hold; null with {@code threads(1)}. */
  private final EntryPipeline pipeline;
  private final EntryWriter entryWriter;
  /** The key, and how the body and each payload are sealed (not at all, when not encrypted). */
  private final Encryption encryption;
  /** The manifest this writer generates at {@link #finish()}; null when it generates none. */
  private final GeneratedManifest manifest;
  /** SHA-256 of each entry's content, when the writer generates the manifest; else null. */
  private final MessageDigest digest;
  private byte[] encodeBuffer = new byte[0];
  private State state = State.OPEN;
  /** Set once an entry has an explicit frame size: the header must then declare the extension. */
  private boolean explicitFramesUsed;
  /** Set when a failed entry could not be undone: the archive can only be abandoned. */
  private IOException broken;

  private ArchiveWriter(Path target, TemporaryFiles.Placement placement, Path temporary,
      WriterOptions options, ArchiveOutput out,
      Encryption encryption) {
    this.target = target;
    this.placement = placement;
    this.temporary = temporary;
    this.options = options;
    this.out = out;
    this.encryption = encryption;
    this.manifest = GeneratedManifest.of(options);
    this.digest = manifest == null ? null : manifest.digest();
    int threads = options.threads();
    this.pipeline = threads == 1 ? null : new EntryPipeline(threads, options.zstdLevel());
    // twice the threads in flight, each thread has a batch queued when it finishes one; at most
    // 16 batches (16 MiB of buffers)
    FramedPayloadWriter framedWriter = pipeline == null ? new FramedPayloadWriter()
        : new FramedPayloadWriter(pipeline.executor(), Math.min(2 * threads, 16));
    this.entryWriter = new EntryWriter(out, framedWriter, encryption.payloads(),
        options.frameIndex() && encryption.framesCarryIndex(), options, digest);
  }

  /**
   * Starts writing an archive with default options.
   *
   * @param target where the archive will be, once {@link #finish()} succeeds; replaced if it
   *     exists
   * @return the writer
   * @throws FileSystemException if the target is a directory
   * @throws IOException if the temporary file cannot be created next to the target
   */
  public static ArchiveWriter create(Path target) throws IOException {
    return create(target, WriterOptions.defaults());
  }

  /**
   * Starts writing an archive.
   *
   * @param target where the archive will be, once {@link #finish()} succeeds; replaced if it
   *     exists
   * @param options how to write
   * @return the writer
   * @throws FileSystemException if the target is a directory
   * @throws IOException if the temporary file cannot be created next to the target
   */
  public static ArchiveWriter create(Path target, WriterOptions options) throws IOException {
    Objects.requireNonNull(target, "target");
    return create(target, options, TemporaryFiles.replacing(target.toAbsolutePath()));
  }

  /**
   * Starts writing an archive whose finished file goes where {@code placement} puts it: an update
   * checks, before its rename, that nobody changed the archive it replaces.
   */
  static ArchiveWriter create(Path target, WriterOptions options,
      TemporaryFiles.Placement placement) throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(options, "options");
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new FileSystemException(target.toString(), null, "is a directory");
    }
    TemporaryFiles.deleteAbandoned(absolute); // of a writer of the same target that was killed
    Encryption encryption = options.newEncryption(absolute); // derives a passphrase's key
    Path temporary = null;
    ArchiveOutput out = null;
    try {
      // a body sealed at the end is written in the clear first: keep it from other users
      // kept open, so its lock tells others' deleteAbandoned that a writer is alive
      TemporaryFiles.Sibling sibling =
          TemporaryFiles.openSibling(absolute, encryption.body().sealsBodyAtEnd());
      temporary = sibling.path();
      out = ArchiveOutput.of(sibling.channel());
      // Zeros until finish(): an unfinished file has no magic and never opens as an archive.
      out.write(new byte[Header.SIZE]);
      return new ArchiveWriter(absolute, placement, temporary, options, out, encryption);
    } catch (IOException | RuntimeException | Error e) {
      Cleanup.closeAfter(e, out, encryption);
      if (temporary != null) {
        Cleanup.deleteAfter(e, temporary);
      }
      throw e;
    }
  }

  /**
   * Adds content, choosing the compression method automatically as engram-rs does: content under
   * 4096 bytes is stored; otherwise by extension (media and archives stored, text and databases
   * Zstandard, the rest LZ4). Compression that does not make the content smaller is dropped. With
   * more than one thread, content under 50 MiB is copied and queued for compression.
   *
   * @param path the entry path ({@code \} becomes {@code /}); see {@link ArchivePaths}
   * @param content the content
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy
   * @throws FileAlreadyExistsException if the archive already has an entry with this path
   * @throws IllegalStateException if the writer is finished or closed
   * @throws IOException if writing fails, or an entry added earlier failed (see
   *     Failures above)
   */
  public void addFile(String path, byte[] content) throws IOException {
    addBytes(path, content, null);
  }

  /**
   * Adds content with a given compression method. The method is tried at any size; when it does
   * not make the content smaller, the content is stored uncompressed instead (except for framed
   * content of 50 MiB or more, which keeps the method).
   *
   * @param path the entry path ({@code \} becomes {@code /}); see {@link ArchivePaths}
   * @param content the content
   * @param method the compression method
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy
   * @throws FileAlreadyExistsException if the archive already has an entry with this path
   * @throws IllegalStateException if the writer is finished or closed
   * @throws IOException if writing fails, or an entry added earlier failed (see
   *     Failures above)
   */
  public void addFile(String path, byte[] content, CompressionMethod method) throws IOException {
    addBytes(path, content, Objects.requireNonNull(method, "method"));
  }

  /**
   * Adds a file's content, streamed, with the automatic method choice and the file's modified
   * time.
   *
   * @param path the entry path ({@code \} becomes {@code /}); see {@link ArchivePaths}
   * @param source the file to read
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy
   * @throws FileAlreadyExistsException if the archive already has an entry with this path
   * @throws java.nio.file.NoSuchFileException if the source does not exist
   * @throws IllegalStateException if the writer is finished or closed
   * @throws IOException if reading the source or writing fails, or an entry added earlier
   *     failed (see Failures above)
   */
  public void addFile(String path, Path source) throws IOException {
    addPath(path, source, null);
  }

  /**
   * Adds a file's content, streamed, with a given method and the file's modified time.
   *
   * @param path the entry path ({@code \} becomes {@code /}); see {@link ArchivePaths}
   * @param source the file to read
   * @param method the compression method
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy
   * @throws FileAlreadyExistsException if the archive already has an entry with this path
   * @throws java.nio.file.NoSuchFileException if the source does not exist
   * @throws IllegalStateException if the writer is finished or closed
   * @throws IOException if reading the source or writing fails, or an entry added earlier
   *     failed (see Failures above)
   */
  public void addFile(String path, Path source, CompressionMethod method) throws IOException {
    addPath(path, source, Objects.requireNonNull(method, "method"));
  }

  /**
   * Adds content of unknown size from a stream, read to its end (and not closed), with the
   * automatic method choice.
   *
   * @param path the entry path ({@code \} becomes {@code /}); see {@link ArchivePaths}
   * @param content the content
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy
   * @throws FileAlreadyExistsException if the archive already has an entry with this path
   * @throws IllegalStateException if the writer is finished or closed
   * @throws IOException if reading the stream or writing fails, or an entry added earlier
   *     failed (see Failures above)
   */
  public void addFile(String path, InputStream content) throws IOException {
    addStream(path, content, null);
  }

  /**
   * Adds content of unknown size from a stream, read to its end (and not closed). Memory stays
   * bounded whatever the size: content of 50 MiB or more is framed as it streams through.
   *
   * @param path the entry path ({@code \} becomes {@code /}); see {@link ArchivePaths}
   * @param content the content
   * @param method the compression method
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy
   * @throws FileAlreadyExistsException if the archive already has an entry with this path
   * @throws IllegalStateException if the writer is finished or closed
   * @throws IOException if reading the stream or writing fails, or an entry added earlier
   *     failed (see Failures above)
   */
  public void addFile(String path, InputStream content, CompressionMethod method)
      throws IOException {
    addStream(path, content, Objects.requireNonNull(method, "method"));
  }

  /**
   * Copies an entry from another archive as it is stored: its compressed bytes, method, frames,
   * CRC32 and modified time, without compressing again. The content is decoded once on the way,
   * to check its CRC32 (and to hash it when this writer generates the manifest), so damaged
   * content is never copied.
   *
   * <p>Encryption: entries of an archive encrypted as a whole are stored in the clear inside its
   * body, and copy into any archive this writer does not encrypt per file. An entry encrypted on
   * its own ({@link EncryptionMode#PER_FILE}) copies only into an archive encrypted per file with
   * the same key and layout (segmented or not; a passphrase gives the same key only with the same
   * salt, which {@link ArchiveUpdate} keeps): its encrypted bytes are copied as they are, except
   * that a segmented payload copied under a new path is decrypted and encrypted again for it (its
   * segments authenticate the path), still not decompressed.
   *
   * @param source an open archive, opened with its key if it is encrypted
   * @param path the entry's path in {@code source}; the copy has the same path
   * @throws java.nio.file.NoSuchFileException if {@code source} has no such entry
   * @throws IllegalArgumentException if the path breaks the {@link ArchivePaths} policy
   * @throws FileAlreadyExistsException if this archive already has an entry with this path
   * @throws KeyRequiredException if the entry is encrypted and {@code source} has no key
   * @throws UnsupportedArchiveException if one archive encrypts each entry on its own and the
   *     other does not, or both do with another key or layout
   * @throws AuthenticationFailedException if the entry does not decrypt
   * @throws CorruptArchiveException if the entry is damaged in {@code source}
   * @throws IllegalStateException if the writer is finished or closed
   * @throws IOException if reading or writing fails
   */
  public void copyEntry(ArchiveReader source, String path) throws IOException {
    copyEntry(source, path, null);
  }

  /**
   * Copies an entry from another archive as it is stored, like {@link #copyEntry(ArchiveReader,
   * String)}, under another path: what moving a file in an archive that is being rewritten needs.
   *
   * @param source an open archive, opened with its key if it is encrypted
   * @param path the entry's path in {@code source}
   * @param newPath the copy's path in this archive; null for the same path
   * @throws java.nio.file.NoSuchFileException if {@code source} has no such entry
   * @throws IllegalArgumentException if the new path breaks the {@link ArchivePaths} policy
   * @throws FileAlreadyExistsException if this archive already has an entry with the new path
   * @throws KeyRequiredException if the entry is encrypted and {@code source} has no key
   * @throws UnsupportedArchiveException if one archive encrypts each entry on its own and the
   *     other does not, or both do with another key or layout
   * @throws AuthenticationFailedException if the entry does not decrypt
   * @throws CorruptArchiveException if the entry is damaged in {@code source}
   * @throws IllegalStateException if the writer is finished or closed
   * @throws IOException if reading or writing fails
   */
  public void copyEntry(ArchiveReader source, String path, String newPath) throws IOException {
    copyEntry(source, path, newPath, true, null);
  }

  /**
   * Copies an entry as stored, like {@link #copyEntry(ArchiveReader, String, String)}, decoding
   * it to check its CRC32 only if asked: an update keeps thousands of entries, and decoding them
   * all would cost many times the copy. Unchecked, only the entry's local header is checked
   * against its directory entry, and the copied bytes keep their CRC32, so damage stays as
   * detectable in the new archive as it was in the old one.
   *
   * @param verify whether to decode the entry and check its CRC32
   * @param sha256 the content's SHA-256 when known (from the source's manifest), for a writer
   *     that generates a manifest; null to compute it (which decodes the entry)
   */
  void copyEntry(ArchiveReader source, String path, String newPath, boolean verify,
      byte[] sha256) throws IOException {
    Objects.requireNonNull(source, "source");
    ensureOpen();
    copyOne(source, EntryWriter.findCopy(source, path), newPath, verify, sha256);
  }

  /** Copies an entry found in another archive (its local header checked), as stored. */
  private void copyOne(ArchiveReader source, EntryWriter.Copy copy, String newPath,
      boolean verify, byte[] sha256) throws IOException {
    String name = beginEntry(newPath == null ? copy.entry().path() : newPath);
    Sealing from = source.encryptionState().payloads();
    Sealing.Copying copying =
        encryption.payloads().copying(from, copy.entry(), copy.payload(), name);
    byte[] hash = checkedHash(source, copy.entry(), verify, sha256);
    writeQueued(true); // entries added before this one go first
    long start = out.position();
    try {
      DirectoryEntry entry = copying == Sealing.Copying.AS_STORED
          ? entryWriter.writeCopy(name, copy, start)
          : entryWriter.writeResealed(name, copy, from, start);
      explicitFramesUsed |= entry.explicitFrames();
      register(entry, hash);
      options.progress().accept(entry.uncompressedSize());
    } catch (IOException | RuntimeException | Error e) {
      undo(start, e);
      throw e;
    }
  }

  /**
   * Decodes a copied entry, checking its CRC32 (and hashing it for the manifest), when asked to
   * verify or when the manifest needs a SHA-256 that is not known; returns the SHA-256 to record.
   */
  private byte[] checkedHash(ArchiveReader source, DirectoryEntry entry, boolean verify,
      byte[] sha256) throws IOException {
    if (verify || (digest != null && sha256 == null)) {
      byte[] computed = entryWriter.checkContent(source, entry);
      return computed != null ? computed : sha256;
    }
    return sha256;
  }

  /**
   * An entry of another archive to copy as stored.
   *
   * @param path its path there
   * @param newPath its path here
   * @param sha256 its content's SHA-256 if known, else null (see {@link #copyEntry(ArchiveReader,
   *     String, String, boolean, byte[])})
   */
  record Kept(String path, String newPath, byte[] sha256) {}

  /**
   * Copies entries of another archive as stored, as {@link #copyEntry(ArchiveReader, String,
   * String, boolean, byte[])} does each, and entries that lie one after another in {@code source}
   * and keep their paths as one byte range, their local headers included: one copy, by the
   * operating system where it can, for a run of thousands of entries. Each entry's local header
   * is checked against its directory entry first.
   */
  void copyEntries(ArchiveReader source, List<Kept> kept, boolean verify) throws IOException {
    Objects.requireNonNull(source, "source");
    List<EntryWriter.Copy> run = new ArrayList<>();
    List<Kept> runKept = new ArrayList<>();
    Sealing from = source.encryptionState().payloads();
    for (Kept entry : kept) {
      ensureOpen();
      EntryWriter.Copy copy = EntryWriter.findCopy(source, entry.path());
      if (!run.isEmpty() && !continues(run.get(run.size() - 1), copy)) {
        copyRun(source, run, runKept, verify);
        run.clear();
        runKept.clear();
      }
      // a copy of the same path copies its local header too; as stored, or it is sealed again
      if (copy.startsRun() && entry.newPath().equals(copy.entry().path())
          && encryption.payloads().copying(from, copy.entry(), copy.payload(),
              entry.newPath()) == Sealing.Copying.AS_STORED) {
        run.add(copy);
        runKept.add(entry);
      } else {
        copyRun(source, run, runKept, verify);
        run.clear();
        runKept.clear();
        copyOne(source, copy, entry.newPath(), verify, entry.sha256());
      }
    }
    copyRun(source, run, runKept, verify);
  }

  /** Whether {@code next}'s local header starts where {@code previous}'s payload ends. */
  private static boolean continues(EntryWriter.Copy previous, EntryWriter.Copy next) {
    return previous.payload().source() == next.payload().source()
        && previous.end() == next.entry().dataOffset();
  }

  /** Copies entries that lie one after another, local headers and payloads, as one range. */
  private void copyRun(ArchiveReader source, List<EntryWriter.Copy> run, List<Kept> kept,
      boolean verify) throws IOException {
    if (run.isEmpty()) {
      return;
    }
    List<byte[]> hashes = new ArrayList<>(run.size());
    for (int i = 0; i < run.size(); i++) {
      beginEntry(run.get(i).entry().path());
      hashes.add(checkedHash(source, run.get(i).entry(), verify, kept.get(i).sha256()));
    }
    writeQueued(true); // entries added before these go first
    long start = out.position();
    long from = run.get(0).entry().dataOffset();
    long to = run.get(run.size() - 1).end();
    try {
      out.transferFrom(run.get(0).payload().source(), from, to - from);
    } catch (IOException | RuntimeException | Error e) {
      undo(start, e);
      throw e;
    }
    for (int i = 0; i < run.size(); i++) {
      DirectoryEntry copied = run.get(i).entry();
      DirectoryEntry entry = copied.movedTo(copied.path(), copied.pathLength(),
          start + copied.dataOffset() - from);
      explicitFramesUsed |= entry.explicitFrames();
      register(entry, hashes.get(i));
      options.progress().accept(entry.uncompressedSize());
    }
  }

  /**
   * Adds a manifest as the {@code manifest.json} entry, stored uncompressed as engram-rs does.
   * To have the writer fill in the files and sign at {@link #finish()} instead, use {@link
   * WriterOptions.Builder#manifest} and {@link WriterOptions.Builder#signWith}.
   *
   * @param manifest the manifest, written as {@link Manifest#toJson()}
   * @throws FileAlreadyExistsException if the archive already has a {@code manifest.json}
   * @throws IllegalStateException if the writer generates the manifest itself, or is finished or
   *     closed
   * @throws IOException if writing fails, or an entry added earlier failed (see
   *     Failures above)
   */
  public void addManifest(Manifest manifest) throws IOException {
    Objects.requireNonNull(manifest, "manifest");
    if (digest != null) {
      throw new IllegalStateException("this writer generates " + Manifest.ENTRY_NAME
          + " at finish() (WriterOptions.manifest is set)");
    }
    addFile(Manifest.ENTRY_NAME, manifest.toJson(), CompressionMethod.NONE);
  }

  /**
   * Returns how many entries have been added, including those still queued for compression.
   *
   * @return the entry count so far
   */
  public int entryCount() {
    return entries.size() + queuedCount();
  }

  /**
   * Writes the entries still queued for compression, the central directory and the end record,
   * forces the file to disk and moves it over the target. If a queued entry failed, that is
   * thrown (naming it) and the writer stays open; on any other failure the target is left as it
   * was and the temporary file is deleted.
   *
   * @throws IllegalStateException if called twice, after {@link #close()}, or after a failure
   *     that could not be undone
   * @throws LimitExceededException if the generated manifest would be larger than readers parse
   *     ({@link ArchiveReader#MAX_MANIFEST_BYTES}); nothing is written
   * @throws IOException if a queued entry failed, or writing, syncing or renaming fails
   */
  public void finish() throws IOException {
    ensureOpen();
    writeQueued(true); // a failed entry is reported with the writer still open
    try {
      if (manifest != null) {
        byte[] json = manifest.toJson(Instant.ofEpochSecond(defaultModifiedTime()));
        if (json.length > ArchiveReader.MAX_MANIFEST_BYTES) {
          // an archive whose manifest no reader parses would never verify
          throw new LimitExceededException("manifest size", "the generated "
              + Manifest.ENTRY_NAME + " would be " + json.length + " bytes for "
              + entries.size() + " files, more than the " + ArchiveReader.MAX_MANIFEST_BYTES
              + " bytes readers parse: write an archive this large without"
              + " WriterOptions.manifest, or split it");
        }
        writeNow(new BufferedEntry(Manifest.ENTRY_NAME, json, json.length,
            CompressionMethod.NONE, defaultModifiedTime(), false));
      }
      long directoryOffset = out.position();
      Directory.write(entries, out::write);
      Header header = Header.of(directoryOffset, (long) entries.size() * DirectoryEntry.SIZE,
          entries.size(), options.contentVersion(),
          encryption.headerFlags() | (explicitFramesUsed ? Header.FLAG_EXPLICIT_FRAMES : 0),
          encryption.headerReserved());
      encryption.body().completeArchive(out, temporary, header, target, placement);
      state = State.FINISHED;
      encryption.close();
      closePipeline();
    } catch (IOException | RuntimeException | Error e) {
      abandon(e);
      throw e;
    }
  }

  /**
   * Closes the writer. After {@link #finish()} this does nothing; before it, the archive is
   * abandoned: entries still queued are dropped, the compression threads are stopped (waiting for
   * compressions already running), the temporary file is deleted and the target is left as it
   * was.
   *
   * @throws IOException if the temporary file cannot be closed or deleted
   */
  @Override
  public void close() throws IOException {
    if (state != State.OPEN) {
      return;
    }
    state = State.CLOSED;
    encryption.close();
    closePipeline();
    try {
      out.close();
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void closePipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private void addBytes(String path, byte[] content, CompressionMethod method) throws IOException {
    Objects.requireNonNull(content, "content");
    writeBuffered(beginEntry(path), content, content.length, method, defaultModifiedTime(), true);
    options.progress().accept(content.length);
  }

  private void addPath(String path, Path source, CompressionMethod method) throws IOException {
    Objects.requireNonNull(source, "source");
    String name = beginEntry(path);
    BasicFileAttributes attributes = Files.readAttributes(source, BasicFileAttributes.class);
    long modified = options.recordedTime(
        Math.max(0, attributes.lastModifiedTime().to(TimeUnit.SECONDS)));
    long sizeHint = attributes.size();
    try (InputStream in = new ProgressInputStream(Files.newInputStream(source),
        options.progress())) {
      addStreamChecked(name, in, method, modified, sizeHint);
    }
  }

  private void addStream(String path, InputStream content, CompressionMethod method)
      throws IOException {
    Objects.requireNonNull(content, "content");
    addStreamChecked(beginEntry(path), new ProgressInputStream(content, options.progress()),
        method, defaultModifiedTime(), -1);
  }

  private void addStreamChecked(String name, InputStream content, CompressionMethod method,
      long modified, long sizeHint) throws IOException {
    // The automatic choice depends on size only below 4096 bytes, where it stores anyway.
    CompressionMethod known = method != null ? method : Codecs.automatic(name, Long.MAX_VALUE);
    if (known == CompressionMethod.NONE) {
      writeStreamed(name, content, CompressionMethod.NONE, modified, 0);
      return;
    }
    if (sizeHint >= Framing.THRESHOLD) {
      // a file measured large: frame it as it streams, with no buffering at all
      writeQueued(true); // before reading, so that an earlier failure leaves this source unread
      writeSniffed(name, content, known, modified);
      return;
    }
    // Buffer up to the framing threshold: only then is it known whether the entry is framed,
    // and whether compression made a small entry smaller.
    if (sizeHint >= 0) {
      // a file of known size: read into one array, one byte more to see whether it grew
      byte[] data = new byte[(int) sizeHint + 1];
      int n = content.readNBytes(data, 0, data.length);
      if (n <= sizeHint) {
        writeBuffered(name, data, n, method, modified, false);
        return;
      }
      content = new SequenceInputStream(new ByteArrayInputStream(data, 0, n), content);
    }
    StreamHead head = StreamHead.read(content, (int) Framing.THRESHOLD);
    if (head.length() < Framing.THRESHOLD) {
      writeBuffered(name, head.toArray(), head.length(), method, modified, false);
    } else {
      writeSniffed(name, new SequenceInputStream(head.asStream(), content), known, modified);
    }
  }

  /** Streams content whose frame size depends on its first bytes (a database's header). */
  private void writeSniffed(String name, InputStream content, CompressionMethod method,
      long modified) throws IOException {
    byte[] first = content.readNBytes(EntryWriter.SNIFF_BYTES);
    writeStreamed(name, new SequenceInputStream(new ByteArrayInputStream(first), content), method,
        modified, entryWriter.explicitFrameSize(first, first.length, method));
  }

  /**
   * Writes content held in memory: compressed whole (queued for the pool when there is one, else
   * at once), or framed when large enough.
   *
   * @param callersArray whether {@code data} belongs to the caller, who may change it once this
   *     returns: a queued entry then holds a copy
   */
  private void writeBuffered(String name, byte[] data, int length, CompressionMethod requested,
      long modified, boolean callersArray) throws IOException {
    CompressionMethod method = requested != null ? requested : Codecs.automatic(name, length);
    int frameSize = entryWriter.explicitFrameSize(data, length, method);
    if (frameSize > 0 || Framing.isFramed(length, method)) {
      writeStreamed(name, new ByteArrayInputStream(data, 0, length), method, modified, frameSize);
      return;
    }
    if (pipeline == null) {
      writeNow(new BufferedEntry(name, data, length, method, modified, digest != null));
      return;
    }
    byte[] held = callersArray ? Arrays.copyOf(data, length) : data;
    queued.add(name); // reserved: a duplicate is refused while this one is still queued
    pipeline.submit(new BufferedEntry(name, held, length, method, modified, digest != null));
  }

  /** Compresses an entry on this thread and writes it. */
  private void writeNow(BufferedEntry entry) throws IOException {
    encodeBuffer = entry.compress(encodeBuffer, options.zstdLevel());
    writeCompressed(entry);
  }

  /**
   * Writes the queued entries that are compressed, in the order they were added ({@link
   * EntryPipeline#writeFinished}); an entry that failed is dropped, and its path may be added
   * again.
   */
  private void writeQueued(boolean all) throws IOException {
    if (pipeline != null) {
      pipeline.writeFinished(all, this::writeCompressed, queued::remove);
    }
  }

  private int queuedCount() {
    return pipeline == null ? 0 : pipeline.size();
  }

  /** Writes a compressed entry: local header and payload (sealed when encrypted per file). */
  private void writeCompressed(BufferedEntry compressed) throws IOException {
    long start = out.position();
    DirectoryEntry entry;
    try {
      entry = entryWriter.writeCompressed(compressed, start);
    } catch (IOException | RuntimeException | Error e) {
      undo(start, e);
      throw e;
    }
    register(entry, compressed.sha256());
  }

  /**
   * Writes content streamed to its end: stored as is, or framed (in frames of {@code frameSize}
   * bytes when it is not 0, recorded with the explicit frame size extension).
   */
  private void writeStreamed(String name, InputStream content, CompressionMethod method,
      long modified, int frameSize) throws IOException {
    writeQueued(true); // entries added before this one go first
    long start = out.position();
    try {
      DirectoryEntry entry =
          entryWriter.writeStreamed(name, content, method, modified, frameSize, start);
      explicitFramesUsed |= entry.explicitFrames();
      register(entry, digest == null ? null : digest.digest());
    } catch (IOException | RuntimeException | Error e) {
      undo(start, e);
      throw e;
    }
  }

  private String beginEntry(String path) throws IOException {
    ensureOpen();
    writeQueued(false); // reports an earlier entry's failure before anything of this one is read
    String name = ArchivePaths.normalize(path);
    if (digest != null && name.equals(Manifest.ENTRY_NAME)) {
      throw new IllegalArgumentException("this writer generates " + Manifest.ENTRY_NAME
          + " at finish() (WriterOptions.manifest is set); it cannot be added as a file");
    }
    if (queued.contains(name) || written.indexOf(name) >= 0) {
      throw new FileAlreadyExistsException(name, null,
          "the archive already has an entry with this path");
    }
    if (entries.size() + queuedCount() >= MAX_ENTRIES) {
      throw new EngramException("the archive already holds " + entryCount()
          + " entries, the most this writer supports");
    }
    return name;
  }

  /** Records a written entry, with its content's SHA-256 when the manifest is generated. */
  private void register(DirectoryEntry entry, byte[] sha256) {
    entries.add(entry);
    written.add(entries.size() - 1);
    queued.remove(entry.path());
    if (manifest != null) {
      manifest.add(entry, sha256);
    }
  }

  private void undo(long start, Throwable failure) {
    try {
      out.truncate(start);
    } catch (IOException e) {
      failure.addSuppressed(e);
      broken = new IOException("an earlier entry failed and could not be undone", failure);
    }
  }

  private long defaultModifiedTime() {
    return options.recordedTime(options.modifiedTime().orElseGet(Instant::now).getEpochSecond());
  }

  private void ensureOpen() {
    if (state == State.FINISHED) {
      throw new IllegalStateException("finish() was already called for " + target);
    }
    if (state == State.CLOSED) {
      throw new IllegalStateException("the writer for " + target + " is closed");
    }
    if (broken != null) {
      throw new IllegalStateException("the writer for " + target + " failed; close it", broken);
    }
  }

  private void abandon(Throwable failure) {
    state = State.CLOSED;
    Cleanup.closeAfter(failure, encryption);
    closePipeline();
    Cleanup.closeAfter(failure, out);
    Cleanup.deleteAfter(failure, temporary);
  }

}
