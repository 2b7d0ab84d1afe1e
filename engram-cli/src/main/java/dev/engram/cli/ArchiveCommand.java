package dev.engram.cli;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A command that reads one archive, encrypted or not, from a file or a URL. */
abstract class ArchiveCommand extends BaseCommand {
  /** {@code scheme://...}: what tells a URL from a file name (a Windows drive is no scheme). */
  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+://.*");

  @Parameters(index = "0", paramLabel = "ARCHIVE",
      description = "The archive: a .eng file, or a URL (http://, https://, file://; s3://"
          + " with engram-s3 on the class path), read with range requests, never downloaded"
          + " whole.")
  String archive;

  @Mixin KeyOptions keys;

  /** The help of {@code --no-limits}, for every command that reads an archive. */
  static final String NO_LIMITS_HELP = "Lift the safety limits on entry count, entry size, total"
      + " size and compression ratio that protect against hostile archives; for archives you"
      + " trust.";

  @Option(names = "--no-limits", description = NO_LIMITS_HELP)
  boolean noLimits;

  /** Opens the archive with the key or passphrase given, if any. */
  ArchiveReader open() throws IOException {
    Optional<URI> url = url();
    return url.isPresent() ? ArchiveReader.open(url.get(), readerOptions())
        : ArchiveReader.open(Path.of(archive), readerOptions());
  }

  /** The archive's URL, when the argument is one. */
  Optional<URI> url() {
    if (!isUrl(archive)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new URI(archive));
    } catch (URISyntaxException e) {
      throw usage("not a valid URL: " + archive + " (" + e.getReason() + ")");
    }
  }

  /** Whether an archive argument is a URL ({@code scheme://...}) rather than a file name. */
  static boolean isUrl(String argument) {
    return URL.matcher(argument).matches();
  }

  /** The archive's file, or empty when the argument is a URL. */
  Optional<Path> file() {
    return url().isPresent() ? Optional.empty() : Optional.of(Path.of(archive));
  }

  /** How to read the archive: key or passphrase, and limits. */
  ReaderOptions readerOptions() throws IOException {
    return keys.readerOptions(this, noLimits);
  }
}
