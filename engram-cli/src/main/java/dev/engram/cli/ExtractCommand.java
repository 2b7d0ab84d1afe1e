package dev.engram.cli;

import dev.engram.ArchiveReader;
import dev.engram.EntryInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram extract}: writes entries out as files, safely. */
@Command(name = "extract", aliases = "x", mixinStandardHelpOptions = true,
    description = {
      "Extract all entries, or those matching the patterns, into a folder.",
      "Every name is checked before anything is written: nothing lands outside the folder or"
          + " goes through a symbolic link, each file appears whole (written aside, then"
          + " renamed) with its modified time, and existing files are kept unless --force.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram extract docs.eng -o docs/",
      "  engram extract docs.eng '*.md' 'images/**'",
      "  engram extract --force --key-file k.bin secret.eng -o out/",
    })
final class ExtractCommand extends ArchiveCommand {
  @Parameters(index = "1..*", paramLabel = "PATTERN",
      description = "Entry paths or globs ('*.md' matches at any depth; 'docs/*' from the top).")
  List<String> patterns = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = ".",
      description = "Where to extract (created if missing). Default: the current folder.")
  Path directory;

  @Option(names = {"-f", "--force"}, description = "Replace files that exist.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    Globs globs = globs();
    try (ArchiveReader reader = open()) {
      Predicate<String> selected = path -> globs.isEmpty() || globs.selects(path);
      // one pass over the entries, keeping nothing per entry (a list of the selected entries
      // costs some 180 bytes an entry): the total size, which patterns select something, and
      // the first existing file an entry would replace
      Globs.Selection selection = globs.selection();
      Path root = directory.toAbsolutePath().normalize();
      Path existing = null;
      long total = 0;
      for (EntryInfo e : reader.entries()) {
        if (!globs.isEmpty() && !selection.selects(e.path())) {
          continue;
        }
        total += e.uncompressedSize();
        if (!force && existing == null) {
          existing = existing(root, e.path());
        }
      }
      List<String> unmatched = selection.unselected();
      if (!unmatched.isEmpty()) {
        throw new CliException(ExitCodes.NOT_FOUND, "no entry of " + archive + " matches '"
            + unmatched.get(0) + "'");
      }
      if (existing != null) {
        // fails before anything is written
        throw new CliException(ExitCodes.IO, existing + ": already exists (use --force to"
            + " replace it)");
      }
      List<Path> written;
      try (Progress progress = progress("extract", total)) {
        written = reader.extractAll(directory, selected, progress);
      }
      if (!common.quiet) {
        out().println("extracted " + written.size() + (written.size() == 1 ? " file, " : " files, ")
            + Units.bytes(total) + " into " + directory);
      }
    }
    return ExitCodes.OK;
  }

  private Globs globs() {
    try {
      return Globs.of(patterns);
    } catch (IllegalArgumentException e) {
      throw usage("bad pattern: " + e.getMessage());
    }
  }

  /**
   * The file an entry would replace under the destination {@code root}, or null if there is none
   * (or the name is one extraction refuses itself, with its reason).
   */
  private static Path existing(Path root, String path) {
    Path target;
    try {
      target = root.resolve(path).normalize();
    } catch (java.nio.file.InvalidPathException bad) {
      return null; // extraction refuses the name itself, with its reason
    }
    return target.startsWith(root) && !target.equals(root)
        && Files.exists(target, LinkOption.NOFOLLOW_LINKS) ? target : null;
  }
}
