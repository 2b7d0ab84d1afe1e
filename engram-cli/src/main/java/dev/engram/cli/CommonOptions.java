package dev.engram.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = {"-v", "--verbose"},
      description = "Print the stack trace of a failure, and more detail.")
  boolean verbose;

  @Option(names = {"-q", "--quiet"},
      description = "Print no progress bar, warning or summary; only results and errors.")
  boolean quiet;
}
