package dev.engram.cli;

import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.EntryInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engram update}. */
class UpdateCommandTest {
  private static final FileTime LATER = FileTime.from(Samples.TIME.toInstant().plusSeconds(100));

  @TempDir Path dir;
  private Path site;
  private Path archive;

  @BeforeEach
  void archive() throws Exception {
    site = Samples.folder(dir, "site", "keep.md", "keep", "touched.md", "touched",
        "samesize.md", "abcd", "grown.md", "g", "gone.md", "gone", "sneaky.md", "sneak");
    archive = dir.resolve("site.eng");
    assertEquals(0, run("pack", site.toString(), "-o", archive.toString()).exitCode());
  }

  /**
   * touched.md: a later time, the same content; samesize.md: the same size, another content and
   * time; grown.md: another size, the same time; sneaky.md: the same size and time, another
   * content; new.md added; gone.md deleted.
   */
  private void changeTheFolder() throws Exception {
    Files.setLastModifiedTime(site.resolve("touched.md"), LATER);
    Files.setLastModifiedTime(Files.writeString(site.resolve("samesize.md"), "wxyz"), LATER);
    Files.setLastModifiedTime(Files.writeString(site.resolve("grown.md"), "grown"),
        Samples.TIME);
    Files.setLastModifiedTime(Files.writeString(site.resolve("sneaky.md"), "SNEAK"),
        Samples.TIME);
    Files.writeString(site.resolve("new.md"), "new");
    Files.delete(site.resolve("gone.md"));
  }

  @Test
  void newFilesAreAddedAndFilesOfAnotherSizeOrOfAnotherTimeAndCrcReplaced() throws Exception {
    changeTheFolder();
    EntryInfo touchedBefore;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      touchedBefore = reader.entry("touched.md").orElseThrow();
    }
    Cli.Result r = run("update", archive.toString(), site.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(archive + ": 1 added, 2 replaced, 0 deleted, 3 unchanged, 1 not in " + site
        + " (kept; --delete deletes them); now " + Units.bytes(Files.size(archive)) + "\n",
        r.stdout());
    assertEquals("", r.stderr());
    // sneaky.md kept its old content: a file of the same size and time is trusted unread
    assertEquals(Map.of("keep.md", "keep", "touched.md", "touched", "samesize.md", "wxyz",
        "grown.md", "grown", "gone.md", "gone", "sneaky.md", "sneak", "new.md", "new"),
        Samples.entries(archive));
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      // a touched file is not rewritten: its entry keeps its bytes and its time
      EntryInfo touched = reader.entry("touched.md").orElseThrow();
      assertEquals(touchedBefore.storedSize(), touched.storedSize());
      assertEquals(touchedBefore.crc32(), touched.crc32());
      assertEquals(Samples.TIME.toInstant(), touched.modifiedTime());
      assertEquals(LATER.toInstant(), reader.entry("samesize.md").orElseThrow().modifiedTime());
    }
  }

  @Test
  void deleteDropsTheEntriesWhoseFileIsGone() throws Exception {
    changeTheFolder();
    Cli.Result r = run("update", "--delete", "-v", archive.toString(), site.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("delete gone.md\nreplace grown.md\nadd new.md\nreplace samesize.md\n" + archive
        + ": 1 added, 2 replaced, 1 deleted, 3 unchanged; now " + Units.bytes(Files.size(archive))
        + "\n", r.stdout());
    assertEquals(Map.of("keep.md", "keep", "touched.md", "touched", "samesize.md", "wxyz",
        "grown.md", "grown", "sneaky.md", "sneak", "new.md", "new"), Samples.entries(archive));

    byte[] before = Files.readAllBytes(archive);
    Cli.Result again = run("update", "--delete", archive.toString(), site.toString());
    assertEquals(archive + ": 0 added, 0 replaced, 0 deleted, 6 unchanged; nothing to write\n",
        again.stdout());
    assertArrayEquals(before, Files.readAllBytes(archive));
  }

  @Test
  void aDryRunPrintsEachChangeAndLeavesTheArchiveByteForByte() throws Exception {
    changeTheFolder();
    byte[] before = Files.readAllBytes(archive);
    Cli.Result r = run("update", "--delete", "--dry-run", archive.toString(), site.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("delete gone.md\nreplace grown.md\nadd new.md\nreplace samesize.md\n" + archive
        + ": 1 to add, 2 to replace, 1 to delete, 3 unchanged; nothing written (--dry-run)\n",
        r.stdout());
    assertArrayEquals(before, Files.readAllBytes(archive));
  }

  @Test
  void excludedPathsAreNeitherAddedNorDeleted() throws Exception {
    Path data = Samples.folder(dir, "data", "a.md", "alpha", "cache/old.bin", "old",
        "logs/1.log", "one");
    Path withData = dir.resolve("data.eng");
    assertEquals(0, run("pack", data.toString(), "-o", withData.toString()).exitCode());
    Files.delete(data.resolve("cache/old.bin"));
    Files.writeString(data.resolve("cache/new.bin"), "new");
    Files.delete(data.resolve("logs/1.log"));
    Files.writeString(data.resolve("b.md"), "beta");
    Cli.Result r = run("update", "--delete", withData.toString(), data.toString(), "--exclude",
        "cache");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().startsWith(withData + ": 1 added, 0 replaced, 1 deleted, 2 unchanged;"
        + " now "), r.stdout());
    assertEquals(Map.of("a.md", "alpha", "b.md", "beta", "cache/old.bin", "old"),
        Samples.entries(withData));
  }

  @Test
  void theFolderMustBeAFolder() throws Exception {
    Cli.Result missing = run("update", archive.toString(), dir.resolve("nowhere").toString());
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode());
    assertEquals("engram update: " + dir.resolve("nowhere") + ": no such folder\n",
        missing.stderr());
    PackCommandTest.assertUsage(site.resolve("keep.md") + " is not a folder; to add a file, use"
        + " 'engram add'", run("update", archive.toString(), site.resolve("keep.md").toString()));
  }
}
