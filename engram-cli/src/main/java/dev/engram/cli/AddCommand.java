package dev.engram.cli;

import dev.engram.ArchiveUpdate;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram add}: adds files and folders to an archive. */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = {
      "Add folders and files to an archive; with --force, replace entries it holds.",
      "Each file gets the path 'engram pack' would give it: a folder's files are stored under"
          + " their path relative to the folder, a file given by itself under its name. A path"
          + " the archive holds already is an error (exit 6, nothing changed) unless --force."
          + " Symbolic links and special files are skipped with a warning.",
      UpdatingCommand.HOW,
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram add site.eng site/      # paths as 'engram pack site/' names them",
      "  engram add docs.eng errata.md --dry-run",
      "  engram add docs.eng README.md --force --exclude '*.tmp'",
      "  engram add signed.eng errata.md --resign me.key",
      "  engram add secret.eng diary.md --key-file secret.key",
    })
final class AddCommand extends UpdatingCommand {
  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE|DIR",
      description = "Folders and files to add.")
  List<Path> inputs;

  @Option(names = {"-f", "--force"},
      description = "Replace the entries of paths the archive holds already.")
  boolean force;

  @Mixin PackOptions pack;

  private InputFiles files;

  @Override
  void checkOptions() {
    pack.check(this);
  }

  @Override
  void prepare(Path file) throws IOException {
    Globs excluded = pack.excluded(this);
    files = withoutManifest(InputFiles.collect(this, inputs, excluded, file));
    if (files.isEmpty()) {
      throw usage("nothing to add: the inputs hold no files"
          + (excluded.isEmpty() ? "" : " that --exclude leaves in"));
    }
  }

  @Override
  WriterOptions.Builder writerOptions(Optional<Instant> fixedTime) {
    return pack.writerOptions(this, fixedTime);
  }

  @Override
  Changes stage(ArchiveUpdate update, Path file) throws IOException {
    List<String> held = files.paths().stream().filter(update::contains).toList();
    if (!held.isEmpty() && !force) {
      throw new CliException(ExitCodes.IO, file + ": already holds '" + held.get(0) + "'"
          + (held.size() == 1 ? " (use --force to replace it)"
              : " and " + (held.size() - 1) + " more of the paths to add (use --force to"
                  + " replace them)"));
    }
    Changes changes = new Changes();
    for (int i = 0; i < files.size(); i++) {
      String path = files.path(i);
      Path input = files.file(i);
      Kind kind = update.contains(path) ? Kind.REPLACE : Kind.ADD;
      changes.add(kind, path, Files.size(input));
      update.write(path, input, pack.method());
    }
    changes.unchanged = update.list().size() - files.size();
    return changes;
  }
}
