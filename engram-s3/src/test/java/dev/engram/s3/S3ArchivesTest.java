package dev.engram.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.CompressionMethod;
import dev.engram.CorruptArchiveException;
import dev.engram.RandomAccessEntry;
import dev.engram.ReaderOptions;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Archives in S3, read through {@link S3Archives} with a caller's client, against s3proxy on
 * 127.0.0.1: the same bytes as a local read, in the number of requests the design promises, and
 * clear failures (missing object or bucket, wrong keys, an object overwritten while read).
 */
class S3ArchivesTest {
  private static final String BUCKET = "archives";
  private static final ReaderOptions DEFAULTS = ReaderOptions.defaults();

  private static S3TestServer server;
  private static S3Client client;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
    server.createBucket(BUCKET);
    client = server.client();
  }

  @AfterAll
  static void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void forgetRequests() {
    RequestLog.reset();
  }

  // ---------------------------------------------------------------------------------------------
  // Content: the same bytes as a local read

  @Test
  void everyKindOfEntryReadsAsLocally() throws IOException {
    for (Map.Entry<String, byte[]> archive : Map.of(
        "kinds/plain.eng", TestArchives.plain(),
        "kinds/framed.eng", TestArchives.framed(),
        "kinds/per-file.eng", TestArchives.perFileEncrypted()).entrySet()) {
      server.put(BUCKET, archive.getKey(), archive.getValue());
      ReaderOptions options = archive.getKey().contains("per-file")
          ? ReaderOptions.builder().key(TestArchives.KEY).build() : DEFAULTS;
      try (ArchiveReader remote = S3Archives.open(client, BUCKET, archive.getKey(), options);
           ArchiveReader local = ArchiveReader.open(
               ArchiveSource.wrap(archive.getValue(), "local"), options)) {
        TestArchives.assertSameContent(local, remote);
        assertEquals("s3://" + BUCKET + "/" + archive.getKey(), remote.name());
      }
    }
  }

  @Test
  void randomReadsInAFramedEntryFetchOnlyTheirFrames() throws IOException {
    byte[] bytes = TestArchives.framed();
    server.put(BUCKET, "framed-random.eng", bytes);
    byte[] content = TestArchives.database();
    try (ArchiveReader reader = S3Archives.open(client, BUCKET, "framed-random.eng", DEFAULTS)) {
      RandomAccessEntry entry = reader.openRandomAccess(TestArchives.DATABASE);
      assertTrue(entry.isFramed());
      entry.readFully(100, ByteBuffer.allocate(1)); // the frame index is built once
      for (int position : new int[] {300_000, 700_123, 12_345}) {
        RequestLog.reset();
        ByteBuffer page = ByteBuffer.allocate(4096);
        entry.readFully(position, page);
        assertEquals(ByteBuffer.wrap(content, position, 4096), page.flip());
        // a 4 KiB read spans at most two 4 KiB frames: one request each
        assertTrue(RequestLog.gets() <= 2, () -> "requests: " + RequestLog.sent());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  @Test
  void aSmallArchiveOpensListsAndReadsInOneGetObject() throws IOException {
    byte[] bytes = TestArchives.plain();
    assertTrue(bytes.length < S3Source.TAIL_SIZE);
    server.put(BUCKET, "small.eng", bytes);
    RequestLog.reset();
    try (ArchiveReader reader = S3Archives.open(client, BUCKET, "small.eng", DEFAULTS)) {
      assertEquals(List.of(new RequestLog.Request("GetObject", "bytes=-65536")),
          RequestLog.sent());
      for (String path : reader.list()) {
        reader.read(path);
      }
    }
    assertEquals(1, RequestLog.sent().size(), () -> "requests: " + RequestLog.sent());
  }

  @Test
  void aLargerArchiveOpensInOneGetObjectAndASmallEntryIsOneMore() throws IOException {
    Map<String, byte[]> contents = TestArchives.largerContents();
    byte[] archive = TestArchives.write(contents);
    server.put(BUCKET, "larger.eng", archive);
    // the reader's block cache ends its blocks at the archive's end: the first one is short
    String firstBlock = "bytes=0-" + (archive.length % (64 * 1024) - 1);
    RequestLog.reset();
    try (ArchiveReader reader = S3Archives.open(client, BUCKET, "larger.eng", DEFAULTS)) {
      // the suffix range gives size, end record (with its copy of the header) and directory
      assertEquals(List.of(new RequestLog.Request("GetObject", "bytes=-65536")),
          RequestLog.sent());
      assertEquals(CompressionMethod.NONE, reader.entry("tiny.txt").orElseThrow().compression());
      RequestLog.reset();
      assertArrayEquals(contents.get("first.txt"), reader.read("first.txt"));
      assertEquals(List.of(new RequestLog.Request("GetObject", firstBlock)), RequestLog.sent());
      RequestLog.reset();
      assertArrayEquals(contents.get("tiny.txt"), reader.read("tiny.txt"));
      assertEquals(List.of(), RequestLog.sent(), "in the block fetched for first.txt");
      assertArrayEquals(contents.get("last.txt"), reader.read("last.txt"));
      assertEquals(List.of(), RequestLog.sent(), "in the bytes kept at open");
    }
  }

  @Test
  void manyThreadsReadThroughOneSourceAtOnce() throws Exception {
    Map<String, byte[]> contents = TestArchives.largerContents();
    server.put(BUCKET, "shared.eng", TestArchives.write(contents));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (ArchiveReader reader = S3Archives.open(client, BUCKET, "shared.eng", DEFAULTS)) {
      List<Future<?>> reads = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String path = List.copyOf(contents.keySet()).get(i % contents.size());
        reads.add(threads.submit(() -> {
          assertArrayEquals(contents.get(path), reader.read(path), path);
          return null;
        }));
      }
      for (Future<?> read : reads) {
        read.get(1, TimeUnit.MINUTES);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Identity and changes

  @Test
  void theIdentityIsTheLocationSizeAndETag() throws IOException {
    byte[] bytes = TestArchives.plain();
    server.put(BUCKET, "dir/identity.eng", bytes);
    try (ArchiveSource source = S3Archives.source(client, BUCKET, "dir/identity.eng")) {
      SourceIdentity identity = source.identity();
      assertEquals("s3://" + BUCKET + "/dir/identity.eng", identity.location());
      assertEquals(bytes.length, identity.size());
      assertTrue(identity.version().startsWith("etag \""), identity.version());
      assertEquals(identity, source.currentIdentity());
      assertEquals(bytes.length, source.size());
      assertEquals("s3://" + BUCKET + "/dir/identity.eng", source.name());
    }
  }

  @Test
  void anObjectOverwrittenAfterOpenIsNoticedAndItsReadsRefused() throws IOException {
    Map<String, byte[]> contents = TestArchives.largerContents();
    byte[] original = TestArchives.write(contents);
    server.put(BUCKET, "changing.eng", original);
    try (ArchiveReader reader = S3Archives.open(client, BUCKET, "changing.eng", DEFAULTS)) {
      assertFalse(reader.hasChanged());
      byte[] changed = original.clone();
      changed[70] ^= 1; // same size, other bytes
      server.put(BUCKET, "changing.eng", changed);
      assertTrue(reader.hasChanged());
      RequestLog.reset();
      IOException e = assertThrows(IOException.class, () -> reader.read("first.txt"));
      assertTrue(e.getMessage().contains("s3://" + BUCKET + "/changing.eng: the archive changed"
          + " in S3 since it was opened"), e.getMessage());
      assertEquals(1, RequestLog.gets(), () -> "not retried: " + RequestLog.sent());
      // what lies in the bytes kept at open is still the pinned version's
      assertArrayEquals(contents.get("last.txt"), reader.read("last.txt"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Failures

  @Test
  void aMissingKeyOrBucketIsNoSuchFile() {
    NoSuchFileException key = assertThrows(NoSuchFileException.class,
        () -> S3Archives.open(client, BUCKET, "no/such.eng", DEFAULTS));
    assertEquals("s3://" + BUCKET + "/no/such.eng", key.getFile());
    assertTrue(key.getMessage().contains("s3://" + BUCKET + "/no/such.eng"), key.getMessage());
    assertTrue(key.getMessage().contains("404"), key.getMessage());
    NoSuchFileException bucket = assertThrows(NoSuchFileException.class,
        () -> S3Archives.open(client, "no-such-bucket", "a.eng", DEFAULTS));
    assertEquals("s3://no-such-bucket/a.eng", bucket.getFile());
    assertTrue(bucket.getMessage().contains("NoSuchBucket"), bucket.getMessage());
  }

  @Test
  void wrongKeysAreAccessDeniedWithoutShowingThem() throws IOException {
    server.put(BUCKET, "guarded.eng", TestArchives.plain());
    String secret = "not-the-secret-key-9f3k";
    try (S3Client wrong = server.client(S3TestServer.ACCESS_KEY, secret, null, null);
         S3Client unknown = server.client("unknown-access-key", S3TestServer.SECRET_KEY, null,
             null)) {
      for (S3Client refused : List.of(wrong, unknown)) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
            () -> S3Archives.open(refused, BUCKET, "guarded.eng", DEFAULTS));
        assertEquals("s3://" + BUCKET + "/guarded.eng", e.getFile());
        assertTrue(e.getMessage().contains("403"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        assertFalse(e.getMessage().contains(S3TestServer.SECRET_KEY), e.getMessage());
      }
    }
  }

  @Test
  void anEmptyObjectOrOneThatIsNoArchiveIsCorrupt() {
    server.put(BUCKET, "empty.eng", new byte[0]);
    CorruptArchiveException empty = assertThrows(CorruptArchiveException.class,
        () -> S3Archives.open(client, BUCKET, "empty.eng", DEFAULTS));
    assertTrue(empty.getMessage().contains("s3://" + BUCKET + "/empty.eng: the object is empty"),
        empty.getMessage());
    server.put(BUCKET, "text.eng", "not an archive".getBytes(StandardCharsets.UTF_8));
    assertThrows(CorruptArchiveException.class,
        () -> S3Archives.open(client, BUCKET, "text.eng", DEFAULTS));
  }

  @Test
  void anInterruptedThreadGetsInterruptedIoAndKeepsItsFlag() throws IOException {
    server.put(BUCKET, "interrupted.eng", TestArchives.write(TestArchives.largerContents()));
    try (ArchiveReader reader = S3Archives.open(client, BUCKET, "interrupted.eng", DEFAULTS)) {
      Thread.currentThread().interrupt();
      try {
        assertThrows(InterruptedIOException.class, () -> reader.read("first.txt"));
        assertTrue(Thread.currentThread().isInterrupted());
      } finally {
        Thread.interrupted();
      }
      assertArrayEquals(TestArchives.largerContents().get("first.txt"),
          reader.read("first.txt"), "the source still reads for others");
    }
  }

  @Test
  void theCallersClientStaysOpen() throws IOException {
    server.put(BUCKET, "owned.eng", TestArchives.plain());
    try (S3Client own = server.client()) {
      S3Archives.open(own, BUCKET, "owned.eng", DEFAULTS).close();
      try (ArchiveReader again = S3Archives.open(own, BUCKET, "owned.eng", DEFAULTS)) {
        assertFalse(again.list().isEmpty());
      }
    }
  }
}
