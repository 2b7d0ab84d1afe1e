package dev.engram;

import dev.engram.codec.Codecs;
import dev.engram.crypto.Sealing;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.LocalEntryHeader;
import dev.engram.frame.FrameCache;
import dev.engram.frame.FrameIndex;
import dev.engram.frame.FramedContent;
import dev.engram.frame.FramedEntryChannel;
import dev.engram.io.ReadOnlyChannel;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * Chooses how an entry's content is read, from its layout: where its plain payload is (through
 * the payloads' {@link Sealing}), and which channel or view serves it. Callers have checked that
 * the entry may be read (reader open, key, limits).
 *
 * <table>
 *   <caption>How each layout is served</caption>
 *   <tr><th>layout</th><th>channel</th><th>memory</th></tr>
 *   <tr><td>uncompressed</td><td>{@link StoredEntryChannel}: straight from the source</td>
 *       <td>none</td></tr>
 *   <tr><td>compressed in one block</td><td>{@link MemoryEntryChannel}: decoded and CRC-checked
 *       when opened</td><td>the content</td></tr>
 *   <tr><td>framed</td><td>{@link FramedEntryChannel}: decodes the frames a read touches</td>
 *       <td>a few frames</td></tr>
 * </table>
 *
 * <p>Thread-safe: the frame index cache is concurrent, everything else is immutable.
 */
final class EntryAccess {
  /** How an entry's payload is laid out. */
  enum Layout { STORED, BLOCK, FRAMED }

  private final ArchiveSource body;
  private final Sealing sealing;
  private final ReaderOptions options;
  private final ReaderThreads threads;
  private final FrameCache frameCache;
  private final Map<Integer, FrameIndex> frameIndexes = new ConcurrentHashMap<>();

  EntryAccess(ArchiveSource body, Sealing sealing, ReaderOptions options, ReaderThreads threads,
      FrameCache frameCache) {
    this.body = body;
    this.sealing = sealing;
    this.options = options;
    this.threads = threads;
    this.frameCache = frameCache;
  }

  static Layout layout(DirectoryEntry entry) {
    if (entry.method() == CompressionMethod.NONE) {
      return Layout.STORED;
    }
    return entry.isFramed() ? Layout.FRAMED : Layout.BLOCK;
  }

  /**
   * Says whether an entry is served from a decoded copy in memory: compressed in one block, or
   * uncompressed in a small payload that must be decrypted whole.
   */
  private boolean decodedInMemory(DirectoryEntry entry) {
    Layout layout = layout(entry);
    return layout == Layout.BLOCK
        || layout == Layout.STORED && sealing.opensWholeInMemory(entry.storedSize());
  }

  /** Fails unless the key that the entry's payload needs is known. */
  void requireKey(DirectoryEntry entry) throws KeyRequiredException {
    sealing.requireKey("entry '" + entry.path() + "'");
  }

  /** Reads an entry's whole content into an array (its size is below the array limit). */
  byte[] readAll(int index, DirectoryEntry entry) throws IOException {
    if (decodedInMemory(entry)) {
      return decodeWhole(entry);
    }
    // the channel first: for a framed entry it walks and checks the frame layout, so a payload
    // whose frames are garbage fails before the content's array is allocated
    try (ReadOnlyChannel channel = channel(index, entry)) {
      byte[] content = new byte[(int) entry.uncompressedSize()];
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          throw new AssertionError("channel ended before its size");
        }
      }
      return content;
    }
  }

  /** Opens the channel an entry's layout needs. */
  ReadOnlyChannel channel(int index, DirectoryEntry entry) throws IOException {
    if (decodedInMemory(entry)) {
      return new MemoryEntryChannel(body, decodeWhole(entry));
    }
    Sealing.Payload payload = plainPayload(index, entry);
    if (layout(entry) == Layout.STORED) {
      return new StoredEntryChannel(payload.source(), payload.offset(), entry.uncompressedSize(),
          entry.path(), entry.crc32());
    }
    return new FramedEntryChannel(payload.source(), frameIndex(index, entry, payload),
        Codecs.of(entry.method()), entry.path(), entry.crc32(), options.channelFrameCache(),
        threads.pool(), threads.count() - 1, FramedEntryChannel.aheadWindow(threads.count()));
  }

  /** Opens a view for positional reads from any thread. */
  RandomAccessEntry randomAccess(int index, EntryInfo info) throws IOException {
    DirectoryEntry entry = info.directoryEntry();
    if (decodedInMemory(entry)) {
      return RandomAccessEntry.decoded(info, body, decodeWhole(entry));
    }
    Sealing.Payload payload = plainPayload(index, entry);
    if (layout(entry) == Layout.STORED) {
      return RandomAccessEntry.stored(info, body, payload.source(), payload.offset());
    }
    FramedContent content = new FramedContent(payload.source(),
        frameIndex(index, entry, payload), Codecs.of(entry.method()), entry.path(), frameCache,
        index);
    return RandomAccessEntry.framed(info, body, content);
  }

  /**
   * Returns where an entry's payload lies exactly as stored (after checking its local header),
   * or empty when it is sealed to this archive.
   */
  Optional<Sealing.Payload> payloadAsStored(DirectoryEntry entry) throws IOException {
    Optional<Sealing.Payload> payload = sealing.payloadAsStored(entry, body);
    if (payload.isPresent()) {
      checkLocalHeader(entry, read(entry.dataOffset(), localHeaderSize(entry)), 0);
    }
    return payload;
  }

  /**
   * Returns where an entry's payload lies as stored, sealed or not (after checking its local
   * header): the bytes a copy into another archive starts from.
   */
  Sealing.Payload storedPayload(DirectoryEntry entry) throws IOException {
    checkLocalHeader(entry, read(entry.dataOffset(), localHeaderSize(entry)), 0);
    return new Sealing.Payload(body, entry.payloadOffset(), entry.storedSize());
  }

  /** Checks the entry's local header and returns where its plain payload is. */
  private Sealing.Payload plainPayload(int index, DirectoryEntry entry) throws IOException {
    checkLocalHeader(entry, read(entry.dataOffset(), localHeaderSize(entry)), 0);
    return sealing.openPayload(index, entry, body);
  }

  /**
   * Reads local header and payload in one read, opens the payload, decodes it, checks length and
   * CRC.
   */
  private byte[] decodeWhole(DirectoryEntry entry) throws IOException {
    int headerSize = localHeaderSize(entry);
    // storedSize is bounded at open: the codec's worst case for a content of < 50 MiB, or the
    // in-memory limit for a sealed uncompressed entry
    byte[] stored = read(entry.dataOffset(), headerSize + (int) entry.storedSize());
    checkLocalHeader(entry, stored, 0);
    ByteBuffer payload = sealing.openInMemory(entry.path(), stored, headerSize,
        (int) entry.storedSize());
    byte[] content = new byte[(int) entry.uncompressedSize()];
    try {
      Codecs.of(entry.method()).decompress(payload.array(),
          payload.arrayOffset() + payload.position(), payload.remaining(), content, 0,
          content.length);
    } catch (CorruptArchiveException e) {
      throw new CorruptArchiveException("entry '" + entry.path() + "': " + e.getMessage(), e);
    }
    CRC32 crc = new CRC32();
    crc.update(content);
    if ((int) crc.getValue() != entry.crc32()) {
      throw new ChecksumMismatchException(entry.path(), entry.crc32(), (int) crc.getValue());
    }
    return content;
  }

  /**
   * Says why a framed entry's stored frame index could not be used, once its frames have been
   * located (by {@link #channel} or {@link #randomAccess}); empty when it was sound, absent, or
   * the entry is not framed or not yet opened.
   */
  Optional<String> frameIndexDamage(int index) {
    FrameIndex frames = frameIndexes.get(index);
    return frames == null ? Optional.empty() : frames.tableDamage();
  }

  /** The frame index of a framed entry: built once, then cached. */
  private FrameIndex frameIndex(int index, DirectoryEntry entry, Sealing.Payload payload)
      throws IOException {
    FrameIndex frames = frameIndexes.get(index);
    if (frames == null) {
      frames = sealing.frameIndex(entry, payload);
      FrameIndex raced = frameIndexes.putIfAbsent(index, frames);
      frames = raced != null ? raced : frames;
    }
    return frames;
  }

  private static int localHeaderSize(DirectoryEntry entry) {
    return LocalEntryHeader.sizeFor(entry.pathLength());
  }

  private static void checkLocalHeader(DirectoryEntry entry, byte[] bytes, int offset)
      throws CorruptArchiveException {
    LocalEntryHeader local;
    try {
      local = LocalEntryHeader.decode(bytes, offset, localHeaderSize(entry), entry.dataOffset());
    } catch (CorruptArchiveException e) {
      throw new CorruptArchiveException("entry '" + entry.path() + "': " + e.getMessage(), e);
    }
    local.checkAgrees(entry);
  }

  private byte[] read(long position, int length) throws IOException {
    byte[] bytes = new byte[length];
    body.readFully(position, bytes, 0, length);
    return bytes;
  }
}
