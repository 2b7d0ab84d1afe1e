package dev.engram.cli;

import static dev.engram.cli.Cli.cli;
import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.CompressionMethod;
import dev.engram.EntryInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackCommandTest {
  @TempDir Path dir;

  @Test
  void packsFoldersRelativeToEachFolderAndFilesByName() throws Exception {
    Path library = Samples.library(dir);
    Path extra = Files.writeString(dir.resolve("extra.txt"), "extra");
    Path archive = dir.resolve("out.eng");
    Cli.Result r = run("pack", library.toString(), extra.toString(), "-o", archive.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().startsWith("packed 6 files, "), r.stdout());
    assertEquals("", r.stderr());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("README.md", "catalog.db", "data/shelves.json", "extra.txt",
          "notes/a.md", "notes/b.md"), reader.list());
      assertArrayEquals(Files.readAllBytes(library.resolve("notes/b.md")),
          reader.read("notes/b.md"));
      assertEquals(Files.getLastModifiedTime(extra).toInstant().getEpochSecond(),
          reader.entry("extra.txt").orElseThrow().modifiedTime().getEpochSecond());
    }
  }

  @Test
  void compressionAndLevelApplyToEveryEntry() throws Exception {
    Path library = Samples.library(dir);
    Path archive = dir.resolve("out.eng");
    assertEquals(0, run("pack", library.toString(), "-o", archive.toString(),
        "--compression", "lz4").exitCode());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      EntryInfo notes = reader.entry("notes/b.md").orElseThrow();
      assertEquals(CompressionMethod.LZ4, notes.compression());
    }
    Path zstd = dir.resolve("zstd.eng");
    assertEquals(0, run("pack", library.toString(), "-o", zstd.toString(), "-c", "zstd", "-l",
        "19").exitCode());
    try (ArchiveReader reader = ArchiveReader.open(zstd)) {
      assertEquals(CompressionMethod.ZSTD,
          reader.entry("notes/b.md").orElseThrow().compression());
    }
  }

  @Test
  void excludeGlobsMatchNamesAnywhereOrWholePaths() throws Exception {
    Path library = Samples.library(dir);
    Files.createDirectories(library.resolve("notes/.git"));
    Files.writeString(library.resolve("notes/.git/config"), "x");
    Files.writeString(library.resolve("notes/scratch.tmp"), "x");
    Path archive = dir.resolve("out.eng");
    Cli.Result r = run("pack", library.toString(), "-o", archive.toString(), "--exclude",
        "*.tmp", "--exclude", ".git", "-x", "data/**");
    assertEquals(0, r.exitCode(), r.toString());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(List.of("README.md", "catalog.db", "notes/a.md", "notes/b.md"),
          reader.list());
    }
  }

  @Test
  void symbolicLinksAreSkippedWithAWarningAndTheOutputIsNotPackedIntoItself()
      throws Exception {
    Path library = Samples.library(dir);
    Files.createSymbolicLink(library.resolve("link.md"), library.resolve("README.md"));
    Path archive = library.resolve("self.eng");
    Files.writeString(archive, "old");
    Cli.Result r = run("pack", library.toString(), "-o", archive.toString(), "--force");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("engram pack: warning: skipped symbolic link "),
        r.stderr());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertFalse(reader.contains("link.md"));
      assertFalse(reader.contains("self.eng"));
    }
    assertEquals("", run("pack", library.toString(), "-o", dir.resolve("q.eng").toString(),
        "--quiet").stderr());
  }

  @Test
  void anExistingOutputIsKeptUnlessForced() throws Exception {
    Path library = Samples.library(dir);
    Path archive = Files.writeString(dir.resolve("out.eng"), "precious");
    Cli.Result r = run("pack", library.toString(), "-o", archive.toString());
    assertEquals(ExitCodes.IO, r.exitCode());
    assertEquals("engram pack: " + archive + ": already exists (use --force to replace it)\n",
        r.stderr());
    assertEquals("precious", Files.readString(archive));
    assertEquals(0, run("pack", library.toString(), "-o", archive.toString(), "-f").exitCode());
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertEquals(5, reader.entryCount());
    }
  }

  @Test
  void sourceDateEpochMakesTheArchiveByteIdenticalFromRunToRun() throws Exception {
    Path library = Samples.library(dir);
    Path first = dir.resolve("first.eng");
    Path second = dir.resolve("second.eng");
    Cli.Result r = cli().env("SOURCE_DATE_EPOCH", "1700000000")
        .exec("pack", library.toString(), "-o", first.toString());
    assertEquals(0, r.exitCode(), r.toString());
    // touch every file: newer times than SOURCE_DATE_EPOCH are recorded as it
    try (var files = Files.walk(library)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
      }
    }
    assertEquals(0, cli().env("SOURCE_DATE_EPOCH", "1700000000")
        .exec("pack", library.toString(), "-o", second.toString()).exitCode());
    assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    try (ArchiveReader reader = ArchiveReader.open(first)) {
      for (EntryInfo e : reader.entries()) {
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), e.modifiedTime(), e.path());
      }
    }
  }

  @Test
  void reproducibleWithoutSourceDateEpochRecords1970AndSignsTheSameEachTime() throws Exception {
    Path library = Samples.library(dir);
    assertEquals(0, run("keygen", "-o", dir.resolve("me").toString()).exitCode());
    Path template = Files.writeString(dir.resolve("m.toml"),
        "name = \"Library\"\nversion = \"2.0\"\nauthor = \"Ada <ada@example.org>\"\n");
    byte[][] archives = new byte[2][];
    for (int i = 0; i < 2; i++) {
      Path archive = dir.resolve("r" + i + ".eng");
      Cli.Result r = run("pack", library.toString(), "-o", archive.toString(), "--reproducible",
          "--manifest", template.toString(), "--sign", dir.resolve("me.key").toString());
      assertEquals(0, r.exitCode(), r.toString());
      archives[i] = Files.readAllBytes(archive);
      Thread.sleep(1100); // the second run is in another second of the clock
    }
    assertArrayEquals(archives[0], archives[1]);
    try (ArchiveReader reader = ArchiveReader.open(dir.resolve("r0.eng"))) {
      assertEquals(Instant.EPOCH, reader.entry("README.md").orElseThrow().modifiedTime());
      assertEquals(0, reader.manifest().orElseThrow().metadata().created());
    }
  }

  @Test
  void badOptionsAreUsageErrorsThatNameTheProblem() throws Exception {
    Path library = Samples.library(dir);
    String out = dir.resolve("o.eng").toString();
    assertUsage("--level sets the Zstandard level; it does nothing with --compression lz4",
        run("pack", library.toString(), "-o", out, "-c", "lz4", "--level", "3"));
    assertUsage("--level must be 1 to 22, not 40",
        run("pack", library.toString(), "-o", out, "--level", "40"));
    assertUsage("--encrypt needs --key-file, --passphrase or --passphrase-env",
        run("pack", library.toString(), "-o", out, "--encrypt", "archive"));
    assertUsage("a key or passphrase was given without --encrypt per-file|archive",
        run("pack", library.toString(), "-o", out, "--key-file", out));
    assertUsage("Invalid value for option '--encrypt': 'all' is not an encryption mode: use"
        + " per-file or archive", run("pack", library.toString(), "-o", out, "--encrypt", "all"));
    assertUsage("SOURCE_DATE_EPOCH must be a number of seconds since 1970, not 'yesterday'",
        cli().env("SOURCE_DATE_EPOCH", "yesterday").exec("pack", library.toString(), "-o", out));
    assertUsage("--database-frame-size: ",
        run("pack", library.toString(), "-o", out, "--database-frame-size", "1000"));
    Cli.Result missing = run("pack", dir.resolve("nowhere").toString(), "-o", out);
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode());
    assertEquals("engram pack: " + dir.resolve("nowhere") + ": no such file or folder\n",
        missing.stderr());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertUsage("nothing to pack: the inputs hold no files", run("pack", empty.toString(), "-o",
        out));
    assertFalse(Files.exists(dir.resolve("o.eng")));
  }

  @Test
  void manifestTemplatesInTomlAndJsonAreCheckedFieldByField() throws Exception {
    Path library = Samples.library(dir);
    String out = dir.resolve("o.eng").toString();
    Path toml = Files.writeString(dir.resolve("m.toml"), "name = \"Library\"\nversion = \"1\"\n"
        + "description = \"Books\"\nlicense = \"CC0-1.0\"\ntags = [\"books\", \"demo\"]\n"
        + "[author]\nname = \"Ada\"\nemail = \"ada@example.org\"\n");
    assertEquals(0, run("pack", library.toString(), "-o", out, "--manifest", toml.toString())
        .exitCode());
    Cli.Result info = run("info", out);
    assertTrue(info.stdout().contains("manifest:    Library 1 (id library)\n"
        + "  author:    Ada <ada@example.org>\n  about:     Books\n  license:   CC0-1.0\n"
        + "  tags:      books, demo\n  files:     5\n  signed:    no\n"), info.stdout());

    Path json = Files.writeString(dir.resolve("m.json"),
        "{\"name\": \"Library\", \"version\": \"1\", \"author\": \"Ada\", \"colour\": \"red\"}");
    assertUsage("manifest template " + json + ": unknown field 'colour'",
        run("pack", library.toString(), "-o", out, "-f", "--manifest", json.toString()));
    Path noVersion = Files.writeString(dir.resolve("v.toml"), "name = \"x\"\nauthor = \"A\"\n");
    assertUsage("manifest template " + noVersion + ": missing field 'version'",
        run("pack", library.toString(), "-o", out, "-f", "--manifest", noVersion.toString()));
    Path broken = Files.writeString(dir.resolve("b.toml"), "name = \n");
    assertUsage("manifest template " + broken + ": not valid TOML",
        run("pack", library.toString(), "-o", out, "-f", "--manifest", broken.toString()));
  }

  static void assertUsage(String expectedStart, Cli.Result r) {
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
    String first = r.stderr().lines().findFirst().orElse("");
    String prefix = first.substring(first.indexOf(": ") + 2);
    assertTrue(prefix.startsWith(expectedStart), "expected '" + expectedStart + "' in:\n"
        + r.stderr());
  }
}
