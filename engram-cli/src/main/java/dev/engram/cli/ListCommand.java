package dev.engram.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engram.ArchiveReader;
import dev.engram.EntryInfo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram list}: the entries of an archive. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
    description = "List the entries of an archive, one path per line.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram list docs.eng",
      "  engram list --long docs.eng",
      "  engram list --json docs.eng | jq '.[] | select(.framed)'",
    })
final class ListCommand extends ArchiveCommand {
  @Option(names = {"-l", "--long"},
      description = "Also size, stored size, ratio, method, frames and modified time.")
  boolean longFormat;

  @Option(names = "--json", description = "A JSON array of entries, with every field.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (longFormat && json) {
      throw usage("--long and --json are two formats: choose one");
    }
    try (ArchiveReader reader = open()) {
      List<EntryInfo> entries = reader.entries();
      if (json) {
        printJson(entries);
      } else if (longFormat) {
        printLong(entries);
      } else {
        PrintWriter out = buffered();
        entries.forEach(e -> out.println(e.path()));
        out.flush();
      }
    }
    out().flush();
    return ExitCodes.OK;
  }

  /**
   * Standard output through a 64 KiB buffer, to be flushed (not closed: standard output stays
   * open): standard output flushes at every line, a system call per entry (a million of them for
   * a large archive).
   */
  private PrintWriter buffered() {
    return new PrintWriter(new BufferedWriter(new OutputStreamWriter(out(), out().charset()),
        1 << 16));
  }

  private void printLong(List<EntryInfo> entries) {
    PrintWriter out = buffered();
    printLong(entries, out);
    out.flush();
  }

  private static void printLong(List<EntryInfo> entries, PrintWriter out) {
    String format = "%14s %14s %7s %-6s %-7s %-20s %s%n";
    out.printf(Locale.ROOT, format, "size", "stored", "ratio", "method", "frames", "modified",
        "path");
    long size = 0;
    long stored = 0;
    for (EntryInfo e : entries) {
      out.printf(Locale.ROOT, format, e.uncompressedSize(), e.storedSize(),
          Units.ratio(e.storedSize(), e.uncompressedSize()), method(e), frames(e),
          e.modifiedTime().toString(), e.path());
      size += e.uncompressedSize();
      stored += e.storedSize();
    }
    out.printf(Locale.ROOT, format, size, stored, Units.ratio(stored, size), "", "", "",
        entries.size() + (entries.size() == 1 ? " entry" : " entries"));
  }

  private static String method(EntryInfo e) {
    return e.compression().name().toLowerCase(Locale.ROOT);
  }

  /** "-" when not framed, else the frame size: "64K". */
  private static String frames(EntryInfo e) {
    return e.isFramed() ? (e.frameSize() / 1024) + "K" : "-";
  }

  private void printJson(List<EntryInfo> entries) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    try (JsonGenerator json = mapper.getFactory().createGenerator(out())) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.useDefaultPrettyPrinter();
      json.writeStartArray();
      for (EntryInfo e : entries) {
        json.writeStartObject();
        json.writeStringField("path", e.path());
        json.writeNumberField("size", e.uncompressedSize());
        json.writeNumberField("storedSize", e.storedSize());
        json.writeStringField("method", method(e));
        json.writeBooleanField("framed", e.isFramed());
        if (e.isFramed()) {
          json.writeNumberField("frameSize", e.frameSize());
        }
        json.writeStringField("crc32", String.format(Locale.ROOT, "%08x", e.crc32()));
        json.writeStringField("modified", e.modifiedTime().toString());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    out().println();
  }
}
