package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress listeners of writing, verifying and extracting, and selective extraction. */
class ProgressTest {
  @TempDir Path dir;

  private Path archive(AtomicLong written) throws IOException {
    Path file = dir.resolve("big.bin");
    Files.write(file, TestData.pattern(3_000_000));
    Path archive = dir.resolve("a.eng");
    try (ArchiveWriter writer = ArchiveWriter.create(archive,
        WriterOptions.builder().progress(written::addAndGet).build())) {
      writer.addFile("docs/a.txt", TestData.text(10_000, 1));
      writer.addFile("docs/b.txt", new ByteArrayInputStream(TestData.text(20_000, 2)));
      writer.addFile("data/big.bin", file);
      writer.finish();
    }
    return archive;
  }

  @Test
  void theWriterReportsEveryByteOfContentItConsumes() throws IOException {
    AtomicLong written = new AtomicLong();
    archive(written);
    assertEquals(10_000 + 20_000 + 3_000_000, written.get());
  }

  @Test
  void verificationReportsEveryByteItChecks() throws IOException {
    Path archive = archive(new AtomicLong());
    AtomicLong checked = new AtomicLong();
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      assertTrue(reader.verify(VerifyOptions.builder().progress(checked::addAndGet).build())
          .isIntact());
    }
    assertEquals(3_030_000, checked.get());
  }

  @Test
  void selectiveExtractionWritesOnlyTheSelectedEntriesAndReportsTheirBytes() throws IOException {
    Path archive = archive(new AtomicLong());
    AtomicLong extracted = new AtomicLong();
    Path out = dir.resolve("out");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      List<Path> files = reader.extractAll(out, path -> path.startsWith("docs/"),
          extracted::addAndGet);
      assertEquals(List.of(out.resolve("docs/a.txt"), out.resolve("docs/b.txt")), files);
    }
    assertEquals(30_000, extracted.get());
    assertFalse(Files.exists(out.resolve("data")));
  }
}
