package dev.engram.nio;

import java.io.IOException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;

/**
 * The {@code "engram"} attribute view: the {@linkplain EngramFileAttributes attributes} of a file
 * or directory in an {@link EngramFileSystem}. Get it with {@code Files.getFileAttributeView(path,
 * EngramFileAttributeView.class)}; it reads the archive's directory, never the content.
 *
 * <p>Thread-safe.
 */
public interface EngramFileAttributeView extends BasicFileAttributeView {
  /**
   * Returns {@code "engram"}, or {@code "basic"} for the view obtained as a {@link
   * BasicFileAttributeView}.
   *
   * @return the view's name
   */
  @Override
  String name();

  /**
   * Reads the attributes.
   *
   * @return a snapshot
   * @throws java.nio.file.NoSuchFileException if nothing in the archive has the view's path
   * @throws java.nio.file.ClosedFileSystemException if the file system is closed
   * @throws IOException never otherwise; declared by the interface
   */
  @Override
  EngramFileAttributes readAttributes() throws IOException;

  /**
   * Always fails: an {@code engram} file system does not set times.
   *
   * @param lastModifiedTime ignored
   * @param lastAccessTime ignored
   * @param createTime ignored
   * @throws ReadOnlyFileSystemException if the file system is read-only
   * @throws UnsupportedOperationException if it is writable: new content gets the time it was
   *     written, files of the archive keep theirs
   */
  @Override
  void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime);
}
