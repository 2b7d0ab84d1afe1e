package dev.engram.cli;

import dev.engram.manifest.SigningKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram keygen}: a new Ed25519 signing key pair. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {
      "Create an Ed25519 key pair for signing archives.",
      "NAME.key is the private key (PKCS#8 PEM, readable by you only); NAME.pub the public key"
          + " (X.509 PEM) to give to those who verify.",
      "Existing files are never overwritten.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram keygen -o release",
      "  engram pack site/ -o site.eng --sign release.key",
      "  engram verify --trust release.pub site.eng",
    })
final class KeygenCommand extends BaseCommand {
  @Option(names = {"-o", "--output"}, required = true, paramLabel = "NAME",
      description = "Base name of the two files (NAME.key, NAME.pub).")
  String name;

  @Override
  public Integer call() throws IOException {
    Path privateFile = Path.of(name + ".key");
    Path publicFile = Path.of(name + ".pub");
    for (Path file : new Path[] {privateFile, publicFile}) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new CliException(ExitCodes.IO, file + ": already exists (keys are never"
            + " overwritten)");
      }
    }
    KeyPair pair = SigningKeys.generate();
    SigningKeys.writePrivateKey(pair.getPrivate(), privateFile);
    SigningKeys.writePublicKey(pair.getPublic(), publicFile);
    if (!common.quiet) {
      out().println("private key: " + privateFile + " (keep it secret)");
      out().println("public key:  " + publicFile + " ("
          + HexFormat.of().formatHex(SigningKeys.rawPublicKey(pair.getPublic())) + ")");
    }
    return ExitCodes.OK;
  }
}
