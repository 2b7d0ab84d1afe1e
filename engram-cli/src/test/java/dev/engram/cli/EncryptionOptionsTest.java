package dev.engram.cli;

import static dev.engram.cli.Cli.cli;
import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --encrypt, --key-file, --passphrase and --passphrase-env. */
class EncryptionOptionsTest {
  @TempDir Path dir;
  private String library;
  private String archive;

  @BeforeEach
  void sample() throws Exception {
    library = Samples.library(dir).toString();
    archive = dir.resolve("e.eng").toString();
  }

  @Test
  void perFileEncryptionKeepsNamesListableAndContentLocked() throws Exception {
    Path key = Files.write(dir.resolve("k.bin"), new byte[32]);
    assertEquals(0, run("pack", library, "-o", archive, "--encrypt", "per-file", "--key-file",
        key.toString()).exitCode());
    assertEquals(0, run("list", archive).exitCode());
    Cli.Result locked = run("cat", archive, "README.md");
    assertEquals(ExitCodes.WRONG_KEY, locked.exitCode());
    assertEquals("engram cat: " + archive + ": entry 'README.md' is encrypted: give the"
        + " archive's key or passphrase with --key-file FILE, --passphrase or --passphrase-env"
        + " NAME\n", locked.stderr());
    assertEquals("# Library\n", run("cat", "--key-file", key.toString(), archive, "README.md")
        .stdout());
    Cli.Result verify = run("verify", archive);
    assertEquals(ExitCodes.WRONG_KEY, verify.exitCode());
    assertEquals("engram verify: " + archive + ": its entries are encrypted; give its key with"
        + " --key-file FILE, --passphrase or --passphrase-env NAME\n", verify.stderr());
    assertEquals(0, run("verify", "--key-file", key.toString(), archive).exitCode());
    Path wrong = Files.write(dir.resolve("w.bin"), new byte[32]);
    Files.write(wrong, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    Cli.Result badFile = run("cat", "--key-file", wrong.toString(), archive, "README.md");
    assertEquals(ExitCodes.WRONG_KEY, badFile.exitCode());
    assertEquals("engram cat: key file " + wrong + ": 33 bytes that are neither a 32-byte key"
        + " nor 64 hex digits\n", badFile.stderr());
  }

  @Test
  void aPassphraseFromTheEnvironmentEncryptsTheWholeArchive() {
    assertEquals(0, cli().env("PW", "correct horse").exec("pack", library, "-o", archive,
        "--encrypt", "archive", "--passphrase-env", "PW").exitCode());
    assertEquals(ExitCodes.WRONG_KEY, run("list", archive).exitCode());
    Cli.Result wrong = cli().env("PW", "wrong horse").exec("list", "--passphrase-env", "PW",
        archive);
    assertEquals(ExitCodes.WRONG_KEY, wrong.exitCode());
    assertTrue(wrong.stderr().contains("the key or passphrase is wrong"), wrong.stderr());
    Cli.Result right = cli().env("PW", "correct horse").exec("query", "--passphrase-env", "PW",
        archive, "catalog.db", "SELECT count(*) FROM books");
    assertEquals(0, right.exitCode(), right.toString());
    assertTrue(right.stdout().contains("\n100\n"), right.stdout());
    PackCommandTest.assertUsage("environment variable NOPE (--passphrase-env) is not set",
        run("list", "--passphrase-env", "NOPE", archive));
  }

  @Test
  void thePassphrasePromptAsksTwiceWhenPackingAndOnceWhenReading() {
    Cli.Result packed = cli().typed("s3cret", "s3cret").exec("pack", library, "-o", archive,
        "--encrypt", "per-file", "--passphrase");
    assertEquals(0, packed.exitCode(), packed.toString());
    Cli.Result read = cli().typed("s3cret").exec("cat", "--passphrase", archive, "notes/a.md");
    assertEquals("alpha\n", read.stdout());
    PackCommandTest.assertUsage("the two passphrases differ", cli().typed("one", "two")
        .exec("pack", library, "-o", dir.resolve("x.eng").toString(), "--encrypt", "archive",
            "--passphrase"));
    assertFalse(Files.exists(dir.resolve("x.eng")));
    PackCommandTest.assertUsage("--passphrase asks at a terminal, and there is none",
        cli().noTerminalForSecrets().exec("cat", "--passphrase", archive, "notes/a.md"));
    PackCommandTest.assertUsage("give only one of --key-file, --passphrase and --passphrase-env",
        run("cat", "--passphrase", "--passphrase-env", "X", archive, "notes/a.md"));
  }
}
