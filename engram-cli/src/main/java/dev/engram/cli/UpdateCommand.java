package dev.engram.cli;

import dev.engram.ArchiveUpdate;
import dev.engram.EntryInfo;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram update}: brings an archive up to date with a folder. */
@Command(name = "update", mixinStandardHelpOptions = true,
    description = {
      "Bring an archive up to date with a folder: add its new files, replace the changed ones,"
          + " and with --delete delete the entries whose file is gone.",
      "Files get the paths 'engram pack DIR' would give them. A file has changed if its size"
          + " differs from its entry's, or if its modified time (in whole seconds, as stored)"
          + " differs and so does its CRC32: a file whose size and time match is not read, and"
          + " one merely touched is read and compared but not rewritten (its entry keeps its"
          + " time). Entries --exclude matches are neither added nor deleted.",
      UpdatingCommand.HOW,
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram update site.eng site/",
      "  engram update site.eng site/ --delete --dry-run",
      "  engram update site.eng site/ --delete --exclude '*.tmp' --exclude .git",
      "  engram update signed.eng site/ --resign me.key",
    })
final class UpdateCommand extends UpdatingCommand {
  @Parameters(index = "1", paramLabel = "DIR",
      description = "The folder the archive should hold.")
  Path directory;

  @Option(names = "--delete",
      description = "Delete the entries whose file is not in DIR (or is no longer a regular"
          + " file), so that the archive holds what 'engram pack DIR' would pack.")
  boolean delete;

  @Mixin PackOptions pack;

  private Globs excluded;
  private InputFiles files;

  @Override
  void checkOptions() {
    pack.check(this);
  }

  @Override
  void prepare(Path file) throws IOException {
    if (!Files.exists(directory)) {
      throw new NoSuchFileException(directory.toString(), null, "no such folder");
    }
    if (!Files.isDirectory(directory)) {
      throw usage(directory + " is not a folder; to add a file, use 'engram add'");
    }
    excluded = pack.excluded(this);
    files = withoutManifest(InputFiles.collect(this, List.of(directory), excluded, file));
  }

  @Override
  WriterOptions.Builder writerOptions(Optional<Instant> fixedTime) {
    return pack.writerOptions(this, fixedTime);
  }

  @Override
  Changes stage(ArchiveUpdate update, Path file) throws IOException {
    Changes changes = new Changes();
    BitSet toCompare = new BitSet(); // indices in files: a bit a file rather than an object
    long compareBytes = 0;
    for (int i = 0; i < files.size(); i++) {
      String path = files.path(i);
      BasicFileAttributes attributes = Files.readAttributes(files.file(i),
          BasicFileAttributes.class);
      Optional<EntryInfo> entry = update.original(path);
      if (!update.contains(path)) {
        changes.add(Kind.ADD, path, attributes.size());
      } else if (entry.isEmpty() || entry.get().uncompressedSize() != attributes.size()) {
        changes.add(Kind.REPLACE, path, attributes.size());
      } else if (seconds(attributes) == entry.get().modifiedTime().getEpochSecond()) {
        changes.unchanged++;
      } else {
        toCompare.set(i);
        compareBytes += attributes.size();
      }
    }
    if (!toCompare.isEmpty()) {
      try (Progress progress = progress("compare", compareBytes)) {
        for (int i = toCompare.nextSetBit(0); i >= 0; i = toCompare.nextSetBit(i + 1)) {
          String path = files.path(i);
          Path input = files.file(i);
          EntryInfo entry = update.original(path).orElseThrow();
          if (crc32(input, progress) == entry.crc32()) {
            changes.unchanged++;
          } else {
            changes.add(Kind.REPLACE, path, Files.size(input));
          }
        }
      }
    }
    for (Change change : changes.list()) {
      update.write(change.path(), files.file(files.indexOf(change.path())), pack.method());
    }
    int missing = 0;
    for (String path : update.list()) {
      if (files.contains(path) || InputFiles.isExcluded(excluded, path)) {
        changes.unchanged += files.contains(path) ? 0 : 1;
      } else if (delete) {
        update.delete(path);
        changes.add(Kind.DELETE, path, 0);
      } else {
        missing++;
      }
    }
    if (missing > 0) {
      changes.note = ", " + missing + " not in " + directory + " (kept; --delete deletes them)";
    }
    return changes;
  }

  /** A file's modified time as entries record it: whole seconds, none before 1970. */
  private static long seconds(BasicFileAttributes attributes) {
    return Math.max(0, attributes.lastModifiedTime().to(TimeUnit.SECONDS));
  }

  private static int crc32(Path file, LongConsumer progress) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        crc.update(buffer, 0, n);
        progress.accept(n);
      }
    }
    return (int) crc.getValue();
  }
}
