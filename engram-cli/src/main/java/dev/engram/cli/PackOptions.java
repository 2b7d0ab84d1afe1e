package dev.engram.cli;

import dev.engram.CompressionMethod;
import dev.engram.WriterOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How files are packed, for every command that packs them ({@code pack}, {@code add}, {@code
 * update}): which files folders give ({@code --exclude}), and how their entries are written
 * (compression, level, threads, database frames).
 */
final class PackOptions {
  /** How entries are compressed. */
  enum Compression { AUTO, NONE, LZ4, ZSTD }

  @Option(names = {"-c", "--compression"}, paramLabel = "METHOD", defaultValue = "auto",
      description = "auto (by file type and size, as engram-rs chooses), none, lz4 or zstd."
          + " Default: ${DEFAULT-VALUE}.")
  Compression compression;

  @Option(names = {"-l", "--level"}, paramLabel = "N",
      description = "Zstandard level, 1 to 22 (default " + WriterOptions.DEFAULT_ZSTD_LEVEL + ").")
  Integer level;

  @Option(names = {"-x", "--exclude"}, paramLabel = "GLOB",
      description = "Leave out matching paths (repeatable). A glob without '/' matches any file"
          + " or folder name ('*.log', '.git'); with '/' the whole path ('build/**').")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--database-frame-size", paramLabel = "BYTES",
      description = "Store SQLite databases in frames of this size (1024 to 65536, a power of"
          + " two) for fast random queries; an engram-java extension engram-rs cannot read.")
  Integer databaseFrameSize;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads that compress, this one included (default: the number of cores).")
  Integer threads;

  /** Checks the options against each other; usage errors name the problem. */
  void check(BaseCommand command) {
    if (level != null && (level < 1 || level > 22)) {
      throw command.usage("--level must be 1 to 22, not " + level);
    }
    if (level != null && (compression == Compression.NONE || compression == Compression.LZ4)) {
      throw command.usage("--level sets the Zstandard level; it does nothing with --compression "
          + compression.name().toLowerCase(Locale.ROOT));
    }
    if (threads != null && (threads < 1 || threads > WriterOptions.MAX_THREADS)) {
      throw command.usage("--threads must be 1 to " + WriterOptions.MAX_THREADS + ", not "
          + threads);
    }
    excluded(command);
  }

  /** The {@code --exclude} globs. */
  Globs excluded(BaseCommand command) {
    try {
      return Globs.of(excludes);
    } catch (IllegalArgumentException e) {
      throw command.usage("bad --exclude glob: " + e.getMessage());
    }
  }

  /** The method every entry gets, or null to choose by content (auto). */
  CompressionMethod method() {
    switch (compression) {
      case NONE:
        return CompressionMethod.NONE;
      case LZ4:
        return CompressionMethod.LZ4;
      case ZSTD:
        return CompressionMethod.ZSTD;
      default:
        return null;
    }
  }

  /**
   * Writer options with the level, threads and database frame size asked for, and no recorded
   * time later than {@code fixedTime}.
   */
  WriterOptions.Builder writerOptions(BaseCommand command, Optional<Instant> fixedTime) {
    WriterOptions.Builder options = WriterOptions.builder();
    fixedTime.ifPresent(options::latestModifiedTime);
    if (level != null) {
      options.zstdLevel(level);
    }
    if (threads != null) {
      options.threads(threads);
    }
    if (databaseFrameSize != null) {
      try {
        options.databaseFrameSize(databaseFrameSize);
      } catch (IllegalArgumentException e) {
        throw command.usage("--database-frame-size: " + e.getMessage());
      }
    }
    return options;
  }
}
