package dev.engram.sqlite;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import org.sqlite.SQLiteConfig;

/**
 * The native half of the VFS ({@code src/main/c/engramvfs.c}): a SQLite loadable extension,
 * packaged in the jar per platform, that gives Java the {@code sqlite3_vfs_*} functions of the
 * SQLite library inside sqlite-jdbc.
 *
 * <p>Loading it writes the library to an anonymous in-memory file ({@code memfd_create}) rather
 * than to disk, has sqlite-jdbc load it as an extension (which hands it SQLite's API table), and
 * then looks up its functions from Java. Where there is no in-memory file, it goes through a
 * temporary file that is deleted as soon as it is loaded.
 *
 * <p>Immutable and thread-safe once loaded; loaded once per JVM, by {@link NativeVfs}.
 */
// restricted: calling native code through the foreign-function API is this class's job; the
// JVM's --enable-native-access decides at run time (VfsReader falls back when it is denied)
@SuppressWarnings("restricted")
final class NativeShim {
  private static final String INIT = "sqlite3_engramvfs_init";
  private static final int RTLD_NOW = 2;

  private final MethodHandle find;
  private final MethodHandle register;
  private final String sqliteVersion;

  private NativeShim(SymbolLookup library, Linker linker) throws Throwable {
    MethodHandle ready = linker.downcallHandle(symbol(library, "engramvfs_ready"),
        FunctionDescriptor.of(ValueLayout.JAVA_INT));
    if ((int) ready.invokeExact() != 1) {
      throw new IllegalStateException("the shim was loaded twice: SQLite initialised one copy"
          + " and Java looked up the other");
    }
    this.find = linker.downcallHandle(symbol(library, "engramvfs_find"),
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    this.register = linker.downcallHandle(symbol(library, "engramvfs_register"),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    MethodHandle version = linker.downcallHandle(symbol(library, "engramvfs_sqlite_version"),
        FunctionDescriptor.of(ValueLayout.ADDRESS));
    this.sqliteVersion = ((MemorySegment) version.invokeExact()).reinterpret(64).getString(0);
  }

  /**
   * Loads the shim for this platform.
   *
   * @throws UnsupportedOperationException if the jar holds no shim for this platform
   * @throws Throwable whatever else stops it: no native access, a failed load
   */
  static NativeShim load() throws Throwable {
    String resource = "native/" + platform() + "/" + System.mapLibraryName("engramvfs");
    byte[] library;
    try (InputStream in = NativeShim.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new UnsupportedOperationException("no VFS shim for " + platform() + " in the jar ("
            + NativeShim.class.getPackageName().replace('.', '/') + "/" + resource + ")");
      }
      library = in.readAllBytes();
    }
    Linker linker = Linker.nativeLinker();
    Path anonymous = inMemoryFile(linker, library);
    if (anonymous != null) {
      return loadFrom(anonymous, linker);
    }
    Path temporary = Files.createTempFile("engramvfs", System.mapLibraryName(""));
    try {
      Files.write(temporary, library);
      return loadFrom(temporary, linker);
    } finally {
      // a loaded library stays mapped after its file is gone
      Files.deleteIfExists(temporary);
    }
  }

  private static NativeShim loadFrom(Path file, Linker linker) throws Throwable {
    SQLiteConfig config = new SQLiteConfig();
    config.enableLoadExtension(true);
    // a private in-memory connection, so that no user connection ever has extensions enabled
    try (Connection bootstrap = config.createConnection("jdbc:sqlite::memory:");
        PreparedStatement load = bootstrap.prepareStatement("SELECT load_extension(?, ?)")) {
      load.setString(1, file.toString());
      load.setString(2, INIT);
      // loaded; the extension asked SQLite to keep it after this connection closes
      load.executeQuery().close();
    } catch (SQLException e) {
      throw new IllegalStateException("sqlite-jdbc could not load the VFS shim: "
          + e.getMessage(), e);
    }
    // the same file again: the dynamic loader hands back the copy SQLite initialised
    return new NativeShim(openLibrary(file, linker), linker);
  }

  /**
   * Opens a loaded library by its path. On POSIX systems this calls {@code dlopen} directly:
   * {@link SymbolLookup#libraryLookup(Path, Arena)} resolves the path first, which turns an
   * in-memory file's {@code /proc/self/fd} link into a name that cannot be opened.
   */
  private static SymbolLookup openLibrary(Path file, Linker linker) throws Throwable {
    MemorySegment dlopen = linker.defaultLookup().find("dlopen").orElse(null);
    MemorySegment dlsym = linker.defaultLookup().find("dlsym").orElse(null);
    if (dlopen == null || dlsym == null) {
      return SymbolLookup.libraryLookup(file, Arena.global());
    }
    MethodHandle open = linker.downcallHandle(dlopen,
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    MethodHandle symbol = linker.downcallHandle(dlsym,
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    MemorySegment handle;
    try (Arena arena = Arena.ofConfined()) {
      handle = (MemorySegment) open.invokeExact(arena.allocateFrom(file.toString()), RTLD_NOW);
    }
    if (handle.equals(MemorySegment.NULL)) {
      throw new IllegalStateException("dlopen could not open the VFS shim at " + file);
    }
    // never closed: the VFS registered with SQLite lives as long as the JVM
    return name -> {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment address = (MemorySegment) symbol.invokeExact(handle,
            arena.allocateFrom(name));
        return address.equals(MemorySegment.NULL) ? java.util.Optional.empty()
            : java.util.Optional.of(address);
      } catch (Throwable e) {
        return java.util.Optional.empty();
      }
    };
  }

  /**
   * Puts the library in an anonymous memory file (Linux {@code memfd_create}), kept open for the
   * life of the JVM.
   *
   * @return its {@code /proc/self/fd} path, or null where there is no such thing
   */
  private static Path inMemoryFile(Linker linker, byte[] library) {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return null;
    }
    try {
      MemorySegment function = linker.defaultLookup().find("memfd_create").orElse(null);
      if (function == null) {
        return null;
      }
      MethodHandle memfdCreate = linker.downcallHandle(function,
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
      int fd;
      try (Arena arena = Arena.ofConfined()) {
        fd = (int) memfdCreate.invokeExact(arena.allocateFrom("engramvfs"), 0);
      }
      if (fd < 0) {
        return null;
      }
      Path path = Path.of("/proc/self/fd/" + fd);
      Files.write(path, library);
      return path;
    } catch (Throwable e) {
      return null;
    }
  }

  private static MemorySegment symbol(SymbolLookup library, String name) {
    return library.find(name).orElseThrow(
        () -> new IllegalStateException("the VFS shim has no symbol " + name));
  }

  /** The platform directory name: {@code linux-x86_64}, {@code linux-aarch64}, ... */
  static String platform() {
    String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
    String name = os.startsWith("linux") ? "linux"
        : os.startsWith("mac") ? "macos"
        : os.startsWith("windows") ? "windows"
        : os.replaceAll("[^a-z0-9]", "");
    String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
    String cpu = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> arch.replaceAll("[^a-z0-9_]", "");
    };
    return name + "-" + cpu;
  }

  /** Calls {@code sqlite3_vfs_find}. */
  MemorySegment findVfs(MemorySegment name) throws Throwable {
    return (MemorySegment) find.invokeExact(name);
  }

  /** Calls {@code sqlite3_vfs_register}. */
  int registerVfs(MemorySegment vfs, boolean makeDefault) throws Throwable {
    return (int) register.invokeExact(vfs, makeDefault ? 1 : 0);
  }

  /** The version of the SQLite library the shim is bound to (sqlite-jdbc's). */
  String sqliteVersion() {
    return sqliteVersion;
  }
}
