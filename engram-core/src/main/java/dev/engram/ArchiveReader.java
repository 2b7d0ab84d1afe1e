package dev.engram;

import dev.engram.crypto.Encryption;
import dev.engram.crypto.Sealing;
import dev.engram.format.ArchiveLayout;
import dev.engram.format.Directory;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.EndRecord;
import dev.engram.format.Header;
import dev.engram.frame.FrameCache;
import dev.engram.io.CachingSource;
import dev.engram.io.ChannelInputStream;
import dev.engram.io.Cleanup;
import dev.engram.io.ReadOnlyChannel;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.ManifestException;
import dev.engram.source.ArchiveSource;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * Reads an Engram archive: lists its entries and reads any of them, whole, as a stream, or at
 * random positions.
 *
 * <pre>{@code
 * try (ArchiveReader archive = ArchiveReader.open(Path.of("docs.eng"))) {
 *   for (EntryInfo entry : archive.entries()) {
 *     System.out.println(entry.path() + " " + entry.uncompressedSize());
 *   }
 *   byte[] readme = archive.read("README.md");
 * }
 * }</pre>
 *
 * <p><b>Validation.</b> {@link #open} checks the whole structure before returning: magic, version,
 * header CRC, end record, directory bounds and every directory entry. Each read then checks the
 * entry's local header, that the content decodes to exactly the recorded size, and its CRC32. Every
 * failure is an {@link EngramException} whose message names the archive, the structure and the
 * offset or entry; nothing is allocated on the strength of a size the archive merely claims.
 *
 * <p><b>Thread-safety.</b> A reader is safe to share between any number of threads: reads use
 * positional file I/O and take no lock, and each stream or channel it returns is independent (use
 * each one from one thread at a time). Closing the reader ends the streams and channels opened
 * from it.
 *
 * <p><b>Duplicate paths.</b> An archive written elsewhere may hold several entries with one path.
 * {@link #entries()} lists them all; lookups by path find the last one, as engram-rs does.
 */
public final class ArchiveReader implements Closeable {
  /** The largest array a JVM reliably allocates. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  /** Largest {@code manifest.json} that {@link #manifest()} parses: 64 MiB. */
  public static final int MAX_MANIFEST_BYTES = 64 << 20;

  /** The archive as stored. */
  private final ArchiveSource source;
  /** The archive's plain bytes: {@link #source}, or its decrypted body. */
  private final ArchiveSource body;
  private final Encryption encryption;
  private final Header header;
  /** The header came from the end record's copy of it, unread at offset 0 (a remote source). */
  private final boolean headerFromCopy;
  private final EntryTable entries;
  /** Decoded frames shared by every {@link RandomAccessEntry} of this reader. */
  private final FrameCache frameCache;
  private final ReadLimits limits;
  private final ReaderThreads threads;
  private final EntryAccess access;

  private ArchiveReader(ArchiveSource source, ArchiveSource body, Encryption encryption,
      ReaderOptions options, Header header, EntryTable entries, boolean headerFromCopy) {
    this.headerFromCopy = headerFromCopy;
    this.source = source;
    this.body = body;
    this.encryption = encryption;
    this.header = header;
    this.entries = entries;
    this.limits = new ReadLimits(options, entries.size());
    this.threads = new ReaderThreads(options.threads());
    this.frameCache = new FrameCache(options.frameCacheSize());
    this.access = new EntryAccess(body, encryption.payloads(), options, threads, frameCache);
  }

  /**
   * Opens and validates an archive with default options.
   *
   * @param archive the archive file
   * @return the reader
   * @throws CorruptArchiveException if the structure is damaged (the message says what and where)
   * @throws UnsupportedArchiveException if the archive needs a feature this version lacks
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws IOException if the file cannot be read
   */
  public static ArchiveReader open(Path archive) throws IOException {
    return open(archive, ReaderOptions.defaults());
  }

  /**
   * Opens and validates an archive.
   *
   * @param archive the archive file
   * @param options how to read
   * @return the reader
   * @throws CorruptArchiveException if the structure is damaged (the message says what and where)
   * @throws UnsupportedArchiveException if the archive needs a feature this version lacks
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws IOException if the file cannot be read
   */
  public static ArchiveReader open(Path archive, ReaderOptions options) throws IOException {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(options, "options");
    return open(ArchiveSource.open(archive), options);
  }

  /**
   * Opens and validates the archive at a URI, with default options: a local file ({@code
   * file:}), a web server ({@code http:}, {@code https:}: only the bytes reads need are fetched,
   * with range requests), or a scheme of another installed module (such as {@code s3:} from
   * {@code engram-s3}). See {@link ArchiveSource#open(URI, dev.engram.source.RemoteOptions)} for
   * how an archive is read over HTTP.
   *
   * <pre>{@code
   * try (ArchiveReader archive = ArchiveReader.open(URI.create("https://example.org/docs.eng"))) {
   *   byte[] readme = archive.read("README.md");   // one range request
   * }
   * }</pre>
   *
   * @param archive the archive's absolute URI
   * @return the reader
   * @throws CorruptArchiveException if the structure is damaged (the message says what and where)
   * @throws UnsupportedArchiveException if the archive needs a feature this version lacks
   * @throws KeyRequiredException if the whole archive is encrypted (no key is given here)
   * @throws IllegalArgumentException if the URI is not absolute
   * @throws UnsupportedOperationException if no installed module reads the URI's scheme
   * @throws java.nio.file.NoSuchFileException if nothing is there (a missing file, HTTP 404)
   * @throws java.nio.file.AccessDeniedException if reading it is refused (HTTP 401, 403)
   * @throws IOException if it cannot be read (see {@link ArchiveSource#open(URI,
   *     dev.engram.source.RemoteOptions)})
   */
  public static ArchiveReader open(URI archive) throws IOException {
    return open(archive, ReaderOptions.defaults());
  }

  /**
   * Opens and validates the archive at a URI (see {@link #open(URI)}); {@link
   * ReaderOptions#remote()} says how a remote one is fetched. A remote archive is read through
   * one block cache per reader ({@link dev.engram.source.RemoteOptions#blockCacheSize()}),
   * fetching only what is read, with one exception: an archive encrypted whole in engram-rs's
   * single-message mode ({@link EncryptionMode#ARCHIVE} without segmented encryption) is one
   * AES-GCM message, whose whole body is downloaded and decrypted (into a private temporary
   * file) when it opens.
   *
   * @param archive the archive's absolute URI
   * @param options how to read
   * @return the reader
   * @throws CorruptArchiveException if the structure is damaged (the message says what and where)
   * @throws UnsupportedArchiveException if the archive needs a feature this version lacks
   * @throws KeyRequiredException if the whole archive is encrypted and no key was given
   * @throws AuthenticationFailedException if the key is wrong or the encrypted body was changed
   * @throws IllegalArgumentException if the URI is not absolute
   * @throws UnsupportedOperationException if no installed module reads the URI's scheme
   * @throws java.nio.file.NoSuchFileException if nothing is there (a missing file, HTTP 404)
   * @throws java.nio.file.AccessDeniedException if reading it is refused (HTTP 401, 403)
   * @throws IOException if it cannot be read (see {@link ArchiveSource#open(URI,
   *     dev.engram.source.RemoteOptions)})
   */
  public static ArchiveReader open(URI archive, ReaderOptions options) throws IOException {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(options, "options");
    return open(ArchiveSource.open(archive, options.remote()), options);
  }

  /**
   * Opens and validates an archive read from any source: a local file ({@link
   * ArchiveSource#open(Path)}), bytes in memory ({@link ArchiveSource#wrap}), or a source of
   * another module. The reader owns the source: it closes it when it is closed, and at once if
   * opening fails.
   *
   * @param source the archive's bytes
   * @param options how to read
   * @return the reader
   * @throws CorruptArchiveException if the structure is damaged (the message says what and where)
   * @throws UnsupportedArchiveException if the archive needs a feature this version lacks
   * @throws KeyRequiredException if the whole archive is encrypted and no key was given
   * @throws AuthenticationFailedException if the key is wrong or the encrypted body was changed
   * @throws IOException if the source cannot be read
   */
  public static ArchiveReader open(ArchiveSource source, ReaderOptions options)
      throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(options, "options");
    if (source.isRemote() && !(source instanceof CachingSource)) {
      try {
        source = CachingSource.over(source, options.remote().blockCacheSize());
      } catch (RuntimeException e) {
        source.close();
        throw e;
      }
    }
    Encryption encryption = null;
    Sealing.Body body = null;
    try {
      long size = source.size();
      ArchiveLayout.checkFileSize(size);
      Header header;
      EndRecord end;
      byte[] headerBytes = null;
      boolean headerFromCopy = false;
      if (source.isRemote()) {
        // the end record first: an engram-java archive's carries the whole header, so that the
        // archive's last bytes (directory included, when it is small) open in one request
        end = remoteEndRecord(source, size);
        Optional<byte[]> copy = end.rebuiltHeader();
        headerFromCopy = copy.isPresent();
        header = Header.decode(headerFromCopy ? copy.get() : read(source, 0, Header.SIZE));
      } else {
        headerBytes = read(source, 0, Header.SIZE);
        header = Header.decode(headerBytes);
        end = EndRecord.decode(read(source, size - EndRecord.SIZE, EndRecord.SIZE),
            size - EndRecord.SIZE);
      }
      end.checkAgrees(header);
      encryption = options.encryptionFor(header);
      body = encryption.body().openBody(source, header);
      ArchiveLayout.checkDirectory(header, end, body.archiveSize());
      ReadLimits.checkEntryCount(header.entryCount(), options);
      if (body.source() == source && source instanceof CachingSource cache) {
        // one request for the whole directory, which is decoded a few thousand entries at a time
        cache.prefetch(header.directoryOffset(), header.directorySize());
      }
      EntryTable entries =
          new EntryTable(Directory.read(body.source(), header, encryption.payloads()));
      if (headerBytes != null) {
        // the last check, so that the checks of each field (and of the directory, which the
        // header's flags govern) name what is wrong when they can
        end.checkCopyOf(headerBytes);
      }
      return new ArchiveReader(source, body.source(), encryption, options, header, entries,
          headerFromCopy);
    } catch (EngramException e) {
      closeAfter(e, source, body, encryption);
      throw e.initArchive(source.name());
    } catch (IOException | RuntimeException | Error e) {
      closeAfter(e, source, body, encryption);
      throw e;
    }
  }

  /**
   * Returns every entry, in directory order. The reader holds its directory compactly, so each
   * element is made when the list is read (equal to, but not the same object as, an earlier one
   * for that entry): iterate rather than copy the list of a large archive.
   *
   * @return an unmodifiable list, safe to read from several threads
   */
  public List<EntryInfo> entries() {
    return entries.entries();
  }

  /**
   * Returns every entry's path, in directory order; each is decoded when the list is read.
   *
   * @return an unmodifiable list, safe to read from several threads
   */
  public List<String> list() {
    return entries.paths();
  }

  /** An empty record of every entry's check, for {@link Verifier}. */
  EntryChecks entryChecks() {
    return new EntryChecks(entries.directory());
  }
  /**
   * Returns the paths that start with a prefix, in directory order.
   *
   * @param prefix a plain string prefix, for example {@code "docs/"}
   * @return a new list
   */
  public List<String> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return entries.pathsStartingWith(prefix);
  }
  /**
   * Says whether the archive has an entry with this path ({@code \} is also tried as {@code /}).
   *
   * @param path the entry path
   * @return true if present
   */
  public boolean contains(String path) {
    return indexOf(path) >= 0;
  }
  /**
   * Returns what the directory records about an entry.
   *
   * @param path the entry path ({@code \} is also tried as {@code /})
   * @return the entry, or empty if there is none with this path
   */
  public Optional<EntryInfo> entry(String path) {
    int i = indexOf(path);
    return i < 0 ? Optional.empty() : Optional.of(entries.get(i));
  }
  /**
   * Returns the number of entries.
   *
   * @return entry count
   */
  public int entryCount() {
    return entries.size();
  }
  /**
   * Returns the application content version recorded in the header.
   *
   * @return the content version (treat as unsigned)
   */
  public int contentVersion() {
    return header.contentVersion();
  }
  /**
   * Returns how the archive is encrypted.
   *
   * @return the mode, or empty for an archive that is not encrypted
   */
  public Optional<EncryptionMode> encryption() {
    return encryption.mode();
  }

  /**
   * Returns the format version the archive's header records, as {@code major.minor}: {@code 1.0}
   * for the base format; a higher minor version names the newest engram-java extension the
   * archive uses (docs/FORMAT.md).
   *
   * @return the version
   */
  public String formatVersion() {
    return header.versionMajor() + "." + header.versionMinor();
  }
  /**
   * Returns what messages call this archive: the path of a local file, else its source's name.
   *
   * @return the archive's name
   */
  public String name() {
    return source.name();
  }

  /**
   * Returns the source this reader reads, for its {@link ArchiveSource#identity() identity}.
   * Reading it directly bypasses every check of this reader; closing it closes the reader's
   * access to the archive.
   *
   * @return the source the reader was opened with
   */
  public ArchiveSource source() {
    return source;
  }

  /**
   * Asks the storage whether the archive has changed since it was opened (rewritten, replaced or
   * truncated): its {@link ArchiveSource#currentIdentity() current identity} differs from the
   * one this reader read. A reader keeps serving what it validated at open, but a changed
   * archive's content may no longer match its directory.
   *
   * @return true when the archive is no longer the one this reader opened
   * @throws java.nio.file.NoSuchFileException if the archive is gone
   * @throws IOException if the storage cannot be asked
   */
  public boolean hasChanged() throws IOException {
    return !source.currentIdentity().equals(source.identity());
  }

  /**
   * Reads an entry's whole content, checking its CRC32.
   *
   * @param path the entry path
   * @return the content
   * @throws NoSuchFileException if there is no such entry
   * @throws EntryTooLargeException if the content does not fit in a Java array; use {@link
   *     #openStream} or {@link #openChannel}
   * @throws CorruptArchiveException if the entry is damaged
   * @throws UnsupportedArchiveException if the entry is encrypted
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if reading fails
   */
  public byte[] read(String path) throws IOException {
    return read(require(path));
  }

  private byte[] read(int i) throws IOException {
    DirectoryEntry entry = entries.get(i).directoryEntry();
    try {
      admit(i, entry);
      if (entry.uncompressedSize() > MAX_ARRAY) {
        throw new EntryTooLargeException("entry '" + entry.path() + "' is "
            + entry.uncompressedSize() + " bytes, more than read() can return in one array ("
            + MAX_ARRAY + "); use openStream or openChannel");
      }
      return access.readAll(i, entry);
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
  }

  /**
   * Opens a stream over an entry's content. Large framed entries are decoded frame by frame, so
   * the stream holds only a few 64 KiB frames in memory. The CRC32 is checked when the stream has
   * been read to its end, before the last bytes are returned; a mismatch fails that read. (Skipping
   * bytes skips that check.)
   *
   * @param path the entry path
   * @return a stream, to be closed by the caller; not thread-safe
   * @throws NoSuchFileException if there is no such entry
   * @throws CorruptArchiveException if the entry's local header or frame layout is damaged
   * @throws UnsupportedArchiveException if the entry is encrypted
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if reading fails
   */
  public InputStream openStream(String path) throws IOException {
    int i = require(path);
    try {
      return new ChannelInputStream(openChannel(i));
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
  }

  /**
   * Opens a read-only channel for random access into an entry's content. On a framed entry a
   * read decompresses only the 64 KiB frames it touches; on an uncompressed entry reads go
   * straight to the archive's source; other entries (under 50 MiB) are decoded once into memory when
   * the channel opens. The CRC32 is checked when the content is read in order to its end.
   *
   * @param path the entry path
   * @return a channel, to be closed by the caller; not thread-safe; writes throw {@link
   *     java.nio.channels.NonWritableChannelException}
   * @throws NoSuchFileException if there is no such entry
   * @throws CorruptArchiveException if the entry's local header or frame layout is damaged
   * @throws UnsupportedArchiveException if the entry is encrypted
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if reading fails
   */
  public SeekableByteChannel openChannel(String path) throws IOException {
    int i = require(path);
    try {
      return openChannel(i);
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
  }

  /**
   * Opens a thread-safe view for reading an entry at any position, the access a database engine
   * needs (see {@link RandomAccessEntry} for how each kind of entry is served). A framed entry's
   * frames are decoded on demand and shared through this reader's frame cache; an entry that is
   * neither framed nor uncompressed is decoded and CRC-checked now, into memory.
   *
   * @param path the entry path
   * @return the view, usable from any number of threads until this reader is closed
   * @throws NoSuchFileException if there is no such entry
   * @throws LimitExceededException if the entry is beyond this reader's limits
   * @throws CorruptArchiveException if the entry's local header, frame layout or (when decoded
   *     now) content is damaged
   * @throws KeyRequiredException if the entry is encrypted and the reader has no key
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if reading fails
   */
  public RandomAccessEntry openRandomAccess(String path) throws IOException {
    int i = require(path);
    try {
      admit(i, entries.get(i).directoryEntry());
      return access.randomAccess(i, entries.get(i));
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
  }

  /**
   * Returns a snapshot of the frame cache shared by this reader's {@link RandomAccessEntry} views
   * (and so by SQLite connections to databases in the archive). The cache itself stays private:
   * what it serves is trusted to be the archive's decoded content.
   *
   * @return the statistics at this moment; later reads do not change them
   */
  public FrameCacheStatistics frameCacheStatistics() {
    return new FrameCacheStatistics(frameCache.capacity(), frameCache.size(), frameCache.hits(),
        frameCache.misses(), frameCache.evictions());
  }
  /**
   * Returns the archive's manifest ({@code manifest.json}), parsed.
   *
   * @return the manifest, or empty if the archive has none
   * @throws ManifestException if {@code manifest.json} is not a valid manifest, or larger than
   *     the {@value #MAX_MANIFEST_BYTES} bytes this reader parses
   * @throws CorruptArchiveException if the entry is damaged
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if reading fails
   */
  public Optional<Manifest> manifest() throws IOException {
    ensureOpen();
    int i = entries.lastIndexOfScanning(Manifest.ENTRY_NAME); // no path index for one name
    if (i < 0) {
      return Optional.empty();
    }
    long size = entries.get(i).uncompressedSize();
    if (size > MAX_MANIFEST_BYTES) {
      throw new ManifestException(Manifest.ENTRY_NAME + " is " + size + " bytes, more than the "
          + MAX_MANIFEST_BYTES + " this reader parses").initArchive(name());
    }
    byte[] json = read(i);
    try {
      return Optional.of(Manifest.parse(json));
    } catch (ManifestException e) {
      throw e.initArchive(name());
    }
  }

  /**
   * Checks the whole archive: reads every entry to its end (its CRC32 checked, its SHA-256
   * computed), compares every file the manifest lists with the entry of that path, checks every
   * signature, and lists the entries the manifest does not cover. Damage and bad signatures are
   * findings in the report, never exceptions. Several entries are read at once on the reader's
   * threads ({@link ReaderOptions#threads()}).
   *
   * @param options which signers to trust
   * @return the report; {@link VerificationReport#summary()} says plainly whether the archive is
   *     intact and authentically signed
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if the archive cannot be read at all
   */
  public VerificationReport verify(VerifyOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    ensureOpen();
    if (headerFromCopy) {
      byte[] atStart = read(source, 0, Header.SIZE);
      if (!Arrays.equals(atStart, header.encode())) {
        throw new CorruptArchiveException(
            "the header differs from the copy of it that the end record carries")
            .initArchive(source.name());
      }
    }
    return new Verifier(this, options).verify();
  }

  /** The threads that work for this reader, for whole-archive work in this package. */
  ReaderThreads threads() {
    return threads;
  }

  /**
   * Extracts every entry into a directory (created if missing), writing only inside it: names
   * that are absolute, contain {@code ..} or control characters, or would pass through a
   * symbolic link already inside the directory are refused; all names are checked before anything
   * is written. Where the platform can work relative to an open directory (Linux, macOS), a
   * directory swapped for a symbolic link while the extraction runs cannot redirect a write
   * either. Each file is written to a temporary sibling, readable by its owner only until it is
   * complete, stamped with the entry's modified time, given the permissions of a plain new file
   * and renamed into place, so an interrupted extraction never leaves a half-written file under a
   * final name, and content failing its CRC never reaches one. Existing files of the same
   * names are replaced. For duplicate paths, the entry lookups find is extracted.
   *
   * <p>An error stops the extraction; files already extracted stay.
   *
   * @param directory the destination
   * @return the files written, in directory order: an immutable list, safe to read from any
   *     thread, that works out each path when asked rather than holding one per file (it keeps
   *     this reader's directory in memory while it is held, and stays readable after {@link
   *     #close})
   * @throws UnsafeEntryPathException if an entry's name could escape the directory
   * @throws CorruptArchiveException if an entry is damaged
   * @throws LimitExceededException if an entry exceeds a {@link ReaderOptions} limit
   * @throws UnsupportedArchiveException if entries are encrypted
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if writing fails
   */
  public List<Path> extractAll(Path directory) throws IOException {
    return extractAll(directory, path -> true, bytes -> { });
  }
  /**
   * Extracts the entries whose paths {@code select} accepts, with the safety of {@link
   * #extractAll(Path)}: every selected name is checked before anything is written. Several
   * entries are written at once on the reader's threads ({@link ReaderOptions#threads()});
   * uncompressed entries are copied file to file by the operating system and their CRC32 checked
   * on what was written. On an error the entries being written finish or fail, no other starts,
   * and the first error is thrown; files already extracted stay.
   *
   * @param directory the destination
   * @param select which entry paths to extract
   * @param progress told how many content bytes were just written; called from the extracting
   *     threads, possibly at the same time
   * @return the files written, in directory order: an immutable list, safe to read from any
   *     thread, that works out each path when asked rather than holding one per file (it keeps
   *     this reader's directory in memory while it is held, and stays readable after {@link
   *     #close})
   * @throws UnsafeEntryPathException if a selected entry's name could escape the directory
   * @throws CorruptArchiveException if an entry is damaged
   * @throws LimitExceededException if an entry exceeds a {@link ReaderOptions} limit
   * @throws UnsupportedArchiveException if entries are encrypted
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if writing fails
   */
  public List<Path> extractAll(Path directory, Predicate<? super String> select,
      LongConsumer progress) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(select, "select");
    Objects.requireNonNull(progress, "progress");
    ensureOpen();
    try {
      return new Extractor(this, directory, progress).extractAll(select);
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
  }
  /**
   * Extracts one entry to {@code directory/path}, creating parent directories, with the same
   * safety as {@link #extractAll(Path)}.
   *
   * @param path the entry path
   * @param directory the destination
   * @return the file written
   * @throws NoSuchFileException if there is no such entry
   * @throws UnsafeEntryPathException if the entry's name could escape the directory
   * @throws CorruptArchiveException if the entry is damaged
   * @throws LimitExceededException if the entry exceeds a {@link ReaderOptions} limit
   * @throws UnsupportedArchiveException if the entry is encrypted
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if writing fails
   */
  public Path extract(String path, Path directory) throws IOException {
    Objects.requireNonNull(directory, "directory");
    int i = require(path);
    try {
      return new Extractor(this, directory, bytes -> { }).extract(entries.get(i));
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
  }
  /** For tests and benchmarks: how many encrypted segments this reader has decrypted. */
  long segmentsDecrypted() {
    return encryption.segmentsDecrypted();
  }

  /**
   * Closes the archive's source and deletes what was decrypted to disk. Reading content
   * afterwards, through this reader or the streams and channels opened from it, fails with {@link
   * IllegalStateException}; the listing ({@link #entries()}, {@link #list()}, {@link #contains},
   * {@link #entry}) stays available. Closing twice does nothing.
   *
   * @throws IOException if closing fails
   */
  @Override
  @SuppressWarnings("try") // the resources are only closed, in order, with suppressed exceptions
  public void close() throws IOException {
    threads.close();
    frameCache.clear();
    try (Closeable stored = source; Closeable decrypted = body == source ? null : body;
        Closeable keys = encryption) {
      // closed in reverse order: keys wiped and temporary files deleted, then the sources
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Opens a channel on an entry after checking it may be read. */
  ReadOnlyChannel openChannel(int index) throws IOException {
    DirectoryEntry entry = entries.get(index).directoryEntry();
    admit(index, entry);
    return access.channel(index, entry);
  }

  /**
   * Says why an entry's stored frame index could not be used (its frames were found by their
   * size prefixes instead), once the entry was opened; empty otherwise.
   */
  Optional<String> frameIndexDamage(int index) {
    return access.frameIndexDamage(index);
  }

  /**
   * The gate every read of content passes: the reader is open, the key is known if the entry
   * needs one, and the limits allow it.
   */
  private void admit(int index, DirectoryEntry entry) throws EngramException {
    ensureOpen();
    access.requireKey(entry);
    limits.admit(index, entry);
  }

  /**
   * Returns where an entry's payload lies exactly as stored (compressed, framed; for copying it
   * to another archive, or an uncompressed one by the operating system), after checking its
   * local header and that it may be read; empty when it is sealed to this archive (encrypted on
   * its own).
   */
  Optional<Sealing.Payload> payloadAsStored(EntryInfo info) throws IOException {
    DirectoryEntry entry = admitted(info);
    try {
      return access.payloadAsStored(entry);
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
  }

  /**
   * Returns where an entry's payload lies as stored, sealed or not, after checking its local
   * header and that it may be read (its key given): what {@link ArchiveWriter#copyEntry} copies,
   * as it is or sealed again ({@link Sealing#copying}).
   */
  Sealing.Payload storedPayload(EntryInfo info) throws IOException {
    DirectoryEntry entry = admitted(info);
    try {
      return access.storedPayload(entry);
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
  }

  /** The entry lookups find for this one's path, once it has passed {@link #admit}. */
  private DirectoryEntry admitted(EntryInfo info) throws IOException {
    int i = require(info.path());
    DirectoryEntry entry = entries.get(i).directoryEntry(); // the one lookups find
    try {
      admit(i, entry);
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
    return entry;
  }

  /**
   * Returns this archive's encryption: how its payloads are sealed (for copies of them), and
   * what a new archive that keeps it is written with ({@link Encryption#forRewriting}).
   */
  Encryption encryptionState() {
    return encryption;
  }

  /**
   * Fails unless the key given opens this archive's content. An archive encrypted as a whole
   * was authenticated when it opened; one encrypted per file has its smallest entry decrypted
   * here (AES-GCM authenticates every entry with the key; one that decrypts proves it). An
   * archive without entries has nothing to check a key against.
   *
   * @throws KeyRequiredException if entries are encrypted and no key was given
   * @throws AuthenticationFailedException if the key or passphrase is wrong
   */
  void checkKey() throws IOException {
    ensureOpen();
    Sealing payloads = encryption.payloads();
    if (!payloads.wrapsPayloads()) {
      return;
    }
    try {
      payloads.requireKey("its content");
    } catch (EngramException e) {
      throw e.initArchive(name());
    }
    Optional<EntryInfo> smallest =
        entries().stream().min(Comparator.comparingLong(EntryInfo::storedSize));
    if (smallest.isPresent()) {
      try (InputStream content = openStream(smallest.get().path())) {
        content.read();
      }
    }
  }

  private void ensureOpen() {
    if (!body.isOpen()) {
      throw new IllegalStateException("archive reader for " + name() + " is closed");
    }
  }

  private int require(String path) throws NoSuchFileException {
    Objects.requireNonNull(path, "path");
    ensureOpen();
    int i = indexOf(path);
    if (i < 0) {
      throw new NoSuchFileException(path, null, "no such entry in " + name());
    }
    return i;
  }

  /** The index of the entry lookups find for a path, or -1. */
  int indexOf(String path) {
    return entries.indexOf(path);
  }

  private static void closeAfter(Throwable failure, ArchiveSource source, Sealing.Body body,
      Encryption encryption) {
    Cleanup.closeAfter(failure, body == null || body.source() == source ? null : body.source(),
        source, encryption);
  }

  /**
   * Reads the end record of a remote archive; if it is not one, reads the header too, whose
   * message (not an archive at all?) says more than the end record's.
   */
  private static EndRecord remoteEndRecord(ArchiveSource source, long size) throws IOException {
    try {
      return EndRecord.decode(read(source, size - EndRecord.SIZE, EndRecord.SIZE),
          size - EndRecord.SIZE);
    } catch (CorruptArchiveException e) {
      Header.decode(read(source, 0, Header.SIZE));
      throw e;
    }
  }

  private static byte[] read(ArchiveSource source, long position, int length)
      throws IOException {
    byte[] bytes = new byte[length];
    source.readFully(position, bytes, 0, length);
    return bytes;
  }
}
