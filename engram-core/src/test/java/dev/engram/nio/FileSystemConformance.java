package dev.engram.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.format.Framing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * One conformance suite for read-only file systems of archives, run against the JDK's ZIP file
 * system ({@code jdk.zipfs}, {@link ZipFsConformanceTest}) on a ZIP of {@link #FILES} and against
 * the engram provider on an archive of the same files. Passing it proves that the provider under
 * test gives the same results as zipfs for walking, reading, attributes, path operations,
 * matchers, URIs, errors, read-only and closed behaviour, asserted exactly.
 *
 * <p>Where the two differ on purpose, a hook below says why ({@link #scheme()}, {@link
 * #fileStoreType()}, {@link #attributeViews()}, {@link #assertDirectoryTime}). Where zipfs breaks
 * the {@code java.nio.file} contracts, the test here asserts the contract and {@link
 * ZipFsConformanceTest} overrides it, citing what zipfs does, so that the engram provider is held
 * to the contract rather than to the JDK's accident.
 *
 * <p>Listings are compared as sorted path strings, duplicates kept: the contracts fix no order.
 * The tests share one instance ({@link #openFileSystem}); those that close an instance or disturb
 * it open their own, and the URI tests open one by URI ({@link #openByUri}), since only a file
 * system opened so can be found again from a URI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FileSystemConformance {
  /** The modified time of every file (whole seconds, as every archive format can keep them). */
  static final Instant TIME = Instant.parse("2026-01-02T03:04:05Z");

  /**
   * The size of {@code data/big.txt}: just over the size from which the engram writer cuts an
   * entry into 64 KiB frames, so that channel reads cross frames, and not a multiple of a frame.
   */
  static final int BIG_SIZE = (int) Framing.THRESHOLD + 3 * Framing.FRAME_SIZE + 12_345;

  /** The files of the tree, by their names relative to the root, in a fixed order. */
  static final Map<String, byte[]> FILES = files();

  /** Every directory the names in {@link #FILES} imply, as absolute path strings, root first. */
  static final Set<String> DIRECTORIES = directories(FILES.keySet());

  /** Every path in the tree as an absolute path string: the directories and the files. */
  static final Set<String> ALL = all();

  /** The names {@code basic:*} reads, and nothing else. */
  static final Set<String> BASIC_ATTRIBUTES = Set.of("size", "creationTime", "lastAccessTime",
      "lastModifiedTime", "isDirectory", "isRegularFile", "isSymbolicLink", "isOther",
      "fileKey");

  static final String BIG = "/data/big.txt";
  static final String RANDOM = "/data/random.bin";
  static final String MISSING = "/docs/missing.md";

  /** The directory the archive is written in; the same on every call of the factories. */
  Path workDir;
  /** The file system the tests share: opened once, never closed before the last test. */
  FileSystem fs;

  /**
   * Opens a read-only file system of {@link #FILES}, each file with {@link #TIME} as its modified
   * time (and as its creation and access times, which a format without them reports as the
   * modified time). Called before all tests for the instance they share, and again by tests that
   * need one of their own (to close it, or to disturb it); {@code workDir} is the same directory
   * every time, so the archive can be written on the first call and reused.
   *
   * @param workDir an empty directory of the default file system, kept until the tests end
   * @return a new, open instance; the caller closes it
   * @throws IOException if the archive cannot be written or opened
   */
  protected abstract FileSystem openFileSystem(Path workDir) throws IOException;

  /**
   * Opens a file system of {@link #FILES} as {@link #openFileSystem} does, but by URI, with the
   * archive in {@code archiveDir}, so that {@link Path#of(URI)} finds it: zipfs registers a file
   * system opened by URI (and only such) for {@code Path.of} to find.
   *
   * @param archiveDir an empty directory of the default file system for the archive (whose name
   *     has characters a URI must escape)
   * @return a new, open instance; the caller closes it
   * @throws IOException if the archive cannot be written or opened
   */
  protected abstract FileSystem openByUri(Path archiveDir) throws IOException;

  /**
   * Returns the URI scheme of the provider: each provider has its own ({@code jar} for zipfs).
   *
   * @return the scheme
   */
  protected abstract String scheme();

  /**
   * Returns {@link FileStore#type()} of the file system's one store, which names the provider
   * ({@code zipfs} for zipfs).
   *
   * @return the type
   */
  protected abstract String fileStoreType();

  /**
   * Returns the names of the supported attribute views: {@code basic}, and the provider's own
   * view of what its format records ({@code zip} for zipfs), which has no counterpart in the
   * other format.
   *
   * @return the view names
   */
  protected abstract Set<String> attributeViews();

  /**
   * Asserts a time of a directory. Directories of a ZIP are entries with their own times (the ZIP
   * built here gives them {@link #TIME}), those of an engram archive are implied by the names of
   * entries; by default every directory's time is {@link #TIME}, as every file's is.
   *
   * @param directory the directory, as an absolute path string
   * @param time its modified, access or creation time
   */
  protected void assertDirectoryTime(String directory, FileTime time) {
    assertEquals(FileTime.from(TIME), time, directory);
  }

  @BeforeAll
  void openSharedFileSystem(@TempDir Path dir) throws IOException {
    workDir = dir;
    fs = openFileSystem(workDir);
  }

  @AfterAll
  void closeSharedFileSystem() throws IOException {
    if (fs != null) {
      fs.close();
    }
  }

  // ---------------------------------------------------------------------------------- walking

  @Test
  void walkFromTheRootGivesEveryFileAndEveryImpliedDirectoryOnce() throws IOException {
    assertEquals(List.copyOf(ALL), sorted(Files.walk(path("/"))));
  }

  @Test
  void walkWithAMaximumDepthStopsAtThatDepth() throws IOException {
    for (int depth = 0; depth <= 7; depth++) {
      int max = depth;
      List<String> expected = ALL.stream().filter(p -> nameCount(p) <= max).sorted().toList();
      assertEquals(expected, sorted(Files.walk(path("/"), depth)), "depth " + depth);
    }
  }

  @Test
  void walkOfARelativeDirectoryGivesRelativePaths() throws IOException {
    List<String> expected = ALL.stream().filter(p -> p.startsWith("/docs"))
        .map(p -> p.substring(1)).sorted().toList();
    assertEquals(expected, sorted(Files.walk(path("docs"))));
  }

  @Test
  void walkOfAFileGivesTheFile() throws IOException {
    assertEquals(List.of("/README.md"), sorted(Files.walk(path("/README.md"))));
  }

  @Test
  void walkOfAMissingDirectoryThrowsNoSuchFileException() {
    assertNoSuchFile("/nowhere", () -> Files.walk(path("/nowhere")).close());
  }

  @Test
  void listGivesTheEntriesOfADirectory() throws IOException {
    for (String dir : DIRECTORIES) {
      String prefix = dir.equals("/") ? "/" : dir + "/";
      List<String> expected = ALL.stream()
          .filter(p -> p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0
              && p.length() > prefix.length())
          .sorted().toList();
      assertEquals(expected, sorted(Files.list(path(dir))), dir);
    }
  }

  @Test
  void listOfAFileThrowsNotDirectoryException() {
    NotDirectoryException e = assertThrows(NotDirectoryException.class,
        () -> Files.list(path("/docs/guide.md")).close());
    assertEquals("/docs/guide.md", e.getFile());
  }

  @Test
  void findFiltersOnAttributes() throws IOException {
    BiPredicate<Path, BasicFileAttributes> large = (p, a) -> a.isRegularFile()
        && a.size() >= 100 * 1024;
    assertEquals(List.of(BIG, RANDOM), sorted(Files.find(path("/"), Integer.MAX_VALUE, large)));
    BiPredicate<Path, BasicFileAttributes> empty = (p, a) -> a.isRegularFile() && a.size() == 0;
    assertEquals(List.of("/data/empty.bin"),
        sorted(Files.find(path("/"), Integer.MAX_VALUE, empty)));
    BiPredicate<Path, BasicFileAttributes> directory = (p, a) -> a.isDirectory();
    assertEquals(DIRECTORIES.stream().filter(p -> nameCount(p) <= 2).sorted().toList(),
        sorted(Files.find(path("/"), 2, directory)));
  }

  @Test
  void directoryStreamWithAGlobGivesTheMatchingEntries() throws IOException {
    assertEquals(List.of("/glob/a.md"), glob("/glob", "*.md"));
    assertEquals(List.of("/README.md"), glob("/", "*.md"));
    assertEquals(List.of("/glob/a.md", "/glob/e.html"), glob("/glob", "*.{md,html}"));
    assertEquals(List.of("/glob/c.md.txt", "/glob/d.txt"), glob("/glob", "*.txt"));
    assertEquals(List.of("/x.tar.gz"), glob("/", "*.gz"));
    assertEquals(List.of("/names/bang!.txt", "/names/hash#.txt"), glob("/names", "[bh]*"));
    assertEquals(List.of("/glob/b.MD"), glob("/glob", "*.MD"));
    assertThrows(PatternSyntaxException.class,
        () -> Files.newDirectoryStream(path("/glob"), "[a").close());
  }

  @Test
  void directoryStreamGivesOneIteratorAndNoneOnceClosed() throws IOException {
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(path("/docs"))) {
      Iterator<Path> iterator = stream.iterator();
      assertThrows(IllegalStateException.class, stream::iterator);
      List<String> names = new ArrayList<>();
      iterator.forEachRemaining(p -> names.add(p.toString()));
      Collections.sort(names);
      assertEquals(List.of("/docs/api", "/docs/guide.md"), names);
    }
    DirectoryStream<Path> closed = Files.newDirectoryStream(path("/docs"));
    closed.close();
    assertThrows(IllegalStateException.class, closed::iterator);
  }

  @Test
  void directoryStreamOfAFileThrowsNotDirectoryException() {
    NotDirectoryException e = assertThrows(NotDirectoryException.class,
        () -> Files.newDirectoryStream(path("/README.md")).close());
    assertEquals("/README.md", e.getFile());
  }

  @Test
  void directoryStreamOfAMissingDirectoryThrowsNoSuchFileException() {
    assertNoSuchFile("/nowhere", () -> Files.newDirectoryStream(path("/nowhere")).close());
  }

  // ---------------------------------------------------------------------------------- reading

  @Test
  void readAllBytesGivesTheContentOfEveryFile() throws IOException {
    for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
      assertArrayEquals(file.getValue(), Files.readAllBytes(path("/" + file.getKey())),
          file.getKey());
    }
  }

  @Test
  void linesOfATextFileAreSplitAtEveryLineEnd() throws IOException {
    try (Stream<String> lines = Files.lines(path("/docs/guide.md"))) {
      assertEquals(List.of("# Guide", "", "First line.", "Second line, after CR LF.", "",
          "Last line, with no line end."), lines.toList());
    }
    assertEquals(List.of("contents of names/ünïcödé €.txt"),
        Files.readAllLines(path("/names/ünïcödé €.txt")));
  }

  @Test
  void inputStreamReadInOddSizedChunksGivesTheContent() throws IOException {
    for (String name : List.of(BIG, RANDOM, "/README.md", "/data/empty.bin")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int[] chunks = {1, 7, 4093, 65_537, 333_333};
      try (InputStream in = Files.newInputStream(path(name))) {
        assertEquals(0, in.read(new byte[10], 3, 0));
        byte[] buffer = new byte[333_333 + 5];
        for (int i = 0; ; i++) {
          int n = in.read(buffer, 2, chunks[i % chunks.length]);
          if (n < 0) {
            break;
          }
          out.write(buffer, 2, n);
          int single = in.read();
          if (single < 0) {
            break;
          }
          out.write(single);
        }
        assertEquals(-1, in.read());
        assertEquals(-1, in.read(buffer));
      }
      assertArrayEquals(content(name), out.toByteArray(), name);
    }
  }

  @Test
  void inputStreamSkipsForward() throws IOException {
    byte[] big = content(BIG);
    try (InputStream in = Files.newInputStream(path(BIG))) {
      in.skipNBytes(Framing.FRAME_SIZE - 3);
      assertArrayEquals(slice(big, Framing.FRAME_SIZE - 3, 10), in.readNBytes(10));
      in.skipNBytes(20L * Framing.FRAME_SIZE);
      long at = 21L * Framing.FRAME_SIZE + 7;
      assertArrayEquals(slice(big, at, 100), in.readNBytes(100));
      in.skipNBytes(big.length - at - 100 - 5);
      assertArrayEquals(slice(big, big.length - 5, 5), in.readAllBytes());
      assertEquals(-1, in.read());
    }
  }

  @Test
  void byteChannelReadsAtAnyPositionForwardsAndBackwards() throws IOException {
    int frame = Framing.FRAME_SIZE;
    for (String name : List.of(BIG, RANDOM)) {
      byte[] expected = content(name);
      long size = expected.length;
      long[] positions = {0, 1, frame - 1, frame, frame + 1, 5L * frame + 17, size / 2,
          size - frame - 1, size - 10, size - 1, 3, 2L * frame, size / 3, 0};
      try (SeekableByteChannel channel = Files.newByteChannel(path(name))) {
        assertEquals(size, channel.size(), name);
        assertEquals(0, channel.position());
        for (long position : positions) {
          if (position >= size) {
            continue;
          }
          assertSame(channel, channel.position(position));
          assertEquals(position, channel.position());
          int length = (int) Math.min(3L * frame + 5, size - position);
          ByteBuffer buffer = ByteBuffer.allocate(3 * frame + 5);
          while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // read until full or at the end
          }
          assertEquals(length, buffer.position(), name + " at " + position);
          assertEquals(ByteBuffer.wrap(expected, (int) position, length), buffer.flip(),
              name + " at " + position);
          assertEquals(position + length, channel.position());
        }
        assertEquals(size, channel.size());
      }
    }
  }

  @Test
  void byteChannelPositionedBeyondTheEndReadsEndOfFile() throws IOException {
    long size = FILES.get("data/random.bin").length;
    try (SeekableByteChannel channel = Files.newByteChannel(path(RANDOM))) {
      channel.position(size + 1000);
      assertEquals(size + 1000, channel.position());
      assertEquals(-1, channel.read(ByteBuffer.allocate(10)));
      assertEquals(size, channel.size());
      channel.position(size);
      assertEquals(-1, channel.read(ByteBuffer.allocate(10)));
    }
  }

  @Test
  void byteChannelIsNotWritableAndRefusesANegativePosition() throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(path("/README.md"))) {
      assertThrows(NonWritableChannelException.class,
          () -> channel.write(ByteBuffer.wrap(new byte[] {1})));
      assertThrows(NonWritableChannelException.class, () -> channel.truncate(1));
      assertThrows(IllegalArgumentException.class, () -> channel.position(-1));
    }
    assertArrayEquals(content("/README.md"), Files.readAllBytes(path("/README.md")));
  }

  @Test
  void closedByteChannelThrowsClosedChannelException() throws IOException {
    SeekableByteChannel channel = Files.newByteChannel(path("/README.md"));
    assertTrue(channel.isOpen());
    channel.close();
    assertFalse(channel.isOpen());
    assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
    assertThrows(ClosedChannelException.class, channel::position);
    assertThrows(ClosedChannelException.class, () -> channel.position(0));
    assertThrows(ClosedChannelException.class, channel::size);
    channel.close();
  }

  @Test
  void copyToTheDefaultFileSystemCopiesTheBytes(@TempDir Path target) throws IOException {
    int i = 0;
    for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
      Path copy = target.resolve("copy-" + i++);
      assertSame(copy, Files.copy(path("/" + file.getKey()), copy));
      assertArrayEquals(file.getValue(), Files.readAllBytes(copy), file.getKey());
    }
    Path withTime = Files.copy(path("/names/日本語.txt"), target.resolve("日本語.txt"),
        StandardCopyOption.COPY_ATTRIBUTES);
    assertEquals(FileTime.from(TIME), Files.getLastModifiedTime(withTime));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(FILES.get("data/random.bin").length, Files.copy(path(RANDOM), out));
    assertArrayEquals(content(RANDOM), out.toByteArray());
  }

  @Test
  void readingADirectoryThrowsFileSystemExceptionNamingIt() {
    for (Executable read : List.<Executable>of(
        () -> Files.readAllBytes(path("/docs")),
        () -> Files.newInputStream(path("/docs")).close(),
        () -> Files.newByteChannel(path("/docs")).close())) {
      FileSystemException e = assertThrows(FileSystemException.class, read);
      assertEquals("/docs", e.getFile());
    }
  }

  @Test
  void readingAMissingFileThrowsNoSuchFileException() {
    assertNoSuchFile(MISSING, () -> Files.readAllBytes(path(MISSING)));
    assertNoSuchFile(MISSING, () -> Files.newInputStream(path(MISSING)).close());
    assertNoSuchFile(MISSING, () -> Files.newByteChannel(path(MISSING)).close());
    assertNoSuchFile(MISSING, () -> Files.lines(path(MISSING)).close());
  }

  @Test
  void readingAClosedStreamFailsAndLeavesOtherStreamsIntact() throws IOException {
    try (FileSystem own = openFileSystem(workDir)) {
      assertReadingAClosedStreamFails(own);
      assertArrayEquals(content(RANDOM), Files.readAllBytes(own.getPath(RANDOM)));
      try (InputStream other = Files.newInputStream(own.getPath(RANDOM))) {
        assertArrayEquals(content(RANDOM), other.readAllBytes());
      }
    }
  }

  // ------------------------------------------------------------------------------- attributes

  @Test
  void existsIsDirectoryAndIsRegularFileTellFilesFromDirectories() {
    for (String name : ALL) {
      boolean directory = DIRECTORIES.contains(name);
      assertTrue(Files.exists(path(name)), name);
      assertFalse(Files.notExists(path(name)), name);
      assertEquals(directory, Files.isDirectory(path(name)), name);
      assertEquals(!directory, Files.isRegularFile(path(name)), name);
      assertFalse(Files.isSymbolicLink(path(name)), name);
    }
    for (String name : List.of(MISSING, "/nowhere/x", "/README.md/x", "/READ")) {
      assertFalse(Files.exists(path(name)), name);
      assertTrue(Files.notExists(path(name)), name);
      assertFalse(Files.isDirectory(path(name)), name);
      assertFalse(Files.isRegularFile(path(name)), name);
    }
    assertTrue(Files.isDirectory(path("docs/")));
    assertTrue(Files.isRegularFile(path("docs/guide.md")));
  }

  @Test
  void sizeAndModifiedTimeOfEveryFileAreThoseOfTheTree() throws IOException {
    for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
      Path path = path("/" + file.getKey());
      assertEquals(file.getValue().length, Files.size(path), file.getKey());
      assertEquals(FileTime.from(TIME), Files.getLastModifiedTime(path), file.getKey());
    }
    for (String dir : DIRECTORIES) {
      assertEquals(0, Files.size(path(dir)), dir);
      assertDirectoryTime(dir, Files.getLastModifiedTime(path(dir)));
    }
  }

  @Test
  void basicStarReadsExactlyTheBasicAttributes() throws IOException {
    assertBasicStarReads(BASIC_ATTRIBUTES);
  }

  @Test
  void readAttributesByNameGivesThoseAttributes() throws IOException {
    assertEquals(Map.of("size", 7L * 1024, "isDirectory", false),
        Files.readAttributes(path("/x.tar.gz"), "size,isDirectory"));
    assertEquals(Map.of("lastModifiedTime", FileTime.from(TIME)),
        Files.readAttributes(path("/README.md"), "basic:lastModifiedTime"));
    assertEquals((long) BIG_SIZE, Files.getAttribute(path(BIG), "size"));
    assertEquals(true, Files.getAttribute(path("/docs"), "basic:isDirectory"));
  }

  @Test
  void unknownAttributeThrowsIllegalArgumentException() throws IOException {
    assertThrows(IllegalArgumentException.class,
        () -> Files.readAttributes(path("/README.md"), "basic:colour"));
    assertThrows(IllegalArgumentException.class,
        () -> Files.readAttributes(path("/README.md"), "size,colour"));
    assertThrows(IllegalArgumentException.class,
        () -> Files.getAttribute(path("/README.md"), "colour"));
  }

  @Test
  void unknownAttributeViewIsUnsupported() {
    assertThrows(UnsupportedOperationException.class,
        () -> Files.readAttributes(path("/README.md"), "colour:*"));
    assertNull(Files.getFileAttributeView(path("/README.md"), AclFileAttributeView.class));
  }

  @Test
  void readAttributesGivesBasicFileAttributesOfTheTree() throws IOException {
    for (String name : ALL) {
      BasicFileAttributes attributes =
          Files.readAttributes(path(name), BasicFileAttributes.class);
      assertBasicAttributeValues(name, Map.of("size", attributes.size(),
          "creationTime", attributes.creationTime(),
          "lastAccessTime", attributes.lastAccessTime(),
          "lastModifiedTime", attributes.lastModifiedTime(),
          "isDirectory", attributes.isDirectory(),
          "isRegularFile", attributes.isRegularFile(),
          "isSymbolicLink", attributes.isSymbolicLink(),
          "isOther", attributes.isOther()));
      assertNull(attributes.fileKey(), name);
    }
  }

  @Test
  void basicFileAttributeViewReadsTheSameAttributes() throws IOException {
    BasicFileAttributeView view =
        Files.getFileAttributeView(path(BIG), BasicFileAttributeView.class);
    assertEquals("basic", view.name());
    BasicFileAttributes attributes = view.readAttributes();
    assertEquals(BIG_SIZE, attributes.size());
    assertEquals(FileTime.from(TIME), attributes.lastModifiedTime());
    assertTrue(attributes.isRegularFile());
    BasicFileAttributeView missing =
        Files.getFileAttributeView(path(MISSING), BasicFileAttributeView.class);
    assertNoSuchFile(MISSING, missing::readAttributes);
  }

  @Test
  void attributesOfAMissingFileThrowNoSuchFileException() {
    assertNoSuchFile(MISSING, () -> Files.size(path(MISSING)));
    assertNoSuchFile(MISSING, () -> Files.getLastModifiedTime(path(MISSING)));
    assertNoSuchFile(MISSING,
        () -> Files.readAttributes(path(MISSING), BasicFileAttributes.class));
    assertNoSuchFile(MISSING, () -> Files.readAttributes(path(MISSING), "basic:*"));
    assertNoSuchFile(MISSING, () -> Files.getAttribute(path(MISSING), "size"));
  }

  @Test
  void isSameFileComparesTheFilesPathsLocate() throws IOException {
    assertTrue(Files.isSameFile(path("/docs/../README.md"), path("README.md")));
    assertTrue(Files.isSameFile(path("/docs/api"), path("/docs/./api/")));
    assertFalse(Files.isSameFile(path("/README.md"), path("/docs/guide.md")));
    // equal paths are the same file, whether or not it exists
    assertTrue(Files.isSameFile(path(MISSING), path(MISSING)));
    assertFalse(Files.isSameFile(path("/README.md"), workDir));
  }

  @Test
  void toRealPathIsAbsoluteAndNormal() throws IOException {
    assertEquals(path("/README.md"), path("/docs/../README.md").toRealPath());
    assertEquals(path("/docs/guide.md"), path("docs/guide.md").toRealPath());
    assertEquals(path("/docs/api"), path("/docs/./api/").toRealPath());
    assertEquals(path("/"), path("/").toRealPath());
    assertEquals(path("/names/日本語.txt"), path("names/../names/日本語.txt").toRealPath());
  }

  @Test
  void missingPathsThrowNoSuchFileExceptionNamingThemFromAccessChecks() {
    assertNoSuchFile(MISSING, () -> path(MISSING).toRealPath());
    assertNoSuchFile(MISSING, () -> Files.isSameFile(path(MISSING), path("/README.md")));
    assertNoSuchFile(MISSING, () -> fs.provider().checkAccess(path(MISSING)));
  }

  @Test
  void accessChecksAllowReadingOnly() throws IOException {
    fs.provider().checkAccess(path("/README.md"), AccessMode.READ);
    AccessDeniedException e = assertThrows(AccessDeniedException.class,
        () -> fs.provider().checkAccess(path("/README.md"), AccessMode.WRITE));
    assertEquals("/README.md", e.getFile());
    assertTrue(Files.isReadable(path("/README.md")));
    assertFalse(Files.isWritable(path("/README.md")));
    assertFalse(Files.isExecutable(path("/README.md")));
    assertTrue(Files.isReadable(path("/docs")));
    assertFalse(Files.isReadable(path(MISSING)));
  }

  /** Hidden is the provider's to define; zipfs hides nothing, and so does the provider. */
  @Test
  void noFileIsHiddenNotEvenADotFile() throws IOException {
    assertFalse(Files.isHidden(path("/.hidden")));
    assertFalse(Files.isHidden(path("/README.md")));
    assertFalse(Files.isHidden(path("/docs")));
  }

  @Test
  void fileStoreIsReadOnlyAndSupportsTheViews() throws IOException {
    List<FileStore> stores = new ArrayList<>();
    fs.getFileStores().forEach(stores::add);
    assertEquals(1, stores.size());
    FileStore store = Files.getFileStore(path("/docs/guide.md"));
    assertEquals(fileStoreType(), store.type());
    assertEquals(fileStoreType(), stores.get(0).type());
    assertTrue(store.isReadOnly());
    assertTrue(store.supportsFileAttributeView(BasicFileAttributeView.class));
    assertFalse(store.supportsFileAttributeView(AclFileAttributeView.class));
    for (String view : attributeViews()) {
      assertTrue(store.supportsFileAttributeView(view), view);
    }
    assertFalse(store.supportsFileAttributeView("colour"));
    assertEquals(attributeViews(), fs.supportedFileAttributeViews());
    assertTrue(attributeViews().contains("basic"));
  }

  // ------------------------------------------------------------------------------------ paths

  @Test
  void getPathJoinsItsArgumentsAndDropsRedundantSlashes() {
    assertEquals("/a/b/c", fs.getPath("/a", "b", "", "c/").toString());
    assertEquals("a", fs.getPath("", "a").toString());
    assertEquals("a/b", fs.getPath("a", "/b").toString());
    assertEquals("/a/b", fs.getPath("/a//b/").toString());
    assertEquals("/", fs.getPath("//").toString());
    assertEquals("/", fs.getPath("/", "").toString());
    assertEquals("", fs.getPath("", "").toString());
    assertEquals("a", fs.getPath("a/").toString());
    assertEquals("/names/ünïcödé €.txt", fs.getPath("/names", "ünïcödé €.txt").toString());
    assertThrows(InvalidPathException.class, () -> fs.getPath("a\0b"));
  }

  @Test
  void resolveAndResolveSiblingJoinPaths() {
    assertEquals(path("/a/b"), path("/a").resolve("b"));
    assertEquals(path("/a/b"), path("/a").resolve(path("b")));
    assertEquals(path("/b"), path("/a").resolve("/b"));
    assertEquals(path("/a"), path("/a").resolve(""));
    assertEquals(path("b"), path("").resolve("b"));
    assertEquals("/a/b/../c", path("/a").resolve("b/../c").toString());
    assertEquals(path("/a/c"), path("/a/b").resolveSibling("c"));
    assertEquals(path("c"), path("/").resolveSibling("c"));
    assertEquals(path("c"), path("a").resolveSibling("c"));
    assertEquals(path("/c"), path("/a/b").resolveSibling("/c"));
    assertThrows(ProviderMismatchException.class, () -> path("/a").resolve(Path.of("b")));
  }

  @Test
  void relativizeIsTheInverseOfResolveBothWays() {
    assertEquals(path("../c/d"), path("/a/b").relativize(path("/a/c/d")));
    assertEquals(path("../../b"), path("/a/c/d").relativize(path("/a/b")));
    assertEquals(path(""), path("/a").relativize(path("/a")));
    assertEquals(path("a"), path("/").relativize(path("/a")));
    assertEquals(path(".."), path("/a").relativize(path("/")));
    assertEquals(path(".."), path("a").relativize(path("")));
    assertEquals(path("a/b"), path("").relativize(path("a/b")));
    for (String from : List.of("/", "/a", "/a/b/c", "/x/y")) {
      for (String to : List.of("/", "/a", "/a/b/c", "/a/d", "/x")) {
        Path relative = path(from).relativize(path(to));
        assertFalse(relative.isAbsolute());
        assertEquals(path(to), path(from).resolve(relative).normalize(), from + " to " + to);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> path("/a").relativize(path("b")));
    assertThrows(IllegalArgumentException.class, () -> path("a").relativize(path("/b")));
  }

  @Test
  void normalizeRemovesDotsAndTheNamesBeforeDoubleDots() {
    assertEquals("/a/c", path("/a/./b/../c").normalize().toString());
    assertEquals("", path("a/..").normalize().toString());
    assertEquals("", path(".").normalize().toString());
    assertEquals("a", path("./a").normalize().toString());
    assertEquals("..", path("..").normalize().toString());
    assertEquals("/", path("/..").normalize().toString());
    assertEquals("/", path("/../..").normalize().toString());
    assertEquals("../b", path("a/../../b").normalize().toString());
    assertEquals("..", path("../a/..").normalize().toString());
    assertEquals("/a/b", path("/a/b").normalize().toString());
  }

  @Test
  void startsWithAndEndsWithCompareWholeNames() {
    assertTrue(path("/a/b").startsWith("/a"));
    assertTrue(path("/a/b").startsWith(path("/a")));
    assertTrue(path("/a/b").startsWith("/a/"));
    assertTrue(path("/a/b").startsWith("/"));
    assertTrue(path("/a/b").startsWith("/a/b"));
    assertFalse(path("/a/b").startsWith("a"));
    assertFalse(path("/ab").startsWith("/a"));
    assertFalse(path("/a/b").startsWith("/a/b/c"));
    assertTrue(path("a/b").startsWith("a"));
    assertFalse(path("a/b").startsWith("/a"));
    assertTrue(path("/").startsWith("/"));
    assertFalse(path("/a").startsWith(Path.of("/a")));

    assertTrue(path("/a/b").endsWith("b"));
    assertTrue(path("/a/b").endsWith(path("a/b")));
    assertTrue(path("/a/b").endsWith("/a/b"));
    assertTrue(path("/a/b").endsWith("b/"));
    assertFalse(path("/a/b").endsWith("/b"));
    assertFalse(path("/a/bb").endsWith("b"));
    assertFalse(path("/a").endsWith("/"));
    assertTrue(path("/").endsWith("/"));
    assertTrue(path("x.tar.gz").endsWith("x.tar.gz"));
    assertFalse(path("x.tar.gz").endsWith("gz"));
    assertFalse(path("/a").endsWith(Path.of("a")));
  }

  @Test
  void onlyTheEmptyPathStartsWithTheEmptyPath() {
    assertFalse(path("a/b").startsWith(""));
    assertFalse(path("a").startsWith(path("")));
    assertFalse(path("/a").startsWith(""));
    assertTrue(path("").startsWith(""));
  }

  @Test
  void onlyTheEmptyPathEndsWithTheEmptyPath() {
    assertFalse(path("a/b").endsWith(""));
    assertFalse(path("/a").endsWith(""));
    assertTrue(path("").endsWith(""));
    assertFalse(path("").endsWith("a"));
  }

  @Test
  void fileNameParentAndRootSplitAPath() {
    assertEquals(path("c"), path("/a/b/c").getFileName());
    assertEquals(path("/a/b"), path("/a/b/c").getParent());
    assertEquals(path("/"), path("/a/b/c").getRoot());
    assertEquals(path("/"), path("/a").getParent());
    assertEquals(path("a"), path("a/b").getParent());
    assertEquals(path("x.tar.gz"), path("/x.tar.gz").getFileName());
    assertEquals(path("with space.txt"), path("/names/with space.txt").getFileName());
    assertEquals(path("a"), path("a").getFileName());
    assertNull(path("a").getParent());
    assertNull(path("a").getRoot());
    assertNull(path("/").getFileName());
    assertNull(path("/").getParent());
    assertEquals(path("/"), path("/").getRoot());
  }

  @Test
  void nameCountGetNameAndSubpathIndexTheNames() {
    Path path = path("/a/b/c");
    assertEquals(3, path.getNameCount());
    assertEquals(path("a"), path.getName(0));
    assertFalse(path.getName(0).isAbsolute());
    assertEquals(path("c"), path.getName(2));
    assertEquals(path("b/c"), path.subpath(1, 3));
    assertEquals(path("a/b/c"), path.subpath(0, 3));
    assertEquals(0, path("/").getNameCount());
    assertEquals(1, path("a").getNameCount());
    for (Executable bad : List.<Executable>of(() -> path.getName(3), () -> path.getName(-1),
        () -> path.subpath(1, 1), () -> path.subpath(2, 1), () -> path.subpath(0, 4),
        () -> path("/").getName(0))) {
      assertThrows(IllegalArgumentException.class, bad);
    }
  }

  @Test
  void iteratorGivesTheNames() {
    List<Path> names = new ArrayList<>();
    path("/a/b/c").forEach(names::add);
    assertEquals(List.of(path("a"), path("b"), path("c")), names);
    assertFalse(path("/").iterator().hasNext());
  }

  @Test
  void emptyPathIsOneEmptyNameThatResolvesToTheRoot() throws IOException {
    Path empty = path("");
    assertEquals("", empty.toString());
    assertEquals(1, empty.getNameCount());
    assertEquals(empty, empty.getName(0));
    assertNull(empty.getParent());
    assertNull(empty.getRoot());
    assertFalse(empty.isAbsolute());
    assertEquals(List.of(empty), iterate(empty));
    assertEquals(empty, empty.normalize());
    assertEquals(path("/"), empty.toAbsolutePath());
    assertEquals(path("/"), empty.toRealPath());
    assertTrue(Files.isDirectory(empty));
    List<String> top = ALL.stream().filter(p -> nameCount(p) == 1).map(p -> p.substring(1))
        .sorted().toList();
    assertEquals(top, sorted(Files.list(empty)));
  }

  /** The empty path has one name, the empty name: it is its own file name. */
  @Test
  void fileNameOfTheEmptyPathIsTheEmptyPath() {
    assertEquals(path(""), path("").getFileName());
  }

  @Test
  void compareToOrdersByTheUnsignedUtf8BytesOfTheNormalPath() {
    List<String> expected = List.of("", "/", "/A", "/a", "/a b", "/a/b", "/b", "/é", "/€",
        "/日本", "/\uFF21", "/\uD83D\uDE00", "a");
    List<Path> paths = new ArrayList<>(expected.stream().map(this::path).toList());
    Collections.reverse(paths);
    Collections.sort(paths);
    assertEquals(expected, paths.stream().map(Path::toString).toList());
    assertEquals(0, path("/a//b/").compareTo(path("/a/b")));
  }

  @Test
  void compareToAPathOfAnotherProviderThrowsClassCastException() {
    assertThrows(ClassCastException.class, () -> path("/a").compareTo(Path.of("/a")));
  }

  @Test
  void equalPathsAreThoseOfTheSameFileSystemWithTheSameNames() throws IOException {
    assertEquals(path("/a/b"), path("/a//b/"));
    assertEquals(path("/a/b").hashCode(), path("/a//b/").hashCode());
    assertNotEquals(path("/a/b"), path("/a/./b"));
    assertNotEquals(path("a"), path("/a"));
    assertNotEquals(path("/a"), path("/A"));
    assertNotEquals(path("/a/b"), Path.of("/a/b"));
    try (FileSystem own = openFileSystem(workDir)) {
      assertNotEquals(path("/a/b"), own.getPath("/a/b"));
    }
  }

  @Test
  void toAbsolutePathPrefixesTheRoot() {
    assertEquals(path("/a/b"), path("a/b").toAbsolutePath());
    assertSame(fs, path("a/b").toAbsolutePath().getFileSystem());
    assertEquals(path("/a/b"), path("/a/b").toAbsolutePath());
    assertTrue(path("a/b").toAbsolutePath().isAbsolute());
    assertFalse(path("a/b").isAbsolute());
  }

  // --------------------------------------------------------------------------------- matchers

  @Test
  void globWithDoubleStarMatchesAcrossDirectories() throws IOException {
    PathMatcher matcher = fs.getPathMatcher("glob:**/*.md");
    assertEquals(List.of("/README.md", "/docs/guide.md", "/glob/a.md"), matching(matcher));
    assertTrue(matcher.matches(path("docs/guide.md")));
    assertFalse(matcher.matches(path("README.md")));
    PathMatcher absolute = fs.getPathMatcher("glob:/names/*");
    assertEquals(List.of("/names/bang!.txt", "/names/hash#.txt", "/names/percent%41.txt",
        "/names/with space.txt", "/names/ünïcödé €.txt", "/names/日本語.txt"),
        matching(absolute));
    assertFalse(absolute.matches(path("names/bang!.txt")));
  }

  @Test
  void globWithBracesMatchesAnyAlternativeInOneName() throws IOException {
    PathMatcher matcher = fs.getPathMatcher("glob:*.{md,html}");
    List<String> names = new ArrayList<>();
    for (String file : FILES.keySet()) {
      if (matcher.matches(path("/" + file).getFileName())) {
        names.add(file);
      }
    }
    assertEquals(List.of("README.md", "docs/guide.md", "docs/api/index.html",
        "docs/api/dev/engram/ArchiveReader.html", "glob/a.md", "glob/e.html"), names);
    assertFalse(matcher.matches(path("/README.md")));
    assertFalse(matcher.matches(path("docs/guide.md")));
  }

  @Test
  void regexMatchesTheWholePathString() throws IOException {
    assertEquals(List.of("/a/b/c/d/e/deep.txt", BIG, "/glob/c.md.txt", "/glob/d.txt",
        "/names/bang!.txt", "/names/hash#.txt", "/names/percent%41.txt",
        "/names/with space.txt", "/names/ünïcödé €.txt", "/names/日本語.txt"),
        matching(fs.getPathMatcher("regex:.*\\.txt")));
    assertEquals(List.of(), matching(fs.getPathMatcher("regex:names/.*")));
    assertEquals(List.of("/README.md"), matching(fs.getPathMatcher("REGEX:/[A-Z]+\\.md")));
    assertTrue(fs.getPathMatcher("Glob:*.md").matches(path("a.md")));
  }

  @Test
  void badMatcherSyntaxIsRefused() {
    assertThrows(UnsupportedOperationException.class, () -> fs.getPathMatcher("colour:red"));
    assertThrows(IllegalArgumentException.class, () -> fs.getPathMatcher("*.md"));
    assertThrows(PatternSyntaxException.class, () -> fs.getPathMatcher("glob:[a"));
    assertThrows(PatternSyntaxException.class, () -> fs.getPathMatcher("regex:("));
  }

  // ------------------------------------------------------------------------------------- URIs

  @Test
  void toUriHasTheProvidersScheme() {
    URI uri = path("/names/with space.txt").toUri();
    assertEquals(scheme(), uri.getScheme());
    assertTrue(uri.isAbsolute());
    assertTrue(uri.toString().startsWith(scheme() + ":"));
    assertEquals(uri, path("names/with space.txt").toUri());
  }

  @Test
  void pathOfTheUriOfAPathGivesItBack() throws IOException {
    assertUrisGoBack(Files.createDirectories(workDir.resolve("by uri #1 %41 !x")));
  }

  @Test
  void pathOfTheUriOfAPathGivesItBackWhenTheArchivePathIsNotAscii() throws IOException {
    assertUrisGoBack(Files.createDirectories(workDir.resolve("by uri ü € 日本")));
  }

  // -------------------------------------------------------------------------------- read-only

  @Test
  void everyWriteThrowsReadOnlyFileSystemException(@TempDir Path outside) throws IOException {
    assertTrue(fs.isReadOnly());
    Path readme = path("/README.md");
    Path source = Files.write(outside.resolve("source.txt"), new byte[] {1, 2, 3});
    FileTime time = FileTime.from(Instant.EPOCH);
    List<Executable> writes = List.of(
        () -> Files.write(readme, new byte[] {1}),
        () -> Files.write(path("/new.txt"), new byte[] {1}),
        () -> Files.writeString(path("/docs/new.md"), "new"),
        () -> Files.createFile(path("/new.txt")),
        () -> Files.createDirectory(path("/new")),
        () -> Files.createDirectory(path("/docs")),
        () -> Files.createDirectories(path("/new/deeper")),
        () -> Files.createTempFile(path("/docs"), "new", ".tmp"),
        () -> Files.delete(readme),
        () -> Files.delete(path(MISSING)),
        () -> Files.deleteIfExists(readme),
        () -> Files.move(readme, path("/moved.md")),
        () -> Files.copy(readme, path("/copied.md")),
        () -> Files.copy(source, path("/copied.txt")),
        () -> Files.copy(InputStream.nullInputStream(), path("/copied.txt")),
        () -> Files.newOutputStream(readme).close(),
        () -> Files.newOutputStream(path("/new.txt")).close(),
        () -> Files.newBufferedWriter(readme).close(),
        () -> Files.newByteChannel(readme, StandardOpenOption.WRITE).close(),
        () -> Files.newByteChannel(readme, StandardOpenOption.APPEND).close(),
        () -> Files.newByteChannel(path("/new.txt"), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE).close(),
        () -> Files.setLastModifiedTime(readme, time),
        () -> Files.setAttribute(readme, "basic:lastModifiedTime", time),
        () -> Files.getFileAttributeView(readme, BasicFileAttributeView.class)
            .setTimes(time, time, time));
    for (int i = 0; i < writes.size(); i++) {
      assertThrows(ReadOnlyFileSystemException.class, writes.get(i), "write " + i);
    }
    assertEquals(List.copyOf(ALL), sorted(Files.walk(path("/"))));
    assertArrayEquals(content("/README.md"), Files.readAllBytes(readme));
    assertEquals(FileTime.from(TIME), Files.getLastModifiedTime(readme));
  }

  // ----------------------------------------------------------------------------------- closed

  @Test
  void aClosedFileSystemThrowsClosedFileSystemException() throws IOException {
    FileSystem own = openFileSystem(workDir);
    assertTrue(own.isOpen());
    Path readme = own.getPath("/README.md");
    Path docs = own.getPath("/docs");
    own.close();
    assertFalse(own.isOpen());
    own.close();
    List<Executable> uses = List.of(
        () -> Files.readAllBytes(readme),
        () -> Files.newInputStream(readme).close(),
        () -> Files.newByteChannel(readme).close(),
        () -> readme.toRealPath(),
        () -> Files.exists(readme),
        () -> Files.isDirectory(docs),
        () -> Files.size(readme),
        () -> Files.getLastModifiedTime(readme),
        () -> Files.readAttributes(readme, BasicFileAttributes.class),
        () -> Files.readAttributes(readme, "basic:*"),
        () -> Files.walk(docs).close(),
        () -> Files.isSameFile(readme, docs),
        () -> Files.getFileStore(readme),
        () -> own.provider().checkAccess(readme));
    for (int i = 0; i < uses.size(); i++) {
      assertThrows(ClosedFileSystemException.class, uses.get(i), "use " + i);
    }
  }

  @Test
  void directoryStreamOfAClosedFileSystemThrowsClosedFileSystemException() throws IOException {
    Path docs = openAndClose(own -> own.getPath("/docs"));
    assertThrows(ClosedFileSystemException.class, () -> Files.newDirectoryStream(docs).close());
    assertThrows(ClosedFileSystemException.class, () -> Files.list(docs).close());
  }

  @Test
  void channelOpenedBeforeCloseIsClosedWithTheFileSystem() throws IOException {
    SeekableByteChannel channel = channelOutlivingItsFileSystem();
    assertFalse(channel.isOpen());
    assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(10)));
    assertThrows(ClosedChannelException.class, channel::size);
  }

  @Test
  void inputStreamOpenedBeforeCloseFailsAfterIt() throws IOException {
    InputStream in = streamOutlivingItsFileSystem();
    Exception e = assertThrows(Exception.class, () -> in.readNBytes(1000));
    assertTrue(e instanceof IOException || e instanceof ClosedFileSystemException, e::toString);
  }

  @Test
  void directoryStreamOpenedBeforeCloseIsClosedWithTheFileSystem() throws IOException {
    DirectoryStream<Path> stream =
        openAndClose(own -> Files.newDirectoryStream(own.getPath("/docs")));
    assertThrows(IllegalStateException.class, stream::iterator);
  }

  // ------------------------------------------------------------------------------ file system

  @Test
  void theOneRootIsTheSlashAndTheSeparatorToo() {
    List<Path> roots = new ArrayList<>();
    fs.getRootDirectories().forEach(roots::add);
    assertEquals(List.of(path("/")), roots);
    assertEquals("/", fs.getSeparator());
  }

  @Test
  void theProviderIsInstalledUnderItsScheme() {
    assertEquals(scheme(), fs.provider().getScheme());
    assertTrue(FileSystemProvider.installedProviders().stream()
        .anyMatch(p -> p.getClass() == fs.provider().getClass()
            && p.getScheme().equals(scheme())));
  }

  @Test
  void watchingPrincipalsAndFilesAreUnsupported() {
    assertThrows(UnsupportedOperationException.class, fs::newWatchService);
    assertThrows(UnsupportedOperationException.class, fs::getUserPrincipalLookupService);
    assertThrows(UnsupportedOperationException.class, () -> path("/README.md").toFile());
  }

  // ---------------------------------------------------------------------------------- helpers

  /** Returns a path of the shared file system. */
  Path path(String name) {
    return fs.getPath(name);
  }

  /** Asserts that {@code call} throws {@link NoSuchFileException} naming {@code file}. */
  static void assertNoSuchFile(String file, Executable call) {
    NoSuchFileException e = assertThrows(NoSuchFileException.class, call);
    assertEquals(file, e.getFile());
  }

  /**
   * Asserts that {@code basic:*} and {@code *} read these attributes of every path, and the
   * values of the basic ones.
   */
  void assertBasicStarReads(Set<String> attributeNames) throws IOException {
    for (String name : ALL) {
      for (String attributes : List.of("basic:*", "*")) {
        Map<String, Object> read = Files.readAttributes(path(name), attributes);
        assertEquals(attributeNames, read.keySet(), name);
        assertBasicAttributeValues(name, read);
      }
    }
  }

  /** Reads some of random.bin, closes the stream, and asserts that reading it again throws. */
  static void assertReadingAClosedStreamFails(FileSystem fileSystem) throws IOException {
    InputStream in = Files.newInputStream(fileSystem.getPath(RANDOM));
    in.readNBytes(10);
    in.close();
    assertThrows(IOException.class, in::read);
    assertThrows(IOException.class, () -> in.read(new byte[100]));
  }

  /** Something a file system opens. */
  interface Opener<T> {
    T open(FileSystem fileSystem) throws IOException;
  }

  /**
   * Opens an instance of its own, opens something of it, closes the instance, and returns what
   * was opened: to see how it behaves once its file system is closed.
   */
  <T> T openAndClose(Opener<T> opener) throws IOException {
    try (FileSystem own = openFileSystem(workDir)) {
      return opener.open(own);
    }
  }

  /** A channel of random.bin, its first 10 bytes read, whose file system is closed. */
  SeekableByteChannel channelOutlivingItsFileSystem() throws IOException {
    return openAndClose(own -> {
      SeekableByteChannel channel = Files.newByteChannel(own.getPath(RANDOM));
      channel.read(ByteBuffer.allocate(10));
      return channel;
    });
  }

  /** A stream of random.bin, its first 10 bytes read, whose file system is closed. */
  InputStream streamOutlivingItsFileSystem() throws IOException {
    return openAndClose(own -> {
      InputStream in = Files.newInputStream(own.getPath(RANDOM));
      in.readNBytes(10);
      return in;
    });
  }

  /** Asserts the values of the basic attributes (those in {@code read}) of a path. */
  void assertBasicAttributeValues(String name, Map<String, Object> read) {
    boolean directory = DIRECTORIES.contains(name);
    long size = directory ? 0 : FILES.get(name.substring(1)).length;
    assertEquals(size, read.get("size"), name);
    assertEquals(directory, read.get("isDirectory"), name);
    assertEquals(!directory, read.get("isRegularFile"), name);
    assertEquals(false, read.get("isSymbolicLink"), name);
    assertEquals(false, read.get("isOther"), name);
    assertNull(read.get("fileKey"), name);
    for (String time : List.of("lastModifiedTime", "lastAccessTime", "creationTime")) {
      if (directory) {
        assertDirectoryTime(name, (FileTime) read.get(time));
      } else {
        assertEquals(FileTime.from(TIME), read.get(time), name + " " + time);
      }
    }
  }

  /**
   * Asserts, on a file system opened by URI, that every path's URI has the provider's scheme and
   * that {@link Path#of(URI)} turns it into an equal path of that file system; and that once it
   * is closed, {@code Path.of} no longer finds it.
   */
  void assertUrisGoBack(Path archiveDir) throws IOException {
    List<URI> uris = new ArrayList<>();
    try (FileSystem byUri = openByUri(archiveDir)) {
      List<String> names = new ArrayList<>(ALL);
      names.add(MISSING);
      for (String name : names) {
        Path path = byUri.getPath(name);
        URI uri = path.toUri();
        assertEquals(scheme(), uri.getScheme(), name);
        Path back = Path.of(uri);
        assertSame(byUri, back.getFileSystem(), name);
        assertEquals(path, back, name);
        assertEquals(path, Paths.get(uri), name);
        uris.add(uri);
      }
      assertEquals(byUri.getPath("/docs/guide.md").toUri(),
          byUri.getPath("docs/guide.md").toUri());
    }
    assertThrows(FileSystemNotFoundException.class, () -> Path.of(uris.get(0)));
  }

  /** The paths of the tree a matcher matches, as sorted strings. */
  List<String> matching(PathMatcher matcher) throws IOException {
    return sorted(Files.walk(path("/")).filter(matcher::matches));
  }

  /** The entries of a directory a glob matches, as sorted strings. */
  List<String> glob(String dir, String glob) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(path(dir), glob)) {
      stream.forEach(p -> names.add(p.toString()));
    }
    Collections.sort(names);
    return names;
  }

  /** Closes a stream of paths and returns their strings, sorted (keeping duplicates). */
  static List<String> sorted(Stream<Path> paths) {
    try (paths) {
      return paths.map(Path::toString).sorted().toList();
    }
  }

  static List<Path> iterate(Path path) {
    List<Path> names = new ArrayList<>();
    path.forEach(names::add);
    return names;
  }

  static int nameCount(String absolute) {
    return absolute.equals("/") ? 0 : (int) absolute.chars().filter(c -> c == '/').count();
  }

  /** The content of a file named by its absolute path string. */
  static byte[] content(String absolute) {
    return FILES.get(absolute.substring(1));
  }

  static byte[] slice(byte[] bytes, long from, int length) {
    byte[] slice = new byte[length];
    System.arraycopy(bytes, (int) from, slice, 0, length);
    return slice;
  }

  private static Map<String, byte[]> files() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("README.md", utf8("# Engram test tree\n\nThe same files, read two ways.\n"));
    files.put("docs/guide.md", utf8("# Guide\n\nFirst line.\r\nSecond line, after CR LF.\n\n"
        + "Last line, with no line end."));
    files.put("docs/api/index.html", utf8("<!DOCTYPE html>\n<title>API</title>\n"));
    files.put("docs/api/dev/engram/ArchiveReader.html",
        utf8("<!DOCTYPE html>\n<title>ArchiveReader</title>\n".repeat(50)));
    files.put("docs/api/style.css", utf8("body { margin: 0 }\n"));
    files.put("data/empty.bin", new byte[0]);
    files.put("data/big.txt", text(BIG_SIZE));
    files.put("data/random.bin", random(100 * 1024, 2));
    for (String name : List.of("with space.txt", "bang!.txt", "hash#.txt", "percent%41.txt",
        "ünïcödé €.txt", "日本語.txt")) {
      files.put("names/" + name, utf8("contents of names/" + name + "\n"));
    }
    files.put("a/b/c/d/e/deep.txt", utf8("five directories down\n"));
    files.put("x.tar.gz", random(7 * 1024, 3));
    files.put(".hidden", utf8("a dot file\n"));
    for (String name : List.of("a.md", "b.MD", "c.md.txt", "d.txt", "e.html")) {
      files.put("glob/" + name, utf8(name + "\n"));
    }
    return Collections.unmodifiableMap(files);
  }

  private static Set<String> directories(Set<String> names) {
    Set<String> directories = new TreeSet<>();
    directories.add("/");
    for (String name : names) {
      for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
        directories.add("/" + name.substring(0, slash));
      }
    }
    return Collections.unmodifiableSet(directories);
  }

  private static Set<String> all() {
    Set<String> all = new TreeSet<>(DIRECTORIES);
    FILES.keySet().forEach(name -> all.add("/" + name));
    return Collections.unmodifiableSet(all);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /**
   * Compressible text in numbered lines, so that every line differs and a frame read from the
   * wrong place is caught.
   */
  private static byte[] text(int size) {
    String[] words = {"engram", "archive", "frame", "the", "of", "channel", "directory", "entry",
        "zip", "and", "path", "seek"};
    Random random = new Random(1);
    byte[] out = new byte[size];
    StringBuilder line = new StringBuilder();
    for (int i = 0, number = 0; i < size; number++) {
      line.setLength(0);
      line.append(number).append(':');
      for (int w = 0; w < 8; w++) {
        line.append(' ').append(words[random.nextInt(words.length)]);
      }
      line.append('\n');
      for (int k = 0; k < line.length() && i < size; k++) {
        out[i++] = (byte) line.charAt(k);
      }
    }
    return out;
  }
}
