package dev.engram.cli;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.EncryptionMode;
import dev.engram.WriterOptions;
import dev.engram.manifest.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram pack}: writes folders and files into a new archive. */
@Command(name = "pack", mixinStandardHelpOptions = true,
    description = {
      "Pack folders and files into a new archive.",
      "Paths inside the archive are relative to each folder given (a file given by itself is"
          + " stored under its name), '/'-separated and sorted, so the same input gives the"
          + " same archive. Symbolic links and special files are skipped with a warning.",
      "With SOURCE_DATE_EPOCH set, or --reproducible, no recorded time is later than that"
          + " time (1970 for --reproducible), so an unencrypted archive of the same input is"
          + " byte-identical from run to run.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram pack docs/ -o docs.eng",
      "  engram pack src/ README.md -o release.eng --compression zstd --level 19"
          + " --exclude '*.tmp' --exclude .git",
      "  engram pack data/ -o data.eng --manifest manifest.toml --sign me.key",
      "  engram pack secrets/ -o secrets.eng --encrypt per-file --passphrase",
      "  SOURCE_DATE_EPOCH=1700000000 engram pack site/ -o site.eng",
    })
final class PackCommand extends BaseCommand {
  @Parameters(arity = "1..*", paramLabel = "<input>", description = "Folders and files to pack.")
  List<Path> inputs;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "The archive to write.")
  Path output;

  @Option(names = {"-f", "--force"}, description = "Replace the output if it exists.")
  boolean force;

  @Mixin PackOptions pack;

  @Option(names = "--manifest", paramLabel = "FILE",
      description = "Manifest template (TOML, or JSON if named *.json): name, version, author,"
          + " and optionally id, description, license, tags. Files are filled in.")
  Path manifest;

  @Option(names = "--sign", paramLabel = "KEYFILE",
      description = "Sign the manifest with this private key (repeatable; see 'engram keygen')."
          + " Without --manifest, one named after the archive is made.")
  List<Path> signKeys = new ArrayList<>();

  @Option(names = "--encrypt", paramLabel = "MODE", converter = EncryptionModeConverter.class,
      description = "per-file (names stay listable) or archive (everything), AES-256-GCM, with"
          + " --key-file, --passphrase or --passphrase-env.")
  EncryptionMode encrypt;

  @Mixin KeyOptions keys;

  @Mixin TimeOptions time;

  /** Parses {@code per-file} and {@code archive}. */
  static final class EncryptionModeConverter implements ITypeConverter<EncryptionMode> {
    @Override
    public EncryptionMode convert(String value) {
      switch (value) {
        case "per-file":
          return EncryptionMode.PER_FILE;
        case "archive":
          return EncryptionMode.ARCHIVE;
        default:
          throw new picocli.CommandLine.TypeConversionException(
              "'" + value + "' is not an encryption mode: use per-file or archive");
      }
    }
  }

  @Override
  public Integer call() throws IOException {
    checkOptions();
    Optional<Instant> fixedTime = time.fixedTime(io());
    Globs excluded = pack.excluded(this);
    InputFiles files = InputFiles.collect(this, inputs, excluded, output);
    if (files.isEmpty()) {
      throw usage("nothing to pack: the inputs hold no files"
          + (excluded.isEmpty() ? "" : " that --exclude leaves in"));
    }
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      total += Files.size(files.file(i));
    }
    try (Progress progress = progress("pack", total)) {
      WriterOptions options = writerOptions(fixedTime, progress);
      try (CleanupOnExit cleanup = CleanupOnExit.register();
          ArchiveWriter writer = cleanup.watch(ArchiveWriter.create(output, options))) {
        CompressionMethod method = pack.method();
        for (int i = 0; i < files.size(); i++) {
          if (method == null) {
            writer.addFile(files.path(i), files.file(i));
          } else {
            writer.addFile(files.path(i), files.file(i), method);
          }
        }
        writer.finish();
      } finally {
        options.destroy();
      }
    }
    if (!common.quiet) {
      long stored = Files.size(output);
      out().println("packed " + files.size() + (files.size() == 1 ? " file, " : " files, ")
          + Units.bytes(total) + " into " + output + " (" + Units.bytes(stored) + ", "
          + Units.ratio(stored, total) + ")");
    }
    return ExitCodes.OK;
  }

  private void checkOptions() throws IOException {
    keys.check(this);
    pack.check(this);
    if (encrypt != null && !keys.given()) {
      throw usage("--encrypt needs --key-file, --passphrase or --passphrase-env");
    }
    if (encrypt == null && keys.given()) {
      throw usage("a key or passphrase was given without --encrypt per-file|archive");
    }
    if (Files.isDirectory(output)) {
      throw usage("the output " + output + " is a folder; name the archive file to write");
    }
    if (!force && Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(ExitCodes.IO, output + ": already exists (use --force to replace"
          + " it)");
    }
  }

  private WriterOptions writerOptions(Optional<Instant> fixedTime, Progress progress)
      throws IOException {
    WriterOptions.Builder options = pack.writerOptions(this, fixedTime).progress(progress);
    if (manifest != null || !signKeys.isEmpty()) {
      Instant created = fixedTime.orElseGet(Instant::now);
      List<SigningKeyFiles.Signer> signers = SigningKeyFiles.read(signKeys);
      Manifest template = manifest != null ? ManifestTemplates.read(manifest, created)
          : ManifestTemplates.named(output, signers.get(0).name(), created);
      options.manifest(template);
      for (SigningKeyFiles.Signer signer : signers) {
        options.signWith(signer.key(), signer.name());
      }
    }
    if (encrypt != null) {
      keys.supply(this, true, key -> options.encryption(encrypt, key),
          phrase -> options.encryption(encrypt, phrase));
    }
    return options.build();
  }
}
