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
 * The many-small-files archives of row 3: {@code count} files of 256 bytes up to a maximum size,
 * text, JSON and random binary (2:2:1), 100 per directory, generated in memory (never on disk)
 * and packed with each format's defaults (engram chooses the method by extension and stores
 * files under 4 KiB; ZIP deflates everything).
 *
 * @param count how many files
 * @param maxSize the largest file size; sizes are uniform from 256 bytes to this
 * @param seed fixes names' order, sizes and content
 */
record SmallFiles(int count, int maxSize, long seed) {
  private static final ContentKind[] MIX = {ContentKind.TEXT, ContentKind.JSON,
      ContentKind.TEXT, ContentKind.JSON, ContentKind.BINARY};
  private static final int MIN_SIZE = 256;

  /** Receives each generated file. */
  @FunctionalInterface
  private interface Sink {
    void accept(String name, byte[] content) throws IOException;
  }

  /** The entry names, in the order they are packed. */
  List<String> names() {
    List<String> names = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      names.add(name(n));
    }
    return names;
  }

  void writeEngram(Path archive) throws IOException {
    WriterOptions options =
        WriterOptions.builder().modifiedTime(Instant.parse("2025-01-01T00:00:00Z")).build();
    try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
      generate(writer::addFile);
      writer.finish();
    }
  }

  void writeZip(Path archive) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(archive), 1 << 20);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      generate((name, content) -> {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
      });
    }
  }

  private void generate(Sink sink) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    ContentBlocks content = new ContentBlocks(seed);
    for (int n = 0; n < count; n++) {
      int size = MIN_SIZE + random.nextInt(maxSize - MIN_SIZE + 1);
      sink.accept(name(n), content.bytes(MIX[n % MIX.length], size, random));
    }
  }

  private String name(int n) {
    return "docs/d" + n / 100 + "/file" + n + MIX[n % MIX.length].extension();
  }
}
