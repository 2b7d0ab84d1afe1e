package dev.engram.cli;

import dev.engram.AuthenticationFailedException;
import dev.engram.EngramException;
import dev.engram.KeyRequiredException;
import dev.engram.LimitExceededException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line on standard error ({@code engram <command>: what failed,
 * which file, why}) and an exit code from {@link ExitCodes}; the stack trace follows only under
 * {@code --verbose}.
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {

  /** A failure's exit code and its one-line message. */
  record Outcome(int exitCode, String message) {}

  @Override
  public int handleExecutionException(Exception failure, CommandLine command,
      ParseResult parseResult) {
    Outcome outcome = classify(failure);
    PrintWriter err = command.getErr();
    err.println(command.getCommandSpec().qualifiedName() + ": " + outcome.message());
    if (isVerbose(command)) {
      failure.printStackTrace(err);
    } else if (outcome.exitCode() == ExitCodes.INTERNAL) {
      err.println("Rerun with --verbose for the stack trace, and please report it.");
    }
    err.flush();
    return outcome.exitCode();
  }

  @Override
  public int handleParseException(ParameterException failure, String[] args) {
    CommandLine command = failure.getCommandLine();
    PrintWriter err = command.getErr();
    String name = command.getCommandSpec().qualifiedName();
    err.println(name + ": " + failure.getMessage());
    if (failure instanceof UnmatchedArgumentException unmatched) {
      UnmatchedArgumentException.printSuggestions(unmatched, err);
    }
    err.println("Try '" + name + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** Maps a failure to its exit code and message. */
  static Outcome classify(Throwable failure) {
    if (failure instanceof UncheckedIOException unchecked) {
      return classify(unchecked.getCause());
    }
    if (failure instanceof CliException cli) {
      return new Outcome(cli.exitCode(), cli.getMessage());
    }
    if (failure instanceof KeyRequiredException) {
      // the library's message names its Java API; say it in this tool's options
      return new Outcome(ExitCodes.WRONG_KEY, failure.getMessage().replaceFirst(
          " with ReaderOptions\\.builder\\(\\).*$", " with --key-file FILE, --passphrase or"
              + " --passphrase-env NAME"));
    }
    if (failure instanceof AuthenticationFailedException
        || failure instanceof GeneralSecurityException) {
      return new Outcome(ExitCodes.WRONG_KEY, failure.getMessage());
    }
    if (failure instanceof LimitExceededException) {
      return new Outcome(ExitCodes.CORRUPT, failure.getMessage().replaceFirst(
          "; if you trust this archive, raise it with ReaderOptions.*$",
          "; if you trust this archive, rerun with --no-limits"));
    }
    if (failure instanceof EngramException) {
      return new Outcome(ExitCodes.CORRUPT, failure.getMessage());
    }
    if (failure instanceof NoSuchFileException missing) {
      return new Outcome(ExitCodes.NOT_FOUND, describe(missing, "no such file"));
    }
    if (failure instanceof AccessDeniedException denied) {
      return new Outcome(ExitCodes.IO, describe(denied, "permission denied"));
    }
    if (failure instanceof FileAlreadyExistsException exists) {
      return new Outcome(ExitCodes.IO, describe(exists, "already exists"));
    }
    if (failure instanceof FileSystemException other) {
      return new Outcome(ExitCodes.IO, describe(other, "failed"));
    }
    if (failure instanceof IOException io) {
      return new Outcome(ExitCodes.IO, String.valueOf(io.getMessage()));
    }
    if (failure instanceof SQLException sql) {
      return new Outcome(ExitCodes.SQL, sql.getMessage());
    }
    return new Outcome(ExitCodes.INTERNAL, "internal error: " + failure);
  }

  /** "file: reason", or "file (other file): reason", as {@code ls} and {@code cp} say it. */
  private static String describe(FileSystemException failure, String defaultReason) {
    String reason = failure.getReason() != null ? failure.getReason() : defaultReason;
    String file = failure.getFile();
    if (file == null) {
      return reason;
    }
    return failure.getOtherFile() == null ? file + ": " + reason
        : file + " (" + failure.getOtherFile() + "): " + reason;
  }

  private static boolean isVerbose(CommandLine command) {
    return command.getCommand() instanceof BaseCommand base && base.common.verbose;
  }
}
