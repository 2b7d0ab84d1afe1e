package dev.engram;

import java.io.IOException;

/**
 * Base class of every error this library reports about the content of an archive: a structure
 * that is malformed, a checksum that does not match, a feature this version cannot read.
 *
 * <p>The message always says what is wrong and where (offset, directory index or entry path).
 * When the archive is known, {@link #archive()} names it and the message starts with it.
 *
 * <p>Plain I/O failures (a disk error, a missing file) are reported as ordinary {@link
 * IOException}s; a missing entry is a {@link java.nio.file.NoSuchFileException}.
 */
public class EngramException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The name of the archive the error is about ({@link dev.engram.source.ArchiveSource#name()}). */
  private String archive;

  /**
   * Creates an exception with a message that says what is wrong and where.
   *
   * @param message the detail message
   */
  public EngramException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the failure that caused it.
   *
   * @param message the detail message
   * @param cause the underlying failure
   */
  public EngramException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Returns the name of the archive this error is about, if known: its path for a local file,
   * else its {@link dev.engram.source.ArchiveSource#name()}.
   *
   * @return the archive's name, or {@code null} when the error is not tied to an archive
   */
  public String archive() {
    return archive;
  }

  /**
   * Records the archive this error is about, so that the message names it. Like {@link
   * Throwable#initCause}, only the first call has an effect; the library's readers call it before
   * an error leaves them.
   *
   * @param name the archive's name ({@link dev.engram.source.ArchiveSource#name()})
   * @return this exception
   */
  public EngramException initArchive(String name) {
    if (archive == null) {
      archive = name;
    }
    return this;
  }

  /**
   * Returns the message without the archive's name in front: what is wrong and where inside it.
   *
   * @return the detail message as given
   */
  public String reason() {
    return super.getMessage();
  }

  @Override
  public String getMessage() {
    String message = super.getMessage();
    return archive == null ? message : archive + ": " + message;
  }
}
