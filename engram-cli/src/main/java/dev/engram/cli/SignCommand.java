package dev.engram.cli;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.EncryptionMode;
import dev.engram.EntryInfo;
import dev.engram.VerificationReport;
import dev.engram.VerifyOptions;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code engram sign}: adds signatures to an archive's manifest. */
@Command(name = "sign", mixinStandardHelpOptions = true,
    description = {
      "Sign an archive: write a copy whose manifest carries your signature.",
      "An archive with a manifest keeps it (after checking that it matches the content) and"
          + " gains a signature next to those it has; one without gets a manifest listing every"
          + " entry (from --manifest, or named after the archive). Entries are copied as stored,"
          + " not compressed again. Archives encrypted per file cannot be signed this way:"
          + " repack them with 'engram pack --sign'.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram sign docs.eng --key release.key -o docs-signed.eng",
      "  engram sign docs.eng --key alice.key --key bob.key -o docs.eng   # in place",
    })
final class SignCommand extends ArchiveCommand {
  @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEYFILE",
      description = "Private signing key (repeatable; see 'engram keygen').")
  List<Path> keyFiles = new ArrayList<>();

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "The signed archive to write; may be the input itself.")
  Path output;

  @Option(names = {"-f", "--force"}, description = "Replace the output if it exists.")
  boolean force;

  @Option(names = "--manifest", paramLabel = "FILE",
      description = "Manifest template for an archive that has no manifest yet (see 'engram"
          + " pack --help').")
  Path manifestTemplate;

  @Mixin TimeOptions time;

  @Override
  public Integer call() throws IOException {
    Optional<Path> input = file();
    boolean inPlace = input.isPresent() && Files.exists(output) && Files.exists(input.get())
        && Files.isSameFile(output, input.get());
    if (!inPlace && !force && Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(ExitCodes.IO, output + ": already exists (use --force to replace"
          + " it)");
    }
    List<SigningKeyFiles.Signer> signers = SigningKeyFiles.read(keyFiles);
    Optional<Instant> fixedTime = time.fixedTime(io());
    Instant now = fixedTime.orElseGet(Instant::now);
    try (ArchiveReader reader = open()) {
      Optional<EncryptionMode> mode = reader.encryption();
      if (mode.isPresent() && mode.get() == EncryptionMode.PER_FILE) {
        throw new CliException(ExitCodes.CORRUPT, archive + ": encrypted per file; its"
            + " entries cannot be copied as stored. Repack it with 'engram pack --sign'.");
      }
      Optional<Manifest> existing = reader.manifest();
      if (existing.isPresent() && manifestTemplate != null) {
        throw usage(archive + " has a manifest already; --manifest is for archives without one");
      }
      WriterOptions.Builder options = WriterOptions.builder();
      fixedTime.ifPresent(options::latestModifiedTime);
      if (mode.isPresent()) {
        keepEncryption(options);
      }
      Manifest signed = null;
      if (existing.isPresent()) {
        checkMatches(reader);
        signed = existing.get();
        for (SigningKeyFiles.Signer signer : signers) {
          signed = signed.sign(signer.key(), signer.name(), now);
        }
      } else {
        options.manifest(manifestTemplate != null ? ManifestTemplates.read(manifestTemplate, now)
            : ManifestTemplates.named(output, signers.get(0).name(), now));
        for (SigningKeyFiles.Signer signer : signers) {
          options.signWith(signer.key(), signer.name());
        }
      }
      long total = reader.entries().stream().mapToLong(EntryInfo::uncompressedSize).sum();
      try (Progress progress = progress("sign", total)) {
        WriterOptions built = options.progress(progress).build();
        try (CleanupOnExit cleanup = CleanupOnExit.register();
            ArchiveWriter writer = cleanup.watch(ArchiveWriter.create(output, built))) {
          for (String path : reader.list()) {
            if (!path.equals(Manifest.ENTRY_NAME)) {
              writer.copyEntry(reader, path);
            }
          }
          if (signed != null) {
            writer.addManifest(signed);
          }
          writer.finish();
        } finally {
          built.destroy();
        }
      }
    }
    if (!common.quiet) {
      out().println("signed " + output + " by " + String.join(", ",
          signers.stream().map(SigningKeyFiles.Signer::name).toList()));
    }
    return ExitCodes.OK;
  }

  /** A whole-archive-encrypted archive is written back encrypted, with the same secret. */
  private void keepEncryption(WriterOptions.Builder options) throws IOException {
    keys.supply(this, false, key -> options.encryption(EncryptionMode.ARCHIVE, key),
        phrase -> options.encryption(EncryptionMode.ARCHIVE, phrase));
  }

  /** Refuses to sign a manifest that does not describe the content exactly. */
  private void checkMatches(ArchiveReader reader) throws IOException {
    VerificationReport report = reader.verify(VerifyOptions.defaults());
    boolean signaturesHold = report.signatures().stream().allMatch(s -> s.isValid());
    if (!report.isIntact() || !report.uncoveredEntries().isEmpty() || !signaturesHold) {
      throw new CliException(ExitCodes.VERIFY_FAILED, archive + ": its manifest does not"
          + " match its content, so it is not signed:\n" + report.summary().stripTrailing());
    }
  }
}
