package dev.engram.cli;

import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.WriterOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** list, info, extract and cat, and how they fail. */
class ReadCommandsTest {
  private static final Instant TIME = Instant.parse("2024-01-02T03:04:05Z");

  @TempDir Path dir;
  private Path archive;
  private byte[] binary;

  @BeforeEach
  void writeArchive() throws Exception {
    archive = dir.resolve("a.eng");
    binary = new byte[300_000];
    new Random(7).nextBytes(binary);
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().modifiedTime(TIME).build())) {
      writer.addFile("docs/readme.md", "hello\n".repeat(1000).getBytes(), CompressionMethod.ZSTD);
      writer.addFile("docs/guide.md", "guide\n".getBytes(), CompressionMethod.NONE);
      writer.addFile("bin/random.bin", binary, CompressionMethod.LZ4);
      writer.finish();
    }
  }

  @Test
  void listPrintsOnePathPerLineInDirectoryOrder() {
    Cli.Result r = run("list", archive.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("docs/readme.md\ndocs/guide.md\nbin/random.bin\n", r.stdout());
  }

  @Test
  void listLongShowsSizesMethodFramesAndTimes() {
    String out = run("list", "--long", archive.toString()).stdout();
    String[] lines = out.split("\n");
    assertEquals(5, lines.length, out);
    assertTrue(lines[0].matches(" +size +stored +ratio method frames +modified +path"), lines[0]);
    assertTrue(lines[1].matches(" +6000 +\\d+ +\\d+\\.\\d% zstd +- +2024-01-02T03:04:05Z"
        + " docs/readme.md"), lines[1]);
    assertTrue(lines[2].matches(" +6 +6 +100\\.0% none +- +2024-01-02T03:04:05Z docs/guide.md"),
        lines[2]);
    assertTrue(lines[3].matches(" +300000 +300000 +100\\.0% none .*bin/random.bin"), lines[3]);
    assertTrue(lines[4].endsWith("3 entries"), lines[4]);
  }

  @Test
  void listJsonHasEveryField() throws Exception {
    JsonNode entries = new ObjectMapper().readTree(run("list", "--json", archive.toString())
        .stdoutBytes());
    assertEquals(3, entries.size());
    JsonNode readme = entries.get(0);
    assertEquals("docs/readme.md", readme.get("path").asText());
    assertEquals(6000, readme.get("size").asLong());
    assertEquals("zstd", readme.get("method").asText());
    assertFalse(readme.get("framed").asBoolean());
    assertEquals("2024-01-02T03:04:05Z", readme.get("modified").asText());
    assertEquals(8, readme.get("crc32").asText().length());
    PackCommandTest.assertUsage("--long and --json are two formats",
        run("list", "--json", "--long", archive.toString()));
  }

  @Test
  void infoDescribesTheArchive() throws Exception {
    Cli.Result r = run("info", archive.toString());
    assertEquals(0, r.exitCode(), r.toString());
    String out = r.stdout();
    assertTrue(out.startsWith("archive:     " + archive + "\nformat:      1.0\n"
        + "entries:     3\ncontent:     298.8 KiB (306006 bytes)\n"), out);
    assertTrue(out.contains("encryption:  none\nmanifest:    none\n"), out);
    assertTrue(out.contains("file size:   ") && out.contains(Files.size(archive) + " bytes)"));
  }

  @Test
  void catWritesTheRawBytes() {
    Cli.Result r = run("cat", archive.toString(), "bin/random.bin");
    assertEquals(0, r.exitCode(), r.toString());
    assertArrayEquals(binary, r.stdoutBytes());
  }

  @Test
  void catStopsWhenTheReaderOfItsOutputGoesAway() {
    Cli cli = Cli.cli().stdoutClosedAfter(1000);
    Cli.Result r = cli.exec("cat", archive.toString(), "bin/random.bin");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(1, cli.writesAfterClose);
  }

  @Test
  void extractWritesAllEntriesOrTheMatchingOnes() throws Exception {
    Path out = dir.resolve("out");
    Cli.Result r = run("extract", archive.toString(), "-o", out.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("extracted 3 files, 298.8 KiB into " + out + "\n", r.stdout());
    assertArrayEquals(binary, Files.readAllBytes(out.resolve("bin/random.bin")));
    assertEquals(TIME, Files.getLastModifiedTime(out.resolve("docs/guide.md")).toInstant());

    Path some = dir.resolve("some");
    assertEquals(0, run("extract", archive.toString(), "-o", some.toString(), "*.md").exitCode());
    assertTrue(Files.exists(some.resolve("docs/readme.md")));
    assertTrue(Files.exists(some.resolve("docs/guide.md")));
    assertFalse(Files.exists(some.resolve("bin")));

    Path exact = dir.resolve("exact");
    assertEquals(0, run("extract", archive.toString(), "-o", exact.toString(), "docs/guide.md")
        .exitCode());
    try (var files = Files.walk(exact)) {
      assertEquals(1, files.filter(Files::isRegularFile).count());
    }
  }

  @Test
  void extractKeepsExistingFilesUnlessForcedAndWritesNothingWhenRefused() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out/docs"));
    Files.writeString(out.resolve("guide.md"), "mine");
    Cli.Result r = run("extract", archive.toString(), "-o", dir.resolve("out").toString());
    assertEquals(ExitCodes.IO, r.exitCode());
    assertEquals("engram extract: " + out.resolve("guide.md")
        + ": already exists (use --force to replace it)\n", r.stderr());
    assertEquals("mine", Files.readString(out.resolve("guide.md")));
    assertFalse(Files.exists(out.resolve("readme.md")));
    assertEquals(0, run("extract", "--force", archive.toString(), "-o",
        dir.resolve("out").toString()).exitCode());
    assertEquals("guide\n", Files.readString(out.resolve("guide.md")));
  }

  @Test
  void aPatternMatchingNothingIsNotFound() {
    Cli.Result r = run("extract", archive.toString(), "-o", dir.resolve("o").toString(),
        "*.pdf");
    assertEquals(ExitCodes.NOT_FOUND, r.exitCode());
    assertEquals("engram extract: no entry of " + archive + " matches '*.pdf'\n", r.stderr());
  }

  @Test
  void ofSeveralPatternsTheFirstMatchingNothingIsNamedBeforeAnyFileThatExists()
      throws Exception {
    Path out = Files.createDirectories(dir.resolve("several/docs"));
    Files.writeString(out.resolve("guide.md"), "mine");
    Cli.Result r = run("extract", archive.toString(), "-o", dir.resolve("several").toString(),
        "docs/*", "*.md", "*.pdf", "bin/*", "*.txt");
    assertEquals(ExitCodes.NOT_FOUND, r.exitCode());
    assertEquals("engram extract: no entry of " + archive + " matches '*.pdf'\n", r.stderr());
    assertEquals("mine", Files.readString(out.resolve("guide.md")));
    assertFalse(Files.exists(out.resolve("readme.md")));

    Path all = dir.resolve("all");
    r = run("extract", archive.toString(), "-o", all.toString(), "*.md", "docs/guide.md",
        "bin/*");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("extracted 3 files, 298.8 KiB into " + all + "\n", r.stdout());
  }

  @Test
  void missingArchivesAndEntriesAreNotFound() {
    Cli.Result r = run("cat", archive.toString(), "nope.txt");
    assertEquals(ExitCodes.NOT_FOUND, r.exitCode());
    assertEquals("engram cat: nope.txt: no such entry in " + archive + "\n", r.stderr());
    Cli.Result missing = run("info", dir.resolve("missing.eng").toString());
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode());
    assertEquals("engram info: " + dir.resolve("missing.eng") + ": no such file\n",
        missing.stderr());
  }

  @Test
  void aCorruptArchiveIsExitCode4WithOneLineAndTheTraceOnlyWhenVerbose() throws Exception {
    try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {'X'}), 0);
    }
    Cli.Result r = run("list", archive.toString());
    assertEquals(ExitCodes.CORRUPT, r.exitCode());
    assertEquals(1, r.stderr().lines().count(), r.stderr());
    assertTrue(r.stderr().startsWith("engram list: "), r.stderr());
    assertTrue(r.stderr().contains(archive.toString()), r.stderr());
    Cli.Result verbose = run("list", "--verbose", archive.toString());
    assertEquals(ExitCodes.CORRUPT, verbose.exitCode());
    assertTrue(verbose.stderr().contains("\tat dev.engram."), verbose.stderr());
  }

  @Test
  void aDamagedEntryFailsCatAndExtractWithoutReplacingAnything() throws Exception {
    long offset;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      offset = Files.size(archive) / 2; // inside bin/random.bin, the largest entry
      assertTrue(reader.entryCount() == 3);
    }
    try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      channel.write(ByteBuffer.wrap(new byte[] {(byte) ~one.get(0)}), offset);
    }
    Cli.Result cat = run("cat", archive.toString(), "bin/random.bin");
    assertEquals(ExitCodes.CORRUPT, cat.exitCode(), cat.toString());
    assertTrue(cat.stderr().contains("bin/random.bin"), cat.stderr());
    Path out = dir.resolve("out");
    Cli.Result extract = run("extract", archive.toString(), "-o", out.toString());
    assertEquals(ExitCodes.CORRUPT, extract.exitCode());
    assertFalse(Files.exists(out.resolve("bin/random.bin")));
    Cli.Result verify = run("verify", archive.toString());
    assertEquals(ExitCodes.VERIFY_FAILED, verify.exitCode());
    assertTrue(verify.stdout().startsWith(archive + ": DAMAGED"), verify.stdout());
    assertTrue(verify.stdout().contains("bin/random.bin"), verify.stdout());
  }
}
