package dev.engram.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the run's {@link Io}, common options, usage errors. */
abstract class BaseCommand implements Callable<Integer> {
  @ParentCommand Engram root;
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  Io io() {
    return root.io();
  }

  PrintStream out() {
    return io().out();
  }

  /** Prints a warning on standard error, unless {@code --quiet}. */
  void warn(String message) {
    if (!common.quiet) {
      io().err().println(spec.qualifiedName() + ": warning: " + message);
    }
  }

  /** A usage error: exit code 2 and a pointer to {@code --help}. */
  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Starts a progress display for {@code total} bytes of work. */
  Progress progress(String task, long total) {
    return Progress.start(io(), common.quiet, task, total);
  }
}
