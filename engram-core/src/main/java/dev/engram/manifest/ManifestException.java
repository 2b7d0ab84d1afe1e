package dev.engram.manifest;

import dev.engram.EngramException;

/**
 * A manifest is not valid JSON, or does not have the fields and types the format requires. The
 * message names the field, as a JSON path such as {@code files[2].size}.
 */
public class ManifestException extends EngramException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming what is wrong.
   *
   * @param message the field and the problem
   */
  public ManifestException(String message) {
    super(message);
  }

  /**
   * Creates an exception naming what is wrong, with the parser error that found it.
   *
   * @param message the field and the problem
   * @param cause the underlying parser error
   */
  public ManifestException(String message, Throwable cause) {
    super(message, cause);
  }
}
