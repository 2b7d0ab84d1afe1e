package dev.engram.cli;

import dev.engram.ArchiveReader;
import dev.engram.EngramException;
import dev.engram.EntryInfo;
import dev.engram.KeyRequiredException;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SignatureEntry;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code engram info}: what an archive is, in a few lines. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Describe an archive: format version, entries, sizes, encryption, manifest.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram info docs.eng",
      "  engram info --key-file data.key secret.eng",
    })
final class InfoCommand extends ArchiveCommand {
  @Override
  public Integer call() throws IOException {
    try (ArchiveReader reader = open()) {
      List<EntryInfo> entries = reader.entries();
      long size = 0;
      long stored = 0;
      long framed = 0;
      for (EntryInfo e : entries) {
        size += e.uncompressedSize();
        stored += e.storedSize();
        framed += e.isFramed() ? 1 : 0;
      }
      long fileSize = reader.source().size();
      PrintStream out = out();
      out.println("archive:     " + archive);
      out.println("format:      " + reader.formatVersion());
      out.println("entries:     " + entries.size() + (framed > 0 ? " (" + framed + " framed)" : ""));
      out.println("content:     " + Units.bytes(size) + " (" + size + " bytes)");
      out.println("stored:      " + Units.bytes(stored) + " (" + Units.ratio(stored, size)
          + " of the content)");
      out.println("file size:   " + Units.bytes(fileSize) + " (" + fileSize + " bytes)");
      out.println("encryption:  " + reader.encryption()
          .map(mode -> mode.name().toLowerCase(Locale.ROOT).replace('_', '-') + " (AES-256-GCM)")
          .orElse("none"));
      if (reader.contentVersion() != 0) {
        out.println("content version: " + Integer.toUnsignedString(reader.contentVersion()));
      }
      describeManifest(reader, out);
    }
    out().flush();
    return ExitCodes.OK;
  }

  private void describeManifest(ArchiveReader reader, PrintStream out) throws IOException {
    Optional<Manifest> found;
    try {
      found = reader.manifest();
    } catch (KeyRequiredException e) {
      out.println("manifest:    encrypted (give the key to read it)");
      return;
    } catch (EngramException e) {
      out.println("manifest:    unreadable: " + e.reason());
      return;
    }
    if (found.isEmpty()) {
      out.println("manifest:    none");
      return;
    }
    Manifest m = found.get();
    out.println("manifest:    " + m.name() + " " + m.metadata().version() + " (id " + m.id()
        + ")");
    out.println("  author:    " + m.author().name()
        + (m.author().email() != null ? " <" + m.author().email() + ">" : ""));
    if (m.description() != null) {
      out.println("  about:     " + m.description());
    }
    if (m.metadata().license() != null) {
      out.println("  license:   " + m.metadata().license());
    }
    if (!m.metadata().tags().isEmpty()) {
      out.println("  tags:      " + String.join(", ", m.metadata().tags()));
    }
    out.println("  files:     " + m.files().size());
    List<Boolean> valid = m.verifySignatures();
    List<SignatureEntry> signatures = m.signatures();
    if (signatures.isEmpty()) {
      out.println("  signed:    no");
    }
    for (int i = 0; i < signatures.size(); i++) {
      SignatureEntry s = signatures.get(i);
      out.println("  signed:    by " + (s.signer() != null ? s.signer() : "(unnamed)") + ", key "
          + s.publicKey().substring(0, Math.min(16, s.publicKey().length())) + "..., "
          + (valid.get(i) ? "signature correct" : "SIGNATURE INVALID")
          + " (run 'engram verify' to check the content too)");
    }
  }
}
