package dev.engram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

class InputFilesTest {
  @TempDir Path dir;

  /** A command outside picocli: it records warnings and makes usage errors without a spec. */
  private static final class Command extends BaseCommand {
    final List<String> warnings = new ArrayList<>();

    @Override
    public Integer call() {
      return 0;
    }

    @Override
    void warn(String message) {
      warnings.add(message);
    }

    @Override
    ParameterException usage(String message) {
      return new ParameterException(new CommandLine(CommandSpec.create()), message);
    }
  }

  private final Command command = new Command();

  private InputFiles collect(Path... inputs) throws IOException {
    return InputFiles.collect(command, List.of(inputs), Globs.of(List.of()),
        dir.resolve("out.eng"));
  }

  @Test
  void foldersAndFilesAreSortedByArchivePathAndLeadBackToTheirFiles() throws IOException {
    Path site = Samples.folder(dir, "site", "b.md", "b", "a/z.md", "z", "Z.md", "Z", "a-b", "-",
        "é.md", "e");
    Path more = Samples.folder(dir, "more", "a/y.md", "y");
    Path single = Files.writeString(dir.resolve("c.md"), "c");
    InputFiles files = collect(site, more, single);
    assertEquals(List.of("Z.md", "a-b", "a/y.md", "a/z.md", "b.md", "c.md", "é.md"),
        files.paths());
    List<Path> expected = List.of(site.resolve("Z.md"), site.resolve("a-b"),
        more.resolve("a").resolve("y.md"), site.resolve("a").resolve("z.md"),
        site.resolve("b.md"), single, site.resolve("é.md"));
    for (int i = 0; i < files.size(); i++) {
      assertEquals(expected.get(i), files.file(i));
      assertEquals(expected.get(i).toString(), files.file(i).toString());
    }
    assertEquals(List.of(), command.warnings);
  }

  @Test
  void aSingleFolderListsManyFilesInStringOrder() throws IOException {
    Path root = Files.createDirectories(dir.resolve("many"));
    TreeSet<String> names = new TreeSet<>();
    for (int i = 0; i < 500; i++) {
      String name = (i % 3 == 0 ? "sub" + (i % 7) + "/" : "")
          + "f" + Integer.toString(i * 7919, 36);
      Files.createDirectories(root.resolve(name).getParent());
      Files.writeString(root.resolve(name), "");
      names.add(name);
    }
    InputFiles files = collect(root);
    assertEquals(List.copyOf(names), files.paths());
    for (int i = 0; i < files.size(); i++) {
      assertEquals(root.resolve(files.path(i)), files.file(i));
      assertEquals(i, files.indexOf(files.path(i)));
    }
    assertFalse(files.contains("sub0"));
    assertTrue(files.indexOf("zzz") < 0);
  }

  @Test
  void twoFilesUnderOnePathAreRefusedNamingTheFirstFound() throws IOException {
    Path site = Samples.folder(dir, "site", "notes/a.md", "a", "b.md", "b");
    Path other = Samples.folder(dir, "other", "b.md", "B");
    ParameterException e = assertThrows(ParameterException.class, () -> collect(site, other));
    assertEquals("two inputs would both be stored as 'b.md': " + site.resolve("b.md") + " and "
        + other.resolve("b.md"), e.getMessage());
    Path single = Files.writeString(dir.resolve("a.md"), "a");
    Path flat = Samples.folder(dir, "flat", "a.md", "A");
    e = assertThrows(ParameterException.class, () -> collect(single, flat));
    assertEquals("two inputs would both be stored as 'a.md': " + single + " and "
        + flat.resolve("a.md"), e.getMessage());
  }

  @Test
  void aNameWithABackslashIsStoredWithSlashesAndStillReadFromItsFile() throws IOException {
    assumeTrue(File.separatorChar == '/', "a file name holds a backslash only on Unix");
    Path root = Samples.folder(dir, "site", "a\\b.md", "backslash", "c.md", "c");
    InputFiles files = collect(root);
    assertEquals(List.of("a/b.md", "c.md"), files.paths());
    assertEquals(root.resolve("a\\b.md"), files.file(0));
    assertEquals("backslash", Files.readString(files.file(0)));
    assertEquals(root.resolve("c.md"), files.file(1));

    Samples.folder(dir, "site", "a/b.md", "slash");
    ParameterException e = assertThrows(ParameterException.class, () -> collect(root));
    assertTrue(e.getMessage().startsWith("two inputs would both be stored as 'a/b.md': "),
        e.getMessage());
  }

  @Test
  void withoutLeavesOutOneFileAndKeepsTheOthersFiles() throws IOException {
    Path site = Samples.folder(dir, "site", "manifest.json", "{}", "a.md", "a", "z.md", "z");
    Path single = Files.writeString(dir.resolve("b.md"), "b");
    InputFiles files = collect(site, single);
    int manifest = files.indexOf("manifest.json");
    assertEquals(site.resolve("manifest.json"), files.file(manifest));
    InputFiles fewer = files.without(manifest);
    assertEquals(List.of("a.md", "b.md", "z.md"), fewer.paths());
    assertEquals(List.of(site.resolve("a.md"), single, site.resolve("z.md")),
        List.of(fewer.file(0), fewer.file(1), fewer.file(2)));
    assertEquals(4, files.size());
    assertTrue(collect(Files.createDirectories(dir.resolve("empty"))).isEmpty());
  }
}
