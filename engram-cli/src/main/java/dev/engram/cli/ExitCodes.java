package dev.engram.cli;

/** The exit codes of every {@code engram} command; {@code engram --help} lists them. */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;
  /** {@code verify}: the archive is damaged, or not signed by a trusted key. */
  public static final int VERIFY_FAILED = 1;
  /** Bad arguments or options. */
  public static final int USAGE = 2;
  /** A file, archive entry or database that was named does not exist. */
  public static final int NOT_FOUND = 3;
  /** The archive is corrupt, unsupported, or beyond a safety limit. */
  public static final int CORRUPT = 4;
  /** A key or passphrase is needed, or the one given is wrong. */
  public static final int WRONG_KEY = 5;
  /**
   * Reading or writing a file failed (permissions, disk full, a file in the way), or an archive to
   * change is held or was changed meanwhile by another update.
   */
  public static final int IO = 6;
  /** {@code query}: SQLite refused the statement. */
  public static final int SQL = 7;
  /** A bug in engram: please report it, with the output of {@code --verbose}. */
  public static final int INTERNAL = 70;

  private ExitCodes() {}
}
