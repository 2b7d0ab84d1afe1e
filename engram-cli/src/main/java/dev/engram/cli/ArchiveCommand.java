package dev.engram.cli;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A command that reads one archive, encrypted or not. */
abstract class ArchiveCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive (.eng).")
  Path archive;

  @Mixin KeyOptions keys;

  @Option(names = "--no-limits",
      description = "Lift the safety limits on entry count, entry size, total size and"
          + " compression ratio that protect against hostile archives; for archives you trust.")
  boolean noLimits;

  /** Opens the archive with the key or passphrase given, if any. */
  ArchiveReader open() throws IOException {
    return ArchiveReader.open(archive, readerOptions());
  }

  /** How to read the archive: key or passphrase, and limits. */
  ReaderOptions readerOptions() throws IOException {
    return keys.readerOptions(this, noLimits);
  }
}
