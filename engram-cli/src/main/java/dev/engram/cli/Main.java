package dev.engram.cli;

/** The {@code engram} command's entry point: runs {@link Engram} and exits with its code. */
public final class Main {
  private Main() {}

  /**
   * Runs the command line and exits the JVM with the command's exit code ({@link ExitCodes}).
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(Engram.run(args, Io.system()));
  }
}
