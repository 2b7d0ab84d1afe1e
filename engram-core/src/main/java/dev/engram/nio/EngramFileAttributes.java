package dev.engram.nio;

import dev.engram.CompressionMethod;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The attributes of a file or directory in an {@link EngramFileSystem}: the basic ones, plus how
 * the archive stores a file. Read them with {@code Files.readAttributes(path,
 * EngramFileAttributes.class)} or by name, {@code Files.readAttributes(path, "engram:*")}, which
 * gives the basic names and {@code compression}, {@code storedSize}, {@code crc32}, {@code
 * framed}, {@code frameSize}, {@code encrypted} and {@code entryName}.
 *
 * <p>Directories are implied by entry names and have no entry: for them the stored size, CRC32
 * and frame size are 0, the method {@link CompressionMethod#NONE}, and {@link #entryName()} is
 * empty. A directory's modified time is the latest of the files below it; its creation and access
 * times, like a file's, equal its modified time. A file written through a writable file system
 * is not stored until the file system closes: until then it has its size and the time it was
 * written, and like a directory no entry name, stored size, CRC32 or frames, and the method
 * {@link CompressionMethod#NONE}. {@link #fileKey()} is null: paths are the
 * identity, as in {@code jdk.zipfs}.
 *
 * <p>Implementations are immutable snapshots and thread-safe.
 */
public interface EngramFileAttributes extends BasicFileAttributes {
  /**
   * Returns the name of the entry this file reads, exactly as stored (it differs from the path
   * when the archive stored {@code \} as a separator).
   *
   * @return the stored name, or empty for a directory
   */
  Optional<String> entryName();

  /**
   * Returns how the content is compressed.
   *
   * @return the method
   */
  CompressionMethod compression();

  /**
   * Returns the size of the stored payload: compressed, framed and encrypted as the case may be.
   *
   * @return bytes in the archive
   */
  long storedSize();

  /**
   * Returns the CRC32 of the content, as recorded.
   *
   * @return the CRC32
   */
  int crc32();

  /**
   * Says whether the content is cut into independently compressed frames, so that a read at any
   * position decodes only the frames it touches.
   *
   * @return true for a framed entry
   */
  boolean isFramed();

  /**
   * Returns the size of a framed entry's frames.
   *
   * @return bytes per frame, or 0 if the entry is not framed
   */
  int frameSize();

  /**
   * Says whether the archive encrypts this file's content (per file, or as a whole).
   *
   * @return true if it is encrypted
   */
  boolean isEncrypted();
}
