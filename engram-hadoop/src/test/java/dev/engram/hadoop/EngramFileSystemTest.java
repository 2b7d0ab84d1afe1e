package dev.engram.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.CorruptArchiveException;
import dev.engram.ReaderOptions;
import dev.engram.WriterOptions;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIOException;
import org.apache.hadoop.fs.StreamCapabilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only operations of {@link EngramFileSystem} in the manner of Hadoop's file system
 * contract tests (open, seek, positioned and vectored reads, listing, status, errors), on an
 * archive of the local file system.
 */
class EngramFileSystemTest {
  @TempDir
  static java.nio.file.Path shared;
  static java.nio.file.Path archive;

  private FileSystem fs;

  @BeforeAll
  static void writeArchive() throws IOException {
    archive = shared.resolve("data/x.eng");
    Files.createDirectories(archive.getParent().resolve("nested"));
    TestArchives.writeStandard(archive, WriterOptions.defaults());
    Files.writeString(shared.resolve("data/notes.txt"), "not an archive");
  }

  @BeforeEach
  void open() throws IOException {
    fs = FileSystem.newInstance(URI.create("engram:///"), new Configuration());
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  static Path path(String inner) {
    return new Path("engram://" + archive.toAbsolutePath() + inner);
  }

  static Path above(String relative) {
    return new Path("engram://" + shared.toAbsolutePath() + "/" + relative);
  }

  @Test
  void hadoopFindsTheFileSystemByItsScheme() {
    assertInstanceOf(EngramFileSystem.class, fs);
    assertEquals("engram", fs.getScheme());
    assertEquals(URI.create("engram:///"), fs.getUri());
  }

  @Test
  void fileStatusOfAnEntryGivesItsContentSizeAndReadOnlyPermissions() throws IOException {
    FileStatus big = fs.getFileStatus(path("/dir/big.bin"));
    assertTrue(big.isFile());
    assertEquals(TestArchives.FRAMED_SIZE, big.getLen());
    assertEquals(0444, big.getPermission().toShort());
    assertEquals(path("/dir/big.bin"), big.getPath());
    assertTrue(big.getBlockSize() > 0);
    assertEquals(0, fs.getFileStatus(path("/empty.txt")).getLen());
  }

  @Test
  void impliedDirectoriesTheArchiveAndDirectoriesAboveAreDirectories() throws IOException {
    for (Path dir : List.of(path("/dir"), path("/dir/sub/deeper"), path(""), path("/"),
        above("data"), above("data/nested"))) {
      FileStatus status = fs.getFileStatus(dir);
      assertTrue(status.isDirectory(), dir.toString());
      assertEquals(0555, status.getPermission().toShort());
    }
  }

  @Test
  void missingPathsAndFilesThatAreNotArchivesAreNotFound() {
    assertThrows(FileNotFoundException.class, () -> fs.getFileStatus(path("/nope.txt")));
    assertThrows(FileNotFoundException.class, () -> fs.getFileStatus(path("/dir/nope")));
    assertThrows(FileNotFoundException.class, () -> fs.getFileStatus(above("data/notes.txt")));
    assertThrows(FileNotFoundException.class, () -> fs.getFileStatus(above("missing.eng/a")));
    assertThrows(FileNotFoundException.class, () -> fs.getFileStatus(above("missing")));
    assertFalse(uncheckedExists(path("/small.txt/child")));
  }

  private boolean uncheckedExists(Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void listingAnArchiveGivesItsImpliedDirectoriesAndFiles() throws IOException {
    assertEquals(Set.of("small.txt", "empty.txt", "dir"), names(fs.listStatus(path(""))));
    assertEquals(Set.of("big.bin", "sub"), names(fs.listStatus(path("/dir"))));
    assertEquals(Set.of("stored.bin", "deeper"), names(fs.listStatus(path("/dir/sub/"))));
    for (FileStatus child : fs.listStatus(path("/dir"))) {
      assertEquals(fs.getFileStatus(child.getPath()), child);
    }
  }

  @Test
  void listingAboveTheArchivesShowsArchivesAndDirectoriesOnly() throws IOException {
    FileStatus[] children = fs.listStatus(above("data"));
    assertEquals(Set.of("x.eng", "nested"), names(children));
    for (FileStatus child : children) {
      assertTrue(child.isDirectory());
    }
  }

  @Test
  void listingAFileGivesTheFileItself() throws IOException {
    FileStatus[] self = fs.listStatus(path("/small.txt"));
    assertEquals(1, self.length);
    assertEquals(path("/small.txt"), self[0].getPath());
    assertThrows(FileNotFoundException.class, () -> fs.listStatus(path("/absent")));
  }

  @Test
  void globsMatchEntriesAndArchives() throws IOException {
    assertEquals(Set.of("big.bin"), names(fs.globStatus(path("/dir/*.bin"))));
    assertEquals(Set.of("stored.bin", "x.txt"), names(fs.globStatus(path("/dir/sub/{*.bin,deeper/*}"))));
    FileStatus[] across = fs.globStatus(above("data/*.eng/small.txt"));
    assertEquals(1, across.length);
    assertEquals(path("/small.txt"), across[0].getPath());
  }

  @Test
  void recursiveListingFindsEveryFile() throws IOException {
    Set<String> files = new TreeSet<>();
    var it = fs.listFiles(path(""), true);
    while (it.hasNext()) {
      files.add(it.next().getPath().toUri().getPath().substring(
          archive.toAbsolutePath().toString().length()));
    }
    assertEquals(Set.of("/small.txt", "/empty.txt", "/dir/big.bin", "/dir/sub/stored.bin",
        "/dir/sub/deeper/x.txt"), files);
  }

  @Test
  void contentSummaryCountsFilesDirectoriesAndBytes() throws IOException {
    ContentSummary all = fs.getContentSummary(path(""));
    assertEquals(5, all.getFileCount());
    assertEquals(4, all.getDirectoryCount()); // the root, dir, dir/sub, dir/sub/deeper
    assertEquals(TestArchives.SMALL.length + TestArchives.FRAMED_SIZE + 100_000 + 1,
        all.getLength());
    assertTrue(all.getSpaceConsumed() > 0);
    ContentSummary one = fs.getContentSummary(path("/small.txt"));
    assertEquals(1, one.getFileCount());
    assertEquals(0, one.getDirectoryCount());
  }

  @Test
  void openReadsEachEntryWhole() throws IOException {
    assertArrayEquals(TestArchives.SMALL, readAll(path("/small.txt")));
    assertArrayEquals(new byte[0], readAll(path("/empty.txt")));
    assertArrayEquals(TestArchives.stored(100_000), readAll(path("/dir/sub/stored.bin")));
    try (FSDataInputStream in = fs.open(path("/dir/big.bin"))) {
      byte[] buffer = new byte[1 << 20];
      long at = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        assertArrayEquals(TestArchives.range(at, n), Arrays.copyOf(buffer, n), "at " + at);
        at += n;
      }
      assertEquals(TestArchives.FRAMED_SIZE, at);
      assertEquals(-1, in.read());
    }
  }

  private byte[] readAll(Path p) throws IOException {
    try (FSDataInputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }

  @Test
  void seekMovesTheNextReadForwardAndBack() throws IOException {
    long[] targets = {40_000_000, 10, 65_535, 65_536, TestArchives.FRAMED_SIZE - 3, 0,
        30_000_000};
    try (FSDataInputStream in = fs.open(path("/dir/big.bin"))) {
      for (long target : targets) {
        in.seek(target);
        assertEquals(target, in.getPos());
        byte[] got = new byte[(int) Math.min(100_000, TestArchives.FRAMED_SIZE - target)];
        in.readFully(got);
        assertArrayEquals(TestArchives.range(target, got.length), got, "at " + target);
        assertEquals(target + got.length, in.getPos());
      }
      in.seek(TestArchives.FRAMED_SIZE);
      assertEquals(-1, in.read());
      assertEquals(0, in.available());
    }
  }

  @Test
  void seekingBeforeTheStartOrPastTheEndThrowsEofException() throws IOException {
    try (FSDataInputStream in = fs.open(path("/small.txt"))) {
      assertThrows(EOFException.class, () -> in.seek(-1));
      assertThrows(EOFException.class, () -> in.seek(TestArchives.SMALL.length + 1));
      in.seek(TestArchives.SMALL.length);
      assertEquals(-1, in.read());
    }
  }

  @Test
  void positionedReadsDoNotMoveThePosition() throws IOException {
    try (FSDataInputStream in = fs.open(path("/dir/big.bin"))) {
      in.seek(1000);
      byte[] got = new byte[5000];
      in.readFully(50_000_000L, got);
      assertArrayEquals(TestArchives.range(50_000_000L, 5000), got);
      int n = in.read(20_000_000L, got, 10, 100);
      assertTrue(n > 0 && n <= 100);
      assertArrayEquals(TestArchives.range(20_000_000L, n), Arrays.copyOfRange(got, 10, 10 + n));
      assertEquals(1000, in.getPos());
      byte[] next = new byte[10];
      in.readFully(next);
      assertArrayEquals(TestArchives.range(1000, 10), next);
    }
  }

  @Test
  void positionedReadsAtOrPastTheEndFailAsHadoopSpecifies() throws IOException {
    long size = TestArchives.FRAMED_SIZE;
    try (FSDataInputStream in = fs.open(path("/dir/big.bin"))) {
      assertEquals(-1, in.read(size, new byte[10], 0, 10));
      assertThrows(EOFException.class, () -> in.readFully(size - 5, new byte[10]));
      assertThrows(EOFException.class, () -> in.readFully(-1, new byte[10]));
      assertThrows(EOFException.class, () -> in.read(-1, new byte[10], 0, 10));
      assertEquals(0, in.read(5, new byte[10], 0, 0));
      byte[] tail = new byte[5];
      in.readFully(size - 5, tail);
      assertArrayEquals(TestArchives.range(size - 5, 5), tail);
    }
  }

  @Test
  void positionedReadsFromManyThreadsAtOnceAllGetTheirBytes() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (FSDataInputStream in = fs.open(path("/dir/big.bin"))) {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          Random random = new Random(seed);
          byte[] got = new byte[70_000];
          for (int i = 0; i < 40; i++) {
            long at = (long) (random.nextDouble() * (TestArchives.FRAMED_SIZE - got.length));
            in.readFully(at, got);
            assertArrayEquals(TestArchives.range(at, got.length), got, "at " + at);
          }
          return null;
        }));
      }
      for (Future<?> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void vectoredReadsFillEveryRange() throws Exception {
    try (FSDataInputStream in = fs.open(path("/dir/big.bin"))) {
      assertTrue(in.hasCapability(StreamCapabilities.VECTOREDIO));
      List<FileRange> ranges = List.of(FileRange.createFileRange(45_000_000, 200_000),
          FileRange.createFileRange(0, 10), FileRange.createFileRange(1_000_000, 65_536),
          FileRange.createFileRange(TestArchives.FRAMED_SIZE - 100, 100));
      in.readVectored(ranges, ByteBuffer::allocateDirect);
      for (FileRange range : ranges) {
        ByteBuffer data = range.getData().get(60, TimeUnit.SECONDS);
        assertEquals(range.getLength(), data.remaining());
        byte[] got = new byte[data.remaining()];
        data.get(got);
        assertArrayEquals(TestArchives.range(range.getOffset(), got.length), got);
      }
    }
  }

  @Test
  void vectoredReadsRefuseRangesPastTheEndOrOverlapping() throws IOException {
    try (FSDataInputStream in = fs.open(path("/small.txt"))) {
      assertThrows(EOFException.class, () -> in.readVectored(
          List.of(FileRange.createFileRange(10, 1000)), ByteBuffer::allocate));
      assertThrows(IllegalArgumentException.class, () -> in.readVectored(
          List.of(FileRange.createFileRange(0, 10), FileRange.createFileRange(5, 10)),
          ByteBuffer::allocate));
    }
  }

  @Test
  void byteBufferReadsAtThePositionAndAtPositions() throws IOException {
    try (FSDataInputStream in = fs.open(path("/dir/sub/stored.bin"))) {
      assertTrue(in.hasCapability(StreamCapabilities.READBYTEBUFFER));
      assertTrue(in.hasCapability(StreamCapabilities.PREADBYTEBUFFER));
      ByteBuffer direct = ByteBuffer.allocateDirect(1000);
      in.seek(500);
      int n = in.read(direct);
      assertTrue(n > 0);
      direct.flip();
      byte[] got = new byte[n];
      direct.get(got);
      assertArrayEquals(Arrays.copyOfRange(TestArchives.stored(100_000), 500, 500 + n), got);
      ByteBuffer at = ByteBuffer.allocate(300);
      in.readFully(99_700, at);
      assertArrayEquals(Arrays.copyOfRange(TestArchives.stored(100_000), 99_700, 100_000),
          at.array());
    }
  }

  @Test
  void availableCountsTheBytesLeft() throws IOException {
    try (FSDataInputStream in = fs.open(path("/small.txt"))) {
      assertEquals(TestArchives.SMALL.length, in.available());
      in.read(new byte[5]);
      assertEquals(TestArchives.SMALL.length - 5, in.available());
    }
  }

  @Test
  void aClosedStreamRefusesReads() throws IOException {
    FSDataInputStream in = fs.open(path("/small.txt"));
    in.close();
    in.close();
    IOException e = assertThrows(IOException.class, in::read);
    assertTrue(e.getMessage().contains("Stream is closed"), e.getMessage());
    assertThrows(IOException.class, () -> in.readFully(0, new byte[1]));
    assertThrows(IOException.class, () -> in.seek(0));
  }

  @Test
  void openingADirectoryOrAMissingFileThrowsFileNotFound() {
    assertThrows(FileNotFoundException.class, () -> fs.open(path("/dir")));
    assertThrows(FileNotFoundException.class, () -> fs.open(path("")));
    assertThrows(FileNotFoundException.class, () -> fs.open(path("/nope")));
    assertThrows(FileNotFoundException.class, () -> fs.open(above("data")));
  }

  @Test
  void everyWriteIsRefusedAndSaysWhy() {
    Path p = path("/new.txt");
    for (ThrowingCall call : List.<ThrowingCall>of(() -> fs.create(p).close(),
        () -> fs.append(path("/small.txt")).close(), () -> fs.rename(path("/small.txt"), p),
        () -> fs.delete(path("/small.txt"), false), () -> fs.mkdirs(path("/d")),
        () -> fs.setTimes(p, 0, 0), () -> fs.setReplication(p, (short) 2))) {
      PathIOException e = assertThrows(PathIOException.class, call::run);
      assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    }
    assertArrayEquals(TestArchives.SMALL, assertDoesNotThrowRead());
  }

  private byte[] assertDoesNotThrowRead() {
    try {
      return readAll(path("/small.txt"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  interface ThrowingCall {
    void run() throws IOException;
  }

  static Set<String> names(FileStatus[] statuses) {
    Set<String> names = new TreeSet<>();
    for (FileStatus status : statuses) {
      names.add(status.getPath().getName());
    }
    return names;
  }

  @Test
  void blockLocationsCoverTheEntryInItsOwnOffsets() throws IOException {
    FileStatus big = fs.getFileStatus(path("/dir/big.bin"));
    BlockLocation[] blocks = fs.getFileBlockLocations(big, 0, big.getLen());
    assertTrue(blocks.length >= 1);
    assertEquals(0, blocks[0].getOffset());
    long covered = 0;
    for (BlockLocation block : blocks) {
      assertEquals(covered, block.getOffset());
      covered += block.getLength();
      assertTrue(block.getHosts().length > 0);
    }
    assertEquals(big.getLen(), covered);
    assertEquals(0, fs.getFileBlockLocations(big, big.getLen(), 10).length);
    assertEquals(0, fs.getFileBlockLocations(fs.getFileStatus(path("/dir")), 0, 10).length);
    assertThrows(IllegalArgumentException.class, () -> fs.getFileBlockLocations(big, -1, 1));
  }

  @Test
  void blockLocationsMapStoredBlocksOntoContentInProportion() {
    BlockLocation[] archiveBlocks = {
        new BlockLocation(new String[] {"a:1"}, new String[] {"a"}, 0, 100),
        new BlockLocation(new String[] {"b:1"}, new String[] {"b"}, 100, 100),
        new BlockLocation(new String[] {"c:1"}, new String[] {"c"}, 200, 100)};
    // stored bytes 150..250 of the archive hold a 1000-byte content
    BlockLocation[] mapped = EntryBlocks.map(archiveBlocks, 150, 100, 1000, 0, 1000);
    assertEquals(2, mapped.length);
    assertEquals(List.of("b", 0L, 500L), describe(mapped[0]));
    assertEquals(List.of("c", 500L, 500L), describe(mapped[1]));
    BlockLocation[] tail = EntryBlocks.map(archiveBlocks, 150, 100, 1000, 600, 10);
    assertEquals(1, tail.length);
    assertEquals(List.of("c", 500L, 500L), describe(tail[0]));
  }

  private static List<Object> describe(BlockLocation block) {
    try {
      return List.of(block.getHosts()[0], block.getOffset(), block.getLength());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theArchiveIsOpenedOncePerFileSystemForManyStreams() throws IOException {
    EngramFileSystem engram = (EngramFileSystem) fs;
    List<FSDataInputStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        streams.add(fs.open(path(i % 2 == 0 ? "/small.txt" : "/dir/sub/stored.bin")));
        fs.getFileStatus(path("/dir"));
      }
      assertEquals(1, engram.openArchiveCount());
    } finally {
      for (FSDataInputStream in : streams) {
        in.close();
      }
    }
  }

  @Test
  void aDamagedArchiveIsReportedByName() throws IOException {
    java.nio.file.Path bad = shared.resolve("bad/broken.eng");
    Files.createDirectories(bad.getParent());
    Files.write(bad, Arrays.copyOf(Files.readAllBytes(archive), 2000));
    IOException e = assertThrows(IOException.class,
        () -> fs.getFileStatus(new Path("engram://" + bad.toAbsolutePath() + "/small.txt")));
    assertInstanceOf(CorruptArchiveException.class, e, e.toString());
    assertTrue(e.getMessage().contains("broken.eng"), e.getMessage());
  }

  @Test
  void anArchiveOnAnotherFileSystemIsNamedInTheAuthority() throws IOException {
    try (FileSystem other = FileSystem.newInstance(URI.create("engram://file-/"),
        new Configuration())) {
      Path p = new Path("engram://file-" + archive.toAbsolutePath() + "/small.txt");
      try (FSDataInputStream in = other.open(p)) {
        assertArrayEquals(TestArchives.SMALL, in.readAllBytes());
      }
      assertEquals(p, other.getFileStatus(p).getPath());
    }
  }

  @Test
  void anAuthorityThatNamesNoFileSystemIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FileSystem.newInstance(URI.create("engram://nodash/"), new Configuration()));
    assertTrue(e.getMessage().contains("SCHEME-HOST"), e.getMessage());
  }

  @Test
  void pathsOfAnotherFileSystemAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> fs.getFileStatus(new Path("file:///tmp/x.eng/a")));
  }

  @Test
  void hadoopSourceServesTheLibrarysReader() throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration());
    try (ArchiveReader reader = ArchiveReader.open(HadoopSource.open(local,
        new Path(archive.toUri())), ReaderOptions.defaults())) {
      assertArrayEquals(TestArchives.SMALL, reader.read("small.txt"));
      assertFalse(reader.source().isRemote());
      assertTrue(reader.verify(dev.engram.VerifyOptions.builder().build()).isIntact());
    }
  }

  @Test
  void aVectoredReadFailureCompletesTheRangeExceptionally() throws Exception {
    FSDataInputStream in = fs.open(path("/dir/big.bin"));
    FileRange range = FileRange.createFileRange(0, 100);
    in.readVectored(List.of(range), size -> {
      throw new IllegalStateException("no buffers left");
    });
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> range.getData().get(60, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    in.close();
  }

  @Test
  void namesWithSpacesColonsPercentsAndNonAsciiListAndOpen() throws IOException {
    java.nio.file.Path odd = shared.resolve("odd/names.eng");
    Files.createDirectories(odd.getParent());
    List<String> names = List.of("sp ace.txt", "x/a:b.txt", "per%25cent.txt", "caf\u00e9 #1.txt",
        "\u65e5\u672c\u8a9e.txt", "d/x=1/y+z.txt");
    try (dev.engram.ArchiveWriter writer = dev.engram.ArchiveWriter.create(odd)) {
      for (String name : names) {
        writer.addFile(name, name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      writer.finish();
    }
    Set<String> read = new TreeSet<>();
    var files = fs.listFiles(new Path("engram://" + odd.toAbsolutePath()), true);
    while (files.hasNext()) {
      Path p = files.next().getPath();
      try (FSDataInputStream in = fs.open(p)) {
        String content = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.toUri().getPath().endsWith("/" + content), p + " holds " + content);
        read.add(content);
      }
    }
    assertEquals(new TreeSet<>(names), read);
  }

  @Test
  void aReadAtTheEndOfAFramedEntryDecodesOnlyTheFramesItTouches() throws IOException {
    EngramFileSystem engram = (EngramFileSystem) fs;
    Path archivePath = new Path("engram://" + archive.toAbsolutePath());
    try (FSDataInputStream in = fs.open(path("/dir/big.bin"))) {
      byte[] footer = new byte[8];
      in.readFully(TestArchives.FRAMED_SIZE - footer.length, footer);
      assertArrayEquals(TestArchives.range(TestArchives.FRAMED_SIZE - 8, 8), footer);
      // of the entry's 833 frames, the last one
      assertEquals(1, engram.frameCacheStatistics(archivePath).misses());
      byte[] middle = new byte[1000];
      in.readFully(26_000_000, middle);
      assertArrayEquals(TestArchives.range(26_000_000, 1000), middle);
      assertEquals(2, engram.frameCacheStatistics(archivePath).misses());
    }
  }
}
