package dev.engram;

import dev.engram.codec.Codecs;
import dev.engram.crypto.Sealing;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.Framing;
import dev.engram.format.LocalEntryHeader;
import dev.engram.frame.FramedPayloadWriter;
import dev.engram.io.ArchiveOutput;
import dev.engram.manifest.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Writes one entry's bytes, local header and payload, at the output's position, for {@link
 * ArchiveWriter} (which keeps the bookkeeping: paths, queue, directory, undoing a failed entry):
 *
 * <ul>
 *   <li>compressed in memory ({@link #writeCompressed}): the payload of a {@link BufferedEntry};
 *   <li>streamed ({@link #writeStreamed}): content read to its end while it is written, stored as
 *       is or in frames, the local header written first with zero sizes and patched once the
 *       sizes and CRC are known;
 *   <li>copied as stored from another archive ({@link #writeCopy}).
 * </ul>
 *
 * <p>Payloads are sealed by the archive's payload {@link Sealing}. Used by one writer thread.
 */
final class EntryWriter {
  private static final int COPY_BUFFER = 64 * 1024;
  /** How every SQLite database file starts: what {@link WriterOptions#databaseFrameSize} finds. */
  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  /** How many first bytes {@link #explicitFrameSize} needs to see. */
  static final int SNIFF_BYTES = SQLITE_HEADER.length;

  private final ArchiveOutput out;
  private final FramedPayloadWriter frames;
  private final Sealing sealing;
  private final WriterOptions options;
  /** Whether framed payloads end with a frame index. */
  private final boolean frameIndex;
  /** SHA-256 of each entry's content, when the writer generates the manifest; else null. */
  private final MessageDigest digest;

  EntryWriter(ArchiveOutput out, FramedPayloadWriter frames, Sealing sealing, boolean frameIndex,
      WriterOptions options, MessageDigest digest) {
    this.out = out;
    this.frames = frames;
    this.sealing = sealing;
    this.frameIndex = frameIndex;
    this.options = options;
    this.digest = digest;
  }

  /**
   * Returns the explicit frame size an entry gets: {@link WriterOptions#databaseFrameSize()} for
   * compressed content that starts with SQLite's header, else 0 (the base format's rules).
   */
  int explicitFrameSize(byte[] start, int length, CompressionMethod method) {
    int frameSize = options.databaseFrameSize();
    boolean database = length >= SQLITE_HEADER.length && Arrays.equals(start, 0,
        SQLITE_HEADER.length, SQLITE_HEADER, 0, SQLITE_HEADER.length);
    return frameSize > 0 && method != CompressionMethod.NONE && database ? frameSize : 0;
  }

  /**
   * Writes an entry at the output's position ({@code start}): stored as is, or framed (in frames
   * of {@code frameSize} bytes when it is not 0, recorded with the explicit frame size
   * extension). When the manifest is generated, the digest holds the content's SHA-256 after.
   *
   * @return the entry as written
   */
  DirectoryEntry writeStreamed(String name, InputStream content, CompressionMethod method, long modified,
      int frameSize, long start) throws IOException {
    int pathLength = utf8Length(name);
    boolean explicit = frameSize > 0;
    int flags = explicit ? Integer.numberOfTrailingZeros(frameSize) : 0;
    DirectoryEntry placeholder = new DirectoryEntry(start, 0, 0, 0, modified, method, flags,
        name, pathLength, explicit);
    out.write(LocalEntryHeader.matching(placeholder).encode());
    if (digest != null) {
      digest.reset();
    }
    long size;
    long stored;
    int crc;
    if (method == CompressionMethod.NONE) {
      Sealing.PayloadSink sink = sealing.begin(name, out);
      CRC32 checksum = new CRC32();
      byte[] buffer = new byte[COPY_BUFFER];
      size = 0;
      int n;
      while ((n = content.read(buffer)) > 0) {
        checksum.update(buffer, 0, n);
        if (digest != null) {
          digest.update(buffer, 0, n);
        }
        sink.write(buffer, 0, n);
        size += n;
      }
      sink.finish();
      stored = out.position() - start - LocalEntryHeader.sizeFor(pathLength);
      crc = (int) checksum.getValue();
    } else {
      int frameLength = explicit ? frameSize : Framing.FRAME_SIZE;
      FramedPayloadWriter.Result result = sealing.writeFrames(name, out, frameIndex,
          sink -> frames.write(content, sink, Codecs.of(method), options.zstdLevel(), digest,
              frameLength));
      size = result.uncompressedSize();
      stored = result.storedSize();
      crc = result.crc32();
      if (!explicit && !Framing.isFramed(size, method)) {
        // only possible if the source shrank after it was measured
        throw new IOException("content of '" + name + "' ended at " + size
            + " bytes, below the framing threshold it was measured above");
      }
    }
    DirectoryEntry entry = new DirectoryEntry(start, size, stored, crc, modified, method, flags,
        name, pathLength, explicit);
    out.patch(start, LocalEntryHeader.matching(entry).encode());
    return entry;
  }

  /** Writes a compressed entry at {@code start}: local header and payload, sealed. */
  DirectoryEntry writeCompressed(BufferedEntry compressed, long start) throws IOException {
    String name = compressed.name();
    int payloadLength = compressed.payloadLength();
    // compress first, then encrypt; the CRC stays that of the plaintext
    DirectoryEntry entry = new DirectoryEntry(start, compressed.length(),
        sealing.sealedSize(payloadLength), compressed.crc(), compressed.modified(),
        compressed.method(), 0, name, utf8Length(name));
    out.write(LocalEntryHeader.matching(entry).encode());
    sealing.writeSealed(name, compressed.payload(), 0, payloadLength, out);
    return entry;
  }

  /**
   * Reads an entry of another archive to its end, which checks its CRC32, and returns its
   * SHA-256 when the manifest is generated (else null).
   */
  byte[] checkContent(ArchiveReader source, DirectoryEntry entry) throws IOException {
    boolean hash = digest != null && !entry.path().equals(Manifest.ENTRY_NAME);
    if (hash) {
      digest.reset();
    }
    byte[] buffer = new byte[COPY_BUFFER];
    try (InputStream content = source.openStream(entry.path())) {
      int n;
      while ((n = content.read(buffer)) > 0) {
        if (hash) {
          digest.update(buffer, 0, n);
        }
      }
    }
    return hash ? digest.digest() : null;
  }

  /** An entry of another archive, and where its payload lies as stored. */
  record Copy(DirectoryEntry entry, Sealing.Payload payload) {
    /**
     * Whether the payload follows the entry's local header in the same source, so that header
     * and payload can be copied as one range.
     */
    boolean startsRun() {
      return payload.offset() == entry.dataOffset() + LocalEntryHeader.sizeFor(entry.pathLength());
    }

    /** Where the payload ends in its source. */
    long end() {
      return payload.offset() + entry.storedSize();
    }
  }

  /**
   * Finds an entry of another archive to copy as stored, after checking that it may be read.
   * Whether its stored bytes suit this archive is {@link Sealing#copying}'s to say.
   *
   * @throws NoSuchFileException if there is no such entry
   * @throws KeyRequiredException if it is encrypted and that archive was opened without its key
   */
  static Copy findCopy(ArchiveReader source, String path) throws IOException {
    EntryInfo from = source.entry(path).orElseThrow(() -> new NoSuchFileException(path, null,
        "no such entry in " + source.name()));
    return new Copy(from.directoryEntry(), source.storedPayload(from));
  }

  /** Writes an entry of another archive at {@code start}, its payload copied as stored. */
  DirectoryEntry writeCopy(String name, Copy copy, long start) throws IOException {
    DirectoryEntry from = copy.entry();
    Sealing.Payload stored = copy.payload();
    DirectoryEntry entry = new DirectoryEntry(start, from.uncompressedSize(), from.storedSize(),
        from.crc32(), from.modifiedTime(), from.method(), from.flags(), name, utf8Length(name),
        from.explicitFrames());
    out.write(LocalEntryHeader.matching(entry).encode());
    out.transferFrom(stored.source(), stored.offset(), from.storedSize());
    return entry;
  }

  /**
   * Writes an entry of another archive at {@code start}, its payload sealed again for its new
   * path ({@link Sealing.Copying#RESEALED}): decrypted and encrypted anew, not decompressed, so
   * its sizes, CRC32 and layout are those of the original.
   */
  DirectoryEntry writeResealed(String name, Copy copy, Sealing from, long start)
      throws IOException {
    DirectoryEntry original = copy.entry();
    DirectoryEntry entry = original.movedTo(name, utf8Length(name), start);
    out.write(LocalEntryHeader.matching(entry).encode());
    long stored = sealing.writeResealed(from, original, copy.payload(), name, out);
    if (stored != original.storedSize()) {
      throw new IllegalStateException("sealing '" + original.path() + "' again as '" + name
          + "' gave " + stored + " bytes, not its " + original.storedSize());
    }
    return entry;
  }

  private static int utf8Length(String name) {
    return name.getBytes(StandardCharsets.UTF_8).length;
  }
}
