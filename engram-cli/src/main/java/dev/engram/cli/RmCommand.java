package dev.engram.cli;

import dev.engram.ArchiveUpdate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram rm}: deletes entries from an archive. */
@Command(name = "rm", mixinStandardHelpOptions = true,
    description = {
      "Delete the entries that match the patterns from an archive.",
      "A pattern is an entry path, or a glob as 'extract' reads them: '*.md' matches at any"
          + " depth, 'docs/*' the files right in docs/ and 'docs/**' everything under it; a glob"
          + " without '/' also matches folder names, so 'drafts' deletes everything under any"
          + " folder named drafts (see what with --dry-run). A pattern that matches nothing is"
          + " an error (exit 3, nothing deleted) unless --ignore-unmatch. The manifest, if any,"
          + " stays and lists the files that remain.",
      UpdatingCommand.HOW,
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram rm docs.eng notes/old.md",
      "  engram rm docs.eng '*.tmp' 'drafts/**' --dry-run",
      "  engram rm --ignore-unmatch docs.eng '*.bak'",
      "  engram rm signed.eng leaked.txt --drop-signatures",
    })
final class RmCommand extends UpdatingCommand {
  @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATTERN",
      description = "Entry paths or globs.")
  List<String> patterns = new ArrayList<>();

  @Option(names = "--ignore-unmatch",
      description = "A pattern that matches no entry is not an error (exit 0).")
  boolean ignoreUnmatch;

  private Globs globs;

  @Override
  void checkOptions() {
    try {
      globs = Globs.of(patterns);
    } catch (IllegalArgumentException e) {
      throw usage("bad pattern: " + e.getMessage());
    }
  }

  @Override
  Changes stage(ArchiveUpdate update, Path file) throws IOException {
    List<String> paths = update.list();
    List<String> unmatched = globs.unselected(paths);
    if (!unmatched.isEmpty() && !ignoreUnmatch) {
      throw new CliException(ExitCodes.NOT_FOUND, "no entry of " + file + " matches '"
          + unmatched.get(0) + "' (nothing deleted)");
    }
    Changes changes = new Changes();
    for (String path : paths) {
      if (globs.selects(path)) {
        update.delete(path);
        changes.add(Kind.DELETE, path, 0);
      }
    }
    changes.unchanged = update.list().size();
    return changes;
  }
}
