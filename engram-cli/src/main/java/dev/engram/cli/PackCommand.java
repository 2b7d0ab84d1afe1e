package dev.engram.cli;

import dev.engram.ArchivePaths;
import dev.engram.ArchiveWriter;
import dev.engram.CompressionMethod;
import dev.engram.EncryptionMode;
import dev.engram.WriterOptions;
import dev.engram.manifest.Manifest;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram pack}: writes folders and files into a new archive. */
@Command(name = "pack", mixinStandardHelpOptions = true,
    description = {
      "Pack folders and files into a new archive.",
      "Paths inside the archive are relative to each folder given (a file given by itself is"
          + " stored under its name), '/'-separated and sorted, so the same input gives the"
          + " same archive. Symbolic links and special files are skipped with a warning.",
      "With SOURCE_DATE_EPOCH set, or --reproducible, no recorded time is later than that"
          + " time (1970 for --reproducible), so an unencrypted archive of the same input is"
          + " byte-identical from run to run.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram pack docs/ -o docs.eng",
      "  engram pack src/ README.md -o release.eng --compression zstd --level 19"
          + " --exclude '*.tmp' --exclude .git",
      "  engram pack data/ -o data.eng --manifest manifest.toml --sign me.key",
      "  engram pack secrets/ -o secrets.eng --encrypt per-file --passphrase",
      "  SOURCE_DATE_EPOCH=1700000000 engram pack site/ -o site.eng",
    })
final class PackCommand extends BaseCommand {
  /** How entries are compressed. */
  enum Compression { AUTO, NONE, LZ4, ZSTD }

  @Parameters(arity = "1..*", paramLabel = "<input>", description = "Folders and files to pack.")
  List<Path> inputs;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "The archive to write.")
  Path output;

  @Option(names = {"-f", "--force"}, description = "Replace the output if it exists.")
  boolean force;

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

  @Option(names = "--manifest", paramLabel = "FILE",
      description = "Manifest template (TOML, or JSON if named *.json): name, version, author,"
          + " and optionally id, description, license, tags. Files are filled in.")
  Path manifest;

  @Option(names = "--sign", paramLabel = "KEYFILE",
      description = "Sign the manifest with this private key (repeatable; see 'engram keygen')."
          + " Without --manifest, one named after the archive is made.")
  List<Path> signKeys = new ArrayList<>();

  @Option(names = "--encrypt", paramLabel = "MODE", converter = EncryptionModeConverter.class,
      description = "per-file (names stay listable) or archive (everything), AES-256-GCM, with"
          + " --key-file, --passphrase or --passphrase-env.")
  EncryptionMode encrypt;

  @Mixin KeyOptions keys;

  @Option(names = "--database-frame-size", paramLabel = "BYTES",
      description = "Store SQLite databases in frames of this size (1024 to 65536, a power of"
          + " two) for fast random queries; an engram-java extension engram-rs cannot read.")
  Integer databaseFrameSize;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads that compress, this one included (default: the number of cores).")
  Integer threads;

  @Option(names = "--reproducible",
      description = "Record no time later than SOURCE_DATE_EPOCH, or 1970 when it is unset.")
  boolean reproducible;

  /** Parses {@code per-file} and {@code archive}. */
  static final class EncryptionModeConverter implements ITypeConverter<EncryptionMode> {
    @Override
    public EncryptionMode convert(String value) {
      switch (value) {
        case "per-file":
          return EncryptionMode.PER_FILE;
        case "archive":
          return EncryptionMode.ARCHIVE;
        default:
          throw new picocli.CommandLine.TypeConversionException(
              "'" + value + "' is not an encryption mode: use per-file or archive");
      }
    }
  }

  @Override
  public Integer call() throws IOException {
    checkOptions();
    Optional<Instant> fixedTime = SourceDate.of(io(), reproducible);
    TreeMap<String, Path> files = collect();
    long total = 0;
    for (Path file : files.values()) {
      total += Files.size(file);
    }
    try (Progress progress = progress("pack", total)) {
      WriterOptions options = writerOptions(fixedTime, progress);
      try (CleanupOnExit cleanup = CleanupOnExit.register();
          ArchiveWriter writer = cleanup.watch(ArchiveWriter.create(output, options))) {
        CompressionMethod method = method();
        for (var file : files.entrySet()) {
          if (method == null) {
            writer.addFile(file.getKey(), file.getValue());
          } else {
            writer.addFile(file.getKey(), file.getValue(), method);
          }
        }
        writer.finish();
      } finally {
        options.destroy();
      }
    }
    if (!common.quiet) {
      long stored = Files.size(output);
      out().println("packed " + files.size() + (files.size() == 1 ? " file, " : " files, ")
          + Units.bytes(total) + " into " + output + " (" + Units.bytes(stored) + ", "
          + Units.ratio(stored, total) + ")");
    }
    return ExitCodes.OK;
  }

  private void checkOptions() throws IOException {
    keys.check(this);
    if (level != null && (level < 1 || level > 22)) {
      throw usage("--level must be 1 to 22, not " + level);
    }
    if (level != null && (compression == Compression.NONE || compression == Compression.LZ4)) {
      throw usage("--level sets the Zstandard level; it does nothing with --compression "
          + compression.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (encrypt != null && !keys.given()) {
      throw usage("--encrypt needs --key-file, --passphrase or --passphrase-env");
    }
    if (encrypt == null && keys.given()) {
      throw usage("a key or passphrase was given without --encrypt per-file|archive");
    }
    if (threads != null && (threads < 1 || threads > WriterOptions.MAX_THREADS)) {
      throw usage("--threads must be 1 to " + WriterOptions.MAX_THREADS + ", not " + threads);
    }
    if (Files.isDirectory(output)) {
      throw usage("the output " + output + " is a folder; name the archive file to write");
    }
    if (!force && Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(ExitCodes.IO, output + ": already exists (use --force to replace"
          + " it)");
    }
    try {
      Globs.of(excludes);
    } catch (IllegalArgumentException e) {
      throw usage("bad --exclude glob: " + e.getMessage());
    }
  }

  private CompressionMethod method() {
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

  private WriterOptions writerOptions(Optional<Instant> fixedTime, Progress progress)
      throws IOException {
    WriterOptions.Builder options = WriterOptions.builder().progress(progress);
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
        throw usage("--database-frame-size: " + e.getMessage());
      }
    }
    if (manifest != null || !signKeys.isEmpty()) {
      Instant created = fixedTime.orElseGet(Instant::now);
      List<SigningKeyFiles.Signer> signers = SigningKeyFiles.read(signKeys);
      Manifest template = manifest != null ? ManifestTemplates.read(manifest, created)
          : ManifestTemplates.named(output, signers.get(0).name(), created);
      options.manifest(template);
      for (SigningKeyFiles.Signer signer : signers) {
        options.signWith(signer.key(), signer.name());
      }
    }
    if (encrypt != null) {
      if (keys.isPassphrase()) {
        char[] phrase = keys.passphrase(this, true);
        options.encryption(encrypt, phrase);
        Arrays.fill(phrase, '\0');
      } else {
        byte[] key = KeyOptions.readKey(keys.keyFile);
        options.encryption(encrypt, key);
        Arrays.fill(key, (byte) 0);
      }
    }
    return options.build();
  }

  /** Every file to pack, by archive path, in the order they are written. */
  private TreeMap<String, Path> collect() throws IOException {
    Globs excluded = Globs.of(excludes);
    Path outputFile = output.toAbsolutePath().normalize();
    TreeMap<String, Path> files = new TreeMap<>();
    for (Path input : inputs) {
      if (!Files.exists(input, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(input.toString(), null, "no such file or folder");
      }
      if (Files.isDirectory(input)) {
        walk(input, excluded, outputFile, files);
      } else if (Files.isRegularFile(input)) {
        add(files, input.getFileName().toString(), input);
      } else {
        throw usage(input + " is neither a file nor a folder");
      }
    }
    if (files.isEmpty()) {
      throw usage("nothing to pack: the inputs hold no files"
          + (excluded.isEmpty() ? "" : " that --exclude leaves in"));
    }
    return files;
  }

  private void walk(Path root, Globs excluded, Path outputFile, TreeMap<String, Path> files)
      throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return !dir.equals(root) && excluded.matches(relative(root, dir))
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String path = relative(root, file);
        if (excluded.matches(path)) {
          return FileVisitResult.CONTINUE;
        }
        if (attrs.isSymbolicLink()) {
          warn("skipped symbolic link " + file);
        } else if (!attrs.isRegularFile()) {
          warn("skipped " + file + ": not a regular file");
        } else if (!file.toAbsolutePath().normalize().equals(outputFile)) {
          add(files, path, file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private void add(TreeMap<String, Path> files, String path, Path file) {
    String name;
    try {
      name = ArchivePaths.normalize(path);
    } catch (IllegalArgumentException e) {
      throw usage("cannot store " + file + ": " + e.getMessage());
    }
    Path previous = files.putIfAbsent(name, file);
    if (previous != null) {
      throw usage("two inputs would both be stored as '" + name + "': " + previous + " and "
          + file);
    }
  }

  private static String relative(Path root, Path file) {
    StringBuilder path = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (path.length() > 0) {
        path.append('/');
      }
      path.append(part);
    }
    return path.toString();
  }
}
