package dev.engram.cli;

import dev.engram.ArchiveReader;
import dev.engram.EntryInfo;
import dev.engram.VerificationReport;
import dev.engram.VerifyOptions;
import dev.engram.manifest.SigningKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram verify}: checks everything an archive can be checked for. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {
      "Check every entry's CRC32, the manifest's SHA-256 of every file, and the signatures.",
      "Exit status 0 only when the archive is intact and, with --trust, signed by a trusted"
          + " key; 1 otherwise.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram verify docs.eng",
      "  engram verify --trust release.pub download.eng && echo authentic",
    })
final class VerifyCommand extends ArchiveCommand {
  @Option(names = "--trust", paramLabel = "PUBKEY",
      description = "A signer's public key file (repeatable): the archive must carry a valid"
          + " signature by one of them.")
  List<Path> trusted = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    VerifyOptions.Builder options = VerifyOptions.builder();
    for (Path file : trusted) {
      try {
        options.trust(SigningKeys.readPublicKey(file));
      } catch (InvalidKeyException e) {
        throw new CliException(ExitCodes.WRONG_KEY, "public key " + file
            + ": not an Ed25519 public key (" + e.getMessage() + ")");
      }
    }
    VerificationReport report;
    try (ArchiveReader reader = open()) {
      if (reader.encryption().isPresent() && !keys.given()) {
        // without the key every entry would be reported damaged; say what is missing instead
        throw new CliException(ExitCodes.WRONG_KEY, archive + ": its entries are encrypted;"
            + " give its key with --key-file FILE, --passphrase or --passphrase-env NAME");
      }
      long total = reader.entries().stream().mapToLong(EntryInfo::uncompressedSize).sum();
      try (Progress progress = progress("verify", total)) {
        report = reader.verify(options.progress(progress).build());
      }
    }
    out().print(report.summary());
    out().flush();
    boolean ok = report.isIntact() && (trusted.isEmpty() || report.isAuthentic());
    return ok ? ExitCodes.OK : ExitCodes.VERIFY_FAILED;
  }
}
