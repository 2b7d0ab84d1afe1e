package dev.engram.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedByInterruptException;

/**
 * What {@link ArchiveFile} and {@link ChannelSource} share to get over a channel that an
 * interrupt closed: reopening the file, checked to be the same file, and telling an interrupted
 * thread so with an {@link InterruptedIOException} (which remote sources use too). Stateless and
 * thread-safe.
 */
public final class Reopening {
  private Reopening() {}

  /** Opens the file again. */
  @FunctionalInterface
  interface Opener<C extends Channel> {
    C open() throws IOException;
  }

  /** Throws if the file reopened is not the one opened first. */
  @FunctionalInterface
  interface SameFile {
    void check() throws IOException;
  }

  /**
   * Opens a file again, then checks it (in that order: a file swapped in after the check could
   * not slip through); closes what it opened if anything fails.
   */
  static <C extends Channel> C reopen(String name, Opener<C> opener, SameFile sameFile)
      throws IOException {
    C reopened = null;
    try {
      reopened = opener.open();
      sameFile.check();
      return reopened;
    } catch (ClosedByInterruptException e) {
      // the provider's own I/O was interrupted (zipfs reads the zip file to open an entry)
      Cleanup.closeAfter(e, reopened);
      throw interrupted(name, e);
    } catch (IOException | RuntimeException e) {
      Cleanup.closeAfter(e, reopened);
      throw e;
    }
  }

  /**
   * Returns the exception a thread interrupted while reading an archive gets (every source's:
   * files, and remote sources too). The caller keeps the thread's interrupt flag set.
   *
   * @param name the archive's name, for the message
   * @param cause what reported the interrupt, or null
   * @return the exception to throw
   */
  public static InterruptedIOException interrupted(String name, Throwable cause) {
    InterruptedIOException e = new InterruptedIOException("interrupted while reading " + name);
    e.initCause(cause);
    return e;
  }
}
