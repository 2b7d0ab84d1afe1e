package dev.engram.bench;

import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.WriterOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs a {@link FileSet} into an archive, the engram way or the ZIP way. Both read every file from
 * disk and end with the archive forced to disk (engram's {@code finish()} does; the ZIP file is
 * forced after {@code finish()}), so that they pay for the same I/O.
 */
final class Packers {
  private static final Instant MODIFIED = Instant.parse("2025-01-01T00:00:00Z");
  private static final int ZIP_BUFFER = 1 << 20;

  private Packers() {}

  /**
   * Packs every file with one codec through {@link ArchiveWriter}.
   *
   * @return the archive's size
   */
  static long engram(FileSet files, Path archive, PackCodec codec, int threads)
      throws IOException {
    return engram(files, archive, codec, threads, true);
  }

  /**
   * Packs every file with one codec through {@link ArchiveWriter}, framed entries with or without
   * their frame index ({@link WriterOptions#frameIndex()}).
   *
   * @return the archive's size
   */
  static long engram(FileSet files, Path archive, PackCodec codec, int threads,
      boolean frameIndex) throws IOException {
    WriterOptions.Builder options = WriterOptions.builder().threads(threads).modifiedTime(MODIFIED)
        .frameIndex(frameIndex);
    if (codec.method() == CompressionMethod.ZSTD) {
      options.zstdLevel(codec.zstdLevel());
    }
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options.build())) {
      for (Path file : files.files()) {
        writer.addFile(files.name(file), file, codec.method());
      }
      writer.finish();
    }
    return Files.size(archive);
  }

  /**
   * Packs every file through {@link ArchiveWriter} with its default options, each file's method
   * chosen by the writer (as {@code engram pack} does).
   *
   * @return the archive's size
   */
  static long engramDefaults(FileSet files, Path archive) throws IOException {
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      for (Path file : files.files()) {
        writer.addFile(files.name(file), file);
      }
      writer.finish();
    }
    return Files.size(archive);
  }

  /**
   * Packs every file with {@link ZipOutputStream}'s defaults (deflate, default level).
   *
   * @return the archive's size
   */
  static long zip(FileSet files, Path archive) throws IOException {
    try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), ZIP_BUFFER);
      ZipOutputStream zip = new ZipOutputStream(out);
      for (Path file : files.files()) {
        ZipEntry entry = new ZipEntry(files.name(file));
        entry.setLastModifiedTime(FileTime.from(MODIFIED));
        zip.putNextEntry(entry);
        Files.copy(file, zip);
        zip.closeEntry();
      }
      zip.finish();
      zip.flush();
      channel.force(true);
    }
    return Files.size(archive);
  }
}
