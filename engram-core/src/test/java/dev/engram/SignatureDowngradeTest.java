package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.VerificationReport.Signing;
import dev.engram.manifest.Author;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SignatureCheck;
import dev.engram.manifest.SignatureEntry;
import dev.engram.manifest.SigningKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures stripped, replaced or left over tampered content (docs/SECURITY.md, "Signature
 * stripping and downgrade"): none of them verifies as authentically signed by a trusted key, and
 * the report tells "not signed" from "signed, but not validly" where the archive allows.
 */
class SignatureDowngradeTest {
  private static final Instant TIME = Instant.parse("2025-01-02T03:04:05Z");
  private static final KeyPair ALICE = SigningKeys.generate();
  private static final KeyPair MALLORY = SigningKeys.generate();
  private static final byte[] README = "# Release\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DATA = TestData.text(100_000, 3);

  @TempDir Path dir;

  /** An archive signed by Alice. */
  private Path signed() throws IOException {
    Path archive = dir.resolve("signed.eng");
    WriterOptions options = WriterOptions.builder().modifiedTime(TIME)
        .manifest(Manifest.builder("rel", "Release", Author.of("Alice"), "1.0.0").created(TIME)
            .build())
        .signWith(ALICE.getPrivate(), "alice").build();
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      writer.addFile("README.md", README);
      writer.addFile("data.csv", DATA);
      writer.finish();
    }
    return archive;
  }

  /**
   * Rewrites an archive as an attacker would: every entry copied as stored, except README.md when
   * {@code readme} is given, and the manifest as {@code manifest} makes it (none when it gives
   * null).
   */
  private Path rewrite(Path from, String name, UnaryOperator<Manifest> manifest, byte[] readme)
      throws IOException {
    Path to = dir.resolve(name);
    try (ArchiveReader reader = ArchiveReader.open(from);
        ArchiveWriter writer = ArchiveWriter.create(to,
            WriterOptions.builder().modifiedTime(TIME).build())) {
      for (EntryInfo entry : reader.entries()) {
        if (entry.path().equals(Manifest.ENTRY_NAME)) {
          continue;
        }
        if (readme != null && entry.path().equals("README.md")) {
          writer.addFile("README.md", readme);
        } else {
          writer.copyEntry(reader, entry.path());
        }
      }
      Manifest rewritten = manifest.apply(reader.manifest().orElseThrow());
      if (rewritten != null) {
        writer.addManifest(rewritten);
      }
      writer.finish();
    }
    return to;
  }

  private static VerificationReport verify(Path archive, KeyPair... trusted) throws IOException {
    VerifyOptions.Builder options = VerifyOptions.builder();
    for (KeyPair key : trusted) {
      options.trust(key.getPublic());
    }
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      return reader.verify(options.build());
    }
  }

  private static void assertNotAuthentic(VerificationReport report, Signing signing) {
    assertEquals(signing, report.signing(), report.summary());
    assertFalse(report.isAuthentic(), report.summary());
    assertTrue(report.summary().contains(": INTACT, NOT AUTHENTICALLY SIGNED\n")
        || report.summary().contains(": DAMAGED, NOT AUTHENTICALLY SIGNED\n"), report.summary());
    assertTrue(report.summary().contains("  no signature is by a trusted key\n"),
        report.summary());
  }

  @Test
  void aValidSignatureByATrustedKeyIsAuthentic() throws IOException {
    VerificationReport report = verify(signed(), ALICE);
    assertEquals(Signing.VALID, report.signing());
    assertTrue(report.isAuthentic(), report.summary());
    assertTrue(report.summary().contains(": INTACT, AUTHENTICALLY SIGNED\n"), report.summary());
  }

  @Test
  void neverSignedIsUnsigned() throws IOException {
    Path noManifest = rewrite(signed(), "none.eng", m -> null, null);
    assertNotAuthentic(verify(noManifest, ALICE), Signing.UNSIGNED);
    assertTrue(verify(noManifest).isIntact());
  }

  @Test
  void strippedSignaturesAreNotSignedAndLookLikeNeverSigned() throws IOException {
    Path signed = signed();
    Path stripped = rewrite(signed, "stripped.eng", m -> m.toBuilder().clearSignatures().build(),
        null);
    VerificationReport report = verify(stripped, ALICE);
    assertNotAuthentic(report, Signing.UNSIGNED);
    assertTrue(report.isIntact(), "the content still matches the (now unsigned) manifest");
    assertTrue(report.summary().contains("signatures: none (never signed, or they were removed:"
        + " an archive cannot tell which)"), report.summary());
    // the format keeps no trace of the removal: the report equals that of a manifest that
    // was never signed (the known limit; --trust is the defence)
    Path unsigned = dir.resolve("unsigned.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(unsigned, WriterOptions.builder()
        .modifiedTime(TIME).manifest(Manifest.builder("rel", "Release", Author.of("Alice"),
            "1.0.0").created(TIME).build()).build())) {
      writer.addFile("README.md", README);
      writer.addFile("data.csv", DATA);
      writer.finish();
    }
    VerificationReport never = verify(unsigned, ALICE);
    assertEquals(never.signing(), report.signing());
    assertEquals(never.summary().replace(unsigned.toString(), "X"),
        report.summary().replace(stripped.toString(), "X"));
  }

  @Test
  void signaturesReplacedByAnUntrustedSignerAreUntrusted() throws IOException {
    Path replaced = rewrite(signed(), "mallory.eng",
        m -> m.toBuilder().clearSignatures().build().sign(MALLORY.getPrivate(), "alice", TIME),
        null);
    VerificationReport report = verify(replaced, ALICE);
    assertNotAuthentic(report, Signing.UNTRUSTED);
    assertEquals(SignatureCheck.Status.UNTRUSTED, report.signatures().get(0).status());
    // without trusted keys, any correct signature counts: the known limit that --trust answers
    assertEquals(Signing.VALID, verify(replaced).signing());
  }

  @Test
  void aSignatureReplacedByGarbageOrTakenFromAnotherManifestIsInvalid() throws IOException {
    Path signed = signed();
    SignatureEntry alice;
    try (ArchiveReader reader = ArchiveReader.open(signed)) {
      alice = reader.manifest().orElseThrow().signatures().get(0);
    }
    // Alice's own signature, moved onto a manifest that vouches for other content
    byte[] evil = "# Evil\n".getBytes(StandardCharsets.UTF_8);
    Path transplanted = rewrite(signed, "transplanted.eng", m -> {
      Manifest unsigned = m.toBuilder().clearSignatures().build();
      List<dev.engram.manifest.FileEntry> files = unsigned.files().stream()
          .map(f -> !f.path().equals("README.md") ? f : dev.engram.manifest.FileEntry.of(
              "README.md", TestData.sha256(evil), evil.length, f.mimeType()))
          .toList();
      return withSignatures(unsigned.withFiles(files), List.of(alice));
    }, evil);
    VerificationReport report = verify(transplanted, ALICE);
    assertNotAuthentic(report, Signing.INVALID);
    assertTrue(report.isIntact(), "content and manifest agree; only the signature is wrong");
    SignatureEntry garbage = new SignatureEntry(alice.algorithm(), alice.publicKey(),
        "ab".repeat(64), alice.timestamp(), "alice", Map.of());
    Path forged = rewrite(signed, "forged.eng",
        m -> withSignatures(m.toBuilder().clearSignatures().build(), List.of(garbage)), null);
    assertNotAuthentic(verify(forged, ALICE), Signing.INVALID);
    VerificationReport untrusting = verify(forged);
    assertEquals(Signing.INVALID, untrusting.signing());
    assertFalse(untrusting.isAuthentic());
  }

  @Test
  void tamperedContentUnderAValidSignatureIsDamaged() throws IOException {
    // as long as the signed README.md, so that only its SHA-256 tells
    Path tampered = rewrite(signed(), "tampered.eng", m -> m,
        "# Relea5e\n".getBytes(StandardCharsets.UTF_8));
    VerificationReport report = verify(tampered, ALICE);
    assertEquals(Signing.VALID, report.signing(), "the signature still signs the manifest");
    assertFalse(report.isIntact());
    assertFalse(report.isAuthentic());
    assertTrue(report.summary().contains(": DAMAGED, NOT AUTHENTICALLY SIGNED\n"),
        report.summary());
    assertTrue(report.summary().contains("README.md: SHA-256 is "), report.summary());
  }

  @Test
  void anUnreadableManifestIsNeitherSignedNorUnsigned() throws IOException {
    Path archive = dir.resolve("garbled.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("README.md", README);
      writer.addFile(Manifest.ENTRY_NAME, "{\"version\": ".getBytes(StandardCharsets.UTF_8),
          CompressionMethod.NONE);
      writer.finish();
    }
    VerificationReport report = verify(archive, ALICE);
    assertEquals(Signing.MANIFEST_UNREADABLE, report.signing());
    assertFalse(report.isAuthentic());
  }

  /** A manifest with the given signature entries, as an attacker would write its JSON. */
  private static Manifest withSignatures(Manifest unsigned, List<SignatureEntry> signatures) {
    String json = new String(unsigned.canonicalBytes(), StandardCharsets.UTF_8);
    StringBuilder list = new StringBuilder();
    for (SignatureEntry s : signatures) {
      list.append(list.length() == 0 ? "" : ",").append("{\"algorithm\":\"")
          .append(s.algorithm()).append("\",\"public_key\":\"").append(s.publicKey())
          .append("\",\"signature\":\"").append(s.signature()).append("\",\"timestamp\":")
          .append(s.timestamp()).append(",\"signer\":\"").append(s.signer()).append("\"}");
    }
    try {
      return Manifest.parse(json.replace("\"signatures\":[]", "\"signatures\":[" + list + "]")
          .getBytes(StandardCharsets.UTF_8));
    } catch (dev.engram.manifest.ManifestException e) {
      throw new AssertionError(e);
    }
  }
}
