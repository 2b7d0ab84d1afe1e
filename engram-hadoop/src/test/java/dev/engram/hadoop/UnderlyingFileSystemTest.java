package dev.engram.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives on a Hadoop file system other than the local one ({@link CountingFileSystem}), read
 * through its streams; and the cache of open archives: opened once, bounded, reopened when the
 * file changes.
 */
class UnderlyingFileSystemTest {
  @TempDir
  static java.nio.file.Path shared;
  static java.nio.file.Path archive;

  @TempDir
  java.nio.file.Path dir;

  @BeforeAll
  static void writeArchive() throws IOException {
    archive = shared.resolve("x.eng");
    TestArchives.writeStandard(archive, WriterOptions.defaults());
  }

  @BeforeEach
  void resetCounts() {
    CountingFileSystem.reset();
  }

  static Configuration conf() {
    Configuration conf = new Configuration();
    conf.set("fs.countfs.impl", CountingFileSystem.class.getName());
    conf.setBoolean("fs.countfs.impl.disable.cache", true);
    return conf;
  }

  @Test
  void anArchiveOnAnotherHadoopFileSystemIsReadThroughOneStream() throws IOException {
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram://countfs-/"), conf())) {
      Path big = new Path("engram://countfs-" + archive + "/dir/big.bin");
      for (int i = 0; i < 20; i++) {
        try (FSDataInputStream in = fs.open(big)) {
          long at = i * 2_500_000L;
          in.seek(at);
          byte[] got = new byte[70_000];
          in.readFully(got);
          assertArrayEquals(TestArchives.range(at, got.length), got, "at " + at);
        }
        try (FSDataInputStream in = fs.open(new Path("engram://countfs-" + archive
            + "/small.txt"))) {
          assertArrayEquals(TestArchives.SMALL, in.readAllBytes());
        }
      }
      assertEquals(1, CountingFileSystem.OPENS.get());
      assertEquals(TestArchives.FRAMED_SIZE, fs.getFileStatus(big).getLen());
    }
  }

  @Test
  void aSourceOnAnotherFileSystemIsRemoteAndCached() throws IOException {
    FileSystem counting = FileSystem.newInstance(URI.create("countfs:///"), conf());
    try (ArchiveReader reader = ArchiveReader.open(
        HadoopSource.open(counting, new Path("countfs://" + archive)), ReaderOptions.defaults())) {
      assertTrue(reader.source().isRemote());
      assertArrayEquals(TestArchives.stored(100_000), reader.read("dir/sub/stored.bin"));
    } finally {
      counting.close();
    }
  }

  @Test
  void aStreamClosedUnderTheSourceIsOpenedAgainOnce() throws IOException {
    FileSystem counting = FileSystem.newInstance(URI.create("countfs:///"), conf());
    try (HadoopSource source = HadoopSource.open(counting, new Path("countfs://" + archive))) {
      CountingFileSystem.STREAMS.get(0).broken = true;
      ByteBuffer head = ByteBuffer.allocate(8);
      source.readFully(0, head);
      assertEquals(2, CountingFileSystem.OPENS.get());
      assertArrayEquals(java.util.Arrays.copyOf(Files.readAllBytes(archive), 8), head.array());
    } finally {
      counting.close();
    }
  }

  @Test
  void atMostTheConfiguredNumberOfArchivesStayOpenAndStreamsOutliveEviction()
      throws IOException {
    List<java.nio.file.Path> copies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      copies.add(Files.copy(archive, dir.resolve("copy-" + i + ".eng")));
    }
    Configuration conf = conf();
    conf.setInt(EngramFileSystem.MAX_OPEN_ARCHIVES, 2);
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram:///"), conf)) {
      FSDataInputStream first = fs.open(new Path("engram://" + copies.get(0) + "/dir/big.bin"));
      for (java.nio.file.Path copy : copies) {
        fs.getFileStatus(new Path("engram://" + copy + "/small.txt"));
      }
      assertEquals(2, ((EngramFileSystem) fs).openArchiveCount());
      byte[] got = new byte[1000];
      first.readFully(30_000_000, got);
      assertArrayEquals(TestArchives.range(30_000_000, 1000), got);
      first.close();
    }
  }

  @Test
  void aReplacedArchiveIsOpenedAgain() throws IOException {
    java.nio.file.Path copy = Files.copy(archive, dir.resolve("changing.eng"));
    Configuration conf = conf();
    conf.set(EngramFileSystem.CHECK_INTERVAL, "0");
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram:///"), conf)) {
      Path small = new Path("engram://" + copy + "/small.txt");
      try (FSDataInputStream in = fs.open(small)) {
        assertArrayEquals(TestArchives.SMALL, in.readAllBytes());
      }
      java.nio.file.Path other = dir.resolve("other.eng");
      try (dev.engram.ArchiveWriter writer = dev.engram.ArchiveWriter.create(other)) {
        writer.addFile("small.txt", "replaced".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        writer.finish();
      }
      Files.move(other, copy, StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis() + 5000));
      try (FSDataInputStream in = fs.open(small)) {
        assertEquals("replaced", new String(in.readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8));
      }
      assertEquals(1, fs.listStatus(new Path("engram://" + copy)).length);
    }
  }

  @Test
  void aLocalStreamAnInterruptClosedIsOpenedAgainForTheOtherThreads() throws Exception {
    try (HadoopSource source = HadoopSource.open(FileSystem.getLocal(new Configuration()),
        new Path(archive.toUri()))) {
      Throwable[] seen = new Throwable[1];
      Thread interrupted = new Thread(() -> {
        Thread.currentThread().interrupt(); // the local file's channel closes on this read
        try {
          source.readFully(0, ByteBuffer.allocate(8));
        } catch (Throwable e) {
          seen[0] = e;
        }
      });
      interrupted.start();
      interrupted.join();
      assertInstanceOf(java.io.InterruptedIOException.class, seen[0], String.valueOf(seen[0]));
      ByteBuffer head = ByteBuffer.allocate(8);
      source.readFully(0, head);
      assertArrayEquals(java.util.Arrays.copyOf(Files.readAllBytes(archive), 8), head.array());
    }
  }

  @Test
  void threadsThatAskForOneArchiveAtOnceOpenItOnce() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram://countfs-/"), conf())) {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<byte[]>> reads = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        reads.add(pool.submit(() -> {
          start.await();
          try (FSDataInputStream in = fs.open(new Path("engram://countfs-" + archive
              + "/small.txt"))) {
            return in.readAllBytes();
          }
        }));
      }
      start.countDown();
      for (java.util.concurrent.Future<byte[]> read : reads) {
        assertArrayEquals(TestArchives.SMALL, read.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertEquals(1, CountingFileSystem.OPENS.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void readingTenThousandEntriesOfOneArchiveOpensItOnce() throws IOException {
    java.nio.file.Path many = dir.resolve("many.eng");
    try (dev.engram.ArchiveWriter writer = dev.engram.ArchiveWriter.create(many)) {
      for (int i = 0; i < 10_000; i++) {
        writer.addFile("files/" + (i % 10) + "/f" + i + ".txt",
            ("entry " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      writer.finish();
    }
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram://countfs-/"), conf())) {
      int read = 0;
      var files = fs.listFiles(new Path("engram://countfs-" + many + "/files"), true);
      while (files.hasNext()) {
        Path p = files.next().getPath();
        try (FSDataInputStream in = fs.open(p)) {
          String name = p.getName();
          assertEquals("entry " + name.substring(1, name.length() - 4),
              new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        read++;
      }
      assertEquals(10_000, read);
      assertEquals(1, CountingFileSystem.OPENS.get());
    }
  }

  @Test
  void blockLocationsComeFromTheArchivesBlocksAskedForOnce() throws IOException {
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram://countfs-/"), conf())) {
      String root = "engram://countfs-" + archive;
      FileStatus small = fs.getFileStatus(new Path(root + "/small.txt"));
      FileStatus big = fs.getFileStatus(new Path(root + "/dir/big.bin"));
      FileStatus stored = fs.getFileStatus(new Path(root + "/dir/sub/stored.bin"));
      // small.txt is stored first, at the start of the archive: the first block
      BlockLocation[] smallBlocks = fs.getFileBlockLocations(small, 0, small.getLen());
      assertEquals(1, smallBlocks.length);
      assertEquals("first", smallBlocks[0].getHosts()[0]);
      assertEquals(small.getLen(), smallBlocks[0].getLength());
      // the framed entry spans the middle of the archive: both blocks, covering it exactly
      BlockLocation[] bigBlocks = fs.getFileBlockLocations(big, 0, big.getLen());
      assertEquals(2, bigBlocks.length);
      assertEquals("first", bigBlocks[0].getHosts()[0]);
      assertEquals("second", bigBlocks[1].getHosts()[0]);
      assertEquals(bigBlocks[0].getLength(), bigBlocks[1].getOffset());
      assertEquals(big.getLen(), bigBlocks[1].getOffset() + bigBlocks[1].getLength());
      BlockLocation[] tail = fs.getFileBlockLocations(big, big.getLen() - 10, 10);
      assertEquals(1, tail.length);
      assertEquals("second", tail[0].getHosts()[0]);
      assertEquals("second", fs.getFileBlockLocations(stored, 0, 1)[0].getHosts()[0]);
      assertEquals(1, CountingFileSystem.BLOCK_CALLS.get());
    }
  }

  @Test
  void readerThreadsAndFrameCacheComeFromTheConfiguration() throws IOException {
    Configuration conf = conf();
    conf.setInt(EngramFileSystem.READER_THREADS, 1);
    conf.set(EngramFileSystem.FRAME_CACHE_SIZE, "1m");
    conf.set(EngramFileSystem.BLOCK_CACHE_SIZE, "256k");
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram:///"), conf)) {
      Path big = new Path("engram://" + archive + "/dir/big.bin");
      try (FSDataInputStream in = fs.open(big)) {
        byte[] got = new byte[200_000];
        in.readFully(10_000_000, got);
        assertArrayEquals(TestArchives.range(10_000_000, got.length), got);
      }
      assertEquals(1L << 20, ((EngramFileSystem) fs).frameCacheStatistics(
          new Path("engram://" + archive)).capacityBytes());
    }
    Configuration tooSmall = conf();
    tooSmall.set(EngramFileSystem.BLOCK_CACHE_SIZE, "1k");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> FileSystem.newInstance(URI.create("engram:///"), tooSmall));
    Configuration bad = conf();
    bad.setInt(EngramFileSystem.READER_THREADS, 0);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> FileSystem.newInstance(URI.create("engram:///"), bad));
    assertTrue(e.getMessage().contains(EngramFileSystem.READER_THREADS), e.getMessage());
  }

  @Test
  void aDeletedArchiveIsNotFoundAndLetGo() throws IOException {
    java.nio.file.Path copy = Files.copy(archive, dir.resolve("deleted.eng"));
    Configuration conf = conf();
    conf.set(EngramFileSystem.CHECK_INTERVAL, "0");
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram:///"), conf)) {
      Path small = new Path("engram://" + copy + "/small.txt");
      assertEquals(TestArchives.SMALL.length, fs.getFileStatus(small).getLen());
      assertEquals(1, ((EngramFileSystem) fs).openArchiveCount());
      Files.delete(copy);
      org.junit.jupiter.api.Assertions.assertThrows(java.io.FileNotFoundException.class,
          () -> fs.getFileStatus(small));
      org.junit.jupiter.api.Assertions.assertThrows(java.io.FileNotFoundException.class,
          () -> fs.open(small));
    }
  }
}
