package dev.engram.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite against the JDK's ZIP file system on a ZIP of {@link #FILES}: what the
 * engram provider is compared with. The overrides below are where zipfs breaks the {@code
 * java.nio.file} contracts; each asserts what zipfs does instead, so that a JDK that fixes it
 * shows here.
 */
class ZipFsConformanceTest extends FileSystemConformance {
  /** Opens read-only: the {@code accessMode} property is new in JDK 25 (JDK-8350880). */
  private static final Map<String, String> READ_ONLY = Map.of("accessMode", "readOnly");

  /** The attributes zipfs reads for {@code basic:*}: those of its own view too. */
  private static final Set<String> ZIP_ATTRIBUTES =
      Set.of("compressedSize", "crc", "method", "owner", "group", "permissions");

  private Path zip;
  /** When the first instance, the one the tests share, was opened (to the millisecond). */
  private Instant sharedOpenedFrom;
  private Instant sharedOpenedTo;

  @Override
  protected FileSystem openFileSystem(Path workDir) throws IOException {
    boolean first = zip == null;
    if (first) {
      zip = writeZip(workDir.resolve("files.zip"));
      sharedOpenedFrom = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
    FileSystem opened = FileSystems.newFileSystem(zip, READ_ONLY);
    if (first) {
      sharedOpenedTo = Instant.now();
    }
    // an older JDK ignores accessMode and opens the ZIP read-write
    assertTrue(opened.isReadOnly(), "zipfs of JDK 25 or newer");
    return opened;
  }

  @Override
  protected FileSystem openByUri(Path archiveDir) throws IOException {
    Path copy = Files.copy(zip, archiveDir.resolve("files.zip"));
    return FileSystems.newFileSystem(URI.create("jar:" + copy.toUri()), READ_ONLY);
  }

  @Override
  protected String scheme() {
    return "jar";
  }

  @Override
  protected String fileStoreType() {
    return "zipfs";
  }

  @Override
  protected Set<String> attributeViews() {
    return Set.of("basic", "zip");
  }

  /**
   * The root of a ZIP is no entry: zipfs gives it (and any directory without an entry) the time
   * the {@code ZipFileSystem} was created ({@code zfsDefaultTimeStamp}) as all three times.
   */
  @Override
  protected void assertDirectoryTime(String directory, FileTime time) {
    if (directory.equals("/")) {
      Instant instant = time.toInstant();
      assertFalse(instant.isBefore(sharedOpenedFrom), instant::toString);
      assertFalse(instant.isAfter(sharedOpenedTo), instant::toString);
    } else {
      super.assertDirectoryTime(directory, time);
    }
  }

  // Where zipfs breaks the contracts (JDK 25's jdk.zipfs)

  /**
   * {@code ZipFileAttributeView.readAttributes} reads {@code "*"} as every attribute it knows,
   * whatever view was named: {@code basic:*} gives the {@code zip} view's attributes too, though
   * {@link Files#readAttributes(Path, String)} says {@code *} means all of the view's.
   */
  @Override
  @Test
  void basicStarReadsExactlyTheBasicAttributes() throws IOException {
    Set<String> all = new HashSet<>(BASIC_ATTRIBUTES);
    all.addAll(ZIP_ATTRIBUTES);
    assertBasicStarReads(all);
  }

  /**
   * zipfs drops names it does not know (and reads {@code zip} attributes through the {@code
   * basic} view), where {@link Files#readAttributes(Path, String)} and {@link
   * Files#getAttribute} throw {@link IllegalArgumentException}.
   */
  @Override
  @Test
  void unknownAttributeThrowsIllegalArgumentException() throws IOException {
    assertEquals(Map.of(), Files.readAttributes(path("/README.md"), "basic:colour"));
    assertEquals(Set.of("size"), Files.readAttributes(path("/README.md"), "size,colour").keySet());
    assertNull(Files.getAttribute(path("/README.md"), "colour"));
    assertEquals(Set.of("crc"), Files.readAttributes(path("/README.md"), "basic:crc").keySet());
  }

  /**
   * zipfs's {@code ByteArrayChannel} clamps the position to the size, where {@link
   * SeekableByteChannel#position(long)} says a position beyond the end is kept (and reads there
   * give end-of-file).
   */
  @Override
  @Test
  void byteChannelPositionedBeyondTheEndReadsEndOfFile() throws IOException {
    long size = FILES.get("data/random.bin").length;
    try (SeekableByteChannel channel = Files.newByteChannel(path(RANDOM))) {
      channel.position(size + 1000);
      assertEquals(size, channel.position());
      assertEquals(-1, channel.read(ByteBuffer.allocate(10)));
    }
  }

  /**
   * zipfs's entry stream overrides {@code close()} to hand its {@code Inflater} back to the file
   * system's pool, but reading it afterwards still runs that {@code Inflater}: the read throws
   * ({@code EOFException}), and the next stream the pool serves fails with a {@link
   * ZipException}. The suite asserts the contract: a closed stream disturbs no other.
   */
  @Override
  @Test
  void readingAClosedStreamFailsAndLeavesOtherStreamsIntact() throws IOException {
    try (FileSystem own = openFileSystem(workDir)) {
      assertReadingAClosedStreamFails(own);
      assertThrows(ZipException.class, () -> Files.readAllBytes(own.getPath(RANDOM)));
      assertArrayEquals(content(RANDOM), Files.readAllBytes(own.getPath(RANDOM)));
    }
  }

  /**
   * zipfs answers a missing directory with {@link NotDirectoryException}, which {@link
   * Files#newDirectoryStream(Path)} reserves for a file that is not a directory.
   */
  @Override
  @Test
  void directoryStreamOfAMissingDirectoryThrowsNoSuchFileException() {
    NotDirectoryException e = assertThrows(NotDirectoryException.class,
        () -> Files.newDirectoryStream(path("/nowhere")).close());
    assertEquals("/nowhere", e.getFile());
  }

  /**
   * {@code ZipFileSystem.checkAccess}, behind {@code toRealPath}, {@code isSameFile} and {@code
   * checkAccess}, names the ZIP file in its {@link NoSuchFileException}, not the missing path;
   * everywhere else zipfs names the path.
   */
  @Override
  @Test
  void missingPathsThrowNoSuchFileExceptionNamingThemFromAccessChecks() {
    String file = zip.toString();
    assertNoSuchFile(file, () -> path(MISSING).toRealPath());
    assertNoSuchFile(file, () -> Files.isSameFile(path(MISSING), path("/README.md")));
    assertNoSuchFile(file, () -> fs.provider().checkAccess(path(MISSING)));
  }

  /**
   * {@code ZipPath.getFileName} returns null for the empty path, though {@link Path} says the
   * empty path has one (empty) name, and {@link Path#getFileName()} returns null only for a path
   * of none (the default provider gives the empty path).
   */
  @Override
  @Test
  void fileNameOfTheEmptyPathIsTheEmptyPath() {
    assertEquals(1, path("").getNameCount());
    assertNull(path("").getFileName());
  }

  /**
   * {@code ZipPath.startsWith} reads the byte before the other path's end, so a relative path
   * starting with the empty path throws {@link ArrayIndexOutOfBoundsException}.
   */
  @Override
  @Test
  void onlyTheEmptyPathStartsWithTheEmptyPath() {
    assertThrows(ArrayIndexOutOfBoundsException.class, () -> path("a/b").startsWith(""));
    assertThrows(ArrayIndexOutOfBoundsException.class, () -> path("a").startsWith(path("")));
    assertFalse(path("/a").startsWith(""));
    assertTrue(path("").startsWith(""));
  }

  /**
   * {@code ZipPath.compareTo} throws {@link ProviderMismatchException} (an {@link
   * IllegalArgumentException}) where {@link Path#compareTo} says {@link ClassCastException}.
   */
  @Override
  @Test
  void compareToAPathOfAnotherProviderThrowsClassCastException() {
    assertThrows(ProviderMismatchException.class, () -> path("/a").compareTo(Path.of("/a")));
  }

  /**
   * {@code ZipPath.toUri} decodes the ZIP file's URI and quotes it again without escaping
   * non-ASCII characters; the default provider refuses such a {@code file} URI ("Bad escape"),
   * so {@code Path.of} cannot find the file system of a ZIP whose path is not ASCII.
   */
  @Override
  @Test
  void pathOfTheUriOfAPathGivesItBackWhenTheArchivePathIsNotAscii() throws IOException {
    Path dir = Files.createDirectories(workDir.resolve("by uri ü € 日本"));
    try (FileSystem byUri = openByUri(dir)) {
      URI uri = byUri.getPath("/README.md").toUri();
      assertTrue(uri.toString().contains("ü"), uri::toString);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Path.of(uri));
      assertEquals("Bad escape", e.getMessage());
      // the same URI escaped to ASCII goes back
      assertEquals(byUri.getPath("/README.md"), Path.of(URI.create(uri.toASCIIString())));
    }
  }

  /**
   * zipfs's {@code newDirectoryStream} reads the closed file system's (null) inode table and
   * throws {@link NullPointerException}, not {@link java.nio.file.ClosedFileSystemException}.
   */
  @Override
  @Test
  void directoryStreamOfAClosedFileSystemThrowsClosedFileSystemException() throws IOException {
    Path docs = openAndClose(own -> own.getPath("/docs"));
    assertThrows(NullPointerException.class, () -> Files.newDirectoryStream(docs).close());
    assertThrows(NullPointerException.class, () -> Files.list(docs).close());
  }

  /**
   * zipfs reads a whole entry into a {@code ByteArrayChannel} that closing the file system does
   * not close, though {@link FileSystem#close()} closes every channel of the file system: it stays
   * open, and reads go on.
   */
  @Override
  @Test
  void channelOpenedBeforeCloseIsClosedWithTheFileSystem() throws IOException {
    SeekableByteChannel channel = channelOutlivingItsFileSystem();
    assertTrue(channel.isOpen());
    ByteBuffer buffer = ByteBuffer.allocate(10);
    assertEquals(10, channel.read(buffer));
    assertEquals(ByteBuffer.wrap(content(RANDOM), 10, 10), buffer.flip());
    channel.close();
  }

  /**
   * Closing zipfs ends the {@code Inflater} of a stream still open, whose next read throws
   * {@link IllegalStateException} ("Inflater has been closed") rather than an {@link
   * IOException}.
   */
  @Override
  @Test
  void inputStreamOpenedBeforeCloseFailsAfterIt() throws IOException {
    InputStream in = streamOutlivingItsFileSystem();
    assertThrows(IllegalStateException.class, () -> in.readNBytes(1000));
  }

  /**
   * Writes the ZIP through zipfs: every directory an explicit entry, every entry (but the root,
   * which is no entry) with {@link #TIME} as its modified, access and creation time.
   */
  private static Path writeZip(Path zip) throws IOException {
    FileTime time = FileTime.from(TIME);
    try (FileSystem writable = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
      for (String dir : DIRECTORIES) {
        if (!dir.equals("/")) {
          setTimes(Files.createDirectories(writable.getPath(dir)), time);
        }
      }
      for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
        setTimes(Files.write(writable.getPath(file.getKey()), file.getValue()), time);
      }
    }
    return zip;
  }

  private static void setTimes(Path path, FileTime time) throws IOException {
    Files.getFileAttributeView(path, BasicFileAttributeView.class).setTimes(time, time, time);
  }
}
