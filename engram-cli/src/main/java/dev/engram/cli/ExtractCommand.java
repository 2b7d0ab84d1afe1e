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
      List<EntryInfo> entries = reader.entries().stream().filter(e -> selected.test(e.path()))
          .toList();
      List<String> unmatched = globs.unselected(entries.stream().map(EntryInfo::path).toList());
      if (!unmatched.isEmpty()) {
        throw new CliException(ExitCodes.NOT_FOUND, "no entry of " + archive + " matches '"
            + unmatched.get(0) + "'");
      }
      if (!force) {
        refuseToReplace(entries);
      }
      long total = entries.stream().mapToLong(EntryInfo::uncompressedSize).sum();
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

  /** Fails before anything is written when an entry would replace an existing file. */
  private void refuseToReplace(List<EntryInfo> entries) {
    Path root = directory.toAbsolutePath().normalize();
    for (EntryInfo e : entries) {
      Path target;
      try {
        target = root.resolve(e.path()).normalize();
      } catch (java.nio.file.InvalidPathException bad) {
        continue; // extraction refuses the name itself, with its reason
      }
      if (target.startsWith(root) && !target.equals(root)
          && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new CliException(ExitCodes.IO, target + ": already exists (use --force to"
            + " replace it)");
      }
    }
  }
}
