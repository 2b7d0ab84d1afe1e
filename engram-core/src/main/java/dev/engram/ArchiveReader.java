package dev.engram;

import dev.engram.codec.Codec;
import dev.engram.codec.Codecs;
import dev.engram.crypto.AesGcm;
import dev.engram.crypto.SegmentedSource;
import dev.engram.crypto.SegmentedWriter;
import dev.engram.crypto.Segments;
import dev.engram.format.ArchiveLayout;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.EndRecord;
import dev.engram.format.Header;
import dev.engram.format.LocalEntryHeader;
import dev.engram.frame.FrameCache;
import dev.engram.frame.FrameIndex;
import dev.engram.frame.FramedContent;
import dev.engram.frame.FramedEntryChannel;
import dev.engram.frame.Framing;
import dev.engram.io.ArchiveFile;
import dev.engram.io.ChannelInputStream;
import dev.engram.io.RandomAccessSource;
import dev.engram.io.ReadOnlyChannel;
import dev.engram.manifest.FileEntry;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.ManifestException;
import dev.engram.manifest.SignatureCheck;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

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
  /** Directory entries decoded per bulk read at open. */
  private static final int DIRECTORY_CHUNK = 4096;

  /** The archive's bytes: the file itself, or its decrypted body for whole-archive encryption. */
  private final RandomAccessSource file;
  /** The archive file as stored; the same object as {@link #file} unless the body is decrypted. */
  private final ArchiveFile container;
  private final ReaderEncryption encryption;
  private final ReaderOptions options;
  private final Header header;
  private final EntryInfo[] entries;
  private final List<EntryInfo> entryList;
  private final List<String> pathList;
  private final Map<String, Integer> byPath;
  private final Map<Integer, FrameIndex> frameIndexes = new ConcurrentHashMap<>();
  /** Decoded frames shared by every {@link RandomAccessEntry} of this reader. */
  private final FrameCache frameCache;
  private final ReadLimits limits;
  private final ReaderThreads threads;

  private ArchiveReader(ArchiveFile container, RandomAccessSource file,
      ReaderEncryption encryption,
      ReaderOptions options, Header header, EntryInfo[] entries) {
    this.container = container;
    this.encryption = encryption;
    this.file = file;
    this.options = options;
    this.header = header;
    this.entries = entries;
    this.limits = new ReadLimits(options, entries.length);
    this.threads = new ReaderThreads(options.threads());
    this.frameCache = new FrameCache(options.frameCacheSize());
    this.entryList = Collections.unmodifiableList(Arrays.asList(entries));
    String[] paths = new String[entries.length];
    Map<String, Integer> index = new HashMap<>(Math.max(16, entries.length * 4 / 3 + 1));
    for (int i = 0; i < entries.length; i++) {
      paths[i] = entries[i].path();
      index.put(paths[i], i);
    }
    this.pathList = Collections.unmodifiableList(Arrays.asList(paths));
    this.byPath = index;
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
    ArchiveFile container = ArchiveFile.open(archive);
    RandomAccessSource file = container;
    ReaderEncryption encryption = null;
    try {
      long size = container.size();
      ArchiveLayout.checkFileSize(size);
      Header header = Header.decode(read(container, 0, Header.SIZE));
      EndRecord end = EndRecord.decode(read(container, size - EndRecord.SIZE, EndRecord.SIZE),
          size - EndRecord.SIZE);
      encryption = ReaderEncryption.of(archive, header, options);
      long logicalSize = size;
      if (header.encryptionMode() == Header.ENCRYPTION_ARCHIVE) {
        // header || sealed body || end record, with the offsets of the plain archive
        end.checkAgrees(header);
        file = header.isSegmented()
            ? encryption.segmentedBody(container, header)
            : encryption.decryptBody(container);
        logicalSize = file.size() + EndRecord.SIZE;
      }
      ArchiveLayout.checkDirectory(header, end, logicalSize);
      EntryInfo[] entries = readDirectory(file, header, options);
      return new ArchiveReader(container, file, encryption, options, header, entries);
    } catch (EngramException e) {
      closeAfter(e, file, container, encryption);
      throw e.initArchive(archive);
    } catch (IOException | RuntimeException | Error e) {
      closeAfter(e, file, container, encryption);
      throw e;
    }
  }

  /**
   * Returns every entry, in directory order.
   *
   * @return an unmodifiable list
   */
  public List<EntryInfo> entries() {
    return entryList;
  }

  /**
   * Returns every entry's path, in directory order.
   *
   * @return an unmodifiable list
   */
  public List<String> list() {
    return pathList;
  }

  /**
   * Returns the paths that start with a prefix, in directory order.
   *
   * @param prefix a plain string prefix, for example {@code "docs/"}
   * @return a new list
   */
  public List<String> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    List<String> matching = new ArrayList<>();
    for (String path : pathList) {
      if (path.startsWith(prefix)) {
        matching.add(path);
      }
    }
    return matching;
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
    return i < 0 ? Optional.empty() : Optional.of(entries[i]);
  }

  /**
   * Returns the number of entries.
   *
   * @return entry count
   */
  public int entryCount() {
    return entries.length;
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
    switch (header.encryptionMode()) {
      case Header.ENCRYPTION_PER_FILE:
        return Optional.of(EncryptionMode.PER_FILE);
      case Header.ENCRYPTION_ARCHIVE:
        return Optional.of(EncryptionMode.ARCHIVE);
      default:
        return Optional.empty();
    }
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
   * Returns the archive file this reader reads.
   *
   * @return the path it was opened with
   */
  public Path path() {
    return file.path();
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
    int i = require(path);
    DirectoryEntry entry = entries[i].directoryEntry();
    try {
      admit(i, entry);
      if (entry.uncompressedSize() > MAX_ARRAY) {
        throw new EntryTooLargeException("entry '" + entry.path() + "' is "
            + entry.uncompressedSize() + " bytes, more than read() can return in one array ("
            + MAX_ARRAY + "); use openStream or openChannel");
      }
      if (kind(entry) == Kind.BLOCK) {
        return decodeBlock(i, entry);
      }
      // the channel first: for a framed entry it walks and checks the frame layout, so a payload
      // whose frames are garbage fails before the content's array is allocated
      try (ReadOnlyChannel channel = channel(i, entry)) {
        byte[] content = new byte[(int) entry.uncompressedSize()];
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          if (channel.read(buffer) < 0) {
            throw new AssertionError("channel ended before its size");
          }
        }
        return content;
      }
    } catch (EngramException e) {
      throw e.initArchive(file.path());
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
      throw e.initArchive(file.path());
    }
  }

  /**
   * Opens a read-only channel for random access into an entry's content. On a framed entry a
   * read decompresses only the 64 KiB frames it touches; on an uncompressed entry reads go
   * straight to the archive file; other entries (under 50 MiB) are decoded once into memory when
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
      throw e.initArchive(file.path());
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
    DirectoryEntry entry = entries[i].directoryEntry();
    try {
      admit(i, entry);
      if (decodedInMemory(entry)) {
        return RandomAccessEntry.decoded(entries[i], file, decodeBlock(i, entry));
      }
      switch (kind(entry)) {
        case STORED: {
          PlainPayload payload = plainPayload(i, entry);
          return RandomAccessEntry.stored(entries[i], file, payload.source(), payload.offset());
        }
        case FRAMED: {
          PlainPayload payload = plainPayload(i, entry);
          FramedContent content = new FramedContent(payload.source(),
              frameIndex(i, entry, payload), Codecs.of(entry.method()), entry.path(), frameCache,
              i);
          return RandomAccessEntry.framed(entries[i], file, content);
        }
        default:
          throw new AssertionError(entry.method());
      }
    } catch (EngramException e) {
      throw e.initArchive(file.path());
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
    int i = indexOf(Manifest.ENTRY_NAME);
    if (i < 0) {
      return Optional.empty();
    }
    long size = entries[i].uncompressedSize();
    if (size > MAX_MANIFEST_BYTES) {
      throw new ManifestException(Manifest.ENTRY_NAME + " is " + size + " bytes, more than the "
          + MAX_MANIFEST_BYTES + " this reader parses").initArchive(file.path());
    }
    byte[] json = read(Manifest.ENTRY_NAME);
    try {
      return Optional.of(Manifest.parse(json));
    } catch (ManifestException e) {
      throw e.initArchive(file.path());
    }
  }

  /**
   * Checks the whole archive: reads every entry to its end (its CRC32 checked, its SHA-256
   * computed), compares every file the manifest lists with the entry of that path, checks every
   * signature, and lists the entries the manifest does not cover. Damage and bad signatures are
   * findings in the report, never exceptions.
   *
   * @param options which signers to trust
   * @return the report; {@link VerificationReport#summary()} says plainly whether the archive is
   *     intact and authentically signed
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if the archive file cannot be read at all
   */
  public VerificationReport verify(VerifyOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    ensureOpen();
    VerificationReport.EntryCheck[] checks = new VerificationReport.EntryCheck[entries.length];
    MessageDigest sha256 = sha256();
    byte[] buffer = new byte[1 << 16];
    for (int i = 0; i < entries.length; i++) {
      EntryInfo entry = entries[i];
      String hash = null;
      String problem = null;
      try (ReadOnlyChannel channel = openChannel(i)) {
        sha256.reset();
        ByteBuffer chunk = ByteBuffer.wrap(buffer);
        while (channel.read(chunk.clear()) > 0) {
          sha256.update(buffer, 0, chunk.position());
          options.progress().accept(chunk.position());
        }
        hash = HexFormat.of().formatHex(sha256.digest());
      } catch (EngramException e) {
        problem = e.reason();
      }
      checks[i] = new VerificationReport.EntryCheck(entry.path(), entry.uncompressedSize(), hash,
          problem);
    }

    Manifest manifest = null;
    String manifestProblem = null;
    int manifestIndex = indexOf(Manifest.ENTRY_NAME);
    if (manifestIndex >= 0) {
      if (!checks[manifestIndex].isIntact()) {
        manifestProblem = "cannot be read: " + checks[manifestIndex].problem();
      } else {
        try {
          manifest = manifest().orElseThrow();
        } catch (EngramException e) {
          manifestProblem = e.reason();
        }
      }
    }

    List<VerificationReport.FileCheck> files = new ArrayList<>();
    List<SignatureCheck> signatures = List.of();
    List<String> uncovered = new ArrayList<>();
    if (manifest != null) {
      Set<String> declared = new HashSet<>();
      for (FileEntry file : manifest.files()) {
        files.add(checkFile(file, declared, checks));
      }
      signatures = manifest.checkSignatures(options.trustedKeys());
      for (int i = 0; i < entries.length; i++) {
        String path = entries[i].path();
        if (indexOf(path) == i && !path.equals(Manifest.ENTRY_NAME) && !declared.contains(path)) {
          uncovered.add(path);
        }
      }
    }
    return new VerificationReport(file.path(), Arrays.asList(checks), manifest, manifestProblem,
        files, signatures, uncovered, !options.trustedKeys().isEmpty());
  }

  private VerificationReport.FileCheck checkFile(FileEntry file, Set<String> declared,
      VerificationReport.EntryCheck[] checks) {
    if (!declared.add(file.path())) {
      return new VerificationReport.FileCheck(file,
          VerificationReport.FileCheck.Status.LISTED_TWICE, "listed more than once");
    }
    int i = indexOf(file.path());
    if (i < 0) {
      return new VerificationReport.FileCheck(file, VerificationReport.FileCheck.Status.MISSING,
          "no entry has this path");
    }
    VerificationReport.EntryCheck entry = checks[i];
    if (!entry.isIntact()) {
      return new VerificationReport.FileCheck(file,
          VerificationReport.FileCheck.Status.UNREADABLE, entry.problem());
    }
    if (entry.size() != file.size()) {
      return new VerificationReport.FileCheck(file,
          VerificationReport.FileCheck.Status.SIZE_DIFFERS, "size is " + entry.size()
              + " bytes, the manifest says " + Long.toUnsignedString(file.size()));
    }
    if (!entry.sha256().equalsIgnoreCase(file.sha256())) {
      return new VerificationReport.FileCheck(file,
          VerificationReport.FileCheck.Status.HASH_DIFFERS, "SHA-256 is " + entry.sha256()
              + ", the manifest says " + file.sha256());
    }
    return new VerificationReport.FileCheck(file, VerificationReport.FileCheck.Status.MATCHES,
        null);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * Extracts every entry into a directory (created if missing), writing only inside it: names
   * that are absolute, contain {@code ..} or control characters, or would pass through a
   * symbolic link already inside the directory are refused; all names are checked before anything
   * is written. Each file is written to a temporary sibling, stamped with the entry's modified
   * time and renamed into place, so an interrupted extraction never leaves a half-written file
   * under a final name, and content failing its CRC never reaches one. Existing files of the same
   * names are replaced. For duplicate paths, the entry lookups find is extracted.
   *
   * <p>An error stops the extraction; files already extracted stay.
   *
   * @param directory the destination
   * @return the files written, in directory order
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
   * @return the files written, in directory order
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
      return new Extractor(this, directory, progress, threads.pool(), threads.count() - 1)
          .extractAll(select);
    } catch (EngramException e) {
      throw e.initArchive(file.path());
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
      return new Extractor(this, directory, bytes -> { }, null, 0).extract(entries[i]);
    } catch (EngramException e) {
      throw e.initArchive(file.path());
    }
  }

  /** For tests and benchmarks: how many encrypted segments this reader has decrypted. */
  long segmentsDecrypted() {
    return encryption.segmentsDecrypted();
  }

  /**
   * Closes the archive file. Reading content afterwards, through this reader or the streams and
   * channels opened from it, fails with {@link IllegalStateException}; the listing ({@link
   * #entries()}, {@link #list()}, {@link #contains}, {@link #entry}) stays available. Closing
   * twice does nothing.
   *
   * @throws IOException if closing fails
   */
  @Override
  public void close() throws IOException {
    threads.close();
    frameCache.clear();
    try (Closeable decrypted = file; Closeable stored = container; Closeable keys = encryption) {
      // closed in reverse order: keys wiped and temporary files deleted, then the files
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** How an entry's payload is laid out. */
  private enum Kind { STORED, BLOCK, FRAMED }

  private static Kind kind(DirectoryEntry entry) {
    if (entry.method() == CompressionMethod.NONE) {
      return Kind.STORED;
    }
    return entry.isFramed() ? Kind.FRAMED : Kind.BLOCK;
  }

  /**
   * Says whether an entry is served from a decoded copy in memory: a compressed entry that is not
   * framed, or an uncompressed one that engram-rs encrypted as a whole and is small enough to
   * decrypt in memory rather than in a temporary file.
   */
  private boolean decodedInMemory(DirectoryEntry entry) {
    Kind kind = kind(entry);
    return kind == Kind.BLOCK || kind == Kind.STORED && encryption.perFile()
        && !encryption.segmented() && entry.storedSize() <= ReaderEncryption.IN_MEMORY_LIMIT;
  }

  /** Opens a channel on an entry after checking it may be read. */
  private ReadOnlyChannel openChannel(int index) throws IOException {
    DirectoryEntry entry = entries[index].directoryEntry();
    admit(index, entry);
    return channel(index, entry);
  }

  /**
   * The gate every read of content passes: the reader is open, the entry is not encrypted, and
   * the limits allow it.
   */
  private void admit(int index, DirectoryEntry entry) throws EngramException {
    ensureReadable(entry);
    limits.admit(index, entry);
  }

  /** Opens the channel an entry's layout needs; callers have admitted the entry. */
  private ReadOnlyChannel channel(int index, DirectoryEntry entry) throws IOException {
    if (decodedInMemory(entry)) {
      return new MemoryEntryChannel(file, decodeBlock(index, entry));
    }
    switch (kind(entry)) {
      case STORED: {
        PlainPayload payload = plainPayload(index, entry);
        return new StoredEntryChannel(payload.source(), payload.offset(),
            entry.uncompressedSize(), entry.path(), entry.crc32());
      }
      case FRAMED: {
        PlainPayload payload = plainPayload(index, entry);
        return new FramedEntryChannel(payload.source(), frameIndex(index, entry, payload),
            Codecs.of(entry.method()), entry.path(), entry.crc32(), options.channelFrameCache(),
            threads.pool(), threads.count() - 1,
            FramedEntryChannel.aheadWindow(threads.count()));
      }
      default:
        throw new AssertionError(entry.method());
    }
  }

  /** Where an entry's payload can be read as plaintext. */
  private record PlainPayload(RandomAccessSource source, long offset, long length) {}

  /** Where an uncompressed, unsealed entry's content lies in a plain file, for extraction. */
  record StoredRegion(ArchiveFile file, long offset, long length) {}

  /**
   * Returns where an entry's content lies as is in a plain file (uncompressed and not sealed on
   * its own), after checking its local header and the limits; else empty, and the content must
   * be read through {@link #openStream}.
   */
  Optional<StoredRegion> storedRegion(EntryInfo info) throws IOException {
    DirectoryEntry entry = info.directoryEntry();
    if (kind(entry) != Kind.STORED || encryption.perFile() || !(file instanceof ArchiveFile)) {
      return Optional.empty();
    }
    StoredPayload stored = storedPayload(info.path());
    return Optional.of(new StoredRegion((ArchiveFile) stored.source(), stored.offset(),
        stored.entry().uncompressedSize()));
  }

  /** An entry's directory record and its payload as stored, for {@link ArchiveWriter#copyEntry}. */
  record StoredPayload(DirectoryEntry entry, RandomAccessSource source, long offset) {}

  /**
   * Returns where an entry's payload lies as stored (compressed, framed), after checking its
   * local header and the limits.
   *
   * @throws UnsupportedArchiveException if the archive encrypts each entry: its stored bytes are
   *     sealed to this archive's key
   */
  StoredPayload storedPayload(String path) throws IOException {
    int i = require(path);
    DirectoryEntry entry = entries[i].directoryEntry();
    try {
      admit(i, entry);
      if (encryption.perFile()) {
        throw new UnsupportedArchiveException("entry '" + entry.path() + "' is encrypted on its"
            + " own; its stored bytes cannot be copied to another archive");
      }
      checkLocalHeader(entry, read(file, entry.dataOffset(), localHeaderSize(entry)), 0);
      return new StoredPayload(entry, file, entry.payloadOffset());
    } catch (EngramException e) {
      throw e.initArchive(file.path());
    }
  }

  /**
   * Checks the entry's local header, and returns where its plain payload is: in the archive, or,
   * for a per-file encrypted entry, in a temporary file it is decrypted to (once).
   */
  private PlainPayload plainPayload(int index, DirectoryEntry entry) throws IOException {
    checkLocalHeader(entry, read(file, entry.dataOffset(), localHeaderSize(entry)), 0);
    if (!encryption.perFile()) {
      return new PlainPayload(file, entry.payloadOffset(), entry.storedSize());
    }
    RandomAccessSource plain = encryption.payloadFile(index, entry, file);
    return new PlainPayload(plain, 0, plain.size());
  }

  /**
   * Reads local header and payload in one read, decrypts a per-file encrypted payload, decodes,
   * checks length and CRC.
   */
  private byte[] decodeBlock(int index, DirectoryEntry entry) throws IOException {
    int headerSize = localHeaderSize(entry);
    byte[] payload;
    int payloadOffset;
    int payloadLength;
    if (encryption.perFile() && encryption.segmented()) {
      RandomAccessSource plain = plainPayload(index, entry).source();
      // its size is bounded at open: at most the codec's worst case for < 50 MiB of content
      payload = new byte[(int) plain.size()];
      plain.readFully(0, payload, 0, payload.length);
      payloadOffset = 0;
      payloadLength = payload.length;
    } else {
      // storedSize is bounded at open: the codec's worst case for a content of < 50 MiB, or
      // the in-memory limit for an encrypted stored entry
      byte[] stored = read(file, entry.dataOffset(), headerSize + (int) entry.storedSize());
      checkLocalHeader(entry, stored, 0);
      payload = stored;
      payloadOffset = headerSize;
      payloadLength = (int) entry.storedSize();
      if (encryption.perFile()) {
        payload = encryption.open(entry.path(), stored, headerSize, payloadLength);
        payloadOffset = 0;
        payloadLength = payload.length;
      }
    }
    byte[] content = new byte[(int) entry.uncompressedSize()];
    try {
      Codecs.of(entry.method()).decompress(payload, payloadOffset, payloadLength, content,
          0, content.length);
    } catch (CorruptArchiveException e) {
      throw new CorruptArchiveException("entry '" + entry.path() + "': " + e.getMessage(), e);
    }
    CRC32 crc = new CRC32();
    crc.update(content);
    if ((int) crc.getValue() != entry.crc32()) {
      throw new ChecksumMismatchException(entry.path(), entry.crc32(), (int) crc.getValue());
    }
    return content;
  }

  private FrameIndex frameIndex(int index, DirectoryEntry entry, PlainPayload payload)
      throws IOException {
    FrameIndex frames = frameIndexes.get(index);
    if (frames == null) {
      // a per-file segmented payload holds one frame per segment; everything else (including a
      // frame inside a segmented whole-archive body) has the plain framed layout
      frames = encryption.perFile() && encryption.segmented()
          ? framesOfSegments((SegmentedSource) payload.source(), entry)
          : FrameIndex.build(payload.source(), payload.offset(), payload.length(),
              entry.uncompressedSize(), entry.frameSize(), Codecs.of(entry.method()),
              entry.path());
      FrameIndex raced = frameIndexes.putIfAbsent(index, frames);
      frames = raced != null ? raced : frames;
    }
    return frames;
  }

  /**
   * The frame index of a segmented framed payload, from its segment table: segment 0 holds the
   * frame count, segment k + 1 frame k with its size prefix. Only segment 0 is decrypted.
   */
  private static FrameIndex framesOfSegments(SegmentedSource segments, DirectoryEntry entry)
      throws IOException {
    String where = "entry '" + entry.path() + "'";
    if (segments.segmentLength(0) != Framing.PREFIX) {
      throw new CorruptArchiveException(where + ": its first segment holds "
          + segments.segmentLength(0) + " bytes, not a 4-byte frame count");
    }
    byte[] count = new byte[Framing.PREFIX];
    segments.readFully(0, count, 0, count.length);
    long frames = (count[0] & 0xFFL) | (count[1] & 0xFFL) << 8 | (count[2] & 0xFFL) << 16
        | (count[3] & 0xFFL) << 24;
    if (frames != segments.segmentCount() - 1) {
      throw new CorruptArchiveException(where + ": frame count " + frames + " but "
          + (segments.segmentCount() - 1) + " frame segments");
    }
    long[] starts = new long[segments.segmentCount()];
    for (int k = 1; k < segments.segmentCount(); k++) {
      starts[k - 1] = segments.segmentStart(k);
    }
    starts[segments.segmentCount() - 1] = segments.plainLength();
    return FrameIndex.fromPositions(starts, entry.uncompressedSize(), entry.frameSize(),
        Codecs.of(entry.method()), entry.path());
  }

  private void ensureOpen() {
    if (file.isClosed()) {
      throw new IllegalStateException("archive reader for " + file.path() + " is closed");
    }
  }

  private void ensureReadable(DirectoryEntry entry) throws KeyRequiredException {
    ensureOpen();
    if (encryption.perFile()) {
      encryption.requireKey("entry '" + entry.path() + "'");
    }
  }

  private static int localHeaderSize(DirectoryEntry entry) {
    return LocalEntryHeader.sizeFor(entry.pathLength());
  }

  private static void checkLocalHeader(DirectoryEntry entry, byte[] bytes, int offset)
      throws CorruptArchiveException {
    LocalEntryHeader local;
    try {
      local = LocalEntryHeader.decode(bytes, offset, localHeaderSize(entry), entry.dataOffset());
    } catch (CorruptArchiveException e) {
      throw new CorruptArchiveException("entry '" + entry.path() + "': " + e.getMessage(), e);
    }
    local.checkAgrees(entry);
  }

  private int require(String path) throws NoSuchFileException {
    Objects.requireNonNull(path, "path");
    ensureOpen();
    int i = indexOf(path);
    if (i < 0) {
      throw new NoSuchFileException(path, null, "no such entry in " + file.path());
    }
    return i;
  }

  private int indexOf(String path) {
    Integer i = byPath.get(path);
    if (i == null && path.indexOf('\\') >= 0) {
      i = byPath.get(path.replace('\\', '/'));
    }
    return i == null ? -1 : i;
  }

  private static EntryInfo[] readDirectory(RandomAccessSource file, Header header,
      ReaderOptions options) throws IOException {
    ReadLimits.checkEntryCount(header.entryCount(), options);
    if (header.entryCount() > MAX_ARRAY) {
      throw new UnsupportedArchiveException(
          header.entryCount() + " entries are more than this reader can index");
    }
    int count = (int) header.entryCount();
    // per-file encrypted payloads wrap what the codec produced in a nonce and tag, or segments
    Sealing sealing = header.encryptionMode() != Header.ENCRYPTION_PER_FILE ? Sealing.NONE
        : header.isSegmented() ? Sealing.SEGMENTS : Sealing.MESSAGE;
    EntryInfo[] entries = new EntryInfo[count];
    byte[] chunk = new byte[DirectoryEntry.SIZE * Math.max(1, Math.min(count, DIRECTORY_CHUNK))];
    for (int first = 0; first < count; first += DIRECTORY_CHUNK) {
      int n = Math.min(DIRECTORY_CHUNK, count - first);
      long chunkOffset = header.directoryOffset() + (long) first * DirectoryEntry.SIZE;
      file.readFully(chunkOffset, chunk, 0, n * DirectoryEntry.SIZE);
      for (int j = 0; j < n; j++) {
        int index = first + j;
        DirectoryEntry entry = DirectoryEntry.decode(chunk, j * DirectoryEntry.SIZE, index,
            chunkOffset + (long) j * DirectoryEntry.SIZE);
        if (entry.explicitFrames() && !header.hasExplicitFrames()) {
          throw new CorruptArchiveException("directory entry " + index + " '" + entry.path()
              + "' has an explicit frame size, which the header does not declare");
        }
        ArchiveLayout.checkEntryBounds(entry, index, header.directoryOffset());
        checkStoredSize(entry, index, sealing);
        entries[index] = new EntryInfo(entry);
      }
    }
    checkNoOverlap(entries);
    return entries;
  }

  /**
   * Checks that no two entries share bytes of the data region. Overlapping entries are how
   * "overlapping" zip bombs make one payload count many times; engram-rs never writes them.
   */
  private static void checkNoOverlap(EntryInfo[] entries) throws CorruptArchiveException {
    DirectoryEntry[] byOffset = new DirectoryEntry[entries.length];
    boolean sorted = true;
    for (int i = 0; i < entries.length; i++) {
      byOffset[i] = entries[i].directoryEntry();
      sorted &= i == 0 || byOffset[i - 1].dataOffset() <= byOffset[i].dataOffset();
    }
    if (!sorted) { // entries written in one pass are already in offset order
      Arrays.sort(byOffset, Comparator.comparingLong(DirectoryEntry::dataOffset));
    }
    for (int i = 1; i < byOffset.length; i++) {
      DirectoryEntry previous = byOffset[i - 1];
      DirectoryEntry next = byOffset[i];
      if (next.dataOffset() < previous.payloadEnd()) {
        throw new CorruptArchiveException("entries '" + previous.path() + "' (offset "
            + previous.dataOffset() + " to " + previous.payloadEnd() + ") and '" + next.path()
            + "' (offset " + next.dataOffset() + ") overlap");
      }
    }
  }

  /** How payloads are wrapped around what the codec produced. */
  private enum Sealing {
    /** As is. */
    NONE,
    /** One AES-GCM message: 28 more bytes. */
    MESSAGE,
    /** Authenticated segments: a salt, and 20 bytes per segment. */
    SEGMENTS
  }

  /**
   * Checks that a payload's stored size is possible for its content size and method (after the
   * encryption wrapped around it is taken away), which bounds every allocation a later read
   * makes.
   */
  private static void checkStoredSize(DirectoryEntry entry, int index, Sealing sealing)
      throws CorruptArchiveException {
    long size = entry.uncompressedSize();
    long storedSize = entry.storedSize();
    String where = "directory entry " + index + " '" + entry.path() + "'";
    Kind kind = kind(entry);
    // the range the plain payload's size can have, given the stored size
    long low;
    long high;
    switch (sealing) {
      case NONE:
        low = high = storedSize;
        break;
      case MESSAGE:
        low = high = storedSize - AesGcm.OVERHEAD;
        break;
      case SEGMENTS:
        if (kind == Kind.FRAMED) { // one segment for the frame count, one per frame
          low = high = storedSize - Segments.SALT_BYTES
              - (Framing.frameCount(size, entry.frameSize()) + 1) * Segments.SEGMENT_OVERHEAD;
        } else { // 64 KiB segments, at least one
          high = storedSize - Segments.SALT_BYTES - Segments.SEGMENT_OVERHEAD;
          low = high - Segments.SEGMENT_OVERHEAD * (Math.max(0, high) / Segments.SEGMENT_SIZE);
        }
        break;
      default:
        throw new AssertionError(sealing);
    }
    if (high < 0) {
      throw new CorruptArchiveException(where + ": " + storedSize + " stored bytes cannot hold"
          + " the encryption around its payload");
    }
    switch (kind) {
      case STORED:
        if (size < low || size > high
            || (sealing == Sealing.SEGMENTS && SegmentedWriter.streamSize(size) != storedSize)) {
          throw new CorruptArchiveException(where + ": stored uncompressed, but its stored size "
              + storedSize + " differs from its size " + size
              + (sealing == Sealing.NONE ? "" : " (and its encryption)"));
        }
        break;
      case BLOCK: {
        Codec codec = Codecs.of(entry.method());
        long most = codec.maxCompressedLength((int) size);
        long least = codec.minCompressedLength((int) size);
        if (low > most || high < least) {
          throw new CorruptArchiveException(where + ": " + storedSize + " stored bytes cannot be "
              + entry.method() + " data for " + size + " bytes (it needs " + least + " to " + most
              + (sealing == Sealing.NONE ? ")" : ", and its encryption)"));
        }
        break;
      }
      case FRAMED: {
        int frameSize = entry.frameSize();
        long frames = Framing.frameCount(size, frameSize);
        Codec codec = Codecs.of(entry.method());
        long least = 4;
        if (frames > 0) {
          int last = Framing.frameLength(size, frames - 1, frameSize);
          least += frames * 4 + (frames - 1) * codec.minCompressedLength(frameSize)
              + codec.minCompressedLength(last);
        }
        long most = 4 + frames * (4L + codec.maxCompressedLength(frameSize));
        if (frames > Framing.MAX_FRAMES || high < least || low > most) {
          throw new CorruptArchiveException(where + ": " + storedSize + " stored bytes cannot"
              + " hold the " + frames + " frames its size of " + size + " bytes needs");
        }
        break;
      }
      default:
        throw new AssertionError(entry.method());
    }
  }

  private static byte[] read(RandomAccessSource file, long position, int length)
      throws IOException {
    byte[] bytes = new byte[length];
    file.readFully(position, bytes, 0, length);
    return bytes;
  }

  private static void closeAfter(Throwable failure, Closeable... resources) {
    for (Closeable resource : resources) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }
}
