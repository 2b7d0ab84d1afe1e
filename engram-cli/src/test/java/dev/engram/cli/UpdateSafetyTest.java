package dev.engram.cli;

import static dev.engram.cli.Cli.cli;
import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.EncryptionMode;
import dev.engram.EntryInfo;
import dev.engram.ReaderOptions;
import dev.engram.manifest.Manifest;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code add}, {@code rm} and {@code update} guard: signatures, encryption, and changes made
 * by another update at the same time.
 */
class UpdateSafetyTest {
  @TempDir Path dir;
  private Path site;
  private Path extra;

  @BeforeEach
  void files() throws Exception {
    site = Samples.folder(dir, "site", "index.md", "home", "notes/a.md", "alpha");
    extra = Files.writeString(dir.resolve("extra.md"), "extra");
    for (String name : List.of("alice", "bob")) {
      assertEquals(0, run("keygen", "-o", dir.resolve(name).toString()).exitCode());
    }
  }

  /** The command line that changes {@code archive} with this command, plus {@code options}. */
  private String[] change(String command, Path archive, String... options) {
    String[] base = switch (command) {
      case "add" -> new String[] {"add", archive.toString(), extra.toString()};
      case "rm" -> new String[] {"rm", archive.toString(), "notes/a.md"};
      default -> new String[] {"update", "--delete", archive.toString(), site.toString()};
    };
    String[] args = java.util.Arrays.copyOf(base, base.length + options.length);
    System.arraycopy(options, 0, args, base.length, options.length);
    return args;
  }

  private Path signedArchive() {
    Path archive = dir.resolve("signed.eng");
    assertEquals(0, run("pack", site.toString(), "-o", archive.toString(), "--sign",
        dir.resolve("alice.key").toString()).exitCode());
    return archive;
  }

  @ParameterizedTest
  @ValueSource(strings = {"add", "rm"})
  void aSignedArchiveIsNotChangedUntilToldWhatToDoWithItsSignatures(String command)
      throws Exception {
    Path archive = signedArchive();
    byte[] before = Files.readAllBytes(archive);
    String expected = "engram " + command + ": " + archive + ": its manifest is signed, and the"
        + " signatures would no longer match the changed archive: give --drop-signatures to drop"
        + " them, or --resign KEYFILE to sign it again\n";
    for (String[] args : List.of(change(command, archive), change(command, archive, "-n"))) {
      Cli.Result refused = run(args);
      assertEquals(ExitCodes.USAGE, refused.exitCode(), refused.toString());
      assertTrue(refused.stderr().startsWith(expected), refused.stderr());
      assertArrayEquals(before, Files.readAllBytes(archive));
    }

    Cli.Result dropped = run(change(command, archive, "--drop-signatures"));
    assertEquals(0, dropped.exitCode(), dropped.toString());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      Manifest manifest = reader.manifest().orElseThrow();
      assertEquals(List.of(), manifest.signatures());
      assertEquals("signed", manifest.name());
    }
    assertEquals(0, run("verify", archive.toString()).exitCode());
  }

  @Test
  void aSignedArchiveChangedWithResignIsSignedByTheNewKeyOnly() throws Exception {
    Path archive = signedArchive();
    Files.writeString(site.resolve("notes/a.md"), "new alpha");
    Cli.Result r = run(change("update", archive, "--resign", dir.resolve("bob.key").toString()));
    assertEquals(0, r.exitCode(), r.toString());
    Cli.Result bob = run("verify", "--trust", dir.resolve("bob.pub").toString(),
        archive.toString());
    assertEquals(0, bob.exitCode(), bob.toString());
    assertTrue(bob.stdout().contains("manifest: 2 files, all present and matching"),
        bob.stdout());
    assertEquals(ExitCodes.VERIFY_FAILED, run("verify", "--trust",
        dir.resolve("alice.pub").toString(), archive.toString()).exitCode());

    Path plain = dir.resolve("plain.eng");
    assertEquals(0, run("pack", site.toString(), "-o", plain.toString()).exitCode());
    for (String dry : List.of("--quiet", "--dry-run")) {
      PackCommandTest.assertUsage("--resign: " + plain + " has no manifest to sign ('engram sign'"
          + " adds one)", run(change("add", plain, dry, "--resign",
              dir.resolve("bob.key").toString())));
    }
  }

  @ParameterizedTest
  @CsvSource({"add, archive", "rm, archive", "update, archive", "add, per-file", "rm, per-file",
      "update, per-file"})
  void anEncryptedArchiveIsChangedWithItsKeyAndStaysEncryptedTheSameWay(String command,
      String mode) throws Exception {
    Path key = Files.write(dir.resolve("k.bin"), new byte[32]);
    Path archive = dir.resolve("e.eng");
    assertEquals(0, run("pack", site.toString(), "-o", archive.toString(), "--encrypt",
        mode, "--key-file", key.toString()).exitCode());
    Files.writeString(site.resolve("notes/a.md"), "new alpha");
    Cli.Result locked = run(change(command, archive));
    assertEquals(ExitCodes.WRONG_KEY, locked.exitCode(), locked.toString());
    assertTrue(locked.stderr().contains("--key-file FILE, --passphrase or --passphrase-env NAME"),
        locked.stderr());
    byte[] before = Files.readAllBytes(archive);
    Path wrong = Files.write(dir.resolve("wrong.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    Cli.Result refused = run(change(command, archive, "--key-file", wrong.toString()));
    assertEquals(ExitCodes.WRONG_KEY, refused.exitCode(), refused.toString());
    assertArrayEquals(before, Files.readAllBytes(archive));

    Cli.Result r = run(change(command, archive, "--key-file", key.toString()));
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(mode.equals("archive") ? ExitCodes.WRONG_KEY : 0,
        run("list", archive.toString()).exitCode(), "a per-file archive lists without its key");
    Map<String, String> expected = switch (command) {
      case "add" -> Map.of("index.md", "home", "notes/a.md", "alpha", "extra.md", "extra");
      case "rm" -> Map.of("index.md", "home");
      default -> Map.of("index.md", "home", "notes/a.md", "new alpha");
    };
    ReaderOptions withKey = ReaderOptions.builder().key(new byte[32]).build();
    assertEquals(expected, Samples.entries(archive, withKey));
    try (ArchiveReader reader = ArchiveReader.open(archive, withKey)) {
      assertEquals(mode.equals("archive") ? EncryptionMode.ARCHIVE : EncryptionMode.PER_FILE,
          reader.encryption().orElseThrow());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"archive", "per-file"})
  void aPassphraseFromTheEnvironmentOpensAndEncryptsTheArchiveAgain(String mode)
      throws Exception {
    Path archive = dir.resolve("e.eng");
    assertEquals(0, cli().env("PW", "correct horse").exec("pack", site.toString(), "-o",
        archive.toString(), "--encrypt", mode, "--passphrase-env", "PW").exitCode());
    boolean perFile = mode.equals("per-file");
    byte[] storedBefore = perFile ? storedPayload(archive, "index.md") : null;
    Cli.Result r = cli().env("PW", "correct horse").exec(change("add", archive,
        "--passphrase-env", "PW"));
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(Map.of("index.md", "home", "notes/a.md", "alpha", "extra.md", "extra"),
        Samples.entries(archive, ReaderOptions.builder()
            .passphrase("correct horse".toCharArray()).build()));
    if (perFile) {
      assertArrayEquals(storedBefore, storedPayload(archive, "index.md"),
          "an entry left alone keeps its encrypted bytes");
    }
    assertEquals(0, cli().env("PW", "correct horse").exec("verify", archive.toString(),
        "--passphrase-env", "PW").exitCode());
  }

  /** An entry's payload as the file stores it (encrypted per file). */
  private static byte[] storedPayload(Path archive, String path) throws Exception {
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo entry = reader.entry(path).orElseThrow();
      byte[] all = Files.readAllBytes(archive);
      return java.util.Arrays.copyOfRange(all, (int) entry.payloadOffset(),
          (int) (entry.payloadOffset() + entry.storedSize()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"add", "rm", "update"})
  void anArchiveAnotherUpdateHoldsIsNotChanged(String command) throws Exception {
    Path archive = dir.resolve("a.eng");
    assertEquals(0, run("pack", site.toString(), "-o", archive.toString()).exitCode());
    Files.writeString(site.resolve("notes/a.md"), "new alpha");
    byte[] before = Files.readAllBytes(archive);
    Cli.Result r;
    try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      assertTrue(lock.isValid());
      r = run(change(command, archive));
    }
    assertEquals(ExitCodes.IO, r.exitCode(), r.toString());
    assertEquals("engram " + command + ": " + archive + ": another update of it is in progress"
        + " (its lock is held); try again when that one has finished\n", r.stderr());
    assertEquals("", r.stdout());
    assertArrayEquals(before, Files.readAllBytes(archive));
    assertEquals(0, run(change(command, archive)).exitCode()); // once it is released
  }

  @ParameterizedTest
  @ValueSource(strings = {"add", "rm", "update"})
  void aDamagedEntryFailsAVerifyingChangeAndIsCopiedAsStoredOtherwise(String command)
      throws Exception {
    Path archive = dir.resolve("a.eng");
    assertEquals(0, run("pack", site.toString(), "-o", archive.toString()).exitCode());
    Files.writeString(site.resolve("notes/a.md"), "new alpha");
    long payload;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      payload = reader.entry("index.md").orElseThrow().payloadOffset();
    }
    byte[] damaged = Files.readAllBytes(archive);
    damaged[(int) payload] ^= 0x20;
    Files.write(archive, damaged);
    Cli.Result r = run(change(command, archive, "--verify"));
    assertEquals(ExitCodes.CORRUPT, r.exitCode(), r.toString());
    assertTrue(r.stderr().startsWith("engram " + command + ": ") && r.stderr().contains("index.md"),
        r.stderr());
    assertEquals(1, r.stderr().lines().count(), r.stderr());
    assertArrayEquals(damaged, Files.readAllBytes(archive));
    assertEquals(0, run(change(command, archive)).exitCode());
    Cli.Result verify = run("verify", archive.toString());
    assertEquals(ExitCodes.VERIFY_FAILED, verify.exitCode(), verify.toString());
    assertTrue(verify.stdout().contains("index.md"), verify.toString());
  }
}
