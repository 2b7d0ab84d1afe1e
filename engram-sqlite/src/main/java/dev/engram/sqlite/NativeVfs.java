package dev.engram.sqlite;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code engram} SQLite virtual file system: SQLite's file calls answered from archive
 * entries, written in Java with the foreign-function API and registered once per JVM.
 *
 * <p>Databases are published under names ({@code /engram/<n>}) that connections open with {@code
 * file:/engram/<n>?vfs=engram}. The main database file is read-only and immutable (no locks, no
 * journal, no change detection); every other file SQLite asks for (temporary tables, sorter
 * spills, statement journals) is a {@link TempFile} in memory. Nothing touches the disk.
 *
 * <p>Every callback catches everything and answers with an SQLite error code: an exception
 * escaping into native code would end the JVM. Failures reading the archive are logged and
 * surface in SQL as {@code SQLITE_IOERR_READ}.
 *
 * <p>Thread-safe: SQLite calls it from every thread that runs a statement.
 */
// restricted: calling native code through the foreign-function API is this class's job; the
// JVM's --enable-native-access decides at run time (VfsReader falls back when it is denied)
@SuppressWarnings("restricted")
final class NativeVfs {
  /** The name connections select the VFS by ({@code ?vfs=engram}). */
  static final String NAME = "engram";

  private static final System.Logger LOG = System.getLogger(NativeVfs.class.getName());
  private static final int MAX_PATHNAME = 512;

  // struct sqlite3_vfs, version 2 (LP64 layout)
  private static final StructLayout VFS = MemoryLayout.structLayout(
      JAVA_INT.withName("iVersion"), JAVA_INT.withName("szOsFile"),
      JAVA_INT.withName("mxPathname"), MemoryLayout.paddingLayout(4),
      ADDRESS.withName("pNext"), ADDRESS.withName("zName"), ADDRESS.withName("pAppData"),
      ADDRESS.withName("xOpen"), ADDRESS.withName("xDelete"), ADDRESS.withName("xAccess"),
      ADDRESS.withName("xFullPathname"), ADDRESS.withName("xDlOpen"),
      ADDRESS.withName("xDlError"), ADDRESS.withName("xDlSym"), ADDRESS.withName("xDlClose"),
      ADDRESS.withName("xRandomness"), ADDRESS.withName("xSleep"),
      ADDRESS.withName("xCurrentTime"), ADDRESS.withName("xGetLastError"),
      ADDRESS.withName("xCurrentTimeInt64"));

  // struct sqlite3_io_methods, version 1
  private static final StructLayout IO_METHODS = MemoryLayout.structLayout(
      JAVA_INT.withName("iVersion"), MemoryLayout.paddingLayout(4),
      ADDRESS.withName("xClose"), ADDRESS.withName("xRead"), ADDRESS.withName("xWrite"),
      ADDRESS.withName("xTruncate"), ADDRESS.withName("xSync"), ADDRESS.withName("xFileSize"),
      ADDRESS.withName("xLock"), ADDRESS.withName("xUnlock"),
      ADDRESS.withName("xCheckReservedLock"), ADDRESS.withName("xFileControl"),
      ADDRESS.withName("xSectorSize"), ADDRESS.withName("xDeviceCharacteristics"));

  // our sqlite3_file: the methods pointer SQLite requires first, then our handle
  private static final StructLayout FILE = MemoryLayout.structLayout(
      ADDRESS.withName("pMethods"), JAVA_LONG.withName("handle"));
  private static final long FILE_METHODS = FILE.byteOffset(groupElement("pMethods"));
  private static final long FILE_HANDLE = FILE.byteOffset(groupElement("handle"));

  /** The functions SQLite's default VFS does well that we borrow: loading, time, randomness. */
  private static final String[] BORROWED = {"xDlOpen", "xDlError", "xDlSym", "xDlClose",
      "xRandomness", "xSleep", "xCurrentTime", "xGetLastError", "xCurrentTimeInt64"};

  private static final Object LOCK = new Object();
  private static NativeVfs instance;
  private static Throwable unavailable;

  private final ConcurrentHashMap<String, SharedDatabase> databases = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, OpenFile> files = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong();
  private final AtomicLong nextName = new AtomicLong();
  private final AtomicLong temporaryFilesOpened = new AtomicLong();
  private final String sqliteVersion;
  /** The io methods struct every open file points to; kept for the life of the JVM. */
  private MemorySegment ioMethods;

  private NativeVfs(String sqliteVersion) {
    this.sqliteVersion = sqliteVersion;
  }

  /**
   * Returns the VFS, loading the native shim and registering the VFS on first use.
   *
   * @return the VFS
   * @throws UnavailableException if it cannot be used in this JVM (the cause says why)
   */
  static NativeVfs get() throws UnavailableException {
    synchronized (LOCK) {
      if (instance == null && unavailable == null) {
        try {
          instance = register(NativeShim.load());
        } catch (Throwable e) {
          unavailable = e;
        }
      }
      if (instance == null) {
        throw new UnavailableException(unavailable);
      }
      return instance;
    }
  }

  /** Thrown when the VFS cannot be used in this JVM. */
  static final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnavailableException(Throwable cause) {
      super(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
    }
  }

  private static NativeVfs register(NativeShim shim) throws Throwable {
    NativeVfs vfs = new NativeVfs(shim.sqliteVersion());
    Arena global = Arena.global();
    Linker linker = Linker.nativeLinker();
    MethodHandles.Lookup lookup = MethodHandles.lookup();

    MemorySegment defaultVfs = shim.findVfs(MemorySegment.NULL);
    if (defaultVfs.equals(MemorySegment.NULL)) {
      throw new IllegalStateException("SQLite has no default VFS to borrow from");
    }
    defaultVfs = defaultVfs.reinterpret(VFS.byteSize());
    if (defaultVfs.get(JAVA_INT, 0) < 2) {
      throw new IllegalStateException("SQLite's default VFS is older than version 2");
    }

    MemorySegment io = global.allocate(IO_METHODS);
    io.set(JAVA_INT, IO_METHODS.byteOffset(groupElement("iVersion")), 1);
    List<Callback> ioCallbacks = List.of(
        new Callback("xClose", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
        new Callback("xRead", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT,
            JAVA_LONG)),
        new Callback("xWrite", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT,
            JAVA_LONG)),
        new Callback("xTruncate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG)),
        new Callback("xSync", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
        new Callback("xFileSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
        new Callback("xLock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
        new Callback("xUnlock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
        new Callback("xCheckReservedLock", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
        new Callback("xFileControl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
            ADDRESS)),
        new Callback("xSectorSize", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
        new Callback("xDeviceCharacteristics", FunctionDescriptor.of(JAVA_INT, ADDRESS)));
    for (Callback callback : ioCallbacks) {
      io.set(ADDRESS, IO_METHODS.byteOffset(groupElement(callback.name())),
          callback.stub(vfs, linker, lookup, global));
    }
    vfs.ioMethods = io;

    MemorySegment struct = global.allocate(VFS);
    struct.set(JAVA_INT, VFS.byteOffset(groupElement("iVersion")), 2);
    struct.set(JAVA_INT, VFS.byteOffset(groupElement("szOsFile")), (int) FILE.byteSize());
    struct.set(JAVA_INT, VFS.byteOffset(groupElement("mxPathname")), MAX_PATHNAME);
    struct.set(ADDRESS, VFS.byteOffset(groupElement("zName")), global.allocateFrom(NAME));
    List<Callback> vfsCallbacks = List.of(
        new Callback("xOpen", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
            JAVA_INT, ADDRESS)),
        new Callback("xDelete", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)),
        new Callback("xAccess", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT,
            ADDRESS)),
        new Callback("xFullPathname", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
            JAVA_INT, ADDRESS)));
    for (Callback callback : vfsCallbacks) {
      struct.set(ADDRESS, VFS.byteOffset(groupElement(callback.name())),
          callback.stub(vfs, linker, lookup, global));
    }
    for (String borrowed : BORROWED) {
      long offset = VFS.byteOffset(groupElement(borrowed));
      struct.set(ADDRESS, offset, defaultVfs.get(ADDRESS, offset));
    }
    int rc = shim.registerVfs(struct, false);
    if (rc != Sqlite.OK) {
      throw new IllegalStateException("sqlite3_vfs_register failed with SQLite code " + rc);
    }
    return vfs;
  }

  /** One Java method exposed to SQLite as a function pointer. */
  private record Callback(String name, FunctionDescriptor descriptor) {
    MemorySegment stub(NativeVfs vfs, Linker linker, MethodHandles.Lookup lookup, Arena arena)
        throws ReflectiveOperationException {
      MethodType type = descriptor.toMethodType();
      MethodHandle target = lookup.findVirtual(NativeVfs.class, name, type).bindTo(vfs);
      return linker.upcallStub(target, descriptor, arena);
    }
  }

  // ----- publishing databases -------------------------------------------------------------------

  /** Returns a name no database has had in this JVM. */
  String newName() {
    return "/engram/" + nextName.incrementAndGet();
  }

  /** Makes a database openable by its {@link SharedDatabase#vfsName()}. */
  void publish(SharedDatabase database) {
    databases.put(database.vfsName(), database);
  }

  /** Makes a database no longer openable. */
  void withdraw(SharedDatabase database) {
    databases.remove(database.vfsName(), database);
  }

  /** How many databases are published now (for leak checks). */
  int publishedCount() {
    return databases.size();
  }

  /** How many files SQLite has open through this VFS now (for leak checks). */
  int openFileCount() {
    return files.size();
  }

  /** How many temporary files SQLite has opened through this VFS so far. */
  long temporaryFilesOpened() {
    return temporaryFilesOpened.get();
  }

  /** The version of the SQLite library the VFS is registered with. */
  String sqliteVersion() {
    return sqliteVersion;
  }

  /** A file SQLite has open: a published database, or a temporary file. */
  private sealed interface OpenFile permits DatabaseFile, TemporaryFile {}

  private record DatabaseFile(SharedDatabase database) implements OpenFile {}

  private record TemporaryFile(TempFile file) implements OpenFile {}

  // ----- sqlite3_vfs callbacks ------------------------------------------------------------------

  int xOpen(MemorySegment vfs, MemorySegment zName, MemorySegment file, int flags,
      MemorySegment pOutFlags) {
    try {
      MemorySegment f = file.reinterpret(FILE.byteSize());
      f.set(ADDRESS, FILE_METHODS, MemorySegment.NULL); // a failed open leaves no methods
      OpenFile opened;
      int outFlags;
      String name = zName.equals(MemorySegment.NULL) ? null : string(zName);
      if ((flags & Sqlite.OPEN_MAIN_DB) != 0) {
        SharedDatabase database = name == null ? null : databases.get(name);
        if (database == null || !database.acquire()) {
          LOG.log(System.Logger.Level.DEBUG, "no published database named {0}", name);
          return Sqlite.CANTOPEN;
        }
        opened = new DatabaseFile(database);
        outFlags = (flags & ~(Sqlite.OPEN_READWRITE | Sqlite.OPEN_CREATE))
            | Sqlite.OPEN_READONLY;
      } else if (name == null || (flags & (Sqlite.OPEN_TEMP_DB | Sqlite.OPEN_TRANSIENT_DB
          | Sqlite.OPEN_TEMP_JOURNAL | Sqlite.OPEN_SUBJOURNAL)) != 0) {
        opened = new TemporaryFile(new TempFile());
        temporaryFilesOpened.incrementAndGet();
        outFlags = flags;
      } else {
        // a journal or WAL of a read-only, immutable database: never needed
        return Sqlite.CANTOPEN;
      }
      long handle = nextHandle.incrementAndGet();
      files.put(handle, opened);
      f.set(JAVA_LONG, FILE_HANDLE, handle);
      f.set(ADDRESS, FILE_METHODS, ioMethods);
      if (!pOutFlags.equals(MemorySegment.NULL)) {
        pOutFlags.reinterpret(JAVA_INT.byteSize()).set(JAVA_INT, 0, outFlags);
      }
      return Sqlite.OK;
    } catch (Throwable e) {
      return failed("xOpen", e, Sqlite.CANTOPEN);
    }
  }

  int xDelete(MemorySegment vfs, MemorySegment zName, int syncDir) {
    return Sqlite.OK; // nothing of ours is ever on disk
  }

  int xAccess(MemorySegment vfs, MemorySegment zName, int flags, MemorySegment pResOut) {
    try {
      boolean exists = flags != Sqlite.ACCESS_READWRITE
          && !zName.equals(MemorySegment.NULL) && databases.containsKey(string(zName));
      pResOut.reinterpret(JAVA_INT.byteSize()).set(JAVA_INT, 0, exists ? 1 : 0);
      return Sqlite.OK;
    } catch (Throwable e) {
      return failed("xAccess", e, Sqlite.IOERR);
    }
  }

  int xFullPathname(MemorySegment vfs, MemorySegment zName, int nOut, MemorySegment zOut) {
    try {
      byte[] name = string(zName).getBytes(StandardCharsets.UTF_8);
      if (name.length + 1 > nOut) {
        return Sqlite.CANTOPEN;
      }
      MemorySegment out = zOut.reinterpret(nOut);
      MemorySegment.copy(name, 0, out, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, name.length);
      out.set(java.lang.foreign.ValueLayout.JAVA_BYTE, name.length, (byte) 0);
      return Sqlite.OK;
    } catch (Throwable e) {
      return failed("xFullPathname", e, Sqlite.CANTOPEN);
    }
  }

  // ----- sqlite3_io_methods callbacks -----------------------------------------------------------

  int xClose(MemorySegment file) {
    try {
      OpenFile closed = files.remove(handle(file));
      if (closed instanceof DatabaseFile db) {
        db.database().release();
      } else if (closed instanceof TemporaryFile temp) {
        temp.file().close();
      }
      return Sqlite.OK;
    } catch (Throwable e) {
      return failed("xClose", e, Sqlite.IOERR);
    }
  }

  int xRead(MemorySegment file, MemorySegment buffer, int amount, long offset) {
    try {
      MemorySegment dst = buffer.reinterpret(amount);
      OpenFile open = files.get(handle(file));
      if (open instanceof DatabaseFile db) {
        SharedDatabase database = db.database();
        long available = Math.max(0, Math.min(amount, database.size() - offset));
        if (available > 0) {
          database.read(offset, dst.asSlice(0, available));
        }
        if (available < amount) {
          // SQLite requires the rest zeroed on a short read
          dst.asSlice(available).fill((byte) 0);
          return Sqlite.IOERR_SHORT_READ;
        }
        return Sqlite.OK;
      } else if (open instanceof TemporaryFile temp) {
        return temp.file().read(offset, dst) < amount ? Sqlite.IOERR_SHORT_READ : Sqlite.OK;
      }
      return Sqlite.IOERR_READ;
    } catch (Throwable e) {
      return failed("xRead", e, Sqlite.IOERR_READ);
    }
  }

  int xWrite(MemorySegment file, MemorySegment buffer, int amount, long offset) {
    try {
      if (files.get(handle(file)) instanceof TemporaryFile temp) {
        temp.file().write(offset, buffer.reinterpret(amount));
        return Sqlite.OK;
      }
      return Sqlite.READONLY;
    } catch (OutOfMemoryError e) {
      return failed("xWrite", e, Sqlite.IOERR_NOMEM);
    } catch (Throwable e) {
      return failed("xWrite", e, Sqlite.IOERR_WRITE);
    }
  }

  int xTruncate(MemorySegment file, long size) {
    try {
      if (files.get(handle(file)) instanceof TemporaryFile temp) {
        temp.file().truncate(size);
        return Sqlite.OK;
      }
      return Sqlite.READONLY;
    } catch (Throwable e) {
      return failed("xTruncate", e, Sqlite.IOERR);
    }
  }

  int xSync(MemorySegment file, int flags) {
    return Sqlite.OK;
  }

  int xFileSize(MemorySegment file, MemorySegment pSize) {
    try {
      OpenFile open = files.get(handle(file));
      long size;
      if (open instanceof DatabaseFile db) {
        size = db.database().size();
      } else if (open instanceof TemporaryFile temp) {
        size = temp.file().size();
      } else {
        return Sqlite.IOERR;
      }
      pSize.reinterpret(JAVA_LONG.byteSize()).set(JAVA_LONG, 0, size);
      return Sqlite.OK;
    } catch (Throwable e) {
      return failed("xFileSize", e, Sqlite.IOERR);
    }
  }

  int xLock(MemorySegment file, int level) {
    return Sqlite.OK; // immutable: nobody writes, so nothing to lock against
  }

  int xUnlock(MemorySegment file, int level) {
    return Sqlite.OK;
  }

  int xCheckReservedLock(MemorySegment file, MemorySegment pResOut) {
    try {
      pResOut.reinterpret(JAVA_INT.byteSize()).set(JAVA_INT, 0, 0);
      return Sqlite.OK;
    } catch (Throwable e) {
      return failed("xCheckReservedLock", e, Sqlite.IOERR);
    }
  }

  int xFileControl(MemorySegment file, int op, MemorySegment arg) {
    return Sqlite.NOTFOUND;
  }

  int xSectorSize(MemorySegment file) {
    return 4096;
  }

  int xDeviceCharacteristics(MemorySegment file) {
    try {
      return files.get(handle(file)) instanceof DatabaseFile ? Sqlite.IOCAP_IMMUTABLE : 0;
    } catch (Throwable e) {
      return 0;
    }
  }

  // ----- helpers --------------------------------------------------------------------------------

  private static long handle(MemorySegment file) {
    return file.reinterpret(FILE.byteSize()).get(JAVA_LONG, FILE_HANDLE);
  }

  private static String string(MemorySegment cString) {
    return cString.reinterpret(MAX_PATHNAME + 1L).getString(0, StandardCharsets.UTF_8);
  }

  private static int failed(String callback, Throwable e, int code) {
    try {
      // the message names the archive, entry and frame; the stack trace is for debugging
      LOG.log(System.Logger.Level.WARNING, "engram VFS " + callback + " failed: " + e);
      LOG.log(System.Logger.Level.DEBUG, "engram VFS " + callback + " failure", e);
    } catch (Throwable ignored) {
      // logging must not turn an error code into a crash
    }
    return code;
  }
}
