package dev.engram.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Releasing resources after a failure without hiding it: what goes wrong while cleaning up is
 * added to the failure as suppressed. Stateless and thread-safe.
 */
public final class Cleanup {
  private Cleanup() {}

  /**
   * Closes each resource (null ones are skipped), in order.
   *
   * @param failure the failure being thrown
   * @param resources what to close
   */
  public static void closeAfter(Throwable failure, Closeable... resources) {
    for (Closeable resource : resources) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * Deletes a file if it exists.
   *
   * @param failure the failure being thrown
   * @param file what to delete
   */
  public static void deleteAfter(Throwable failure, Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
