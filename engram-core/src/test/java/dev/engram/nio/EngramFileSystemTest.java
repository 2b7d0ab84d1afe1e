package dev.engram.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.CorruptArchiveException;
import dev.engram.EncryptionMode;
import dev.engram.KeyRequiredException;
import dev.engram.ReaderOptions;
import dev.engram.WriterOptions;
import dev.engram.frame.FramedEntryChannel;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderNotFoundException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engram: file system's own behaviour, beyond what the conformance suite compares. */
class EngramFileSystemTest {
  private static final Instant TIME = Instant.parse("2026-01-02T03:04:05Z");
  private static final byte[] KEY = new byte[32];
  private static final int FRAME = 4096;

  @TempDir static Path dir;
  private static Path archive;
  private static final Map<String, byte[]> FILES = new LinkedHashMap<>();

  @BeforeAll
  static void writeArchive() throws IOException {
    FILES.put("README.md", "# docs\n".getBytes(StandardCharsets.UTF_8));
    FILES.put("a/b/c.txt", text(10_000, 1));
    FILES.put("a/d.json", text(200_000, 2));
    FILES.put("names/sp ace!#%é.txt", "odd name".getBytes(StandardCharsets.UTF_8));
    FILES.put("names/日本語.txt", "nihongo".getBytes(StandardCharsets.UTF_8));
    FILES.put("data/catalog.db", database(400_000));
    FILES.put("empty.bin", new byte[0]);
    archive = write(dir.resolve("docs.eng"), WriterOptions.builder());
  }

  static byte[] text(int size, long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder(size);
    while (sb.length() < size) {
      sb.append("line ").append(random.nextInt(1000)).append(" of the test text\n");
    }
    return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  /** A file the writer frames at {@link #FRAME} bytes: it starts with the SQLite header. */
  static byte[] database(int size) {
    byte[] bytes = text(size, 9);
    byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, bytes, 0, magic.length);
    return bytes;
  }

  static Path write(Path target, WriterOptions.Builder options) throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(target,
        options.modifiedTime(TIME).databaseFrameSize(FRAME).threads(1).build())) {
      for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
        writer.addFile(file.getKey(), file.getValue(), file.getKey().endsWith(".db")
            ? CompressionMethod.LZ4 : CompressionMethod.ZSTD);
      }
      writer.finish();
    }
    return target;
  }

  @Test
  void theProviderIsInstalledAndFoundByFileSystemsNewFileSystem() throws IOException {
    assertTrue(FileSystemProvider.installedProviders().stream()
        .anyMatch(p -> p instanceof EngramFileSystemProvider && p.getScheme().equals("engram")));
    try (FileSystem fs = FileSystems.newFileSystem(archive)) {
      assertInstanceOf(EngramFileSystem.class, fs);
      assertArrayEquals(FILES.get("a/b/c.txt"), Files.readAllBytes(fs.getPath("/a/b/c.txt")));
    }
    try (FileSystem fs = FileSystems.newFileSystem(archive, Map.of(),
        EngramFileSystemTest.class.getClassLoader())) {
      assertEquals(FILES.get("README.md").length, Files.size(fs.getPath("README.md")));
    }
  }

  @Test
  void aFileThatIsNotAnArchiveIsLeftToOtherProviders() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.txt"), "not an archive");
    assertThrows(ProviderNotFoundException.class, () -> FileSystems.newFileSystem(text));
    Path bad = Files.writeString(dir.resolve("broken.eng"), "not an archive either");
    CorruptArchiveException e = assertThrows(CorruptArchiveException.class,
        () -> FileSystems.newFileSystem(bad));
    assertTrue(e.getMessage().contains("broken.eng"), e.getMessage());
  }

  @Test
  void otherProvidersStillGetTheirPathsAndTheirEnvKeys() throws IOException {
    Path zip = dir.resolve("created by zipfs.zip");
    try (FileSystem zipfs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
      assertEquals("jdk.nio.zipfs.ZipFileSystem", zipfs.getClass().getName());
      Files.writeString(zipfs.getPath("/x.txt"), "x");
    }
    assertTrue(Files.size(zip) > 0);
    EngramFileSystemProvider provider = new EngramFileSystemProvider();
    Path folder = Files.createDirectories(dir.resolve("folder.eng.d"));
    assertThrows(UnsupportedOperationException.class,
        () -> provider.newFileSystem(folder, Map.of()));
    assertThrows(UnsupportedOperationException.class,
        () -> provider.newFileSystem(dir.resolve("missing.txt"), Map.of("create", "true")));
    assertThrows(UnsupportedOperationException.class,
        () -> provider.newFileSystem(zip, Map.of("create", "true")));
    // a name ending in .eng is ours: its errors are the reader's
    assertThrows(NoSuchFileException.class,
        () -> provider.newFileSystem(dir.resolve("missing.eng"), Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> provider.newFileSystem(archive, Map.of("noCompression", "true")));
  }

  @Test
  void pathsAndUrisWithSpacesBangsHashesPercentsAndNonAsciiRoundTrip() throws IOException {
    Path odd = Files.createDirectories(dir.resolve("dir !#%é 1"));
    Path copy = Files.copy(archive, odd.resolve("my docs!.eng"));
    URI uri = URI.create("engram:" + copy.toUri());
    try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(fs.getPath("/"))) {
        files = walk.collect(Collectors.toList());
      }
      assertEquals(FILES.size() + 5, files.size()); // 7 files, 4 directories and the root
      for (Path p : files) {
        URI pathUri = p.toUri();
        assertEquals("engram", pathUri.getScheme());
        assertEquals(p, Path.of(pathUri), pathUri.toString());
        assertEquals(p, Path.of(URI.create(pathUri.toString())), pathUri.toString());
      }
      Path name = fs.getPath("/names/sp ace!#%é.txt");
      assertEquals(URI.create(copy.toUri() + "!/names/sp%20ace%21%23%25%C3%A9.txt").toString(),
          name.toUri().getRawSchemeSpecificPart());
      assertArrayEquals(FILES.get("names/sp ace!#%é.txt"), Files.readAllBytes(
          Path.of(name.toUri())));
      assertSame(fs, FileSystems.getFileSystem(uri));
      assertSame(fs, FileSystems.getFileSystem(name.toUri()));
    }
  }

  @Test
  void fileSystemsOpenedByUriAreRegisteredUntilClosed() throws IOException {
    URI uri = URI.create("engram:" + archive.toUri());
    FileSystem fs = FileSystems.newFileSystem(uri, Map.of());
    try {
      assertSame(fs, FileSystems.getFileSystem(uri));
      assertThrows(FileSystemAlreadyExistsException.class,
          () -> FileSystems.newFileSystem(uri, Map.of()));
      // another spelling of the same file is the same archive
      URI other = URI.create("engram:" + archive.getParent().resolve(".").resolve("docs.eng")
          .toUri());
      assertThrows(FileSystemAlreadyExistsException.class,
          () -> FileSystems.newFileSystem(other, Map.of()));
    } finally {
      fs.close();
    }
    assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
    try (FileSystem again = FileSystems.newFileSystem(uri, Map.of())) {
      assertNotSame(fs, again);
      assertTrue(again.isOpen());
    }
  }

  @Test
  void fileSystemsOpenedByPathAreNotRegistered() throws IOException {
    try (FileSystem first = FileSystems.newFileSystem(archive);
        FileSystem second = FileSystems.newFileSystem(archive)) {
      assertNotSame(first, second);
      URI uri = first.getPath("/README.md").toUri();
      assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
      assertThrows(FileSystemNotFoundException.class, () -> Path.of(uri));
    }
  }

  @Test
  void ofThreadsRacingToOpenOneArchiveByUriExactlyOneWins() throws Exception {
    URI uri = URI.create("engram:" + archive.toUri());
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<FileSystem>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          try {
            return FileSystems.newFileSystem(uri, Map.of());
          } catch (FileSystemAlreadyExistsException e) {
            return null;
          }
        }));
      }
      start.countDown();
      List<FileSystem> opened = new ArrayList<>();
      for (Future<FileSystem> result : results) {
        FileSystem fs = result.get(60, TimeUnit.SECONDS);
        if (fs != null) {
          opened.add(fs);
        }
      }
      assertEquals(1, opened.size());
      assertSame(opened.get(0), FileSystems.getFileSystem(uri));
      opened.get(0).close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unknownEnvKeysAndWrongTypesAreRefusedByName() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> FileSystems.newFileSystem(archive, Map.of("noCompression", "true", "kye", KEY)));
    assertTrue(unknown.getMessage().contains("keys kye, noCompression; an engram file system"
        + " takes create, readOnly, key,"), unknown.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> FileSystems.newFileSystem(archive, Map.of("passphrase", "secret")));
    assertTrue(type.getMessage().contains("passphrase must be a char[]"), type.getMessage());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> FileSystems.newFileSystem(archive, Map.of("key", KEY,
            "readerOptions", ReaderOptions.defaults())));
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    URI uri = URI.create("engram:" + archive.toUri());
    assertThrows(IllegalArgumentException.class,
        () -> FileSystems.newFileSystem(uri, Map.of("readOnly", "yes")));
    assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
  }

  @Test
  void encryptedArchivesOpenWithTheKeyOrPassphraseFromEnv() throws IOException {
    Path perFile = write(dir.resolve("perfile.eng"), WriterOptions.builder()
        .encryption(EncryptionMode.PER_FILE, KEY));
    Path whole = write(dir.resolve("whole.eng"), WriterOptions.builder()
        .encryption(EncryptionMode.ARCHIVE, KEY));
    char[] phrase = "correct horse".toCharArray();
    Path byPhrase = write(dir.resolve("phrase.eng"), WriterOptions.builder()
        .encryption(EncryptionMode.PER_FILE, phrase.clone()).passphraseCost(10, 1, 1));
    for (Map<String, ?> env : List.of(Map.of("key", KEY),
        Map.of("readerOptions", ReaderOptions.builder().key(KEY).build()))) {
      for (Path encrypted : List.of(perFile, whole)) {
        try (FileSystem fs = FileSystems.newFileSystem(encrypted, env)) {
          assertArrayEquals(FILES.get("a/d.json"), Files.readAllBytes(fs.getPath("a/d.json")));
          assertEquals(true, Files.getAttribute(fs.getPath("a/d.json"), "engram:encrypted"));
        }
      }
    }
    try (FileSystem fs = FileSystems.newFileSystem(byPhrase, Map.of("passphrase", phrase))) {
      assertArrayEquals(FILES.get("data/catalog.db"),
          Files.readAllBytes(fs.getPath("data/catalog.db")));
    }
    // per-file encryption keeps names readable: the tree opens, content needs the key
    try (FileSystem fs = FileSystems.newFileSystem(perFile)) {
      assertTrue(Files.isRegularFile(fs.getPath("/a/b/c.txt")));
      assertThrows(KeyRequiredException.class, () -> Files.readAllBytes(fs.getPath("a/b/c.txt")));
    }
    assertThrows(KeyRequiredException.class, () -> FileSystems.newFileSystem(whole));
  }

  @Test
  void directoriesAreImpliedByEntryNames() throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(archive)) {
      Path a = fs.getPath("/a");
      assertTrue(Files.isDirectory(a));
      assertTrue(Files.isDirectory(fs.getPath("/a/b")));
      assertFalse(Files.isRegularFile(a));
      try (Stream<Path> list = Files.list(a)) {
        assertEquals(List.of("/a/b", "/a/d.json"),
            list.map(Path::toString).collect(Collectors.toList()));
      }
      // a directory's time is the latest of its files'
      assertEquals(FileTime.from(TIME), Files.getLastModifiedTime(a));
      assertEquals(0L, Files.size(a));
      assertEquals(false, Files.getAttribute(a, "engram:framed"));
    }
  }

  @Test
  void theEngramViewTellsHowAnEntryIsStored() throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(archive);
        ArchiveReader reader = ArchiveReader.open(archive)) {
      Path db = fs.getPath("/data/catalog.db");
      EngramFileAttributes attributes = Files.readAttributes(db, EngramFileAttributes.class);
      var info = reader.entry("data/catalog.db").orElseThrow();
      assertEquals(CompressionMethod.LZ4, attributes.compression());
      assertEquals(info.storedSize(), attributes.storedSize());
      assertEquals(info.crc32(), attributes.crc32());
      assertTrue(attributes.isFramed());
      assertEquals(FRAME, attributes.frameSize());
      assertFalse(attributes.isEncrypted());
      assertEquals("data/catalog.db", attributes.entryName().orElseThrow());
      Map<String, Object> byName = Files.readAttributes(db, "engram:*");
      assertEquals(CompressionMethod.LZ4, byName.get("compression"));
      assertEquals(info.storedSize(), byName.get("storedSize"));
      assertEquals(info.crc32(), byName.get("crc32"));
      assertEquals(true, byName.get("framed"));
      assertEquals(400_000L, byName.get("size"));
      assertEquals(FileTime.from(TIME), byName.get("lastModifiedTime"));
      assertEquals(Map.of("crc32", info.crc32(), "size", 400_000L),
          Files.readAttributes(db, "engram:crc32,size"));
      assertEquals("engram", Files.getFileAttributeView(db, EngramFileAttributeView.class)
          .name());
      assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(db, "crc32"));
      assertThrows(UnsupportedOperationException.class,
          () -> Files.readAttributes(db, "posix:*"));
      assertTrue(fs.supportedFileAttributeViews().contains("engram"));
    }
  }

  @Test
  void randomReadsInAFramedEntryDecodeOnlyTheFramesTheyTouch() throws IOException {
    byte[] expected = FILES.get("data/catalog.db");
    try (FileSystem fs = FileSystems.newFileSystem(archive);
        SeekableByteChannel channel = Files.newByteChannel(fs.getPath("/data/catalog.db"))) {
      assertEquals(expected.length, channel.size());
      Random random = new Random(5);
      int reads = 20;
      for (int i = 0; i < reads; i++) {
        int position = random.nextInt(expected.length - 100);
        ByteBuffer slice = ByteBuffer.allocate(100);
        channel.position(position);
        assertEquals(100, channel.read(slice));
        assertEquals(position + 100, channel.position());
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, position, position + 100),
            slice.array());
      }
      long decoded = ((FramedEntryChannel) ((EntryChannel) channel).delegate()).framesDecoded();
      int frames = (expected.length + FRAME - 1) / FRAME;
      assertTrue(decoded <= 2L * reads && decoded < frames,
          decoded + " frames decoded for " + reads + " reads of " + frames + " frames");
      channel.position(expected.length + 10);
      assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
      assertThrows(NonWritableChannelException.class,
          () -> channel.write(ByteBuffer.allocate(1)));
    }
  }

  @Test
  void fileChannelsReadAtPositionsFromManyThreads() throws Exception {
    byte[] expected = FILES.get("data/catalog.db");
    try (FileSystem fs = FileSystems.newFileSystem(archive);
        FileChannel channel = FileChannel.open(fs.getPath("/data/catalog.db"),
            StandardOpenOption.READ)) {
      assertEquals(expected.length, channel.size());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          long seed = t;
          done.add(pool.submit(() -> {
            Random random = new Random(seed);
            for (int i = 0; i < 200; i++) {
              int position = random.nextInt(expected.length);
              ByteBuffer b = ByteBuffer.allocate(Math.min(5000, expected.length - position));
              while (b.hasRemaining()) {
                channel.read(b, position + b.position());
              }
              assertArrayEquals(java.util.Arrays.copyOfRange(expected, position,
                  position + b.capacity()), b.array());
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertTrue(((EngramFileSystem) fs).frameCacheStatistics().misses() > 0);
    }
  }

  @Test
  void closingTheFileSystemClosesItsChannelsAndStreams() throws IOException {
    EngramFileSystem fs = (EngramFileSystem) FileSystems.newFileSystem(archive);
    Path file = fs.getPath("/a/d.json");
    SeekableByteChannel channel = Files.newByteChannel(file);
    InputStream stream = Files.newInputStream(file);
    FileChannel fileChannel = FileChannel.open(file);
    channel.read(ByteBuffer.allocate(10));
    assertEquals(3, fs.openResourceCount());
    fs.close();
    fs.close(); // again: nothing happens
    assertFalse(fs.isOpen());
    assertFalse(channel.isOpen());
    assertFalse(fileChannel.isOpen());
    assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(10)));
    assertThrows(IOException.class, stream::read);
    assertThrows(ClosedFileSystemException.class, () -> Files.readAllBytes(file));
    assertThrows(ClosedFileSystemException.class, () -> Files.exists(file));
    assertThrows(ClosedFileSystemException.class, () -> fs.getRootDirectories());
    assertThrows(ClosedFileSystemException.class, fs::hiddenEntries);
    assertEquals(0, fs.openResourceCount());
  }

  @Test
  void channelsClosedByTheirUserAreForgotten() throws IOException {
    try (EngramFileSystem fs = (EngramFileSystem) FileSystems.newFileSystem(archive)) {
      for (int i = 0; i < 100; i++) {
        try (InputStream in = Files.newInputStream(fs.getPath("README.md"))) {
          assertEquals('#', in.read());
        }
        Files.readAllBytes(fs.getPath("a/d.json"));
      }
      assertEquals(0, fs.openResourceCount());
    }
  }

  /**
   * Eight threads are inside reads of the archive at the same time: a source that lets no read
   * finish until eight are in progress would hang a file system that serialised them.
   */
  @Test
  void manyThreadsReadThroughOneFileSystemWithoutSerialising() throws Exception {
    int threads = 8;
    byte[] bytes = Files.readAllBytes(archive);
    RendezvousSource source = new RendezvousSource(ArchiveSource.wrap(bytes, "memory"),
        threads);
    ArchiveReader reader = ArchiveReader.open(source, ReaderOptions.builder().threads(1)
        .build());
    EngramFileSystemProvider provider = new EngramFileSystemProvider();
    try (EngramFileSystem fs = new EngramFileSystem(provider, reader, null,
        URI.create("memory:docs.eng"), null)) {
      source.armed.set(true);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int first = t;
          done.add(pool.submit(() -> {
            List<String> names = new ArrayList<>(FILES.keySet());
            for (int i = 0; i < names.size(); i++) {
              String name = names.get((first + i) % names.size());
              assertArrayEquals(FILES.get(name), Files.readAllBytes(fs.getPath(name)), name);
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertTrue(source.rendezvous.getCount() == 0, "eight reads never ran at once");
    }
  }

  /** A source whose reads, once armed, wait until {@code parties} reads have started. */
  private static final class RendezvousSource implements ArchiveSource {
    private final ArchiveSource delegate;
    final CountDownLatch rendezvous;
    final AtomicBoolean armed = new AtomicBoolean();

    RendezvousSource(ArchiveSource delegate, int parties) {
      this.delegate = delegate;
      this.rendezvous = new CountDownLatch(parties);
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
      if (armed.get() && rendezvous.getCount() > 0) {
        rendezvous.countDown();
        try {
          if (!rendezvous.await(30, TimeUnit.SECONDS)) {
            throw new IOException("reads are serialised: the others never arrived");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException();
        }
      }
      delegate.readFully(position, dst);
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public SourceIdentity identity() {
      return delegate.identity();
    }

    @Override
    public long size() {
      return delegate.size();
    }

    @Override
    public boolean isOpen() {
      return delegate.isOpen();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }

  @Test
  void everyWriteThrowsReadOnlyFileSystemException() throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(archive, Map.of("readOnly", true))) {
      Path file = fs.getPath("/README.md");
      Map<String, org.junit.jupiter.api.function.Executable> writes = new HashMap<>();
      writes.put("write", () -> Files.write(file, new byte[1]));
      writes.put("newByteChannel WRITE",
          () -> Files.newByteChannel(file, StandardOpenOption.WRITE));
      writes.put("FileChannel APPEND", () -> FileChannel.open(file, StandardOpenOption.APPEND));
      writes.put("createDirectory", () -> Files.createDirectory(fs.getPath("/new")));
      writes.put("delete", () -> Files.delete(file));
      writes.put("move", () -> Files.move(file, fs.getPath("/moved")));
      writes.put("copy inside", () -> Files.copy(file, fs.getPath("/copied")));
      writes.put("copy in", () -> Files.copy(archive, fs.getPath("/in.eng")));
      writes.put("setLastModifiedTime", () -> Files.setLastModifiedTime(file,
          FileTime.from(TIME)));
      writes.put("setAttribute", () -> Files.setAttribute(file, "basic:lastModifiedTime",
          FileTime.from(TIME)));
      for (Map.Entry<String, org.junit.jupiter.api.function.Executable> w : writes.entrySet()) {
        assertThrows(java.nio.file.ReadOnlyFileSystemException.class, w.getValue(), w.getKey());
      }
      assertTrue(fs.isReadOnly());
      assertFalse(Files.isWritable(file));
      assertTrue(Files.isReadable(file));
      assertArrayEquals(FILES.get("README.md"), Files.readAllBytes(file));
    }
  }

  @Test
  void theFileStoreIsTheReadOnlyArchive() throws IOException {
    try (FileSystem fs = FileSystems.newFileSystem(archive, Map.of("readOnly", "true"))) {
      var store = Files.getFileStore(fs.getPath("/a"));
      assertTrue(store.isReadOnly());
      assertEquals("engram", store.type());
      assertEquals(Files.size(archive), store.getTotalSpace());
      assertEquals(0, store.getUsableSpace());
      assertTrue(store.supportsFileAttributeView("engram"));
      assertEquals(List.of(store), iterate(fs.getFileStores()));
      assertThrows(NoSuchFileException.class, () -> Files.getFileStore(fs.getPath("/nope")));
    }
  }

  private static <T> List<T> iterate(Iterable<T> items) {
    List<T> list = new ArrayList<>();
    items.forEach(list::add);
    return list;
  }

  @Test
  void anArchiveInsideAnArchiveOpensThroughItsPath() throws IOException {
    Path outer = dir.resolve("outer.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(outer, WriterOptions.builder().threads(1)
        .build())) {
      writer.addFile("inner/docs.eng", Files.readAllBytes(archive), CompressionMethod.ZSTD);
      writer.finish();
    }
    try (FileSystem fs = FileSystems.newFileSystem(outer);
        FileSystem inner = FileSystems.newFileSystem(fs.getPath("/inner/docs.eng"))) {
      assertArrayEquals(FILES.get("a/d.json"), Files.readAllBytes(inner.getPath("/a/d.json")));
      assertTrue(inner.getPath("/README.md").toUri().toString()
          .startsWith("engram:engram:file:"), inner.getPath("/README.md").toUri().toString());
    }
  }

  @Test
  void anArchiveInsideAZipFileSystemOpensThroughItsPath() throws IOException {
    Path zip = dir.resolve("holder.zip");
    try (FileSystem zipfs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
      Files.copy(archive, Files.createDirectories(zipfs.getPath("/nested")).resolve("docs.eng"));
    }
    try (FileSystem zipfs = FileSystems.newFileSystem(zip);
        FileSystem fs = FileSystems.newFileSystem(zipfs.getPath("/nested/docs.eng"))) {
      assertInstanceOf(EngramFileSystem.class, fs);
      for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
        assertArrayEquals(file.getValue(), Files.readAllBytes(fs.getPath(file.getKey())),
            file.getKey());
      }
      String uri = fs.getPath("/a/d.json").toUri().toString();
      assertTrue(uri.startsWith("engram:jar:file:") && uri.endsWith("docs.eng!/a/d.json"), uri);
    }
  }

  @Test
  void anArchiveInAnInMemoryFileSystemOpensThroughItsPath() throws IOException {
    try (FileSystem memory = com.google.common.jimfs.Jimfs.newFileSystem(
        com.google.common.jimfs.Configuration.unix())) {
      Path copy = Files.copy(archive, memory.getPath("/docs.eng"));
      try (FileSystem fs = FileSystems.newFileSystem(copy)) {
        for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
          assertArrayEquals(file.getValue(), Files.readAllBytes(fs.getPath(file.getKey())),
              file.getKey());
        }
        // by URI too: the archive's URI is a jimfs: URI
        URI uri = URI.create("engram:" + copy.toUri());
        try (FileSystem byUri = FileSystems.newFileSystem(uri, Map.of())) {
          Path readme = byUri.getPath("/README.md");
          assertEquals(readme, Path.of(readme.toUri()));
        }
      }
    }
  }

  @Test
  void anArchiveSourceOpensAsAFileSystemThatOwnsIt() throws IOException {
    EngramFileSystemProvider provider = new EngramFileSystemProvider();
    ArchiveSource source = ArchiveSource.wrap(Files.readAllBytes(archive), "memory");
    EngramFileSystem fs = provider.newFileSystem(source, Map.of());
    try (fs) {
      for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
        assertArrayEquals(file.getValue(), Files.readAllBytes(fs.getPath(file.getKey())),
            file.getKey());
      }
      assertSame(fs.reader(), fs.reader());
      assertEquals(FILES.size(), fs.reader().entryCount());
    }
    assertFalse(source.isOpen());
    assertThrows(ClosedFileSystemException.class, fs::reader);
  }

  @Test
  void aSourceThatIsNotAnArchiveIsClosedWhenOpeningFails() {
    ArchiveSource source = ArchiveSource.wrap(new byte[100], "zeros");
    assertThrows(CorruptArchiveException.class,
        () -> new EngramFileSystemProvider().newFileSystem(source, Map.of()));
    assertFalse(source.isOpen());
    ArchiveSource again = ArchiveSource.wrap(new byte[100], "zeros");
    assertThrows(IllegalArgumentException.class,
        () -> new EngramFileSystemProvider().newFileSystem(again, Map.of("create", "true")));
    assertFalse(again.isOpen());
  }

  @Test
  void anUncompressedEntrysPayloadLiesAtItsPayloadOffset() throws IOException {
    byte[] content = "stored bytes, as they are".getBytes(StandardCharsets.UTF_8);
    Path stored = dir.resolve("stored.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(stored)) {
      writer.addFile("first.txt", text(5000, 9));
      writer.addFile("plain.txt", content, CompressionMethod.NONE);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(stored)) {
      var entry = reader.entry("plain.txt").orElseThrow();
      assertEquals(content.length, entry.storedSize());
      ByteBuffer at = ByteBuffer.allocate(content.length);
      reader.source().readFully(entry.payloadOffset(), at);
      assertArrayEquals(content, at.array());
    }
  }
}
