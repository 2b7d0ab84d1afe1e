package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.engram.io.CachingSource;
import dev.engram.remote.TestHttpServer;
import dev.engram.source.ArchiveSource;
import dev.engram.source.ArchiveSourceProvider;
import dev.engram.source.RemoteOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ArchiveReader#open(URI)}: archives read over HTTP from Jetty's own file handler (weak
 * ETags, as deployed), read exactly as locally, in the number of requests the design promises;
 * and the schemes that other modules provide.
 */
class RemoteArchiveTest {
  private static final byte[] KEY = CompatibilityTest.key(0x40);

  @TempDir static Path dir;
  private static TestHttpServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestHttpServer.start(dir);
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @BeforeEach
  void resetServer() {
    server.reset();
  }

  private static URI url(String file) {
    return server.uri("/files/" + file);
  }

  // ---------------------------------------------------------------------------------------------
  // engram-rs's fixtures over HTTP

  @TestFactory
  Stream<DynamicTest> engramRsFixturesReadOverHttpWithTheirExpectedContent() throws IOException {
    Path fixtures = CompatFixtures.require();
    Files.createDirectories(dir.resolve("compat"));
    List<String> names = CompatibilityTest.archivesWithExpectedListing();
    for (String name : names) {
      Files.copy(fixtures.resolve(name + ".eng"), dir.resolve("compat/" + name + ".eng"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    return names.stream().map(name -> dynamicTest(name + ".eng", () -> {
      ReaderOptions.Builder options = ReaderOptions.builder();
      if (name.equals("perfile-enc")) {
        options.key(CompatibilityTest.key(0x00));
      } else if (name.equals("archive-enc")) {
        options.key(CompatibilityTest.key(0x20));
      }
      List<CompatibilityTest.Expected> expected = CompatibilityTest.expectedListing(name);
      try (ArchiveReader reader = ArchiveReader.open(url("compat/" + name + ".eng"),
          options.build())) {
        assertEquals(url("compat/" + name + ".eng").toString(), reader.name());
        CompatibilityTest.assertListingMatches(expected, reader);
        for (CompatibilityTest.Expected line : expected) {
          assertEquals(line.sha256(), TestData.sha256(reader.read(line.path())),
              name + ": " + line.path());
        }
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> damagedEngramRsFixturesFailOverHttpAsTheyFailLocally() throws IOException {
    Path fixtures = CompatFixtures.require();
    Files.createDirectories(dir.resolve("damaged"));
    return Stream.of("bad-magic", "future-version", "endr-mismatch", "truncated").map(name ->
        dynamicTest(name + ".eng", () -> {
          Path local = fixtures.resolve(name + ".eng");
          Files.copy(local, dir.resolve("damaged/" + name + ".eng"),
              StandardCopyOption.REPLACE_EXISTING);
          EngramException there = assertThrows(EngramException.class,
              () -> ArchiveReader.open(local).close());
          EngramException remote = assertThrows(EngramException.class,
              () -> ArchiveReader.open(url("damaged/" + name + ".eng")).close());
          assertSame(there.getClass(), remote.getClass());
          assertEquals(url("damaged/" + name + ".eng").toString(), remote.archive());
          assertEquals(there.getMessage().substring(local.toString().length()),
              remote.getMessage().substring(remote.archive().length()));
        }));
  }

  // ---------------------------------------------------------------------------------------------
  // Archives this project writes, read over HTTP exactly as locally

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"plain", "framed", "per-file encrypted", "per-file segmented"})
  void archivesReadOverHttpByteForByteAsLocally(String kind) throws IOException {
    WriterOptions.Builder options = WriterOptions.builder().threads(2);
    if (kind.startsWith("per-file")) {
      options.perFileEncryption(KEY).segmentedEncryption(kind.endsWith("segmented"));
    }
    Path archive = dir.resolve(kind.replace(' ', '-') + ".eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options.build())) {
      writer.addFile("notes/a.txt", TestData.text(20_000, 1));
      writer.addFile("tiny.txt", "hello".getBytes(StandardCharsets.UTF_8));
      writer.addFile("random.bin", TestData.random(300_000, 2));
      writer.addFile("data.json", TestData.text(700_000, 3), CompressionMethod.ZSTD);
      if (kind.equals("framed")) {
        writer.addFile("large.bin", TestData.pattern(51 << 20), CompressionMethod.LZ4);
      }
      writer.finish();
    }
    ReaderOptions readerOptions = ReaderOptions.builder().key(KEY).build();
    try (ArchiveReader local = ArchiveReader.open(archive, readerOptions);
        ArchiveReader remote = ArchiveReader.open(url(archive.getFileName().toString()),
            readerOptions)) {
      assertEquals(local.entries(), remote.entries());
      assertEquals(kind.equals("framed"),
          remote.entry("large.bin").map(EntryInfo::isFramed).orElse(false));
      for (EntryInfo entry : local.entries()) {
        String path = entry.path();
        byte[] content = local.read(path);
        assertArrayEquals(content, remote.read(path), kind + ": " + path);
        int middle = content.length / 2;
        int length = Math.min(100_000, content.length - middle);
        try (SeekableByteChannel channel = remote.openChannel(path)) {
          ByteBuffer slice = ByteBuffer.allocate(length);
          channel.position(middle);
          while (slice.hasRemaining() && channel.read(slice) >= 0) {
            // reading
          }
          assertEquals(ByteBuffer.wrap(content, middle, length), slice.flip(), path);
        }
        ByteBuffer random = ByteBuffer.allocate(Math.min(5000, content.length));
        remote.openRandomAccess(path).readFully(content.length - random.capacity(), random);
        assertEquals(ByteBuffer.wrap(content, content.length - random.capacity(),
            random.capacity()), random.flip(), path);
      }
      assertTrue(remote.verify(VerifyOptions.defaults()).isIntact(), kind);
      assertFalse(remote.hasChanged());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  @Test
  void aSmallArchiveOpensListsAndReadsInOneRequest() throws IOException {
    Path archive = dir.resolve("small.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("a.txt", TestData.text(5_000, 4));
      writer.addFile("b.txt", "hello".getBytes(StandardCharsets.UTF_8));
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(url("small.eng"))) {
      assertEquals(List.of("a.txt", "b.txt"), reader.list());
      assertArrayEquals(TestData.text(5_000, 4), reader.read("a.txt"));
      assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), reader.read("b.txt"));
    }
    assertEquals(1, server.requests(), "requests: " + server.log());
    assertEquals(Files.size(archive), server.bodyBytes());
  }

  @Test
  void aLargerArchiveOpensInOneRequestAndASmallEntryIsOneMore() throws IOException {
    Path archive = dir.resolve("larger.eng");
    Map<String, byte[]> contents = new LinkedHashMap<>();
    contents.put("first.txt", TestData.text(5_000, 5));            // compressed
    contents.put("tiny.txt", "hello".getBytes(StandardCharsets.UTF_8)); // stored: no gain
    contents.put("filler.bin", TestData.random(500_000, 6));       // stored
    contents.put("last.txt", TestData.text(1_000, 7));             // in the last 64 KiB
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (Map.Entry<String, byte[]> entry : contents.entrySet()) {
        writer.addFile(entry.getKey(), entry.getValue());
      }
      writer.finish();
    }
    long size = Files.size(archive);
    // the reader's block cache ends its blocks at the archive's end: the first one is short
    String firstBlock = "bytes=0-" + (size % CachingSource.BLOCK_SIZE - 1);
    try (ArchiveReader reader = ArchiveReader.open(url("larger.eng"))) {
      // the suffix range gives size, end record (with its copy of the header) and directory
      assertEquals(List.of("bytes=-65536"),
          server.log().stream().map(TestHttpServer.Logged::range).toList());
      assertEquals(CompressionMethod.NONE, reader.entry("tiny.txt").orElseThrow().compression());
      server.reset();
      assertArrayEquals(contents.get("first.txt"), reader.read("first.txt"));
      assertEquals(List.of(firstBlock),
          server.log().stream().map(TestHttpServer.Logged::range).toList());
      server.reset();
      assertArrayEquals(contents.get("tiny.txt"), reader.read("tiny.txt"));
      assertEquals(0, server.requests(), "in the block fetched for first.txt");
      assertArrayEquals(contents.get("last.txt"), reader.read("last.txt"));
      assertEquals(0, server.requests(), "in the bytes kept at open");
    }
    // as engram-rs writes it: no copy of the header in the end record, which then costs a
    // request of its own
    byte[] bytes = Files.readAllBytes(archive);
    Arrays.fill(bytes, bytes.length - 36, bytes.length, (byte) 0);
    Files.write(dir.resolve("larger-rs.eng"), bytes);
    server.reset();
    try (ArchiveReader reader = ArchiveReader.open(url("larger-rs.eng"))) {
      assertEquals(List.of("bytes=-65536", firstBlock),
          server.log().stream().map(TestHttpServer.Logged::range).toList());
      assertArrayEquals(contents.get("first.txt"), reader.read("first.txt"));
      assertEquals(2, server.requests(), "first.txt lies in the block of the header");
    }
  }

  @Test
  void tenThousandEntriesOpenAndListInTwoRequests() throws IOException {
    Path archive = dir.resolve("many.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (int i = 0; i < 10_000; i++) {
        writer.addFile("d" + (i / 100) + "/f" + i + ".txt",
            ("file " + i).getBytes(StandardCharsets.UTF_8));
      }
      writer.finish();
    }
    server.reset();
    try (ArchiveReader reader = ArchiveReader.open(url("many.eng"))) {
      assertEquals(10_000, reader.list().size());
      assertEquals("file 9999", new String(reader.read("d99/f9999.txt"), StandardCharsets.UTF_8));
      // the last 64 KiB, then the rest of the 3.2 MB directory in one request
      assertEquals(2, server.requests(), server.log().toString());
    }
  }

  @Test
  void aChangedArchiveIsNoticedAndItsReadsRefused() throws IOException {
    Path archive = dir.resolve("changing.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("a.bin", TestData.random(100_000, 8));
      writer.addFile("b.txt", TestData.text(100, 8));
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(url("changing.eng"))) {
      assertFalse(reader.hasChanged());
      byte[] bytes = Files.readAllBytes(archive);
      bytes[70] ^= 1; // in a.bin's local header: same size, new content
      Path replacement = dir.resolve("changing.eng.new");
      Files.write(replacement, bytes);
      Files.setLastModifiedTime(replacement, java.nio.file.attribute.FileTime.fromMillis(
          Files.getLastModifiedTime(archive).toMillis() + 5_000));
      Files.move(replacement, archive, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      assertTrue(reader.hasChanged());
      IOException e = assertThrows(IOException.class, () -> reader.read("a.bin"));
      assertTrue(e.getMessage().contains("the archive changed at this URL since it was opened"),
          e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Schemes

  @Test
  void aFileUriOpensTheLocalFile() throws IOException {
    Path archive = dir.resolve("local.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("a.txt", "local".getBytes(StandardCharsets.UTF_8));
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive.toUri())) {
      assertEquals("local", new String(reader.read("a.txt"), StandardCharsets.UTF_8));
      assertEquals(archive.toString(), reader.name());
    }
  }

  @Test
  void anUnknownSchemeNamesTheModuleThatWouldReadIt() {
    UnsupportedOperationException s3 = assertThrows(UnsupportedOperationException.class,
        () -> ArchiveReader.open(URI.create("s3://bucket/data.eng?versionId=secret")));
    assertTrue(s3.getMessage().contains("s3: URIs (s3://bucket/data.eng)"), s3.getMessage());
    assertTrue(s3.getMessage().contains("add engram-s3"), s3.getMessage());
    assertFalse(s3.getMessage().contains("secret"), s3.getMessage());
    UnsupportedOperationException other = assertThrows(UnsupportedOperationException.class,
        () -> ArchiveReader.open(URI.create("gopher://host/x.eng")));
    assertTrue(other.getMessage().contains("gopher:"), other.getMessage());
    assertTrue(other.getMessage().contains("ArchiveSourceProvider"), other.getMessage());
    assertTrue(other.getMessage().contains("file, http, https, memtest"), other.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ArchiveReader.open(URI.create("relative/x.eng")));
  }

  @Test
  void providersOnTheClassPathOpenTheirSchemes() throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(URI.create("memtest:small"))) {
      assertEquals(List.of("hello.txt"), reader.list());
      assertEquals("memtest:small", reader.name());
    }
  }

  @Test
  void providersSeenOnlyByTheContextClassLoaderAreFound() throws Exception {
    Path services = dir.resolve("context-loader/META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(ArchiveSourceProvider.class.getName()),
        ContextOnlyProvider.class.getName() + "\n");
    Thread thread = Thread.currentThread();
    ClassLoader saved = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(
        new java.net.URL[] {dir.resolve("context-loader").toUri().toURL()}, saved)) {
      assertThrows(UnsupportedOperationException.class,
          () -> ArchiveReader.open(URI.create("contexttest:x")));
      thread.setContextClassLoader(loader);
      try (ArchiveReader reader = ArchiveReader.open(URI.create("contexttest:x"))) {
        assertEquals(List.of("hello.txt"), reader.list());
      }
    } finally {
      thread.setContextClassLoader(saved);
    }
  }

  /** A tiny archive in memory, for the providers. */
  static ArchiveSource helloArchive(String name) throws IOException {
    Path file = Files.createTempFile(dir, "hello", ".eng");
    try (ArchiveWriter writer = ArchiveWriter.create(file)) {
      writer.addFile("hello.txt", "hello".getBytes(StandardCharsets.UTF_8));
      writer.finish();
    }
    return ArchiveSource.wrap(Files.readAllBytes(file), name);
  }

  /** Opens every URI of its scheme as a tiny archive in memory. */
  abstract static class HelloProvider implements ArchiveSourceProvider {
    private final String scheme;

    HelloProvider(String scheme) {
      this.scheme = scheme;
    }

    @Override
    public Set<String> schemes() {
      return Set.of(scheme);
    }

    @Override
    public ArchiveSource open(URI uri, RemoteOptions options) throws IOException {
      return helloArchive(uri.toString());
    }
  }

  /** Listed in this test's {@code META-INF/services}: the class path finds it. */
  public static final class MemoryProvider extends HelloProvider {
    public MemoryProvider() {
      super("memtest");
    }
  }

  /** Listed only in a services file the test gives the context class loader. */
  public static final class ContextOnlyProvider extends HelloProvider {
    public ContextOnlyProvider() {
      super("contexttest");
    }
  }
}
