package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.VerificationReport.FileCheck;
import dev.engram.manifest.Author;
import dev.engram.manifest.FileEntry;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.ManifestException;
import dev.engram.manifest.SignatureCheck;
import dev.engram.manifest.SigningKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests inside archives: generated and signed by the writer, verified by the reader. */
class ManifestArchiveTest {
  private static final Instant TIME = Instant.parse("2025-01-02T03:04:05Z");
  private static final KeyPair ALICE = SigningKeys.generate();
  private static final KeyPair BOB = SigningKeys.generate();
  private static final byte[] README = "# Docs\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DATA = TestData.text(300_000, 7);

  @TempDir Path dir;

  private static Manifest template() {
    return Manifest.builder("docs", "Docs", Author.of("Ada"), "1.0.0").created(TIME).build();
  }

  private Path signedArchive(String name, KeyPair... signers) throws IOException {
    WriterOptions.Builder options =
        WriterOptions.builder().modifiedTime(TIME).manifest(template());
    for (KeyPair signer : signers) {
      options.signWith(signer.getPrivate(), signer == ALICE ? "alice" : "bob");
    }
    Path archive = dir.resolve(name);
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options.build())) {
      writer.addFile("README.md", README);
      writer.addFile("data/table.csv", new ByteArrayInputStream(DATA));
      writer.addFile("raw.bin", DATA, CompressionMethod.NONE);
      writer.finish();
    }
    return archive;
  }

  @Test
  void writerFillsTheFilesAndSignsWithEveryKey() throws IOException {
    Path archive = signedArchive("signed.eng", ALICE, BOB);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("README.md", "data/table.csv", "raw.bin", "manifest.json"),
          reader.list());
      assertEquals(CompressionMethod.NONE,
          reader.entry("manifest.json").orElseThrow().compression());
      Manifest manifest = reader.manifest().orElseThrow();
      assertEquals(List.of(
          FileEntry.of("README.md", TestData.sha256(README), README.length, "text/markdown"),
          FileEntry.of("data/table.csv", TestData.sha256(DATA), DATA.length, "text/csv"),
          FileEntry.of("raw.bin", TestData.sha256(DATA), DATA.length,
              "application/octet-stream")), manifest.files());
      assertEquals(List.of(true, true), manifest.verifySignatures());
      assertEquals("alice", manifest.signatures().get(0).signer());
      assertEquals(TIME.getEpochSecond(), manifest.signatures().get(1).timestamp());

      VerificationReport report = reader.verify(VerifyOptions.builder()
          .trust(ALICE.getPublic()).trust(BOB.getPublic()).build());
      assertTrue(report.isIntact(), report.summary());
      assertTrue(report.isAuthentic(), report.summary());
      assertEquals(List.of(), report.uncoveredEntries());
      assertTrue(report.summary().startsWith(archive + ": INTACT, AUTHENTICALLY SIGNED\n"),
          report.summary());
      assertTrue(report.summary().contains("manifest: 3 files, all present and matching"));
    }
  }

  @Test
  void framedContentFromAStreamIsHashedAsItStreams() throws Exception {
    long size = 52_428_800L + 333;
    Path archive = dir.resolve("framed.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().manifest(template()).signWith(ALICE.getPrivate(), null).build())) {
      writer.addFile("big.bin", TestData.patternStream(size), CompressionMethod.LZ4);
      writer.finish();
    }
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = TestData.patternStream(size)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
      }
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertTrue(reader.entry("big.bin").orElseThrow().isFramed());
      FileEntry file = reader.manifest().orElseThrow().files().get(0);
      assertEquals(HexFormat.of().formatHex(sha.digest()), file.sha256());
      assertEquals(size, file.size());
      assertTrue(reader.verify(VerifyOptions.defaults()).isAuthentic());
    }
  }

  @Test
  void sameInputAndTimeGiveAByteIdenticalSignedArchive() throws IOException {
    byte[] first = Files.readAllBytes(signedArchive("one.eng", ALICE));
    byte[] second = Files.readAllBytes(signedArchive("two.eng", ALICE));
    assertArrayEquals(first, second, "Ed25519 is deterministic and the times are fixed");
  }

  @Test
  void changedContentWithARepairedCrcIsCaughtByTheManifest() throws IOException {
    Path archive = signedArchive("tampered.eng", ALICE);
    rewriteStoredEntry(archive, "raw.bin", 1000, (byte) ~DATA[1000]);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertTrue(report.entries().stream().allMatch(VerificationReport.EntryCheck::isIntact),
          "the CRC was repaired, so only the SHA-256 can tell");
      FileCheck raw = report.files().get(2);
      assertEquals(FileCheck.Status.HASH_DIFFERS, raw.status());
      assertTrue(raw.problem().endsWith("the manifest says " + TestData.sha256(DATA)));
      assertFalse(report.isIntact());
      assertFalse(report.isAuthentic());
      assertEquals(SignatureCheck.Status.VALID, report.signatures().get(0).status());
      assertTrue(report.summary().startsWith(archive + ": DAMAGED, NOT AUTHENTICALLY SIGNED"));
      assertTrue(report.summary().contains("raw.bin: SHA-256 is "), report.summary());
    }
  }

  @Test
  void anotherFileSwappedInUnderTheSignedManifestIsCaught() throws IOException {
    Manifest signed = template().withFiles(List.of(
        FileEntry.of("README.md", TestData.sha256(README), README.length, null)))
        .sign(ALICE.getPrivate(), "alice", TIME);
    Path archive = dir.resolve("swapped.eng");
    byte[] other = "# Other docs\n".getBytes(StandardCharsets.UTF_8);
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("README.md", other);
      writer.addManifest(signed);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertEquals(FileCheck.Status.SIZE_DIFFERS, report.files().get(0).status());
      assertFalse(report.isAuthentic());
    }
  }

  @Test
  void anyChangeToTheManifestInvalidatesItsSignatures() throws IOException {
    Manifest signed = template().withFiles(List.of(
        FileEntry.of("README.md", TestData.sha256(README), README.length, null)))
        .sign(ALICE.getPrivate(), "alice", TIME);
    byte[] edited = new String(signed.toJson(), StandardCharsets.UTF_8)
        .replace("\"Docs\"", "\"Dogs\"").getBytes(StandardCharsets.UTF_8);
    Path archive = dir.resolve("edited.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("README.md", README);
      writer.addFile("manifest.json", edited, CompressionMethod.NONE);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertTrue(report.isIntact(), "the files still match what the manifest lists");
      assertEquals(SignatureCheck.Status.INVALID, report.signatures().get(0).status());
      assertFalse(report.isAuthentic());
      assertTrue(report.summary().contains("signature 0 (alice, key "), report.summary());
      assertTrue(report.summary().contains("INVALID: signature does not match this manifest"));
    }
  }

  @Test
  void signatureByAKeyOutsideTheTrustedSetIsUntrusted() throws IOException {
    Path archive = signedArchive("bob.eng", BOB);
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      VerificationReport report =
          reader.verify(VerifyOptions.builder().trust(ALICE.getPublic()).build());
      assertTrue(report.isIntact());
      assertEquals(SignatureCheck.Status.UNTRUSTED, report.signatures().get(0).status());
      assertFalse(report.isAuthentic());
      assertTrue(report.summary().contains("correct, but the key is not trusted"));
      assertTrue(report.summary().contains("no signature is by a trusted key"));
    }
  }

  @Test
  void entriesTheManifestDoesNotCoverAndFilesItMissesAreReported() throws IOException {
    Manifest signed = template().withFiles(List.of(
        FileEntry.of("README.md", TestData.sha256(README), README.length, null),
        FileEntry.of("gone.txt", TestData.sha256(README), README.length, null),
        FileEntry.of("README.md", TestData.sha256(README), README.length, null)))
        .sign(ALICE.getPrivate(), null, TIME);
    Path archive = dir.resolve("partial.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("README.md", README);
      writer.addFile("extra.txt", "unsigned".getBytes());
      writer.addManifest(signed);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertEquals(List.of(FileCheck.Status.MATCHES, FileCheck.Status.MISSING,
          FileCheck.Status.LISTED_TWICE),
          report.files().stream().map(FileCheck::status).toList());
      assertEquals(List.of("extra.txt"), report.uncoveredEntries());
      assertFalse(report.isIntact());
      assertFalse(report.isAuthentic());
      assertTrue(report.summary().contains("not covered by the manifest: extra.txt"));
    }
  }

  @Test
  void archiveWithoutAManifestIsIntactButNotSigned() throws IOException {
    Path archive = dir.resolve("plain.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("README.md", README);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertTrue(reader.manifest().isEmpty());
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertTrue(report.isIntact());
      assertFalse(report.isAuthentic());
      assertTrue(report.summary().contains("manifest: none (nothing is signed: never signed, or"
          + " the manifest was removed)"), report.summary());
      assertEquals(VerificationReport.Signing.UNSIGNED, report.signing());
    }
  }

  @Test
  void damagedEntryIsAFindingNotAnException() throws IOException {
    Path archive = signedArchive("crc.eng", ALICE);
    long payload;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      payload = payloadOffset(reader, "raw.bin");
    }
    try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
      file.seek(payload + 10);
      file.write(~DATA[10]);
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      VerificationReport.EntryCheck raw = report.entries().get(2);
      assertTrue(raw.problem().startsWith("entry 'raw.bin': CRC32 mismatch"), raw.problem());
      assertEquals(FileCheck.Status.UNREADABLE, report.files().get(2).status());
      assertFalse(report.isIntact());
    }
  }

  @Test
  void malformedManifestIsReportedAndManifestThrowsNamingTheArchive() throws IOException {
    Path archive = dir.resolve("bad-manifest.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("manifest.json", "{\"version\": 4}".getBytes(), CompressionMethod.NONE);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      ManifestException e = assertThrows(ManifestException.class, reader::manifest);
      assertEquals(archive + ": manifest: version must be a string", e.getMessage());
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertEquals("manifest: version must be a string", report.manifestProblem());
      assertFalse(report.isIntact());
    }
  }

  @Test
  void engramRsSignatureStaysValidInsideAnArchive() throws IOException {
    Path archive = dir.resolve("oracle.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("manifest.json", dev.engram.manifest.ManifestTestVector.SIGNED_JSON
          .getBytes(StandardCharsets.UTF_8), CompressionMethod.NONE);
      writer.finish();
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      assertEquals(SignatureCheck.Status.VALID, report.signatures().get(0).status());
      assertEquals(List.of(FileCheck.Status.MISSING, FileCheck.Status.MISSING),
          report.files().stream().map(FileCheck::status).toList());
    }
  }

  @Test
  void writerRefusesConflictingManifestUse() throws IOException {
    assertThrows(IllegalStateException.class,
        () -> WriterOptions.builder().signWith(ALICE.getPrivate(), null).build());
    WriterOptions generating = WriterOptions.builder().manifest(template()).build();
    try (ArchiveWriter writer = ArchiveWriter.create(dir.resolve("x.eng"), generating)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> writer.addFile("manifest.json", new byte[] {1}));
      assertTrue(e.getMessage().contains("generates manifest.json at finish()"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> writer.addManifest(template()));
    }
    try (ArchiveWriter writer = ArchiveWriter.create(dir.resolve("y.eng"))) {
      writer.addManifest(template());
      assertThrows(java.nio.file.FileAlreadyExistsException.class,
          () -> writer.addManifest(template()));
    }
  }

  /** Overwrites one byte of a stored entry's payload and repairs its CRC in both headers. */
  private static void rewriteStoredEntry(Path archive, String path, int offset, byte value)
      throws IOException {
    long payload;
    long dataOffset;
    long centOffset;
    int crc;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      payload = payloadOffset(reader, path);
      dataOffset = payload - 41 - path.length();
      byte[] content = reader.read(path);
      content[offset] = value;
      CRC32 checksum = new CRC32();
      checksum.update(content);
      crc = (int) checksum.getValue();
      centOffset = directoryOffset(archive) + 320L * reader.list().indexOf(path);
    }
    try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
      file.seek(payload + offset);
      file.write(value);
      byte[] le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc).array();
      file.seek(dataOffset + 20);
      file.write(le);
      file.seek(centOffset + 28);
      file.write(le);
    }
  }

  private static long payloadOffset(ArchiveReader reader, String path) {
    EntryInfo entry = reader.entry(path).orElseThrow();
    return entry.directoryEntry().payloadOffset();
  }

  private static long directoryOffset(Path archive) throws IOException {
    byte[] header = new byte[64];
    try (InputStream in = Files.newInputStream(archive)) {
      in.readNBytes(header, 0, 64);
    }
    return ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
  }

  @Test
  void aManifestLargerThanReadersParseIsRefusedAtFinishAndNothingIsWritten() throws IOException {
    Path archive = dir.resolve("many.eng");
    String padding = "p".repeat(240); // long names: fewer entries reach the limit
    LimitExceededException e;
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().modifiedTime(TIME).manifest(template()).build())) {
      byte[] empty = new byte[0];
      for (int i = 0; i < 185_000; i++) {
        writer.addFile("d" + (i % 100) + "/" + padding + i, empty, CompressionMethod.NONE);
      }
      e = assertThrows(LimitExceededException.class, writer::finish);
    }
    assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains("185000 files"),
        e.getMessage());
    assertFalse(Files.exists(archive), "no archive whose manifest no reader parses");
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "no temporary file is left");
    }
  }

  @Test
  void theManifestIsTheLastEntryOfItsNameWhetherOrNotPathsWereLookedUp() throws IOException {
    Manifest first = template();
    Manifest second = Manifest.builder("docs", "Later", Author.of("Ada"), "2.0.0").created(TIME)
        .build();
    Path archive = new RawArchive().stored(Manifest.ENTRY_NAME, first.toJson())
        .stored("a.txt", "a".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .stored(Manifest.ENTRY_NAME, second.toJson()).writeTo(dir.resolve("two.eng"));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals("Later", reader.manifest().orElseThrow().name(), "found by scanning");
      assertTrue(reader.contains("a.txt")); // builds the path index
      assertEquals("Later", reader.manifest().orElseThrow().name(), "found by the index");
    }
  }
}
