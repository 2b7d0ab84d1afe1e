package dev.engram.cli;

/**
 * A failure a command reports as one line and an exit code of its choosing, such as "the archive
 * already exists". Other exceptions are mapped to exit codes by {@link Failures}.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
