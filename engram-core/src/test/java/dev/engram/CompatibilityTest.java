package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the archives engram-rs wrote into {@code shared/compat/} and checks every column of their
 * {@code .expected} listings; checks that damaged archives fail with the right exception; checks
 * that our writer chooses the compression method engram-rs chose. Without the fixtures the tests
 * are skipped with a message, or fail under {@code CI=true} ({@link CompatFixtures}).
 */
class CompatibilityTest {
  private static final long FRAMING_THRESHOLD = 52_428_800L;
  static final Set<String> ENCRYPTED = Set.of("perfile-enc", "archive-enc");

  @TempDir
  Path tempDir;

  @BeforeAll
  static void requireFixtures() {
    CompatFixtures.require();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading what engram-rs wrote

  @TestFactory
  Stream<DynamicTest> everyUnencryptedArchiveReadsBackAllSixExpectedColumnsExactly()
      throws IOException {
    List<String> names = archivesWithExpectedListing();
    names.removeAll(ENCRYPTED);
    assertFalse(names.isEmpty(), "no NAME.eng with NAME.expected in " + CompatFixtures.dir());
    return names.stream().map(name -> dynamicTest(name + ".eng", () -> checkArchive(name)));
  }

  /** The keys the fixtures' README gives: bytes 0x00..0x1f, 0x20..0x3f, and a wrong one. */
  static byte[] key(int first) {
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) (first + i);
    }
    return key;
  }

  private static final byte[] WRONG_KEY = new byte[32];

  static {
    java.util.Arrays.fill(WRONG_KEY, (byte) 0xFF);
  }

  @Test
  void perFileEncryptedArchiveReadsAllSixColumnsWithItsKey() throws IOException {
    checkArchive("perfile-enc", ReaderOptions.builder().key(key(0x00)).build());
  }

  @Test
  void archiveEncryptedArchiveReadsAllSixColumnsWithItsKey() throws IOException {
    checkArchive("archive-enc", ReaderOptions.builder().key(key(0x20)).build());
  }

  @Test
  void perFileEncryptedArchiveListsWithoutAKeyButReadsNothing() throws IOException {
    Path archive = compat("perfile-enc.eng");
    List<Expected> expected = expectedListing("perfile-enc");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertListingMatches(expected, reader);
      for (Expected line : expected) {
        KeyRequiredException e = assertThrows(KeyRequiredException.class,
            () -> reader.read(line.path), "read of encrypted entry '" + line.path + "'");
        assertTrue(e.getMessage().contains("perfile-enc.eng"), e.getMessage());
        assertTrue(e.getMessage().contains("entry '" + line.path + "' is encrypted"),
            e.getMessage());
        assertThrows(KeyRequiredException.class, () -> reader.openStream(line.path));
        assertThrows(KeyRequiredException.class, () -> reader.openChannel(line.path));
      }
    }
    try (ArchiveReader reader = ArchiveReader.open(archive,
        ReaderOptions.builder().key(WRONG_KEY).build())) {
      for (Expected line : expected) {
        AuthenticationFailedException e = assertThrows(AuthenticationFailedException.class,
            () -> reader.read(line.path), line.path);
        assertTrue(e.getMessage().contains("does not decrypt"), e.getMessage());
      }
    }
  }

  @Test
  void archiveEncryptedArchiveNeedsItsKeyToOpen() {
    Path archive = compat("archive-enc.eng");
    KeyRequiredException missing =
        assertThrows(KeyRequiredException.class, () -> ArchiveReader.open(archive));
    assertTrue(missing.getMessage().contains("archive-enc.eng"), missing.getMessage());
    AuthenticationFailedException wrong = assertThrows(AuthenticationFailedException.class,
        () -> ArchiveReader.open(archive, ReaderOptions.builder().key(WRONG_KEY).build()));
    assertTrue(wrong.getMessage().contains("the archive does not decrypt"), wrong.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Damaged archives

  /** What each damaged fixture must fail with; an unlisted one fails the test. */
  private static final Map<String, Damage> DAMAGES = Map.of(
      "bad-magic", new Damage(true, CorruptArchiveException.class, "magic"),
      "future-version", new Damage(true, UnsupportedArchiveException.class, "version 2"),
      "endr-mismatch",
      new Damage(true, CorruptArchiveException.class, "end record", "directory offset"),
      "truncated", new Damage(true, CorruptArchiveException.class, "end record", "ENDR"),
      "corrupt-crc", new Damage(false, ChecksumMismatchException.class, "CRC32", "hello.txt"));

  /** {@code mentions}: what the message must say, besides the archive's file name. */
  private record Damage(boolean failsAtOpen, Class<? extends EngramException> type,
      String... mentions) {}

  @TestFactory
  Stream<DynamicTest> everyDamagedArchiveFailsWithTheExceptionForItsDamage() throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(CompatFixtures.dir())) {
      files.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".read.expected-err"))
          .map(f -> f.substring(0, f.length() - ".read.expected-err".length()))
          .sorted()
          .forEach(names::add);
    }
    assertFalse(names.isEmpty(), "no NAME.read.expected-err in " + CompatFixtures.dir());
    return names.stream().map(name -> dynamicTest(name + ".eng", () -> checkDamaged(name)));
  }

  private void checkDamaged(String name) throws IOException {
    Damage damage = DAMAGES.get(name);
    if (damage == null) {
      fail("no expectation is defined for the damaged fixture " + name + ".eng");
    }
    Path archive = compat(name + ".eng");
    EngramException failure;
    if (damage.failsAtOpen) {
      failure = assertThrows(EngramException.class, () -> ArchiveReader.open(archive).close(),
          name + ".eng must fail to open");
    } else {
      failure = damagedEntryFailure(name, archive);
    }
    assertSame(damage.type, failure.getClass(), "exception for " + name + ".eng: " + failure);
    String message = failure.getMessage();
    assertTrue(message.contains(name + ".eng"), "message names the archive: " + message);
    for (String mention : damage.mentions) {
      assertTrue(message.contains(mention), "message says what is wrong (" + mention + "): "
          + message);
    }
  }

  /**
   * Opens an archive damaged in one payload and reads every entry: exactly one fails, its CRC32
   * check, and the others read back as {@code small.expected} lists them (the damaged copies are
   * copies of {@code small.eng}).
   */
  private EngramException damagedEntryFailure(String name, Path archive) throws IOException {
    Map<String, Expected> undamaged = new LinkedHashMap<>();
    for (Expected line : expectedListing("small")) {
      undamaged.put(line.path, line);
    }
    List<EngramException> failures = new ArrayList<>();
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertListingMatches(new ArrayList<>(undamaged.values()), reader);
      for (EntryInfo entry : reader.entries()) {
        try {
          byte[] content = reader.read(entry.path());
          assertEquals(undamaged.get(entry.path()).sha256, TestData.sha256(content),
              "undamaged entry '" + entry.path() + "' of " + name + ".eng");
        } catch (EngramException e) {
          failures.add(e);
          assertTrue(e.getMessage().contains(entry.path()),
              "message names the damaged entry: " + e.getMessage());
          if (e instanceof ChecksumMismatchException crc) {
            assertEquals(entry.path(), crc.entry());
            assertEquals(entry.crc32(), crc.expected());
            assertTrue(crc.actual() != crc.expected());
          }
        }
      }
    }
    assertEquals(1, failures.size(), "entries of " + name + ".eng that fail to read: " + failures);
    return failures.get(0);
  }

  // ---------------------------------------------------------------------------------------------
  // Our writer's method choice against engram-rs's

  @TestFactory
  Stream<DynamicTest> ourWriterChoosesTheCompressionMethodEngramRsChose() {
    return Stream.of(
        dynamicTest("mixed.eng (automatic)", () -> checkWriterMethods("mixed", null)),
        dynamicTest("methods-none.eng", () -> checkWriterMethods("methods-none",
            CompressionMethod.NONE)),
        dynamicTest("methods-lz4.eng", () -> checkWriterMethods("methods-lz4",
            CompressionMethod.LZ4)),
        dynamicTest("methods-zstd.eng", () -> checkWriterMethods("methods-zstd",
            CompressionMethod.ZSTD)));
  }

  /**
   * Rewrites a fixture's contents with our writer (automatic method when {@code forced} is null)
   * and checks every entry got the method engram-rs recorded, and reads back intact. Stored sizes
   * of compressed entries depend on the encoder and are not compared.
   */
  private void checkWriterMethods(String name, CompressionMethod forced) throws IOException {
    List<Expected> expected = expectedListing(name);
    Path ours = tempDir.resolve(name + "-rewritten.eng");
    try (ArchiveReader source = ArchiveReader.open(compat(name + ".eng"));
        ArchiveWriter writer = ArchiveWriter.create(ours)) {
      for (Expected line : expected) {
        byte[] content = source.read(line.path);
        if (forced == null) {
          writer.addFile(line.path, content);
        } else {
          writer.addFile(line.path, content, forced);
        }
      }
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(ours)) {
      List<EntryInfo> entries = reader.entries();
      assertEquals(expected.size(), entries.size(), "entry count");
      for (int i = 0; i < expected.size(); i++) {
        Expected line = expected.get(i);
        EntryInfo entry = entries.get(i);
        String where = name + " line " + (i + 1) + " '" + line.path + "'";
        assertEquals(line.path, entry.path(), where + ": path");
        assertEquals(line.method, entry.compression().id(), where + ": method our writer chose");
        assertEquals(line.size, entry.uncompressedSize(), where + ": size");
        assertEquals(line.crc32, hex32(entry.crc32()), where + ": crc32");
        if (line.method == 0) {
          assertEquals(line.storedSize, entry.storedSize(), where + ": stored size when stored");
        }
        assertEquals(line.sha256, TestData.sha256(reader.read(line.path)), where + ": content");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** One line of a {@code .expected} file. */
  record Expected(String path, long size, long storedSize, int method, String crc32,
      String sha256) {}

  private void checkArchive(String name) throws IOException {
    checkArchive(name, ReaderOptions.defaults());
  }

  private void checkArchive(String name, ReaderOptions options) throws IOException {
    List<Expected> expected = expectedListing(name);
    try (ArchiveReader reader = ArchiveReader.open(compat(name + ".eng"), options)) {
      assertListingMatches(expected, reader);
      for (Expected line : expected) {
        String where = name + " '" + line.path + "'";
        EntryInfo entry = reader.entry(line.path).orElseThrow();
        assertEquals(line.size >= FRAMING_THRESHOLD && line.method != 0, entry.isFramed(),
            where + ": isFramed");
        assertEquals(line.sha256, TestData.sha256(reader.read(line.path)), where + ": read");
        try (InputStream in = reader.openStream(line.path)) {
          assertEquals(line.sha256, sha256Of(in), where + ": openStream");
        }
        try (SeekableByteChannel channel = reader.openChannel(line.path)) {
          assertEquals(line.size, channel.size(), where + ": channel size");
          assertEquals(line.sha256, sha256Of(channel), where + ": openChannel");
        }
      }
    }
  }

  /** Checks path, size, stored size, method and CRC32 of every entry, in directory order. */
  static void assertListingMatches(List<Expected> expected, ArchiveReader reader) {
    List<EntryInfo> entries = reader.entries();
    assertEquals(expected.size(), entries.size(), "entry count of " + reader.name());
    assertEquals(expected.size(), reader.entryCount());
    for (int i = 0; i < expected.size(); i++) {
      Expected line = expected.get(i);
      EntryInfo entry = entries.get(i);
      String where = Path.of(reader.name()).getFileName() + " entry " + i + " '" + line.path + "'";
      assertEquals(line.path, entry.path(), where + ": path");
      assertEquals(line.size, entry.uncompressedSize(), where + ": uncompressed size");
      assertEquals(line.storedSize, entry.storedSize(), where + ": stored size");
      assertEquals(line.method, entry.compression().id(), where + ": method");
      assertEquals(line.crc32, hex32(entry.crc32()), where + ": crc32");
    }
  }

  static List<String> archivesWithExpectedListing() throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(CompatFixtures.dir())) {
      files.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".expected"))
          .map(f -> f.substring(0, f.length() - ".expected".length()))
          .filter(n -> Files.isRegularFile(CompatFixtures.dir().resolve(n + ".eng")))
          .sorted()
          .forEach(names::add);
    }
    return names;
  }

  static List<Expected> expectedListing(String name) throws IOException {
    List<Expected> lines = new ArrayList<>();
    String text = Files.readString(compat(name + ".expected"), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      assertEquals(6, f.length, name + ".expected: not six columns: " + line);
      lines.add(new Expected(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]),
          Integer.parseInt(f[3]), f[4], f[5]));
    }
    return lines;
  }

  static Path compat(String file) {
    return CompatFixtures.dir().resolve(file);
  }

  private static String hex32(int value) {
    return String.format("%08x", value);
  }

  private static String sha256Of(InputStream in) throws IOException {
    MessageDigest digest = sha256();
    try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
      byte[] buffer = new byte[1 << 16];
      while (digesting.read(buffer) >= 0) {
        // digesting
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256Of(SeekableByteChannel channel) throws IOException {
    MessageDigest digest = sha256();
    ByteBuffer buffer = ByteBuffer.allocate(100_000); // not a multiple of the 64 KiB frame size
    while (channel.read(buffer) >= 0) {
      buffer.flip();
      digest.update(buffer);
      buffer.clear();
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
