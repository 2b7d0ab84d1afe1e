package dev.engram.cli;

import dev.engram.KeyFile;
import dev.engram.ReaderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * How a command gets the key of an encrypted archive: a key file, a passphrase typed at a prompt
 * without echo, or a passphrase in an environment variable. At most one of them.
 */
final class KeyOptions {
  @Option(names = "--key-file", paramLabel = "FILE",
      description = "The AES-256 key: a file of 32 bytes, or of 64 hex digits.")
  Path keyFile;

  @Option(names = "--passphrase",
      description = "Ask for a passphrase (typed without echo) and derive the key from it.")
  boolean prompt;

  @Option(names = "--passphrase-env", paramLabel = "NAME",
      description = "Take the passphrase from environment variable NAME.")
  String passphraseEnv;

  /** The passphrase once asked, so that one command never asks twice. */
  private char[] asked;

  /** Whether any key option was given. */
  boolean given() {
    return keyFile != null || prompt || passphraseEnv != null;
  }

  /** Whether the secret is a passphrase rather than a key file. */
  boolean isPassphrase() {
    return prompt || passphraseEnv != null;
  }

  /** Checks that at most one way was chosen. */
  void check(BaseCommand command) {
    int ways = (keyFile != null ? 1 : 0) + (prompt ? 1 : 0) + (passphraseEnv != null ? 1 : 0);
    if (ways > 1) {
      throw command.usage("give only one of --key-file, --passphrase and --passphrase-env");
    }
  }

  /** Reader options with the key or passphrase, if any was given, and the limits wanted. */
  ReaderOptions readerOptions(BaseCommand command, boolean liftLimits) throws IOException {
    check(command);
    ReaderOptions.Builder options = ReaderOptions.builder();
    if (liftLimits) {
      options.liftLimits();
    }
    supply(command, false, options::key, options::passphrase);
    return options.build();
  }

  /**
   * Hands the key or passphrase given, if any, to {@code key} or {@code passphrase} (which copy
   * it), then wipes this copy.
   *
   * @param confirm whether a passphrase typed at the prompt is asked twice (a new secret)
   * @return whether one was given
   */
  boolean supply(BaseCommand command, boolean confirm, Consumer<byte[]> key,
      Consumer<char[]> passphrase) throws IOException {
    if (keyFile != null) {
      byte[] bytes = readKey(keyFile);
      try {
        key.accept(bytes);
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
      return true;
    }
    if (isPassphrase()) {
      char[] phrase = passphrase(command, confirm);
      try {
        passphrase.accept(phrase);
      } finally {
        Arrays.fill(phrase, '\0');
      }
      return true;
    }
    return false;
  }

  /** Reads a key file ({@link KeyFile}: 32 raw bytes, or 64 hex digits). */
  static byte[] readKey(Path file) throws IOException {
    long size = Files.size(file);
    if (size > KeyFile.MAX_SIZE) {
      throw new CliException(ExitCodes.WRONG_KEY, "key file " + file + ": " + size
          + " bytes; a key file holds 32 bytes or 64 hex digits");
    }
    byte[] bytes = Files.readAllBytes(file);
    try {
      return KeyFile.parse(bytes);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.WRONG_KEY, "key file " + file + ": " + e.getMessage());
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** The passphrase, from the environment or the prompt (asked twice when {@code confirm}). */
  char[] passphrase(BaseCommand command, boolean confirm) {
    Io io = command.io();
    if (passphraseEnv != null) {
      String value = io.env().get(passphraseEnv);
      if (value == null || value.isEmpty()) {
        throw command.usage("environment variable " + passphraseEnv + " (--passphrase-env) is "
            + (value == null ? "not set" : "empty"));
      }
      return value.toCharArray();
    }
    if (asked != null) {
      return asked.clone();
    }
    char[] phrase = io.secrets().read("Passphrase: ");
    if (phrase == null) {
      throw command.usage("--passphrase asks at a terminal, and there is none;"
          + " use --passphrase-env NAME");
    }
    if (phrase.length == 0) {
      throw command.usage("the passphrase is empty");
    }
    if (confirm) {
      char[] again = io.secrets().read("Passphrase again: ");
      boolean same = again != null && sameSecret(phrase, again);
      if (again != null) {
        Arrays.fill(again, '\0');
      }
      if (!same) {
        Arrays.fill(phrase, '\0');
        throw command.usage("the two passphrases differ");
      }
    }
    asked = phrase.clone();
    return phrase;
  }

  /**
   * Says whether two secrets hold the same characters, in time that depends only on their
   * lengths: the characters are compared as UTF-16 bytes by {@link MessageDigest#isEqual}, and
   * the copies wiped (docs/SECURITY.md, "Timing"; the CLI uses only engram-core's public API, so
   * it cannot call the library's own comparison).
   */
  static boolean sameSecret(char[] a, char[] b) {
    byte[] x = utf16(a);
    byte[] y = utf16(b);
    try {
      return MessageDigest.isEqual(x, y);
    } finally {
      Arrays.fill(x, (byte) 0);
      Arrays.fill(y, (byte) 0);
    }
  }

  private static byte[] utf16(char[] chars) {
    byte[] bytes = new byte[2 * chars.length];
    for (int i = 0; i < chars.length; i++) {
      bytes[2 * i] = (byte) (chars[i] >> 8);
      bytes[2 * i + 1] = (byte) chars[i];
    }
    return bytes;
  }
}
