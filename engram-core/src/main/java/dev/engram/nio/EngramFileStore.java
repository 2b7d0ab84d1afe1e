package dev.engram.nio;

import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

/**
 * The one store of an {@link EngramFileSystem}: the archive. It is read-only; its total space is
 * the archive's size in bytes, and no space is usable or unallocated, since nothing can be
 * written. Immutable and thread-safe.
 */
final class EngramFileStore extends FileStore {
  private final EngramFileSystem fileSystem;

  EngramFileStore(EngramFileSystem fileSystem) {
    this.fileSystem = fileSystem;
  }

  /** The archive's name: its path or URI. */
  @Override
  public String name() {
    return fileSystem.archiveReader().name();
  }

  @Override
  public String type() {
    return ArchiveUris.SCHEME;
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public long getTotalSpace() {
    fileSystem.ensureOpen();
    return fileSystem.archiveReader().source().size();
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
