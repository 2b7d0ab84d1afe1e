package dev.engram.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/**
 * What a command run talks to: standard streams, the environment, whether standard input and
 * standard error are terminals, and how to read a secret without echo. {@link #system()} is the
 * real process; tests build their own.
 *
 * @param in standard input
 * @param out standard output (raw bytes for {@code cat})
 * @param err standard error: messages, warnings, progress
 * @param env environment variables
 * @param stdinIsTerminal whether standard input is a terminal (interactive prompts)
 * @param stderrIsTerminal whether standard error is a terminal (progress bars)
 * @param secrets reads a passphrase without echo; returns null when there is no terminal
 * @param lineEditor whether an interactive session may take over the process's terminal for
 *     line editing (only the real process's streams can)
 */
record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
    boolean stdinIsTerminal, boolean stderrIsTerminal, SecretPrompt secrets,
    boolean lineEditor) {

  /** Reads a secret from the user. */
  @FunctionalInterface
  interface SecretPrompt {
    /** Returns what the user typed, or null when no terminal can be asked. */
    char[] read(String prompt);
  }

  Io {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    env = Map.copyOf(env);
    Objects.requireNonNull(secrets, "secrets");
  }

  /** The process's own streams and environment. */
  static Io system() {
    return new Io(System.in, System.out, System.err, System.getenv(),
        Terminal.isTerminal(Terminal.STDIN), Terminal.isTerminal(Terminal.STDERR),
        prompt -> {
          Console console = System.console();
          return console == null ? null : console.readPassword("%s", prompt);
        }, true);
  }
}
