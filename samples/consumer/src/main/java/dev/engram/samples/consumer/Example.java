package dev.engram.samples.consumer;

import dev.engram.ArchiveReader;
import dev.engram.ArchiveWriter;
import dev.engram.VerificationReport;
import dev.engram.VerifyOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Packs two entries, reads one back and verifies the archive; prints what it did and exits with
 * 1 if anything is not as written.
 */
public final class Example {
  private Example() {}

  /**
   * Runs the example in a new temporary folder.
   *
   * @param args ignored
   * @throws IOException if the archive cannot be written or read
   */
  public static void main(String[] args) throws IOException {
    Path folder = Files.createTempDirectory("engram-consumer");
    Path archive = folder.resolve("example.eng");
    byte[] notes = "Engram from a consumer project\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    try (ArchiveWriter writer = ArchiveWriter.create(archive)) {
      writer.addFile("notes.txt", notes);
      writer.addFile("data/numbers.json", "[1, 2, 3]".getBytes(StandardCharsets.UTF_8));
      writer.finish();
    }
    boolean ok;
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      byte[] back = reader.read("notes.txt");
      VerificationReport report = reader.verify(VerifyOptions.defaults());
      ok = Arrays.equals(notes, back) && report.isIntact() && reader.list().size() == 2;
      System.out.println("packed " + reader.list() + ", read back "
          + (Arrays.equals(notes, back) ? "the same bytes" : "DIFFERENT bytes") + ", verify: "
          + (report.isIntact() ? "intact" : "DAMAGED") + ", on the "
          + (Example.class.getModule().isNamed() ? "module path" : "class path"));
    } finally {
      Files.deleteIfExists(archive);
      Files.deleteIfExists(folder);
    }
    if (!ok) {
      System.exit(1);
    }
  }
}
