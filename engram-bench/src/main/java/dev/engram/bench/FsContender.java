package dev.engram.bench;

import dev.engram.ArchiveReader;
import dev.engram.EntryInfo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A contender of the file-system benchmark: a way to open an archive, and each row's work done
 * through what it opened. {@link Nio} is any {@code java.nio} file system that {@link
 * FileSystems#newFileSystem(Path)} finds for the archive (the JDK's zip file system for a ZIP,
 * ours for an engram archive); {@link Reader} is the plain {@link ArchiveReader} API doing the
 * same work.
 */
sealed interface FsContender {
  /** Bytes per random read in the large entry. */
  int CHANNEL_READ = 4096;

  String name();

  /** The strings this contender reads entries by, in the order of {@code entryNames}. */
  String[] paths(List<String> entryNames);

  /** Opens the archive. */
  Session open() throws IOException;

  /** An open archive; each method does one row's work and returns what it saw. */
  abstract class Session implements Closeable {
    private double channelOpen;

    /** Lists every directory and file (the root too), as {@link Files#walk} reports them. */
    abstract Fingerprint walk() throws IOException;

    /** Reads each file whole, in order. */
    abstract Fingerprint read(String[] paths) throws IOException;

    abstract SeekableByteChannel openChannel(String path) throws IOException;

    /**
     * Opens a channel over a file and reads {@link #CHANNEL_READ} bytes at each position, in
     * order.
     */
    final Fingerprint channelReads(String path, long[] positions) throws IOException {
      long start = System.nanoTime();
      try (SeekableByteChannel channel = openChannel(path)) {
        channelOpen = (System.nanoTime() - start) / 1e9;
        return Fingerprint.channelReads(channel, positions, CHANNEL_READ);
      }
    }

    /** The time the last {@link #channelReads} took to open its channel, in seconds. */
    final double lastChannelOpenSeconds() {
      return channelOpen;
    }
  }

  /**
   * Through a {@code java.nio} file system: {@code FileSystems.newFileSystem(archive)}, {@code
   * Files.walk} (each path tested with {@code Files.isRegularFile}, as a walk that looks for
   * files does), {@code Files.readAllBytes}, {@code Files.newByteChannel}.
   *
   * <p>{@code FileSystems.newFileSystem} asks the installed providers in turn. On the class path
   * jdk.zipfs comes first and reads the end of an engram archive, looking for a ZIP's, before it
   * refuses it; on the module path dev.engram comes first (the application class loader's
   * modules are searched before the platform class loader's). With {@code providerFirst} the
   * file system is opened as on the module path: by the provider of {@code scheme} directly.
   */
  record Nio(String name, Path archive, String scheme, boolean providerFirst)
      implements FsContender {
    /** Opens with {@code FileSystems.newFileSystem}, as a program on the class path does. */
    Nio(String name, Path archive) {
      this(name, archive, "", false);
    }

    @Override
    public String[] paths(List<String> entryNames) {
      return entryNames.stream().map(n -> "/" + n).toArray(String[]::new);
    }

    @Override
    public Session open() throws IOException {
      FileSystem fileSystem = providerFirst
          ? installedProvider(scheme).newFileSystem(archive, Map.of())
          : FileSystems.newFileSystem(archive);
      return new Session() {
        @Override
        Fingerprint walk() throws IOException {
          Fingerprint seen = new Fingerprint();
          try (Stream<Path> walk = Files.walk(fileSystem.getPath("/"))) {
            walk.forEach(p -> seen.addPath(p.toString(), Files.isRegularFile(p)));
          }
          return seen;
        }

        @Override
        Fingerprint read(String[] paths) throws IOException {
          Fingerprint seen = new Fingerprint();
          for (String path : paths) {
            seen.addRead(Files.readAllBytes(fileSystem.getPath(path)));
          }
          return seen;
        }

        @Override
        SeekableByteChannel openChannel(String path) throws IOException {
          return Files.newByteChannel(fileSystem.getPath(path));
        }

        @Override
        public void close() throws IOException {
          fileSystem.close();
        }
      };
    }

    private static FileSystemProvider installedProvider(String scheme) {
      for (FileSystemProvider provider : FileSystemProvider.installedProviders()) {
        if (provider.getScheme().equals(scheme)) {
          return provider;
        }
      }
      throw new IllegalStateException("no installed file system provider for " + scheme);
    }
  }

  /**
   * Through {@link ArchiveReader}: {@code open}, {@code entries()} (with the set of directories
   * their names imply, built here as a walk would report them), {@code read}, {@code
   * openChannel}.
   */
  record Reader(String name, Path archive) implements FsContender {
    @Override
    public String[] paths(List<String> entryNames) {
      return entryNames.toArray(String[]::new);
    }

    @Override
    public Session open() throws IOException {
      ArchiveReader reader = ArchiveReader.open(archive);
      return new Session() {
        @Override
        Fingerprint walk() {
          Fingerprint seen = new Fingerprint();
          seen.addPath("/", false);
          Set<String> directories = new HashSet<>();
          for (EntryInfo entry : reader.entries()) {
            String path = "/" + entry.path();
            seen.addPath(path, true);
            for (int slash = path.lastIndexOf('/'); slash > 0;
                slash = path.lastIndexOf('/', slash - 1)) {
              String directory = path.substring(0, slash);
              if (!directories.add(directory)) {
                break;
              }
              seen.addPath(directory, false);
            }
          }
          return seen;
        }

        @Override
        Fingerprint read(String[] paths) throws IOException {
          Fingerprint seen = new Fingerprint();
          for (String path : paths) {
            seen.addRead(reader.read(path));
          }
          return seen;
        }

        @Override
        SeekableByteChannel openChannel(String path) throws IOException {
          return reader.openChannel(path);
        }

        @Override
        public void close() throws IOException {
          reader.close();
        }
      };
    }
  }
}
