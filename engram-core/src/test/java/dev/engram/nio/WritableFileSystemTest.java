package dev.engram.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveUpdate;
import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.ConcurrentUpdateException;
import dev.engram.EncryptionMode;
import dev.engram.EntryInfo;
import dev.engram.ReaderOptions;
import dev.engram.SignedManifestException;
import dev.engram.UpdateOptions;
import dev.engram.VerifyOptions;
import dev.engram.WriterOptions;
import dev.engram.manifest.Author;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SigningKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writable {@code engram:} file system: archives created with {@code create}, existing ones
 * changed through the {@code Files} API and written when the file system closes, read back with
 * {@link ArchiveReader}.
 */
class WritableFileSystemTest {
  private static final Instant TIME = Instant.parse("2024-05-06T07:08:09Z");
  private static final Map<String, String> CREATE = Map.of("create", "true");
  private static final byte[] KEY = new byte[32];

  static {
    for (int i = 0; i < KEY.length; i++) {
      KEY[i] = (byte) (i * 7 + 1);
    }
  }

  @TempDir Path dir;

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Every entry of an archive and its content, by name. */
  static Map<String, byte[]> contents(Path archive, ReaderOptions options) throws IOException {
    Map<String, byte[]> all = new TreeMap<>();
    try (ArchiveReader reader = ArchiveReader.open(archive, options)) {
      for (String name : reader.list()) {
        all.put(name, reader.read(name));
      }
    }
    return all;
  }

  static Map<String, byte[]> contents(Path archive) throws IOException {
    return contents(archive, ReaderOptions.defaults());
  }

  private static Map<String, String> text(Map<String, byte[]> contents) {
    Map<String, String> t = new TreeMap<>();
    contents.forEach((name, b) -> t.put(name, new String(b, UTF_8)));
    return t;
  }

  private Path archiveOf(String name, Map<String, byte[]> files) throws IOException {
    return archiveOf(name, files, WriterOptions.builder().modifiedTime(TIME));
  }

  private Path archiveOf(String name, Map<String, byte[]> files, WriterOptions.Builder options)
      throws IOException {
    Path archive = dir.resolve(name);
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options.build())) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        writer.addFile(file.getKey(), file.getValue());
      }
      writer.finish();
    }
    return archive;
  }

  private static Map<String, byte[]> files(String... namesAndTexts) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      files.put(namesAndTexts[i], namesAndTexts[i + 1].getBytes(UTF_8));
    }
    return files;
  }

  /**
   * Opens a file system that may create its archive: by URI, since on the class path jdk.zipfs
   * is asked first for a path, and with {@code create} it makes a ZIP file at any path.
   */
  static FileSystem create(Path archive, Map<String, ?> env) throws IOException {
    return FileSystems.newFileSystem(URI.create("engram:" + archive.toUri()), env);
  }

  private static List<String> walk(FileSystem fs) throws IOException {
    try (Stream<Path> paths = Files.walk(fs.getPath("/"))) {
      return paths.map(Path::toString).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void createWritesFilesFromEveryWriteApiAndTheReaderReadsThemBack() throws IOException {
    Path archive = dir.resolve("new.eng");
    Path external = Files.write(dir.resolve("external.bin"), bytes(200_000, 1));
    try (FileSystem fs = create(archive, CREATE)) {
      assertEquals(EngramFileSystem.class, fs.getClass());
      assertFalse(fs.isReadOnly());
      Files.write(fs.getPath("/a.txt"), "alpha".getBytes(UTF_8));
      try (OutputStream out = Files.newOutputStream(fs.getPath("b.txt"))) {
        out.write("bravo".getBytes(UTF_8));
      }
      Files.copy(external, fs.getPath("/external.bin"));
      Files.createDirectories(fs.getPath("/d/e/f"));
      Files.writeString(fs.getPath("/d/e/f/g.txt"), "golf");
      try (SeekableByteChannel channel = Files.newByteChannel(fs.getPath("/d/seek.bin"),
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap("0123456789".getBytes(UTF_8)));
        channel.position(3).write(ByteBuffer.wrap("abc".getBytes(UTF_8)));
        channel.position(12).write(ByteBuffer.wrap("Z".getBytes(UTF_8)));
      }
      try (FileChannel channel = FileChannel.open(fs.getPath("/fc.bin"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
        channel.write(ByteBuffer.wrap("hello world".getBytes(UTF_8)), 0);
        channel.write(ByteBuffer.wrap("W".getBytes(UTF_8)), 6);
        ByteBuffer two = ByteBuffer.allocate(2);
        channel.read(two, 4);
        assertEquals("o ", new String(two.array(), UTF_8));
      }
      assertFalse(Files.exists(archive), "nothing is written before close");
    }
    Map<String, byte[]> read = contents(archive);
    assertEquals(List.of("a.txt", "b.txt", "d/e/f/g.txt", "d/seek.bin", "external.bin",
        "fc.bin"), List.copyOf(read.keySet()));
    assertEquals("alpha", new String(read.get("a.txt"), UTF_8));
    assertEquals("bravo", new String(read.get("b.txt"), UTF_8));
    assertEquals("golf", new String(read.get("d/e/f/g.txt"), UTF_8));
    assertEquals("012abc6789\0\0Z", new String(read.get("d/seek.bin"), UTF_8));
    assertEquals("hello World", new String(read.get("fc.bin"), UTF_8));
    assertArrayEquals(Files.readAllBytes(external), read.get("external.bin"));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of("external.bin", "new.eng"), left.map(p -> p.getFileName().toString())
          .sorted().collect(Collectors.toList()), "no temporary file is left");
    }
  }

  @Test
  void anEmptyCreatedFileSystemWritesAnEmptyValidArchiveWithoutItsEmptyDirectories()
      throws IOException {
    Path archive = dir.resolve("empty.eng");
    try (FileSystem fs = create(archive, Map.of("create", true))) {
      Files.createDirectories(fs.getPath("/only/directories"));
      assertTrue(Files.isDirectory(fs.getPath("/only/directories")));
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of(), reader.list());
      assertTrue(reader.verify(VerifyOptions.defaults()).isIntact());
    }
  }

  @Test
  void changesTouchNothingBeforeCloseAndThenTheArchiveHoldsExactlyTheNewView()
      throws IOException {
    Path archive = archiveOf("docs.eng", Map.of("keep.txt", bytes(70_000, 2),
        "replace.txt", "old".getBytes(UTF_8), "delete.txt", "gone".getBytes(UTF_8),
        "move.txt", "moving".getBytes(UTF_8), "dir/one.txt", "1".getBytes(UTF_8),
        "dir/sub/two.txt", "2".getBytes(UTF_8)));
    byte[] before = Files.readAllBytes(archive);
    Map<String, EntryInfo> stored = new TreeMap<>();
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      reader.entries().forEach(e -> stored.put(e.path(), e));
    }
    try (FileSystem fs = FileSystems.newFileSystem(archive)) {
      assertFalse(fs.isReadOnly(), "a writable archive file opens writable");
      Files.writeString(fs.getPath("/added.txt"), "new");
      Files.writeString(fs.getPath("/replace.txt"), "new content");
      Files.delete(fs.getPath("/delete.txt"));
      Files.move(fs.getPath("/move.txt"), fs.getPath("/moved.txt"));
      Files.move(fs.getPath("/dir"), fs.getPath("/renamed"));
      Files.copy(fs.getPath("/keep.txt"), fs.getPath("/copy.txt"));
      assertArrayEquals(before, Files.readAllBytes(archive), "nothing changes before close");
    }
    Map<String, byte[]> after = contents(archive);
    assertEquals(List.of("added.txt", "copy.txt", "keep.txt", "moved.txt", "renamed/one.txt",
        "renamed/sub/two.txt", "replace.txt"), List.copyOf(after.keySet()));
    assertEquals("new", new String(after.get("added.txt"), UTF_8));
    assertEquals("new content", new String(after.get("replace.txt"), UTF_8));
    assertEquals("moving", new String(after.get("moved.txt"), UTF_8));
    assertEquals("2", new String(after.get("renamed/sub/two.txt"), UTF_8));
    assertArrayEquals(bytes(70_000, 2), after.get("copy.txt"));
    assertArrayEquals(bytes(70_000, 2), after.get("keep.txt"));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      for (String[] kept : new String[][] {{"keep.txt", "keep.txt"}, {"move.txt", "moved.txt"},
          {"dir/sub/two.txt", "renamed/sub/two.txt"}}) {
        EntryInfo old = stored.get(kept[0]);
        EntryInfo now = reader.entry(kept[1]).orElseThrow();
        assertEquals(old.crc32(), now.crc32(), kept[1]);
        assertEquals(old.storedSize(), now.storedSize(), kept[1]);
        assertEquals(old.compression(), now.compression(), kept[1]);
        assertEquals(TIME, now.modifiedTime(), kept[1]);
      }
    }
  }

  @Test
  void readsInsideTheOpenFileSystemSeeItsOwnWrites() throws IOException {
    Path archive = archiveOf("docs.eng", files("a/old.txt", "old", "a/gone.txt", "gone",
        "b/moving.txt", "moving"));
    try (FileSystem fs = FileSystems.newFileSystem(archive)) {
      Path fresh = fs.getPath("/a/new.txt");
      Files.writeString(fresh, "fresh content");
      assertEquals("fresh content", Files.readString(fresh));
      assertEquals(13, Files.size(fresh));
      assertTrue(Files.isRegularFile(fresh));
      Files.delete(fs.getPath("/a/gone.txt"));
      Files.move(fs.getPath("/b/moving.txt"), fs.getPath("/a/moved.txt"));
      Files.writeString(fs.getPath("/a/old.txt"), "-appended", StandardOpenOption.APPEND);
      assertEquals(List.of("/", "/a", "/a/moved.txt", "/a/new.txt", "/a/old.txt", "/b"),
          walk(fs));
      try (Stream<Path> listed = Files.list(fs.getPath("/a"))) {
        assertEquals(List.of("/a/moved.txt", "/a/new.txt", "/a/old.txt"),
            listed.map(Path::toString).sorted().collect(Collectors.toList()));
      }
      assertEquals("moving", Files.readString(fs.getPath("/a/moved.txt")));
      assertEquals("old-appended", Files.readString(fs.getPath("/a/old.txt")));
      assertFalse(Files.exists(fs.getPath("/a/gone.txt")));
      assertFalse(Files.exists(fs.getPath("/b/moving.txt")));
      try (SeekableByteChannel channel = Files.newByteChannel(fresh)) {
        ByteBuffer buffer = ByteBuffer.allocate(7);
        channel.position(6).read(buffer);
        assertEquals("content", new String(buffer.array(), UTF_8));
        buffer.clear().limit(5);
        channel.position(0).read(buffer);
        assertEquals("fresh", new String(buffer.array(), 0, 5, UTF_8));
      }
      try (FileChannel channel = FileChannel.open(fresh)) {
        ByteBuffer buffer = ByteBuffer.allocate(3);
        channel.read(buffer, 10);
        assertEquals("ent", new String(buffer.array(), UTF_8));
      }
      EngramFileAttributes staged = Files.readAttributes(fresh, EngramFileAttributes.class);
      assertEquals(13, staged.size());
      assertTrue(staged.entryName().isEmpty());
      assertEquals("moved.txt", fs.getPath("/a/moved.txt").getFileName().toString());
      assertEquals("b/moving.txt", Files.readAttributes(fs.getPath("/a/moved.txt"),
          EngramFileAttributes.class).entryName().orElseThrow(), "a moved entry reads as stored");
    }
    assertEquals(Map.of("a/moved.txt", "moving", "a/new.txt", "fresh content",
        "a/old.txt", "old-appended"), text(contents(archive)));
  }

  @Test
  void directoriesFollowTheFilesContract() throws IOException {
    Path archive = archiveOf("docs.eng", files("d/file.txt", "f"));
    try (FileSystem fs = FileSystems.newFileSystem(archive)) {
      assertThrows(FileAlreadyExistsException.class,
          () -> Files.createDirectory(fs.getPath("/d")));
      assertThrows(FileAlreadyExistsException.class,
          () -> Files.createDirectory(fs.getPath("/d/file.txt")));
      assertThrows(NoSuchFileException.class,
          () -> Files.createDirectory(fs.getPath("/missing/child")));
      assertThrows(NoSuchFileException.class,
          () -> Files.writeString(fs.getPath("/missing/file.txt"), "x"));
      assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(fs.getPath("/d")));
      assertThrows(java.nio.file.FileSystemException.class,
          () -> Files.writeString(fs.getPath("/d"), "a directory"));
      assertThrows(FileAlreadyExistsException.class, () -> Files.newOutputStream(
          fs.getPath("/d/file.txt"), StandardOpenOption.CREATE_NEW));
      assertThrows(NoSuchFileException.class, () -> Files.newOutputStream(
          fs.getPath("/d/none.txt"), StandardOpenOption.WRITE));
      Files.createDirectory(fs.getPath("/empty"));
      assertTrue(Files.isDirectory(fs.getPath("/empty")));
      Files.delete(fs.getPath("/empty"));
      assertFalse(Files.exists(fs.getPath("/empty")));
      Files.delete(fs.getPath("/d/file.txt"));
      assertTrue(Files.isDirectory(fs.getPath("/d")), "an emptied directory stays while open");
      Files.delete(fs.getPath("/d"));
      assertEquals(List.of("/"), walk(fs));
    }
    assertEquals(Map.of(), contents(archive));
  }

  @Test
  void streamsStillOpenWhenTheFileSystemClosesKeepWhatTheyWrote() throws IOException {
    Path archive = dir.resolve("open.eng");
    FileSystem fs = create(archive, CREATE);
    OutputStream out = Files.newOutputStream(fs.getPath("/unclosed.txt"));
    out.write("kept".getBytes(UTF_8));
    fs.close();
    assertEquals(Map.of("unclosed.txt", "kept"), text(contents(archive)));
  }

  @Test
  void readOnlyRefusesWritesAndEnvIsChecked() throws IOException {
    Path archive = archiveOf("docs.eng", files("a.txt", "a"));
    try (FileSystem fs = FileSystems.newFileSystem(archive, Map.of("readOnly", true))) {
      assertTrue(fs.isReadOnly());
      assertThrows(ReadOnlyFileSystemException.class,
          () -> Files.writeString(fs.getPath("/b.txt"), "b"));
      assertThrows(ReadOnlyFileSystemException.class, () -> Files.delete(fs.getPath("/a.txt")));
    }
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> FileSystems.newFileSystem(archive, Map.of("compresion", "zstd")));
    assertTrue(unknown.getMessage().startsWith("unknown env key compresion; an engram file"
        + " system takes create, readOnly,"), unknown.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> FileSystems.newFileSystem(archive, Map.of("compression", "brotli")));
    assertEquals("env key compression must be a CompressionMethod or \"auto\", \"none\","
        + " \"lz4\", \"zstd\", not \"brotli\"", type.getMessage());
    IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
        () -> FileSystems.newFileSystem(archive, Map.of("readOnly", 1)));
    assertEquals("env key readOnly must be a Boolean or \"true\"/\"false\", not a"
        + " java.lang.Integer", flag.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FileSystems.newFileSystem(archive,
        Map.of("manifest", "resign")));
    assertThrows(IllegalArgumentException.class, () -> FileSystems.newFileSystem(archive,
        Map.of("create", true, "readOnly", true)));
  }

  @Test
  void compressionFromEnvIsTheMethodOfNewContent() throws IOException {
    Path archive = dir.resolve("lz4.eng");
    byte[] text = "compressible ".repeat(1000).getBytes(UTF_8);
    try (FileSystem fs = create(archive,
        Map.of("create", "true", "compression", "lz4"))) {
      Files.write(fs.getPath("/text.txt"), text);
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(CompressionMethod.LZ4, reader.entry("text.txt").orElseThrow().compression());
      assertArrayEquals(text, reader.read("text.txt"));
    }
  }

  @Test
  void aSignedManifestIsRefusedUnlessDroppedOrSignedAgain() throws IOException {
    KeyPair alice = SigningKeys.generate();
    KeyPair bob = SigningKeys.generate();
    Manifest template = Manifest.builder("docs", "Docs", Author.of("Ada"), "1.0.0")
        .created(TIME).build();
    Path signed = archiveOf("signed.eng", files("a.txt", "a"), WriterOptions.builder()
        .modifiedTime(TIME).manifest(template).signWith(alice.getPrivate(), "alice"));
    byte[] before = Files.readAllBytes(signed);

    FileSystem refusing = FileSystems.newFileSystem(signed);
    assertTrue(Files.exists(refusing.getPath("/manifest.json")), "the manifest stays visible");
    assertThrows(AccessDeniedException.class,
        () -> Files.writeString(refusing.getPath("/manifest.json"), "{}"));
    assertThrows(AccessDeniedException.class,
        () -> Files.delete(refusing.getPath("/manifest.json")));
    Files.writeString(refusing.getPath("/b.txt"), "b");
    assertThrows(SignedManifestException.class, refusing::close);
    assertFalse(refusing.isOpen());
    assertArrayEquals(before, Files.readAllBytes(signed), "the archive is untouched");

    Path dropped = Files.copy(signed, dir.resolve("dropped.eng"));
    try (FileSystem fs = FileSystems.newFileSystem(dropped, Map.of("manifest", "drop"))) {
      Files.writeString(fs.getPath("/b.txt"), "b");
    }
    try (ArchiveReader reader = ArchiveReader.open(dropped)) {
      Manifest manifest = reader.manifest().orElseThrow();
      assertEquals(List.of(), manifest.signatures());
      assertEquals("docs", manifest.id());
      assertEquals(List.of("a.txt", "b.txt"), manifest.files().stream().map(f -> f.path())
          .collect(Collectors.toList()));
    }

    Path resigned = Files.copy(signed, dir.resolve("resigned.eng"));
    try (FileSystem fs = FileSystems.newFileSystem(resigned, Map.of("manifest", "resign",
        "signingKey", bob.getPrivate(), "signer", "bob"))) {
      Files.writeString(fs.getPath("/b.txt"), "b");
    }
    try (ArchiveReader reader = ArchiveReader.open(resigned)) {
      Manifest manifest = reader.manifest().orElseThrow();
      assertEquals(List.of(true), manifest.verifySignatures());
      assertEquals("bob", manifest.signatures().get(0).signer());
      assertTrue(reader.verify(VerifyOptions.builder().trust(bob.getPublic()).build())
          .isAuthentic());
    }
  }

  @Test
  void anArchiveEncryptedAsAWholeIsUpdatedWithItsKey() throws IOException {
    Path archive = archiveOf("secret.eng", files("a.txt", "a", "b.txt", "b"),
        WriterOptions.builder().modifiedTime(TIME).encryption(EncryptionMode.ARCHIVE, KEY));
    try (FileSystem fs = FileSystems.newFileSystem(archive, Map.of("key", KEY))) {
      assertFalse(fs.isReadOnly());
      assertEquals("a", Files.readString(fs.getPath("/a.txt")));
      Files.writeString(fs.getPath("/c.txt"), "c");
      Files.delete(fs.getPath("/b.txt"));
    }
    ReaderOptions keyed = ReaderOptions.builder().key(KEY).build();
    assertEquals(Map.of("a.txt", "a", "c.txt", "c"), text(contents(archive, keyed)));
    try (ArchiveReader reader = ArchiveReader.open(archive, keyed)) {
      assertEquals(EncryptionMode.ARCHIVE, reader.encryption().orElseThrow());
    }

    Path created = dir.resolve("created-secret.eng");
    try (FileSystem fs = create(created, Map.of("create", true, "key", KEY))) {
      Files.writeString(fs.getPath("/x.txt"), "x");
    }
    try (ArchiveReader reader = ArchiveReader.open(created, keyed)) {
      assertEquals(EncryptionMode.ARCHIVE, reader.encryption().orElseThrow());
      assertEquals("x", new String(reader.read("x.txt"), UTF_8));
    }
  }

  @Test
  void anArchiveEncryptedPerFileOpensWritableWithItsKeyAndReadOnlyWithout() throws IOException {
    Path archive = archiveOf("perfile.eng", files("a.txt", "a"),
        WriterOptions.builder().modifiedTime(TIME).encryption(EncryptionMode.PER_FILE, KEY));
    try (FileSystem fs = FileSystems.newFileSystem(archive, Map.of())) {
      assertTrue(fs.isReadOnly(), "without the key it can only be listed");
      assertTrue(Files.exists(fs.getPath("/a.txt")));
    }
    assertThrows(dev.engram.KeyRequiredException.class,
        () -> FileSystems.newFileSystem(archive, Map.of("readOnly", false)));
    try (FileSystem fs = FileSystems.newFileSystem(archive, Map.of("key", KEY))) {
      assertFalse(fs.isReadOnly());
      assertEquals("a", Files.readString(fs.getPath("/a.txt")));
      Files.writeString(fs.getPath("/b.txt"), "b");
    }
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().key(KEY).build())) {
      assertEquals(EncryptionMode.PER_FILE, reader.encryption().orElseThrow());
      assertEquals("a", new String(reader.read("a.txt"), UTF_8));
      assertEquals("b", new String(reader.read("b.txt"), UTF_8));
    }
  }

  @Test
  void anotherUpdateCommittedMeanwhileFailsTheCloseAndKeepsItsChange() throws IOException {
    Path archive = archiveOf("docs.eng", files("a.txt", "a"));
    FileSystem fs = FileSystems.newFileSystem(archive);
    Files.writeString(fs.getPath("/mine.txt"), "mine");
    try (ArchiveUpdate other = ArchiveUpdate.open(archive, UpdateOptions.defaults())) {
      other.write("theirs.txt", "theirs".getBytes(UTF_8));
      other.commit();
    }
    byte[] theirs = Files.readAllBytes(archive);
    assertThrows(ConcurrentUpdateException.class, fs::close);
    assertFalse(fs.isOpen());
    assertArrayEquals(theirs, Files.readAllBytes(archive));
    assertEquals(Map.of("a.txt", "a", "theirs.txt", "theirs"), text(contents(archive)));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of("docs.eng"), left.map(p -> p.getFileName().toString())
          .collect(Collectors.toList()), "no staged file is left");
    }
  }

  @Test
  void severalThreadsWriteThroughOneFileSystem() throws Exception {
    Path archive = dir.resolve("threads.eng");
    int threads = 8;
    int perThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (FileSystem fs = create(archive, CREATE)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          Path folder = Files.createDirectories(fs.getPath("/t" + thread));
          for (int i = 0; i < perThread; i++) {
            Path file = folder.resolve("f" + i);
            Files.write(file, bytes(100 + i, thread * 1000L + i));
            if (i % 5 == 0) {
              Files.move(file, folder.resolve("m" + i));
            }
            try (Stream<Path> walked = Files.walk(fs.getPath("/"))) {
              walked.forEach(p -> Files.isDirectory(p));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, byte[]> read = contents(archive);
    assertEquals(threads * perThread, read.size());
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        String name = "t" + t + "/" + (i % 5 == 0 ? "m" : "f") + i;
        assertArrayEquals(bytes(100 + i, t * 1000L + i), read.get(name), name);
      }
    }
  }

  @Test
  void timesAreNotSetButNewFilesGetTheTimeTheyWereWritten() throws IOException {
    Path archive = dir.resolve("times.eng");
    try (FileSystem fs = create(archive, CREATE)) {
      Path file = fs.getPath("/t.txt");
      Instant before = Instant.now().minusSeconds(1);
      Files.writeString(file, "t");
      assertFalse(Files.getLastModifiedTime(file).toInstant().isBefore(before));
      assertThrows(UnsupportedOperationException.class,
          () -> Files.setLastModifiedTime(file, FileTime.from(TIME)));
      assertThrows(UnsupportedOperationException.class,
          () -> Files.copy(file, fs.getPath("/u.txt"), StandardCopyOption.COPY_ATTRIBUTES));
    }
  }

  @Test
  void aFailedCopyInsideLeavesNoTarget() throws IOException {
    Path archive = archiveOf("docs.eng", files("a.txt", "a"));
    try (FileSystem fs = FileSystems.newFileSystem(archive)) {
      assertThrows(NoSuchFileException.class,
          () -> Files.copy(fs.getPath("/none.txt"), fs.getPath("/b.txt")));
      assertThrows(FileAlreadyExistsException.class,
          () -> Files.copy(fs.getPath("/a.txt"), fs.getPath("/a2.txt"))
              .getFileSystem().provider().copy(fs.getPath("/a.txt"), fs.getPath("/a2.txt")));
      Files.copy(fs.getPath("/a.txt"), fs.getPath("/a2.txt"),
          StandardCopyOption.REPLACE_EXISTING);
      assertEquals(List.of("/", "/a.txt", "/a2.txt"), walk(fs));
      try (InputStream in = Files.newInputStream(fs.getPath("/a2.txt"))) {
        assertEquals("a", new String(in.readAllBytes(), UTF_8));
      }
    }
  }
}
