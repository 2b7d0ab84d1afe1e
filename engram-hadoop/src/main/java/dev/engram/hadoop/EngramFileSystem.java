package dev.engram.hadoop;

import dev.engram.EncryptionMode;
import dev.engram.EntryInfo;
import dev.engram.ReaderOptions;
import dev.engram.nio.EngramFileAttributes;
import dev.engram.nio.EngramFileSystemProvider;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIOException;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The files inside Engram archives as a read-only Hadoop file system, scheme {@code engram}, so
 * that Spark, Hive, Flink, Trino and MapReduce read them in place, wherever Hadoop keeps the
 * archives. Hadoop finds it through {@code META-INF/services/org.apache.hadoop.fs.FileSystem}
 * (or {@code fs.engram.impl=dev.engram.hadoop.EngramFileSystem}):
 *
 * <pre>{@code
 * spark.read().option("header", "true").csv("engram:///data/sales.eng/2026/*.csv");
 * spark.read().parquet("engram://hdfs-namenode:8020/warehouse/events.eng/events/");
 * }</pre>
 *
 * <p><b>Paths</b> follow the convention of Hadoop archives ({@code har:}): the first path
 * component that ends in {@code .eng} is an archive, and what follows it is a path inside the
 * archive. {@code engram:///data/x.eng/dir/file.csv} is {@code dir/file.csv} in {@code
 * /data/x.eng} on the default file system; {@code engram://SCHEME-HOST[:PORT]/...} puts the
 * archive on another one: {@code engram://hdfs-namenode:8020/data/x.eng/...} on {@code
 * hdfs://namenode:8020}, {@code engram://s3a-bucket/x.eng/...} on {@code s3a://bucket}, {@code
 * engram://file-/tmp/x.eng/...} on the local file system. Inside an archive, directories are
 * implied by entry names ({@code a/b/c.txt} makes {@code a} and {@code a/b}), as in the {@code
 * engram:} java.nio file system ({@link dev.engram.nio.EngramFileSystem}), which this one reads
 * through: entries that cannot be files of that tree (names that could escape the root,
 * duplicates) are not listed. Above the archives, a path is a directory of the underlying file
 * system, listed with its subdirectories and its {@code .eng} archives (as directories); other
 * files there are not paths of this file system.
 *
 * <p><b>Reading.</b> An archive is read through the underlying file system's positioned reads
 * ({@link HadoopSource}), so it may live on any Hadoop file system; a reader on HDFS or object
 * storage gets engram-core's block cache and read-ahead. {@link #open} returns a stream that
 * supports {@code seek}, positioned and vectored reads from any number of threads, and decodes
 * only the 64 KiB frames a read touches: a split of a large CSV entry, or a Parquet footer, is
 * read without decoding the rest. File lengths are the entries' content sizes.
 * {@link #getFileBlockLocations} gives the underlying blocks that hold an entry's stored bytes.
 *
 * <p><b>Open archives</b> are cached per file system instance (Hadoop shares one instance per
 * scheme, authority and user), the least recently used closed beyond {@value
 * #DEFAULT_MAX_OPEN_ARCHIVES} ({@link #MAX_OPEN_ARCHIVES}): a job that reads ten thousand entries
 * of one archive opens it once per JVM. A cached archive whose underlying file's length or
 * modification time changed is opened again (checked at most once per {@link #CHECK_INTERVAL},
 * one second by default). Each open archive's reader holds at most a frame cache ({@link
 * #FRAME_CACHE_SIZE}, 64 MiB) and, on a file system other than the local one, a block cache
 * ({@link #BLOCK_CACHE_SIZE}, 64 MiB): lower them, or {@link #MAX_OPEN_ARCHIVES}, where memory is
 * tight.
 *
 * <p><b>Encrypted archives</b> take their key from a key file ({@link #KEY_FILE}: a path on any
 * Hadoop file system, holding 32 bytes or 64 hex digits) or from Hadoop's credential providers
 * ({@link #KEY_ALIAS}: an alias whose credential is the key in 64 hex digits; {@link
 * #PASSPHRASE_ALIAS}: a passphrase), never from the configuration in clear: {@code
 * fs.engram.key} and {@code fs.engram.passphrase} are refused, and aliases are not looked up in
 * the configuration's clear-text fallback. One key serves every archive of a file system
 * instance.
 *
 * <p><b>Read-only:</b> creating, appending, renaming, deleting and changing attributes throw a
 * {@link PathIOException} that says so.
 *
 * <p>Thread-safe.
 */
public class EngramFileSystem extends FileSystem {
  /** The URI scheme, {@value}. */
  public static final String SCHEME = "engram";
  /** Property: a key file (32 bytes or 64 hex digits) on any Hadoop file system. */
  public static final String KEY_FILE = "fs.engram.key.file";
  /** Property: the alias, in Hadoop's credential providers, of the key in 64 hex digits. */
  public static final String KEY_ALIAS = "fs.engram.key.alias";
  /** Property: the alias, in Hadoop's credential providers, of the passphrase. */
  public static final String PASSPHRASE_ALIAS = "fs.engram.passphrase.alias";
  /**
   * Property: how many threads each open archive's reader decodes with (read-ahead of framed
   * entries); by default the number of available processors.
   */
  public static final String READER_THREADS = "fs.engram.reader.threads";
  /**
   * Property: the bytes of decoded frames each open archive's reader keeps for positioned reads
   * (a Hadoop size such as {@code 64m}); 64 MiB by default.
   */
  public static final String FRAME_CACHE_SIZE = "fs.engram.frame.cache.size";
  /**
   * Property: the bytes of the archive each open archive's reader keeps in its block cache when
   * the underlying file system is not the local one (a Hadoop size such as {@code 16m}); 64 MiB by
   * default, at least 64 KiB.
   */
  public static final String BLOCK_CACHE_SIZE = "fs.engram.block.cache.size";
  /** Property: how many archives a file system instance keeps open at most. */
  public static final String MAX_OPEN_ARCHIVES = "fs.engram.archives.max-open";
  /** The default of {@link #MAX_OPEN_ARCHIVES}. */
  public static final int DEFAULT_MAX_OPEN_ARCHIVES = 16;
  /**
   * Property: how often at most a cached archive's underlying file is checked for a change (a
   * Hadoop time duration such as {@code 1s} or {@code 500ms}; {@code 0} checks at every use).
   */
  public static final String CHECK_INTERVAL = "fs.engram.archives.check-interval";

  private static final FsPermission FILE_PERMISSION = FsPermission.createImmutable((short) 0444);
  private static final FsPermission DIRECTORY_PERMISSION =
      FsPermission.createImmutable((short) 0555);

  private URI uri;
  private URI underlyingUri;
  private FileSystem underlying;
  private Path workingDirectory;
  private ReaderOptions readerOptions;
  private OpenArchives archives;
  private volatile ThreadPoolExecutor vectoredPool;
  private volatile boolean closed;

  /** Makes a file system; Hadoop calls {@link #initialize} next. */
  public EngramFileSystem() {}

  /**
   * Returns {@value #SCHEME}.
   *
   * @return the scheme
   */
  @Override
  public String getScheme() {
    return SCHEME;
  }

  /**
   * Sets the file system up for the authority of {@code name} (see the class comment) and reads
   * the key of encrypted archives if one is configured.
   *
   * @param name an {@code engram:} URI
   * @param conf the configuration
   * @throws IllegalArgumentException if the authority does not name a file system, the
   *     configuration holds a secret in clear, or names more than one key
   * @throws IOException if the underlying file system cannot be reached, or the key cannot be
   *     read
   */
  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    setConf(conf);
    String authority = name.getAuthority();
    if (authority == null || authority.isEmpty()) {
      uri = URI.create(SCHEME + ":///");
      underlying = FileSystem.get(FileSystem.getDefaultUri(conf), conf);
    } else {
      uri = URI.create(SCHEME + "://" + authority);
      underlying = FileSystem.get(ArchivePath.underlyingUri(authority), conf);
    }
    if (underlying instanceof EngramFileSystem) {
      throw new IllegalArgumentException(name + ": archives inside archives are not supported");
    }
    underlyingUri = underlying.getUri();
    workingDirectory = engramPath(underlying.getWorkingDirectory().toUri().getPath());
    int maxOpen = conf.getInt(MAX_OPEN_ARCHIVES, DEFAULT_MAX_OPEN_ARCHIVES);
    long interval = conf.getTimeDuration(CHECK_INTERVAL, 1000, TimeUnit.MILLISECONDS);
    if (maxOpen < 1 || interval < 0) {
      throw new IllegalArgumentException(maxOpen < 1
          ? MAX_OPEN_ARCHIVES + " must be at least 1, not " + maxOpen
          : CHECK_INTERVAL + " must not be negative");
    }
    readerOptions = ReaderConfiguration.readerOptions(conf);
    archives = new OpenArchives(maxOpen, TimeUnit.MILLISECONDS.toNanos(interval),
        new OpenArchives.Opener() {
          @Override
          public OpenArchive open(Path archive, long now) throws IOException {
            return openArchive(archive, now);
          }

          @Override
          public FileStatus status(Path archive) throws IOException {
            return underlying.getFileStatus(archive);
          }
        });
  }

  private OpenArchive openArchive(Path archive, long now) throws IOException {
    HadoopSource source = HadoopSource.open(underlying, archive);
    dev.engram.nio.EngramFileSystem files =
        Providers.ENGRAM.newFileSystem(source, Map.of("readerOptions", readerOptions));
    return new OpenArchive(files, source.status(), now);
  }

  /** The installed engram: provider, else one of this class loader's (Spark's --jars). */
  private static final class Providers {
    static final EngramFileSystemProvider ENGRAM = find();

    private static EngramFileSystemProvider find() {
      for (FileSystemProvider provider : FileSystemProvider.installedProviders()) {
        if (provider instanceof EngramFileSystemProvider engram) {
          return engram;
        }
      }
      return new EngramFileSystemProvider();
    }
  }

  /**
   * Returns {@code engram:///} or {@code engram://AUTHORITY}.
   *
   * @return the URI
   */
  @Override
  public URI getUri() {
    return uri;
  }

  /**
   * Returns the underlying file system, so that delegation tokens are collected for it.
   *
   * @return the one file system that holds the archives
   */
  @Override
  public FileSystem[] getChildFileSystems() {
    return new FileSystem[] {underlying};
  }

  /**
   * Returns null: this file system issues no delegation tokens of its own (the underlying one
   * does, through {@link #getChildFileSystems()}).
   *
   * @return null
   */
  @Override
  public String getCanonicalServiceName() {
    return null;
  }

  @Override
  public Path getWorkingDirectory() {
    return workingDirectory;
  }

  @Override
  public void setWorkingDirectory(Path dir) {
    workingDirectory = makeQualified(dir);
  }

  // ---- paths

  private Path engramPath(String absolutePath) {
    return new Path(uri.getScheme(), uri.getAuthority(), absolutePath);
  }

  private ArchivePath locate(Path path) throws IOException {
    ensureOpen();
    return ArchivePath.of(makeQualified(path).toUri().getPath(), underlyingUri);
  }

  /** The path inside an archive as the archive's java.nio file system has it. */
  private static java.nio.file.Path inside(OpenArchive archive, String inner) {
    return archive.files().getPath(inner);
  }

  private static EngramFileAttributes attributes(OpenArchive archive, String inner, Path path)
      throws IOException {
    try {
      return Files.readAttributes(inside(archive, inner), EngramFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw notFound(path, archive);
    }
  }

  private static FileNotFoundException notFound(Path path, OpenArchive archive) {
    return new FileNotFoundException(path + ": no such file or directory in the archive "
        + archive.status().getPath());
  }

  // ---- status and listing

  /**
   * Returns the status of a file or directory in an archive (an archive itself is a directory),
   * or of a directory above the archives.
   *
   * @throws FileNotFoundException if there is no such path, or it is a file of the underlying
   *     file system that is not an archive
   * @throws dev.engram.EngramException if the archive is damaged or needs a key
   * @throws IOException if reading fails
   */
  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    ArchivePath at = locate(f);
    Path qualified = makeQualified(f);
    if (!at.inArchive()) {
      FileStatus status = underlying.getFileStatus(at.underlying());
      if (!status.isDirectory()) {
        throw new FileNotFoundException(f + ": neither an archive (" + ArchivePath.SUFFIX
            + ") nor a directory that can hold archives");
      }
      return directoryOf(qualified, status);
    }
    try (OpenArchive.Lease lease = archives.lease(at.underlying())) {
      OpenArchive archive = lease.archive();
      return status(qualified, attributes(archive, at.inner(), f), archive.status());
    }
  }

  private static FileStatus status(Path path, BasicFileAttributes attributes,
      FileStatus archive) {
    boolean directory = attributes.isDirectory();
    return new FileStatus(directory ? 0 : attributes.size(), directory,
        directory ? 0 : archive.getReplication(), directory ? 0 : archive.getBlockSize(),
        attributes.lastModifiedTime().toMillis(), 0,
        directory ? DIRECTORY_PERMISSION : FILE_PERMISSION, archive.getOwner(),
        archive.getGroup(), path);
  }

  private static FileStatus directoryOf(Path path, FileStatus underlying) {
    return new FileStatus(0, true, 0, 0, underlying.getModificationTime(), 0,
        DIRECTORY_PERMISSION, underlying.getOwner(), underlying.getGroup(), path);
  }

  /**
   * Lists a directory in an archive (an archive's root included), or a directory above the
   * archives (its subdirectories and archives); a file lists as itself.
   *
   * @throws FileNotFoundException if there is no such path
   * @throws dev.engram.EngramException if the archive is damaged or needs a key
   * @throws IOException if reading fails
   */
  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    ArchivePath at = locate(f);
    Path qualified = makeQualified(f);
    if (!at.inArchive()) {
      getFileStatus(f); // a file that is not an archive is not ours
      List<FileStatus> out = new ArrayList<>();
      for (FileStatus child : underlying.listStatus(at.underlying())) {
        String name = child.getPath().getName();
        if (child.isDirectory() || child.isFile() && name.endsWith(ArchivePath.SUFFIX)
            && name.length() > ArchivePath.SUFFIX.length()) {
          out.add(directoryOf(engramPath(child.getPath().toUri().getPath()), child));
        }
      }
      return out.toArray(new FileStatus[0]);
    }
    try (OpenArchive.Lease lease = archives.lease(at.underlying())) {
      OpenArchive archive = lease.archive();
      EngramFileAttributes self = attributes(archive, at.inner(), f);
      if (!self.isDirectory()) {
        return new FileStatus[] {status(qualified, self, archive.status())};
      }
      String prefix = qualified.toUri().getPath();
      prefix = prefix.endsWith("/") ? prefix : prefix + "/";
      List<FileStatus> out = new ArrayList<>();
      try (DirectoryStream<java.nio.file.Path> children =
          Files.newDirectoryStream(inside(archive, at.inner()))) {
        for (java.nio.file.Path child : children) {
          BasicFileAttributes attributes =
              Files.readAttributes(child, EngramFileAttributes.class);
          out.add(status(engramPath(prefix + child.getFileName()), attributes,
              archive.status()));
        }
      }
      return out.toArray(new FileStatus[0]);
    }
  }

  /**
   * Sums the files below a path (or the file itself): content bytes as length, stored bytes as
   * space consumed, files, and directories (the path's own included).
   *
   * @throws FileNotFoundException if there is no such path
   * @throws IOException if reading fails
   */
  @Override
  public ContentSummary getContentSummary(Path f) throws IOException {
    ArchivePath at = locate(f);
    if (!at.inArchive()) {
      return super.getContentSummary(f);
    }
    try (OpenArchive.Lease lease = archives.lease(at.underlying())) {
      OpenArchive archive = lease.archive();
      attributes(archive, at.inner(), f);
      long[] sums = new long[4]; // length, stored, files, directories
      Files.walkFileTree(inside(archive, at.inner()), new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(java.nio.file.Path dir,
            BasicFileAttributes attrs) {
          sums[3]++;
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attrs) {
          sums[0] += attrs.size();
          sums[1] += ((EngramFileAttributes) attrs).storedSize();
          sums[2]++;
          return FileVisitResult.CONTINUE;
        }
      });
      return new ContentSummary.Builder().length(sums[0]).spaceConsumed(sums[1])
          .fileCount(sums[2]).directoryCount(sums[3]).build();
    }
  }

  // ---- reading

  /**
   * Opens a file in an archive for reading; see the class comment and {@link FSDataInputStream}.
   * The stream holds its archive open (in the cache) until it is closed.
   *
   * @param f the file
   * @param bufferSize ignored: the stream reads whole frames
   * @throws FileNotFoundException if there is no such file, or it is a directory
   * @throws dev.engram.EngramException if the archive or the entry is damaged, or needs a key
   * @throws IOException if reading fails
   */
  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    ArchivePath at = locate(f);
    if (!at.inArchive()) {
      throw new FileNotFoundException(f + ": not a file in an archive (" + ArchivePath.SUFFIX
          + ")");
    }
    OpenArchive.Lease lease = archives.lease(at.underlying());
    try {
      OpenArchive archive = lease.archive();
      EngramFileAttributes attributes = attributes(archive, at.inner(), f);
      if (attributes.isDirectory()) {
        throw new FileNotFoundException(f + " is a directory");
      }
      String entry = attributes.entryName().orElseThrow();
      return new FSDataInputStream(new EntryStream(lease, entry, makeQualified(f).toString(),
          attributes.size(), statistics, vectoredReads()));
    } catch (IOException | RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  private Executor vectoredReads() {
    ThreadPoolExecutor pool = vectoredPool;
    if (pool == null) {
      synchronized (this) {
        pool = vectoredPool;
        if (pool == null) {
          int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
          AtomicInteger count = new AtomicInteger();
          pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "engram-vectored-read-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
          pool.allowCoreThreadTimeOut(true);
          vectoredPool = pool;
        }
      }
    }
    return pool;
  }

  /**
   * Returns where an entry's bytes lie: the underlying file system's blocks that hold the part of
   * the archive storing the entry, with offsets and lengths in the entry's content. The archive's
   * blocks are asked for once per open archive, not once per entry. A compressed
   * entry's content maps onto its stored bytes in proportion (frames compress unevenly, so a
   * boundary is an estimate); the hosts are exact for the stored bytes.
   *
   * @param file the status of a file of this file system
   * @param start the first byte of the content asked about
   * @param len how many bytes
   * @return the blocks that overlap the range; empty for a directory or a range past the end
   * @throws IllegalArgumentException if {@code start} or {@code len} is negative
   * @throws IOException if the archive cannot be read
   */
  @Override
  public BlockLocation[] getFileBlockLocations(FileStatus file, long start, long len)
      throws IOException {
    if (file == null) {
      return null;
    }
    if (start < 0 || len < 0) {
      throw new IllegalArgumentException("invalid start or len: " + start + ", " + len);
    }
    if (file.isDirectory() || file.getLen() <= start) {
      return new BlockLocation[0];
    }
    ArchivePath at = locate(file.getPath());
    if (!at.inArchive()) {
      return new BlockLocation[0];
    }
    try (OpenArchive.Lease lease = archives.lease(at.underlying())) {
      OpenArchive archive = lease.archive();
      EngramFileAttributes attributes = attributes(archive, at.inner(), file.getPath());
      if (attributes.isDirectory()) {
        return new BlockLocation[0];
      }
      dev.engram.ArchiveReader reader = archive.files().reader();
      EntryInfo entry = reader.entry(attributes.entryName().orElseThrow()).orElseThrow();
      FileStatus archiveStatus = archive.status();
      long first;
      long stored;
      if (reader.encryption().orElse(null) == EncryptionMode.ARCHIVE) {
        first = 0; // offsets count in the decrypted body: say the whole file
        stored = archiveStatus.getLen();
      } else {
        first = entry.payloadOffset();
        stored = Math.max(1, entry.storedSize());
      }
      return EntryBlocks.map(archive.blocks(underlying), first, stored, attributes.size(), start,
          len);
    }
  }

  // ---- writing: refused

  private PathIOException readOnly(Path f, String operation) {
    return new PathIOException(String.valueOf(f), "engram file systems are read-only: cannot "
        + operation);
  }

  /**
   * Refused: archives are read-only here.
   *
   * @throws PathIOException always
   */
  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite,
      int bufferSize, short replication, long blockSize, Progressable progress)
      throws IOException {
    throw readOnly(f, "create");
  }

  /**
   * Refused: archives are read-only here.
   *
   * @throws PathIOException always
   */
  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress)
      throws IOException {
    throw readOnly(f, "append");
  }

  /**
   * Refused: archives are read-only here.
   *
   * @throws PathIOException always
   */
  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    throw readOnly(src, "rename to " + dst);
  }

  /**
   * Refused: archives are read-only here.
   *
   * @throws PathIOException always
   */
  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    throw readOnly(f, "delete");
  }

  /**
   * Refused: archives are read-only here.
   *
   * @throws PathIOException always
   */
  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    throw readOnly(f, "make directories");
  }

  /**
   * Refused: archives are read-only here.
   *
   * @throws PathIOException always
   */
  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    throw readOnly(p, "set permissions");
  }

  /**
   * Refused: archives are read-only here.
   *
   * @throws PathIOException always
   */
  @Override
  public void setOwner(Path p, String username, String groupname) throws IOException {
    throw readOnly(p, "set the owner");
  }

  /**
   * Refused: archives are read-only here.
   *
   * @throws PathIOException always
   */
  @Override
  public void setTimes(Path p, long mtime, long atime) throws IOException {
    throw readOnly(p, "set times");
  }

  /**
   * Refused: archives are read-only here.
   *
   * @throws PathIOException always
   */
  @Override
  public boolean setReplication(Path src, short replication) throws IOException {
    throw readOnly(src, "set the replication");
  }

  // ----

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException(uri + ": the file system is closed");
    }
  }

  /** The number of archives open (for tests). */
  int openArchiveCount() {
    return archives.size();
  }

  /** The frame cache of an archive's reader (for tests). */
  dev.engram.FrameCacheStatistics frameCacheStatistics(Path archive) throws IOException {
    try (OpenArchive.Lease lease = archives.lease(locate(archive).underlying())) {
      return lease.archive().files().reader().frameCacheStatistics();
    }
  }

  /**
   * Closes every archive that no stream holds (the others close with their last stream), and
   * the file system. The underlying file system stays open: Hadoop shares it.
   *
   * @throws IOException if closing an archive fails (the file system is closed all the same)
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (archives != null) {
        archives.close();
      }
    } finally {
      ThreadPoolExecutor pool = vectoredPool;
      if (pool != null) {
        pool.shutdown();
      }
      if (readerOptions != null) {
        readerOptions.destroy();
      }
      super.close();
    }
  }

  @Override
  public String toString() {
    return "EngramFileSystem[" + uri + " on " + underlyingUri + "]";
  }
}
