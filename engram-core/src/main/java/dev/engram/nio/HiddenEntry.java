package dev.engram.nio;

import java.util.Objects;

/**
 * An entry of the archive that its {@link EngramFileSystem} does not show as a file, and why: its
 * name breaks the path policy of {@link dev.engram.ArchivePaths} (for example {@code ../x}, an
 * absolute name, a drive letter or a control character), a later entry has the same name, or
 * other entries use its name as a directory. Immutable and thread-safe.
 *
 * @param name the entry's name exactly as stored (it may hold control characters)
 * @param reason why it is hidden, in words
 */
public record HiddenEntry(String name, String reason) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException if either is null
   */
  public HiddenEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reason, "reason");
  }
}
