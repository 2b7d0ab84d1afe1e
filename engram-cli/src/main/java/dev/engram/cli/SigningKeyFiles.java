package dev.engram.cli;

import dev.engram.manifest.SigningKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;

/** Private signing keys named on the command line, with the signer name each records. */
final class SigningKeyFiles {
  /** A key and its signer's name: the key file's name without {@code .key}. */
  record Signer(PrivateKey key, String name) {}

  private SigningKeyFiles() {}

  static List<Signer> read(List<Path> files) throws IOException {
    List<Signer> signers = new ArrayList<>();
    for (Path file : files) {
      try {
        signers.add(new Signer(SigningKeys.readPrivateKey(file),
            file.getFileName().toString().replaceFirst("\\.key$", "")));
      } catch (InvalidKeyException e) {
        throw new CliException(ExitCodes.WRONG_KEY, "signing key " + file
            + ": not an Ed25519 private key (" + e.getMessage() + ")");
      }
    }
    return signers;
  }
}
