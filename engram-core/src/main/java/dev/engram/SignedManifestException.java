package dev.engram;

/**
 * An {@link ArchiveUpdate} would change an archive whose manifest is signed, and its options do
 * not say what to do with the signatures, which no longer match once the files change: drop them
 * ({@link UpdateOptions.SignedManifest#DROP}) or sign again ({@link
 * UpdateOptions.Builder#resign}). Nothing was written.
 */
public class SignedManifestException extends EngramException {
  /**
   * Makes the exception.
   *
   * @param message what happened
   */
  public SignedManifestException(String message) {
    super(message);
  }
}
