package dev.engram.nio;

import java.io.IOException;
import java.nio.file.attribute.FileTime;

/**
 * The {@code basic} and {@code engram} views of a path: they read the attributes when asked, so a
 * view of a path that does not exist can be made, and fails only when read. Thread-safe.
 */
final class EntryAttributeView implements EngramFileAttributeView {
  private final EngramPath path;
  private final String name;

  EntryAttributeView(EngramPath path, String name) {
    this.path = path;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public EngramFileAttributes readAttributes() throws IOException {
    return path.getFileSystem().attributes(path);
  }

  @Override
  public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime,
      FileTime createTime) {
    throw EngramFileSystemProvider.cannotSetAttributes(path);
  }
}
