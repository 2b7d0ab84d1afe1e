package dev.engram.cli;

import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.EntryInfo;
import dev.engram.manifest.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engram rm}. */
class RmCommandTest {
  @TempDir Path dir;
  private Path archive;

  @BeforeEach
  void archive() throws Exception {
    Path site = Samples.folder(dir, "site", "index.md", "home", "notes/a.md", "alpha",
        "notes/b.txt", "beta", "drafts/x.md", "x", "old/drafts/y.md", "y", "f[1].txt", "one");
    archive = dir.resolve("site.eng");
    assertEquals(0, run("pack", site.toString(), "-o", archive.toString()).exitCode());
  }

  @Test
  void entriesMatchingPathsOrGlobsAreDeletedAndTheRestCopiedAsStored() throws Exception {
    EntryInfo before;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      before = reader.entry("notes/b.txt").orElseThrow();
    }
    // a path with glob characters matches as written; '*.md' at any depth; 'drafts' as a
    // folder name anywhere
    Cli.Result r = run("rm", archive.toString(), "f[1].txt", "notes/*.md", "drafts");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(archive + ": 0 added, 0 replaced, 4 deleted, 2 unchanged; now "
        + Units.bytes(Files.size(archive)) + "\n", r.stdout());
    assertEquals(Map.of("index.md", "home", "notes/b.txt", "beta"), Samples.entries(archive));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo after = reader.entry("notes/b.txt").orElseThrow();
      assertEquals(before.storedSize(), after.storedSize());
      assertEquals(before.crc32(), after.crc32());
      assertEquals(before.modifiedTime(), after.modifiedTime());
    }
  }

  @Test
  void aPatternThatMatchesNothingIsAnErrorAndNothingIsDeletedUnlessIgnored() throws Exception {
    byte[] before = Files.readAllBytes(archive);
    Cli.Result r = run("rm", archive.toString(), "index.md", "*.bak");
    assertEquals(ExitCodes.NOT_FOUND, r.exitCode(), r.toString());
    assertEquals("engram rm: no entry of " + archive + " matches '*.bak' (nothing deleted)\n",
        r.stderr());
    assertArrayEquals(before, Files.readAllBytes(archive));

    Cli.Result ignored = run("rm", "--ignore-unmatch", archive.toString(), "index.md",
        "*.bak");
    assertEquals(0, ignored.exitCode(), ignored.toString());
    assertTrue(ignored.stdout().startsWith(archive + ": 0 added, 0 replaced, 1 deleted,"
        + " 5 unchanged; now "), ignored.stdout());
    Cli.Result none = run("rm", "--ignore-unmatch", archive.toString(), "*.bak");
    assertEquals(archive + ": 0 added, 0 replaced, 0 deleted, 5 unchanged; nothing to write\n",
        none.stdout());
  }

  @Test
  void aDryRunPrintsTheDeletionsAndLeavesTheArchiveByteForByte() throws Exception {
    byte[] before = Files.readAllBytes(archive);
    Cli.Result r = run("rm", "-n", archive.toString(), "*.md");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("delete drafts/x.md\ndelete index.md\ndelete notes/a.md\ndelete"
        + " old/drafts/y.md\n" + archive + ": 0 to add, 0 to replace, 4 to delete, 2 unchanged;"
        + " nothing written (--dry-run)\n", r.stdout());
    assertArrayEquals(before, Files.readAllBytes(archive));
  }

  @Test
  void theManifestStaysAndListsTheFilesThatRemain() throws Exception {
    Path template = Files.writeString(dir.resolve("m.toml"),
        "name = \"Site\"\nversion = \"1\"\nauthor = \"Ada\"\n");
    Path withManifest = dir.resolve("m.eng");
    assertEquals(0, run("pack", dir.resolve("site").toString(), "-o", withManifest.toString(),
        "--manifest", template.toString()).exitCode());
    assertEquals(0, run("rm", withManifest.toString(), "drafts", "f*").exitCode());
    try (ArchiveReader reader = ArchiveReader.open(withManifest)) {
      Manifest manifest = reader.manifest().orElseThrow();
      assertEquals("Site", manifest.name());
      assertEquals(List.of("index.md", "notes/a.md", "notes/b.txt"),
          manifest.files().stream().map(f -> f.path()).sorted().toList());
    }
    Cli.Result verify = run("verify", withManifest.toString());
    assertEquals(0, verify.exitCode(), verify.toString());
  }

  @Test
  void aBadGlobIsAUsageError() {
    PackCommandTest.assertUsage("bad pattern: ", run("rm", archive.toString(), "a{b"));
  }

  @Test
  void anArchiveBeyondTheSafetyLimitsIsChangedOnlyWithNoLimits() throws Exception {
    Path bomb = dir.resolve("bomb.eng");
    try (dev.engram.ArchiveWriter writer = dev.engram.ArchiveWriter.create(bomb)) {
      // 100 MiB of zeros: Zstandard stores them at ~3,450 : 1, beyond the default 1000 : 1
      writer.addFile("zeros.bin", dev.engram.testing.SparseArchives.zeros(100L << 20),
          dev.engram.CompressionMethod.ZSTD);
      writer.addFile("drop.txt", new byte[] {1});
      writer.finish();
    }
    byte[] before = Files.readAllBytes(bomb);
    Cli.Result refused = run("rm", bomb.toString(), "drop.txt");
    assertTrue(refused.exitCode() != 0, refused.toString());
    assertTrue(refused.stderr().contains("--no-limits"), refused.stderr());
    assertArrayEquals(before, Files.readAllBytes(bomb));
    Cli.Result lifted = run("rm", bomb.toString(), "drop.txt", "--no-limits");
    assertEquals(0, lifted.exitCode(), lifted.toString());
    try (ArchiveReader reader = ArchiveReader.open(bomb)) {
      assertEquals(java.util.List.of("zeros.bin"), reader.list());
    }
  }
}
