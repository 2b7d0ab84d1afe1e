package dev.engram.sqlite;

import dev.engram.ArchiveReader;
import dev.engram.EntryInfo;
import dev.engram.ReaderOptions;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Queries SQLite databases stored in an Engram archive, in place: no extraction, no temporary
 * file, no write to the archive. Connections are ordinary, read-only sqlite-jdbc connections
 * (all of SQLite's SQL, FTS5, JSON and window functions), whose pages are read from the archive
 * by the {@code engram} SQLite virtual file system as SQLite asks for them.
 *
 * <pre>{@code
 * try (VfsReader archive = VfsReader.open(Path.of("data.eng"));
 *     Connection db = archive.openDatabase("catalog.db");
 *     ResultSet rows = db.createStatement().executeQuery("SELECT name FROM books")) {
 *   while (rows.next()) {
 *     System.out.println(rows.getString(1));
 *   }
 * }
 * }</pre>
 *
 * <p><b>How pages are served.</b> A database stored compressed and framed (50 MiB and more, or
 * any size when written with {@link dev.engram.WriterOptions.Builder#databaseFrameSize}) is read
 * frame by frame: a query decompresses only the frames its pages lie in, and decoded
 * frames are shared by every connection through the archive reader's frame cache ({@link
 * ReaderOptions#frameCacheSize()}), so a database far larger than memory stays queryable. An
 * uncompressed database is read straight from the archive. A smaller compressed database is
 * decoded once into native memory, shared by every connection to it, and freed when the last of
 * them closes. Per-file encrypted databases are queryable when the reader has the key.
 *
 * <p><b>Where in-place access is unavailable</b> (no VFS shim for this platform in the jar, or
 * native access denied), each connection instead gets its own in-memory copy of the database
 * ({@code sqlite3_deserialize}), still without any file; this is logged once. {@link
 * #isInPlace()} tells which applies.
 *
 * <p><b>Read-only.</b> Any statement that writes fails with SQLite's read-only error.
 *
 * <p><b>Thread-safety.</b> Safe to share between threads; each connection, as with any JDBC
 * driver, is used by one thread at a time. Closing the reader makes queries on connections still
 * open fail with an I/O error: close connections first.
 */
public final class VfsReader implements Closeable {
  private static final System.Logger LOG = System.getLogger(VfsReader.class.getName());
  private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
  private static final Set<String> DATABASE_EXTENSIONS = Set.of(".db", ".sqlite", ".sqlite3");
  /** Smallest page size, so every non-empty database file is a multiple of it. */
  private static final int MIN_PAGE_SIZE = 512;
  private static final int HEADER_SIZE = 100;

  private final ArchiveReader archive;
  private final boolean ownsArchive;
  /** The in-place VFS, or null where connections get deserialized copies. */
  private final NativeVfs vfs;
  /** Databases with pages open, by entry path. Guarded by {@code this}. */
  private final Map<String, SharedDatabase> open = new HashMap<>();
  private volatile List<String> databases;
  private volatile boolean closed;

  private VfsReader(ArchiveReader archive, boolean ownsArchive, NativeVfs vfs) {
    this.archive = archive;
    this.ownsArchive = ownsArchive;
    this.vfs = vfs;
  }

  /**
   * Opens an archive with default reader options.
   *
   * @param archive the archive file
   * @return a reader that closes the archive when it is closed
   * @throws dev.engram.EngramException if the archive is damaged or unsupported
   * @throws IOException if it cannot be read
   */
  public static VfsReader open(Path archive) throws IOException {
    return open(archive, ReaderOptions.defaults());
  }

  /**
   * Opens an archive with reader options: limits, the key of an encrypted archive, and the size
   * of the frame cache that large databases are read through.
   *
   * @param archive the archive file
   * @param options reader options
   * @return a reader that closes the archive when it is closed
   * @throws dev.engram.EngramException if the archive is damaged, unsupported, or the key is
   *     wrong
   * @throws IOException if it cannot be read
   */
  public static VfsReader open(Path archive, ReaderOptions options) throws IOException {
    ArchiveReader reader = ArchiveReader.open(archive, options);
    return new VfsReader(reader, true, inPlaceVfs());
  }

  /**
   * Opens the archive at a URI with default reader options: see {@link #open(URI,
   * ReaderOptions)}.
   *
   * @param archive the archive's absolute URI
   * @return a reader that closes the archive when it is closed
   * @throws dev.engram.EngramException if the archive is damaged or unsupported
   * @throws UnsupportedOperationException if no installed module reads the URI's scheme
   * @throws java.nio.file.NoSuchFileException if nothing is there
   * @throws java.nio.file.AccessDeniedException if reading it is refused
   * @throws IOException if it cannot be read
   */
  public static VfsReader open(URI archive) throws IOException {
    return open(archive, ReaderOptions.defaults());
  }

  /**
   * Opens the archive at a URI: a {@code file:} URI, {@code http:} or {@code https:} (read with
   * range requests through the reader's block cache, never downloaded whole), or a scheme that
   * a module provides ({@code s3:} with engram-s3). A query then fetches the pages it reads:
   * the frames of a framed database that hold them, each frame once while it stays in the block
   * cache ({@link dev.engram.source.RemoteOptions#blockCacheSize()}) and the frame cache.
   *
   * @param archive the archive's absolute URI
   * @param options reader options; {@link ReaderOptions#remote()} says how to fetch
   * @return a reader that closes the archive when it is closed
   * @throws dev.engram.EngramException if the archive is damaged, unsupported, or the key is
   *     wrong
   * @throws UnsupportedOperationException if no installed module reads the URI's scheme
   * @throws java.nio.file.NoSuchFileException if nothing is there
   * @throws java.nio.file.AccessDeniedException if reading it is refused
   * @throws IOException if it cannot be read
   */
  public static VfsReader open(URI archive, ReaderOptions options) throws IOException {
    ArchiveReader reader = ArchiveReader.open(archive, options);
    return new VfsReader(reader, true, inPlaceVfs());
  }

  /**
   * Queries databases of an archive reader that is already open. Closing the returned reader
   * leaves {@code reader} open.
   *
   * @param reader an open archive reader, shared
   * @return a reader over it
   */
  public static VfsReader of(ArchiveReader reader) {
    return new VfsReader(reader, false, inPlaceVfs());
  }

  /** A reader that gives every connection a deserialized copy, as where the VFS is missing. */
  static VfsReader withoutVfs(ArchiveReader reader) {
    return new VfsReader(reader, false, null);
  }

  private static NativeVfs inPlaceVfs() {
    try {
      return NativeVfs.get();
    } catch (NativeVfs.UnavailableException e) {
      if (FALLBACK_LOGGED.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "engram-sqlite cannot query databases in place on"
            + " this JVM (" + e.getMessage() + "); each connection will hold an in-memory copy"
            + " of its database instead", e);
      }
      return null;
    }
  }

  /**
   * Returns the archive being read.
   *
   * @return the archive reader
   */
  public ArchiveReader archive() {
    return archive;
  }

  /**
   * Says whether databases are read in place through the VFS, rather than copied into memory per
   * connection.
   *
   * @return true when the VFS is in use
   */
  public boolean isInPlace() {
    return vfs != null;
  }

  /**
   * Lists the databases in the archive: entries named {@code .db}, {@code .sqlite} or {@code
   * .sqlite3}, and entries of any name that start with the SQLite header. Computed once.
   *
   * @return entry paths, in archive order
   * @throws IllegalStateException if the reader is closed
   */
  public List<String> listDatabases() {
    ensureOpen();
    List<String> found = databases;
    if (found == null) {
      synchronized (this) {
        found = databases;
        if (found == null) {
          found = findDatabases();
          databases = found;
        }
      }
    }
    return found;
  }

  private List<String> findDatabases() {
    Set<String> paths = new LinkedHashSet<>();
    for (EntryInfo entry : archive.entries()) {
      String path = entry.path();
      if (paths.contains(path)) {
        continue;
      }
      if (hasDatabaseName(path) || looksLikeDatabase(entry)) {
        paths.add(path);
      }
    }
    return Collections.unmodifiableList(new ArrayList<>(paths));
  }

  private static boolean hasDatabaseName(String path) {
    int dot = path.lastIndexOf('.');
    return dot > path.lastIndexOf('/')
        && DATABASE_EXTENSIONS.contains(path.substring(dot).toLowerCase(Locale.ROOT));
  }

  /** Reads the first bytes of an entry whose size could be a database's. */
  private boolean looksLikeDatabase(EntryInfo entry) {
    long size = entry.uncompressedSize();
    if (size < MIN_PAGE_SIZE || size % MIN_PAGE_SIZE != 0) {
      return false;
    }
    try (InputStream in = archive.openStream(entry.path())) {
      return Arrays.equals(in.readNBytes(Sqlite.HEADER_MAGIC.length), Sqlite.HEADER_MAGIC);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "not a database: " + entry.path(), e);
      return false; // unreadable here (damaged, no key): not listed as a database
    }
  }

  /**
   * Opens a read-only connection to a database in the archive. The first connection to a
   * database opens its pages (for a database decoded whole, this is when it is decoded and its
   * CRC32 checked); later connections share them.
   *
   * @param path the database's entry path
   * @return a new sqlite-jdbc connection, to be closed by the caller
   * @throws NoSuchFileException if the archive has no such entry
   * @throws SQLException if the entry is not a SQLite database (an {@link SQLiteException} with
   *     {@link SQLiteErrorCode#SQLITE_NOTADB}), or SQLite cannot open it
   * @throws dev.engram.EngramException if the entry is damaged, beyond the reader's limits, or
   *     encrypted without a key
   * @throws IllegalStateException if the reader is closed
   * @throws IOException if reading the archive fails
   */
  public Connection openDatabase(String path) throws IOException, SQLException {
    ensureOpen();
    EntryInfo entry = archive.entry(path).orElseThrow(() -> new NoSuchFileException(path, null,
        "no such entry in " + archive.name()));
    if (vfs == null) {
      return openCopy(entry);
    }
    SharedDatabase database = acquire(entry);
    try {
      SQLiteConfig config = connectionConfig();
      return config.createConnection("jdbc:sqlite:file:" + database.vfsName() + "?vfs="
          + NativeVfs.NAME);
    } finally {
      database.release(); // the connection's file handle holds it now
    }
  }

  /**
   * Returns a {@link DataSource} whose connections are {@link #openDatabase(String)
   * openDatabase(path)}, for connection pools, jOOQ, Spring's JdbcTemplate and the like. User
   * names and passwords are ignored: SQLite has none.
   *
   * @param path the database's entry path
   * @return a data source, valid while this reader is open
   * @throws IllegalArgumentException if the archive has no such entry
   */
  public DataSource dataSource(String path) {
    if (!archive.contains(path)) {
      throw new IllegalArgumentException("no entry '" + path + "' in " + archive.name());
    }
    return new ArchiveDataSource(this, path);
  }

  /** Gets the shared database of an entry, opening its pages if no connection has them. */
  private synchronized SharedDatabase acquire(EntryInfo entry)
      throws IOException, SQLException {
    SharedDatabase existing = open.get(entry.path());
    if (existing != null && existing.acquire()) {
      return existing;
    }
    DatabasePages pages = DatabasePages.of(archive, entry);
    try {
      checkHeader(entry, pages);
    } catch (SQLException | IOException | RuntimeException e) {
      pages.close();
      throw e;
    }
    SharedDatabase database = new SharedDatabase(vfs.newName(), entry.path(), this, pages,
        this::forget);
    open.put(entry.path(), database);
    vfs.publish(database);
    return database;
  }

  /** Called when the last user of a database lets go. */
  private void forget(SharedDatabase database) {
    vfs.withdraw(database);
    synchronized (this) {
      open.remove(database.entryPath(), database);
    }
  }

  private void checkHeader(EntryInfo entry, DatabasePages pages)
      throws IOException, SQLException {
    if (pages.size() == 0) {
      return; // SQLite treats an empty file as an empty database
    }
    byte[] header = new byte[Sqlite.HEADER_MAGIC.length];
    if (pages.size() >= HEADER_SIZE) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment first = arena.allocate(header.length);
        pages.read(0, first);
        MemorySegment.copy(first, ValueLayout.JAVA_BYTE, 0, header, 0, header.length);
      }
    }
    checkHeader(entry, header);
  }

  private void checkHeader(EntryInfo entry, byte[] header) throws SQLException {
    if (!Arrays.equals(header, 0, Sqlite.HEADER_MAGIC.length, Sqlite.HEADER_MAGIC, 0,
        Sqlite.HEADER_MAGIC.length)) {
      throw new SQLiteException("entry '" + entry.path() + "' in " + archive.name()
          + " is not a SQLite database (it does not start with \"SQLite format 3\")",
          SQLiteErrorCode.SQLITE_NOTADB);
    }
  }

  /** Where the VFS is missing: a private in-memory copy of the database. */
  private Connection openCopy(EntryInfo entry) throws IOException, SQLException {
    byte[] bytes = archive.read(entry.path());
    if (bytes.length > 0) {
      checkHeader(entry, Arrays.copyOf(bytes, Math.min(bytes.length, HEADER_SIZE)));
      if (bytes.length >= HEADER_SIZE && bytes[18] == 2 && bytes[19] == 2) {
        // an in-memory database cannot be in WAL mode; the copy holds every committed page
        bytes[18] = 1;
        bytes[19] = 1;
      }
    }
    SQLiteConfig config = connectionConfig();
    config.setReadOnly(false); // deserialize needs a writable handle; query_only below
    Connection connection = config.createConnection("jdbc:sqlite::memory:");
    try {
      connection.unwrap(SQLiteConnection.class).deserialize("main", bytes);
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA query_only = 1");
      }
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private static SQLiteConfig connectionConfig() {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    // temporary tables and sorts stay in SQLite's memory (the VFS keeps them in memory too)
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    return config;
  }

  /** Fails if the reader is closed. */
  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("VfsReader for " + archive.name() + " is closed");
    }
  }

  /** How many databases have pages open now (for leak checks). */
  synchronized int openDatabaseCount() {
    return open.size();
  }

  /**
   * Closes the reader, and the archive reader if this reader opened it. Connections still open
   * fail their next read with an I/O error; their memory is freed when they are closed. Closing
   * twice does nothing.
   *
   * @throws IOException if closing the archive fails
   */
  @Override
  public void close() throws IOException {
    closed = true;
    if (ownsArchive) {
      archive.close();
    }
  }

  @Override
  public String toString() {
    return "VfsReader[" + archive.name() + (isInPlace() ? ", in place" : ", copies") + "]";
  }
}
