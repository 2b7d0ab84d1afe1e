package dev.engram.cli;

import static dev.engram.cli.Cli.cli;
import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.EntryInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engram add}. */
class AddCommandTest {
  @TempDir Path dir;
  private Path archive;

  @BeforeEach
  void archive() throws Exception {
    Path site = Samples.folder(dir, "site", "index.md", "home", "notes/a.md", "alpha");
    archive = dir.resolve("site.eng");
    assertEquals(0, run("pack", site.toString(), "-o", archive.toString()).exitCode());
  }

  @Test
  void filesAndFoldersAreAddedUnderThePathsPackGivesThemAndOtherEntriesAreCopiedAsStored()
      throws Exception {
    Path more = Samples.folder(dir, "more", "notes/b.md", "beta", "img/logo.svg", "<svg/>");
    Path single = Files.writeString(dir.resolve("errata.md"), "errata");
    EntryInfo keptBefore;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      keptBefore = reader.entry("notes/a.md").orElseThrow();
    }
    Cli.Result r = run("add", archive.toString(), more.toString(), single.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(archive + ": 3 added, 0 replaced, 0 deleted, 2 unchanged; now "
        + Units.bytes(Files.size(archive)) + "\n", r.stdout());
    assertEquals("", r.stderr());
    assertEquals(Map.of("index.md", "home", "notes/a.md", "alpha", "notes/b.md", "beta",
        "img/logo.svg", "<svg/>", "errata.md", "errata"), Samples.entries(archive));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo kept = reader.entry("notes/a.md").orElseThrow();
      assertEquals(keptBefore.storedSize(), kept.storedSize());
      assertEquals(keptBefore.crc32(), kept.crc32());
      assertEquals(keptBefore.modifiedTime(), kept.modifiedTime());
      assertEquals(Samples.TIME.toInstant(), reader.entry("notes/b.md").orElseThrow()
          .modifiedTime());
    }
  }

  @Test
  void aPathTheArchiveHoldsIsAnErrorNamingItAndChangesNothingUnlessForced() throws Exception {
    Path again = Samples.folder(dir, "again", "index.md", "new home", "notes/a.md", "new alpha",
        "notes/c.md", "gamma");
    byte[] before = Files.readAllBytes(archive);
    Cli.Result refused = run("add", archive.toString(), again.toString());
    assertEquals(ExitCodes.IO, refused.exitCode(), refused.toString());
    assertEquals("engram add: " + archive + ": already holds 'index.md' and 1 more of the paths"
        + " to add (use --force to replace them)\n", refused.stderr());
    assertEquals("", refused.stdout());
    assertArrayEquals(before, Files.readAllBytes(archive));

    Path one = Files.writeString(dir.resolve("index.md"), "x");
    assertEquals("engram add: " + archive + ": already holds 'index.md' (use --force to replace"
        + " it)\n", run("add", archive.toString(), one.toString()).stderr());

    Cli.Result forced = run("add", "--force", archive.toString(), again.toString());
    assertEquals(0, forced.exitCode(), forced.toString());
    assertTrue(forced.stdout().startsWith(archive + ": 1 added, 2 replaced, 0 deleted,"
        + " 0 unchanged; now "), forced.stdout());
    assertEquals(Map.of("index.md", "new home", "notes/a.md", "new alpha", "notes/c.md",
        "gamma"), Samples.entries(archive));
  }

  @Test
  void aDryRunPrintsEachChangeAndLeavesTheArchiveByteForByte() throws Exception {
    Path again = Samples.folder(dir, "again", "notes/a.md", "new alpha", "z.md", "zed",
        "b.md", "bee");
    byte[] before = Files.readAllBytes(archive);
    Cli.Result r = run("add", "-f", "--dry-run", archive.toString(), again.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("add b.md\nreplace notes/a.md\nadd z.md\n" + archive + ": 2 to add, 1 to"
        + " replace, 0 to delete, 1 unchanged; nothing written (--dry-run)\n", r.stdout());
    assertArrayEquals(before, Files.readAllBytes(archive));
    // --quiet keeps the changes (the result) and drops the summary
    Cli.Result quiet = run("add", "-f", "-n", "-q", archive.toString(), again.toString());
    assertEquals("add b.md\nreplace notes/a.md\nadd z.md\n", quiet.stdout());
    // a dry run finds the same conflicts as a real one
    assertEquals(ExitCodes.IO, run("add", "-n", archive.toString(), again.toString())
        .exitCode());
    assertArrayEquals(before, Files.readAllBytes(archive));
  }

  @Test
  void verboseRunsListTheChangesTheyMade() throws Exception {
    Path extra = Files.writeString(dir.resolve("extra.md"), "extra");
    Cli.Result r = run("add", "-v", archive.toString(), extra.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().startsWith("add extra.md\n" + archive + ": 1 added,"), r.stdout());
  }

  @Test
  void badArgumentsAreReportedInOneLineWithTheirExitCode() throws Exception {
    Path extra = Files.writeString(dir.resolve("extra.md"), "extra");
    Cli.Result missing = run("add", dir.resolve("none.eng").toString(), extra.toString());
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode());
    assertEquals("engram add: " + dir.resolve("none.eng") + ": no such archive ('engram pack'"
        + " makes one)\n", missing.stderr());
    Cli.Result noInput = run("add", archive.toString(), dir.resolve("nowhere").toString());
    assertEquals(ExitCodes.NOT_FOUND, noInput.exitCode());
    assertEquals("engram add: " + dir.resolve("nowhere") + ": no such file or folder\n",
        noInput.stderr());
    PackCommandTest.assertUsage("only an archive file on this machine can be changed, not"
        + " https://example.org/a.eng", run("add", "https://example.org/a.eng",
            extra.toString()));
    PackCommandTest.assertUsage("--drop-signatures and --resign are two answers",
        run("add", archive.toString(), extra.toString(), "--drop-signatures", "--resign",
            extra.toString()));
    PackCommandTest.assertUsage("--level must be 1 to 22, not 0",
        run("add", archive.toString(), extra.toString(), "--level", "0"));
    Path markdown = Samples.folder(dir, "markdown", "z.md", "zed");
    PackCommandTest.assertUsage("nothing to add: the inputs hold no files that --exclude"
        + " leaves in", run("add", archive.toString(), markdown.toString(), "-x", "*.md"));
    assertEquals(Map.of("index.md", "home", "notes/a.md", "alpha"), Samples.entries(archive));
  }

  @Test
  void aManifestJsonFileIsSkippedBecauseTheUpdateWritesTheManifest() throws Exception {
    Path folder = Samples.folder(dir, "with", "manifest.json", "{}", "c.md", "gamma");
    Cli.Result r = run("add", archive.toString(), folder.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("engram add: warning: skipped " + folder.resolve("manifest.json") + ": the"
        + " archive's manifest.json is written from its manifest, not from a file\n",
        r.stderr());
    assertEquals(Map.of("index.md", "home", "notes/a.md", "alpha", "c.md", "gamma"),
        Samples.entries(archive));
  }

  @Test
  void levelAndSourceDateEpochApplyToTheNewEntries() throws Exception {
    Path extra = Files.writeString(dir.resolve("extra.txt"), "to compress ".repeat(1000));
    Cli.Result r = cli().env("SOURCE_DATE_EPOCH", "1000").exec("add", archive.toString(),
        extra.toString(), "--level", "19");
    assertEquals(0, r.exitCode(), r.toString());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo added = reader.entry("extra.txt").orElseThrow();
      assertEquals(1000, added.modifiedTime().getEpochSecond());
      assertTrue(added.storedSize() < 200, added.toString());
      assertEquals(Samples.TIME.toInstant(), reader.entry("index.md").orElseThrow()
          .modifiedTime());
    }
  }

  @Test
  void theChosenCompressionMethodAppliesToTheNewEntries() throws Exception {
    Path extra = Files.writeString(dir.resolve("extra.md"), "extra ".repeat(1000));
    assertEquals(ExitCodes.OK, run("add", archive.toString(), extra.toString(), "-c", "lz4")
        .exitCode());
    try (dev.engram.ArchiveReader reader = dev.engram.ArchiveReader.open(archive)) {
      assertEquals(dev.engram.CompressionMethod.LZ4,
          reader.entry("extra.md").orElseThrow().compression());
    }
  }
}
