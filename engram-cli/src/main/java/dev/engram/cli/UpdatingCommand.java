package dev.engram.cli;

import dev.engram.ArchiveUpdate;
import dev.engram.ConcurrentUpdateException;
import dev.engram.EngramException;
import dev.engram.EntryInfo;
import dev.engram.ReaderOptions;
import dev.engram.UpdateOptions;
import dev.engram.WriterOptions;
import dev.engram.manifest.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command that changes an archive in place ({@code add}, {@code rm}, {@code update}) through
 * {@link ArchiveUpdate}: the archive is opened with the key given, the command stages its changes
 * ({@link #stage}), and they are committed as a new archive renamed over the old one, under a lock
 * and a check that no one changed it meanwhile; under {@code --dry-run} they are printed instead.
 */
abstract class UpdatingCommand extends BaseCommand {
  /** What every such command's help says about how the archive is changed. */
  static final String HOW = "The archive is written anew beside itself and renamed over the old"
      + " one, so it changes completely or not at all; entries left alone are copied as stored"
      + " (not compressed again, their CRC32 checked), a manifest lists the new set of files, and"
      + " an encrypted archive stays encrypted the same way with the same key or passphrase"
      + " (entries encrypted per file keep their encrypted bytes). Another add, rm or"
      + " update of the same archive running at the same time makes this one fail (exit 6)"
      + " rather than either losing the other's changes.";

  private static final LongConsumer NO_PROGRESS = bytes -> { };

  @Parameters(index = "0", paramLabel = "ARCHIVE",
      description = "The archive to change: a local .eng file.")
  String archive;

  @Mixin KeyOptions keys;

  @Mixin TimeOptions time;

  @Option(names = "--no-limits", description = ArchiveCommand.NO_LIMITS_HELP)
  boolean noLimits;

  @Option(names = {"-n", "--dry-run"},
      description = "Print what would change, one 'add PATH', 'replace PATH' or 'delete PATH'"
          + " per line, and change nothing.")
  boolean dryRun;

  @Option(names = "--drop-signatures",
      description = "If the manifest is signed, write it again without its signatures. A signed"
          + " archive is changed only with this or --resign: no signature is ever left that no"
          + " longer matches.")
  boolean dropSignatures;

  @Option(names = "--resign", paramLabel = "KEYFILE",
      description = "Sign the rewritten manifest with this private key instead (the signer named"
          + " after the file, as 'engram sign' does); earlier signatures are dropped.")
  Path resignKey;

  @Option(names = "--verify",
      description = "Decode every entry kept and check its CRC32 before copying it, refusing to"
          + " rewrite a damaged archive. By default kept entries are copied as stored (each"
          + " local header checked), so their damage stays as detectable as before by"
          + " 'engram verify', and an update costs little more than copying the file.")
  boolean verifyCopies;

  /** Where the writer's progress goes: the bar, while committing. */
  private volatile LongConsumer progressSink = NO_PROGRESS;

  /** What a change does to a path. */
  enum Kind {
    ADD, REPLACE, DELETE;

    String verb() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One change: what, to which path, and the size of the new content (0 for a deletion). */
  record Change(Kind kind, String path, long size) {}

  /** The changes a command staged, and what it left as it was. */
  static final class Changes {
    private final List<Change> list = new ArrayList<>();
    /** Entries kept as they are. */
    int unchanged;
    /** More about what was kept, after the counts: empty, or starting with ", ". */
    String note = "";

    void add(Kind kind, String path, long size) {
      list.add(new Change(kind, path, size));
    }

    long count(Kind kind) {
      return list.stream().filter(c -> c.kind() == kind).count();
    }

    List<Change> list() {
      return list;
    }
  }

  /** Checks this command's own options, before anything is read. */
  void checkOptions() {}

  /** Reads what the command needs before the archive is opened: the files to store. */
  void prepare(Path file) throws IOException {}

  /** Options for new content; commands that store files set theirs. */
  WriterOptions.Builder writerOptions(Optional<Instant> fixedTime) {
    WriterOptions.Builder options = WriterOptions.builder();
    fixedTime.ifPresent(options::latestModifiedTime);
    return options;
  }

  /** Stages the command's changes in the update, and says what they are. */
  abstract Changes stage(ArchiveUpdate update, Path file) throws IOException;

  @Override
  public final Integer call() throws IOException {
    keys.check(this);
    if (dropSignatures && resignKey != null) {
      throw usage("--drop-signatures and --resign are two answers to a signed manifest: give one");
    }
    checkOptions();
    Path file = archiveFile();
    Optional<Instant> fixedTime = time.fixedTime(io());
    prepare(file);
    WriterOptions writer = writerOptions(fixedTime).progress(bytes -> progressSink.accept(bytes))
        .build();
    ReaderOptions reading = null;
    UpdateOptions options = null;
    Changes changes;
    try {
      reading = keys.readerOptions(this, noLimits);
      options = updateOptions(writer, reading);
      try (ArchiveUpdate update = ArchiveUpdate.open(file, options)) {
        changes = stage(update, file);
        if (update.hasChanges()) {
          refuseAsCommitWould(update, file);
          if (!dryRun) {
            commit(update, file, total(update, changes));
          }
        }
      }
    } finally {
      if (options != null) {
        options.destroy();
      }
      if (reading != null) {
        reading.destroy();
      }
      writer.destroy();
    }
    if (dryRun || common.verbose) {
      changes.list().stream().sorted(Comparator.comparing(Change::path))
          .forEach(change -> out().println(change.kind().verb() + " " + change.path()));
    }
    if (!common.quiet) {
      out().println(summary(changes, file));
    }
    return ExitCodes.OK;
  }

  /** The files to store, without {@code manifest.json}: the update writes it (with a warning). */
  InputFiles withoutManifest(InputFiles files) {
    int manifest = files.indexOf(Manifest.ENTRY_NAME);
    if (manifest < 0) {
      return files;
    }
    warn("skipped " + files.file(manifest) + ": the archive's " + Manifest.ENTRY_NAME
        + " is written from its manifest, not from a file");
    return files.without(manifest);
  }

  private Path archiveFile() throws IOException {
    if (ArchiveCommand.isUrl(archive)) {
      throw usage("only an archive file on this machine can be changed, not " + archive);
    }
    Path file = Path.of(archive);
    if (Files.isDirectory(file)) {
      throw usage(archive + " is a folder, not an archive");
    }
    if (!Files.exists(file)) {
      throw new NoSuchFileException(archive, null, "no such archive ('engram pack' makes one)");
    }
    return file;
  }

  private UpdateOptions updateOptions(WriterOptions writer, ReaderOptions reading)
      throws IOException {
    UpdateOptions.Builder options = UpdateOptions.builder().writerOptions(writer)
        .readerOptions(reading) // the key, if any, and the limits
        .verifyCopies(verifyCopies);
    if (resignKey != null) {
      SigningKeyFiles.Signer signer = SigningKeyFiles.read(List.of(resignKey)).get(0);
      options.resign(signer.key(), signer.name());
    } else if (dropSignatures) {
      options.signedManifest(UpdateOptions.SignedManifest.DROP);
    }
    return options.build();
  }

  /** The bytes of content the commit reads: entries kept and new files. */
  private static long total(ArchiveUpdate update, Changes changes) {
    Map<String, Long> written = new HashMap<>();
    for (Change change : changes.list()) {
      written.put(change.path(), change.size());
    }
    long total = 0;
    for (String path : update.list()) {
      Long size = written.get(path);
      total += size != null ? size
          : update.original(path).map(EntryInfo::uncompressedSize).orElse(0L);
    }
    return total;
  }

  private void commit(ArchiveUpdate update, Path file, long total) throws IOException {
    try (Progress progress = progress(spec.name(), total)) {
      progressSink = progress;
      update.commit();
    } catch (EngramException e) {
      throw explained(e, file);
    } finally {
      progressSink = NO_PROGRESS;
    }
  }

  /**
   * The library's refusals to commit in this tool's terms: another update holding or changing
   * the archive is an I/O error (exit 6, as for a file in the way); other failures as they are.
   * (A signed manifest is refused before the commit, by {@link #refuseAsCommitWould}.)
   */
  private EngramException explained(EngramException failure, Path file) {
    if (failure instanceof ConcurrentUpdateException) {
      throw new CliException(ExitCodes.IO, failure.getMessage(), failure);
    }
    return failure;
  }

  /**
   * Fails as the commit would on a signed manifest (or {@code --resign} without a manifest),
   * before anything is read or written, and under {@code --dry-run} too.
   */
  private void refuseAsCommitWould(ArchiveUpdate update, Path file) {
    if (dropSignatures) {
      return;
    }
    Optional<Manifest> manifest = update.manifest();
    if (resignKey != null && manifest.isEmpty()) {
      throw usage(noManifestToResign(file));
    }
    if (resignKey == null && manifest.isPresent() && !manifest.get().signatures().isEmpty()) {
      throw usage(signedManifest(file));
    }
  }

  private static String signedManifest(Path file) {
    return file + ": its manifest is signed, and the signatures would no longer match the"
        + " changed archive: give --drop-signatures to drop them, or --resign KEYFILE to sign it"
        + " again";
  }

  private static String noManifestToResign(Path file) {
    return "--resign: " + file + " has no manifest to sign ('engram sign' adds one)";
  }

  private String summary(Changes changes, Path file) throws IOException {
    long added = changes.count(Kind.ADD);
    long replaced = changes.count(Kind.REPLACE);
    long deleted = changes.count(Kind.DELETE);
    if (dryRun) {
      return file + ": " + added + " to add, " + replaced + " to replace, " + deleted
          + " to delete, " + changes.unchanged + " unchanged" + changes.note
          + "; nothing written (--dry-run)";
    }
    return file + ": " + added + " added, " + replaced + " replaced, " + deleted + " deleted, "
        + changes.unchanged + " unchanged" + changes.note + "; "
        + (added + replaced + deleted == 0 ? "nothing to write"
            : "now " + Units.bytes(Files.size(file)));
  }
}
