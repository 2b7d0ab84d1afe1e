package dev.engram;

import dev.engram.format.DirectoryEntry;
import dev.engram.manifest.FileEntry;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.MimeTypes;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The manifest a writer generates when {@link WriterOptions#manifest()} is set: the template,
 * completed at {@code finish()} with every entry added (path, SHA-256, size, media type) and signed
 * with every {@link WriterOptions.Builder#signWith} key. The SHA-256 digest is fed by the same
 * loops that compute each entry's CRC32, so hashing costs no extra pass. Used by one writer
 * thread.
 */
final class GeneratedManifest {
  private final WriterOptions options;
  private final MessageDigest digest = BufferedEntry.newSha256();
  /** The files, in the order entries were added. */
  private final List<FileEntry> files = new ArrayList<>();

  private GeneratedManifest(WriterOptions options) {
    this.options = options;
  }

  /** Returns the manifest to generate, or null when the options ask for none. */
  static GeneratedManifest of(WriterOptions options) {
    return options.manifest().isPresent() ? new GeneratedManifest(options) : null;
  }

  /** The digest that streamed entries feed; reset before each entry. */
  MessageDigest digest() {
    return digest;
  }

  /** Lists a written entry with its content's SHA-256 (none for the manifest itself). */
  void add(DirectoryEntry entry, byte[] sha256) {
    if (sha256 != null) {
      files.add(FileEntry.of(entry.path(), HexFormat.of().formatHex(sha256),
          entry.uncompressedSize(), MimeTypes.guess(entry.path())));
    }
  }

  /** Completes the template with the files, signs it, and returns its JSON. */
  byte[] toJson(Instant signedAt) {
    Manifest manifest = options.manifest().orElseThrow().withFiles(files);
    for (WriterOptions.Signer signer : options.signers()) {
      manifest = manifest.sign(signer.key(), signer.name(), signedAt);
    }
    return manifest.toJson();
  }
}
