package dev.engram.cli;

import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.EntryInfo;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SigningKeys;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, sign and verify. */
class SigningCommandsTest {
  @TempDir Path dir;
  private Path library;

  @BeforeEach
  void keys() throws Exception {
    library = Samples.library(dir);
    for (String name : List.of("alice", "bob")) {
      Cli.Result r = run("keygen", "-o", dir.resolve(name).toString());
      assertEquals(0, r.exitCode(), r.toString());
    }
  }

  private String key(String name) {
    return dir.resolve(name + ".key").toString();
  }

  private String pub(String name) {
    return dir.resolve(name + ".pub").toString();
  }

  @Test
  void keygenWritesAnOwnerOnlyPrivateKeyAndNeverOverwrites() throws Exception {
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("alice.key"))));
    assertTrue(Files.readString(dir.resolve("alice.pub")).startsWith("-----BEGIN PUBLIC KEY"));
    byte[] before = Files.readAllBytes(dir.resolve("alice.key"));
    Cli.Result again = run("keygen", "-o", dir.resolve("alice").toString());
    assertEquals(ExitCodes.IO, again.exitCode());
    assertEquals("engram keygen: " + dir.resolve("alice.key")
        + ": already exists (keys are never overwritten)\n", again.stderr());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("alice.key")));
  }

  @Test
  void aPackedAndSignedArchiveVerifiesOnlyAgainstItsSignersKey() {
    String archive = dir.resolve("s.eng").toString();
    assertEquals(0, run("pack", library.toString(), "-o", archive, "--sign", key("alice"))
        .exitCode());
    Cli.Result trusted = run("verify", "--trust", pub("alice"), archive);
    assertEquals(0, trusted.exitCode(), trusted.toString());
    assertTrue(trusted.stdout().startsWith(archive + ": INTACT, AUTHENTICALLY SIGNED\n"),
        trusted.stdout());
    assertTrue(trusted.stdout().contains("signature 0 (alice, key "), trusted.stdout());
    Cli.Result other = run("verify", "--trust", pub("bob"), archive);
    assertEquals(ExitCodes.VERIFY_FAILED, other.exitCode());
    assertTrue(other.stdout().contains("no signature is by a trusted key"), other.stdout());
    // without --trust, an intact archive passes whoever signed it
    assertEquals(0, run("verify", archive).exitCode());
  }

  /**
   * Rewrites an archive as an attacker would: entries copied as stored, notes/a.md replaced when
   * {@code notes} is given, the manifest as {@code manifest} makes it.
   */
  private Path rewrite(Path from, String name, UnaryOperator<Manifest> manifest, byte[] notes)
      throws Exception {
    Path to = dir.resolve(name);
    try (ArchiveReader reader = ArchiveReader.open(from);
        ArchiveWriter writer = ArchiveWriter.create(to)) {
      for (EntryInfo e : reader.entries()) {
        if (notes != null && e.path().equals("notes/a.md")) {
          writer.addFile(e.path(), notes);
        } else if (!e.path().equals(Manifest.ENTRY_NAME)) {
          writer.copyEntry(reader, e.path());
        }
      }
      writer.addManifest(manifest.apply(reader.manifest().orElseThrow()));
      writer.finish();
    }
    return to;
  }

  @Test
  void strippedReplacedOrTamperedSignaturesAreNotAuthenticallySigned() throws Exception {
    Path signed = dir.resolve("s.eng");
    assertEquals(0, run("pack", library.toString(), "-o", signed.toString(), "--sign",
        key("alice")).exitCode());
    Path never = dir.resolve("never.eng");
    assertEquals(0, run("pack", library.toString(), "-o", never.toString()).exitCode());
    Path stripped = rewrite(signed, "stripped.eng", m -> m.toBuilder().clearSignatures().build(),
        null);
    PrivateKey bob = SigningKeys.readPrivateKey(Path.of(key("bob")));
    Path replaced = rewrite(signed, "replaced.eng",
        m -> m.toBuilder().clearSignatures().build().sign(bob, "alice"), null);
    Path tampered = rewrite(signed, "tampered.eng", m -> m,
        "alphb\n".getBytes(StandardCharsets.UTF_8));
    Map<Path, String> expected = Map.of(
        never, "manifest: none (nothing is signed: never signed, or the manifest was removed)",
        stripped, "signatures: none (never signed, or they were removed: an archive cannot tell"
            + " which)",
        replaced, "correct, but the key is not trusted",
        tampered, "notes/a.md: SHA-256 is ");
    for (Map.Entry<Path, String> e : expected.entrySet()) {
      Cli.Result r = run("verify", "--trust", pub("alice"), e.getKey().toString());
      assertEquals(ExitCodes.VERIFY_FAILED, r.exitCode(), r.toString());
      assertTrue(r.stdout().contains(", NOT AUTHENTICALLY SIGNED\n"), r.stdout());
      assertTrue(r.stdout().contains(e.getValue()), r.stdout());
      // tampered: Alice's signature still signs the manifest; the content no longer matches it
      assertEquals(e.getKey() != tampered, r.stdout().contains("no signature is by a trusted key"),
          r.stdout());
    }
    assertEquals(0, run("verify", "--trust", pub("alice"), signed.toString()).exitCode());
  }

  @Test
  void signingAnUnsignedArchiveCopiesEntriesAsStoredAndAddsAManifest() throws Exception {
    String plain = dir.resolve("plain.eng").toString();
    String signed = dir.resolve("signed.eng").toString();
    assertEquals(0, run("pack", library.toString(), "-o", plain).exitCode());
    Cli.Result r = run("sign", plain, "--key", key("alice"), "-o", signed);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("signed " + signed + " by alice\n", r.stdout());
    try (ArchiveReader before = ArchiveReader.open(Path.of(plain));
        ArchiveReader after = ArchiveReader.open(Path.of(signed))) {
      for (EntryInfo e : before.entries()) {
        EntryInfo copy = after.entry(e.path()).orElseThrow();
        assertEquals(e.storedSize(), copy.storedSize());
        assertEquals(e.crc32(), copy.crc32());
        assertEquals(e.modifiedTime(), copy.modifiedTime());
      }
      assertEquals(before.entryCount() + 1, after.entryCount());
      assertEquals("signed", after.manifest().orElseThrow().name());
    }
    assertEquals(0, run("verify", "--trust", pub("alice"), signed).exitCode());
  }

  @Test
  void signingASignedArchiveInPlaceKeepsTheEarlierSignature() {
    String archive = dir.resolve("s.eng").toString();
    assertEquals(0, run("pack", library.toString(), "-o", archive, "--sign", key("alice"))
        .exitCode());
    Cli.Result r = run("sign", archive, "-k", key("bob"), "-o", archive);
    assertEquals(0, r.exitCode(), r.toString());
    for (String signer : List.of("alice", "bob")) {
      Cli.Result v = run("verify", "--trust", pub(signer), archive);
      assertEquals(0, v.exitCode(), v.toString());
    }
    String report = run("verify", archive).stdout();
    assertTrue(report.contains("signature 0 (alice, key ") && report.contains("signature 1 (bob,"),
        report);
  }

  @Test
  void aManifestThatNoLongerMatchesIsNotSigned() throws Exception {
    Path archive = dir.resolve("s.eng");
    assertEquals(0, run("pack", library.toString(), "-o", archive.toString(), "--sign",
        key("alice"), "-c", "none").exitCode());
    long offset;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo notes = reader.entry("notes/b.md").orElseThrow();
      offset = Files.size(archive) / 4;
      assertTrue(notes.storedSize() > 0);
    }
    // flip a byte and fix nothing: the CRC and the manifest both disagree now
    try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      channel.write(ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 1)}), offset);
    }
    Path out = dir.resolve("out.eng");
    Cli.Result r = run("sign", archive.toString(), "-k", key("bob"), "-o", out.toString());
    assertEquals(ExitCodes.VERIFY_FAILED, r.exitCode(), r.toString());
    assertTrue(r.stderr().startsWith("engram sign: " + archive + ": its manifest does not match"
        + " its content, so it is not signed:\n" + archive + ": DAMAGED"), r.stderr());
    assertTrue(Files.notExists(out));
  }

  @Test
  void perFileEncryptedArchivesAreNotSignedInPlaceOfRepacking() throws Exception {
    Path keyFile = Files.write(dir.resolve("k.bin"), new byte[32]);
    String archive = dir.resolve("e.eng").toString();
    assertEquals(0, run("pack", library.toString(), "-o", archive, "--encrypt", "per-file",
        "--key-file", keyFile.toString()).exitCode());
    Cli.Result r = run("sign", archive, "--key-file", keyFile.toString(), "-k", key("alice"),
        "-o", dir.resolve("o.eng").toString());
    assertEquals(ExitCodes.CORRUPT, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("Repack it with 'engram pack --sign'"), r.stderr());
  }

  @Test
  void aWholeArchiveEncryptedArchiveIsSignedAndStaysEncrypted() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("k.hex"), "ab".repeat(32) + "\n");
    String archive = dir.resolve("e.eng").toString();
    String signed = dir.resolve("es.eng").toString();
    assertEquals(0, run("pack", library.toString(), "-o", archive, "--encrypt", "archive",
        "--key-file", keyFile.toString()).exitCode());
    Cli.Result r = run("sign", archive, "--key-file", keyFile.toString(), "-k", key("alice"),
        "-o", signed);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(ExitCodes.WRONG_KEY, run("list", signed).exitCode());
    Cli.Result v = run("verify", "--key-file", keyFile.toString(), "--trust", pub("alice"),
        signed);
    assertEquals(0, v.exitCode(), v.toString());
  }

  @Test
  void aPublicKeyThatIsNotOneIsAKeyError() throws Exception {
    String archive = dir.resolve("s.eng").toString();
    assertEquals(0, run("pack", library.toString(), "-o", archive).exitCode());
    Cli.Result r = run("verify", "--trust", dir.resolve("library/README.md").toString(),
        archive);
    assertEquals(ExitCodes.WRONG_KEY, r.exitCode(), r.toString());
    assertTrue(r.stderr().startsWith("engram verify: "), r.stderr());
    assertEquals(1, r.stderr().lines().count(), r.stderr());
  }
}
