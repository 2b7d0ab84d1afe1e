package dev.engram.nio;

import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

/**
 * The one store of an {@link EngramFileSystem}: the archive. Its total space is the archive's
 * size in bytes as opened; no space is reported usable or unallocated (a writable file system's
 * new content goes to temporary files beside the archive, then into a new archive). Immutable
 * and thread-safe.
 */
final class EngramFileStore extends FileStore {
  private final EngramFileSystem fileSystem;

  EngramFileStore(EngramFileSystem fileSystem) {
    this.fileSystem = fileSystem;
  }

  /** The archive's name: its path or URI. */
  @Override
  public String name() {
    return fileSystem.toString();
  }

  @Override
  public String type() {
    return ArchiveUris.SCHEME;
  }

  @Override
  public boolean isReadOnly() {
    return fileSystem.isReadOnly();
  }

  /** The size of the archive as opened (0 for a new one). */
  @Override
  public long getTotalSpace() {
    fileSystem.ensureOpen();
    return fileSystem.archiveReader() == null ? 0 : fileSystem.archiveReader().source().size();
  }

  @Override
  public long getUsableSpace() {
    fileSystem.ensureOpen();
    return 0;
  }

  @Override
  public long getUnallocatedSpace() {
    fileSystem.ensureOpen();
    return 0;
  }

  @Override
  public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
    return type == BasicFileAttributeView.class || type == EngramFileAttributeView.class;
  }

  @Override
  public boolean supportsFileAttributeView(String name) {
    return fileSystem.supportedFileAttributeViews().contains(name);
  }

  @Override
  public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
    return null;
  }

  /**
   * Reads {@code totalSpace}, {@code usableSpace} or {@code unallocatedSpace}.
   *
   * @throws UnsupportedOperationException for another attribute
   */
  @Override
  public Object getAttribute(String attribute) {
    switch (attribute) {
      case "totalSpace": return getTotalSpace();
      case "usableSpace": return getUsableSpace();
      case "unallocatedSpace": return getUnallocatedSpace();
      default:
        throw new UnsupportedOperationException("'" + attribute + "' is not an attribute of an"
            + " engram file store");
    }
  }

  @Override
  public String toString() {
    return name() + " (" + type() + ")";
  }
}
