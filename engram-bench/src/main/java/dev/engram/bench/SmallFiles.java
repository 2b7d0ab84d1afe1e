package dev.engram.bench;

import dev.engram.ArchiveWriter;
import dev.engram.WriterOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * An archive of many small files: {@code count} files of {@code minSize} up to {@code maxSize}
 * bytes (uniform), named and filled as the {@link Layout} says, generated in memory (never on
 * disk) and packed with each format's defaults (engram chooses the method by extension and stores
 * files under 4 KiB; ZIP deflates everything).
 *
 * @param count how many files
 * @param minSize the smallest file size
 * @param maxSize the largest file size
 * @param seed fixes names' order, sizes and content
 * @param layout the names and kinds of content
 */
record SmallFiles(int count, int minSize, int maxSize, long seed, Layout layout) {
  private static final Instant MODIFIED = Instant.parse("2025-01-01T00:00:00Z");

  /** How files are named and what they hold; the n-th file's kind is {@code mix[n % length]}. */
  enum Layout {
    /** Row 3: {@code docs/d<n / 100>/file<n>}; text, JSON and random bytes 2:2:1. */
    FLAT("small-", ContentKind.TEXT, ContentKind.JSON, ContentKind.TEXT, ContentKind.JSON,
        ContentKind.BINARY),
    /**
     * The file-system benchmark: a tree four directories deep, 100 files per directory and 100
     * directories per parent, {@code site/p<n / 10,000>/d<n / 100 % 100>/file<n>}; text and JSON
     * 2:1.
     */
    TREE("tree-", ContentKind.TEXT, ContentKind.TEXT, ContentKind.JSON);

    private final String prefix;
    private final ContentKind[] mix;

    Layout(String prefix, ContentKind... mix) {
      this.prefix = prefix;
      this.mix = mix;
    }

    private ContentKind kind(int n) {
      return mix[n % mix.length];
    }

    private String name(int n) {
      String file = "/file" + n + kind(n).extension();
      return this == FLAT ? "docs/d" + n / 100 + file
          : "site/p" + n / 10_000 + "/d" + n / 100 % 100 + file;
    }
  }

  /** Receives each generated file. */
  @FunctionalInterface
  private interface Sink {
    void accept(String name, byte[] content) throws IOException;
  }

  /** The name archives of these files are kept under, without the extension. */
  String label() {
    return layout.prefix + count;
  }

  /** The entry names, in the order they are packed. */
  List<String> names() {
    List<String> names = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      names.add(layout.name(n));
    }
    return names;
  }

  void writeEngram(Path archive) throws IOException {
    WriterOptions options = WriterOptions.builder().modifiedTime(MODIFIED).build();
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      generate(writer::addFile);
      writer.finish();
    }
  }

  /** Writes the files into a new directory, under their entry names (for packing by the CLI). */
  void writeFiles(Path dir) throws IOException {
    generate((name, content) -> {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    });
  }

  /** Writes a ZIP of the same files, every entry deflated, with the engram archive's time. */
  void writeZip(Path archive) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(archive), 1 << 20);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      generate((name, content) -> {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(MODIFIED.toEpochMilli()); // a DOS time only, no extra field
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
      });
    }
  }

  private void generate(Sink sink) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    ContentBlocks content = new ContentBlocks(seed);
    for (int n = 0; n < count; n++) {
      int size = minSize + random.nextInt(maxSize - minSize + 1);
      sink.accept(layout.name(n), content.bytes(layout.kind(n), size, random));
    }
  }
}
