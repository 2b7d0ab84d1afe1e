package dev.engram;

import dev.engram.crypto.AesGcm;
import dev.engram.crypto.PassphraseKdf;
import dev.engram.crypto.SegmentedWriter;
import dev.engram.crypto.Segments;
import dev.engram.format.Header;
import dev.engram.frame.FramedPayloadWriter;
import dev.engram.io.ArchiveOutput;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A writer's side of encryption: the key (given, or derived from a passphrase with a new salt),
 * the header flags and reserved bytes that record it, sealing of per-file payloads, and of a
 * whole-archive body. Every message gets a random 12-byte nonce, checked against the ones this
 * writer used before, so a nonce never repeats within an archive. Not thread-safe.
 */
final class WriterEncryption implements Closeable {
  private static final int CHUNK = 1 << 20;

  private final EncryptionMode mode;
  private final boolean segmented;
  private final byte[] key;
  private final PassphraseKdf kdf;
  private final Set<ByteBuffer> nonces = new HashSet<>();

  private WriterEncryption(EncryptionMode mode, boolean segmented, byte[] key,
      PassphraseKdf kdf) {
    this.mode = mode;
    this.segmented = segmented;
    this.key = key;
    this.kdf = kdf;
  }

  /** Prepares encryption, deriving the key when a passphrase was given; null when none. */
  static WriterEncryption of(WriterOptions options) {
    EncryptionMode mode = options.encryption().orElse(null);
    if (mode == null) {
      return null;
    }
    byte[] key = options.key();
    PassphraseKdf kdf = null;
    if (key == null) {
      WriterOptions.PassphraseCost cost = options.passphraseCost();
      kdf = PassphraseKdf.withCost(cost.log2MemoryKiB(), cost.iterations(), cost.parallelism());
      char[] passphrase = options.passphrase();
      try {
        key = kdf.deriveKey(passphrase);
      } finally {
        Arrays.fill(passphrase, '\0');
      }
    }
    return new WriterEncryption(mode, options.segmentedEncryption(), key, kdf);
  }

  boolean perFile() {
    return mode == EncryptionMode.PER_FILE;
  }

  boolean wholeArchive() {
    return mode == EncryptionMode.ARCHIVE;
  }

  /** Says whether data is sealed in authenticated segments (the random-access extension). */
  boolean segmented() {
    return segmented;
  }

  /** The header flags that record this encryption. */
  int headerFlags() {
    int flags = perFile() ? Header.ENCRYPTION_PER_FILE : Header.ENCRYPTION_ARCHIVE;
    if (segmented) {
      flags |= Header.FLAG_SEGMENTED;
    }
    return kdf == null ? flags : flags | Header.FLAG_PASSPHRASE;
  }

  /** The stored size of a per-file payload of {@code length} plain bytes, once sealed. */
  long sealedSize(long length) {
    return segmented ? SegmentedWriter.streamSize(length) : length + AesGcm.OVERHEAD;
  }

  /** Seals a per-file payload held in memory into {@code out}. */
  void writeSealed(String path, byte[] payload, int offset, int length, ArchiveOutput out)
      throws IOException {
    if (segmented) {
      SegmentedWriter writer =
          SegmentedWriter.begin(key, Segments.entryAssociatedData(path), out);
      writer.write(payload, offset, length);
      writer.finish();
    } else {
      out.write(AesGcm.seal(key, uniqueNonce(), payload, offset, length));
    }
  }

  /** Starts sealing a per-file payload written in pieces to {@code out}. */
  Sealer begin(String path, ArchiveOutput out) throws IOException {
    if (segmented) {
      SegmentedWriter writer =
          SegmentedWriter.begin(key, Segments.entryAssociatedData(path), out);
      return new Sealer() {
        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          writer.write(bytes, offset, length);
        }

        @Override
        public void finish() throws IOException {
          writer.finish();
        }
      };
    }
    return begin(out);
  }

  /**
   * Returns a frame sink that seals each frame as one segment, the frame count as a segment of
   * its own reserved in front and filled in at the end: the frame index of such a payload is
   * read from the clear segment lengths, and a read decrypts only the frames it touches.
   */
  FramedPayloadWriter.FrameSink segmentedFrames(String path, ArchiveOutput out)
      throws IOException {
    SegmentedWriter writer = SegmentedWriter.begin(key, Segments.entryAssociatedData(path), out);
    SegmentedWriter.Reserved count = writer.reserve(4);
    return new FramedPayloadWriter.FrameSink() {
      @Override
      public void frame(byte[] bytes, int offset, int length) throws IOException {
        writer.writeSegment(bytes, offset, length);
      }

      @Override
      public long finish(long frames) throws IOException {
        writer.fill(count, new byte[] {(byte) frames, (byte) (frames >>> 8),
            (byte) (frames >>> 16), (byte) (frames >>> 24)});
        return writer.finish();
      }
    };
  }

  /** Seals bytes {@code [from, to)} of a file, a whole-archive body, into {@code out}. */
  void sealBody(Path file, long from, long to, ArchiveOutput out, byte[] header)
      throws IOException {
    if (segmented) {
      SegmentedWriter writer =
          SegmentedWriter.begin(key, Segments.bodyAssociatedData(header), out);
      copy(file, from, to, writer::write);
      writer.finish();
    } else {
      sealRegion(file, from, to, out);
    }
  }

  /** The header's reserved bytes: the key-derivation record, or null (zeros). */
  byte[] headerReserved() {
    return kdf == null ? null : kdf.encode();
  }

  /** Starts sealing one message written in pieces to {@code out}; writes its nonce now. */
  private Sealer begin(ArchiveOutput out) throws IOException {
    byte[] nonce = uniqueNonce();
    out.write(nonce);
    AesGcm.Encryptor encryptor = new AesGcm.Encryptor(key, nonce);
    return new Sealer() {
      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(encryptor.update(bytes, offset, length));
      }

      @Override
      public void finish() throws IOException {
        out.write(encryptor.finish());
      }
    };
  }

  /** Seals bytes {@code [from, to)} of a file into {@code out} as one message. */
  void sealRegion(Path file, long from, long to, ArchiveOutput out) throws IOException {
    Sealer sealer = begin(out);
    copy(file, from, to, sealer::write);
    sealer.finish();
  }

  /** Receives chunks of a file. */
  private interface Chunks {
    void accept(byte[] bytes, int offset, int length) throws IOException;
  }

  private static void copy(Path file, long from, long to, Chunks into) throws IOException {
    byte[] buffer = new byte[CHUNK];
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = from;
      while (position < to) {
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, (int) Math.min(CHUNK, to - position));
        while (chunk.hasRemaining()) {
          if (in.read(chunk, position + chunk.position()) < 0) {
            throw new IOException(file + " ended at " + (position + chunk.position())
                + " while sealing up to " + to);
          }
        }
        into.accept(buffer, 0, chunk.position());
        position += chunk.position();
      }
    }
  }

  private byte[] uniqueNonce() {
    while (true) {
      byte[] nonce = AesGcm.randomNonce();
      if (nonces.add(ByteBuffer.wrap(nonce))) {
        return nonce;
      }
    }
  }

  /** Wipes the key. */
  @Override
  public void close() {
    AesGcm.wipe(key);
  }

  /** One payload being sealed into an output, in pieces. */
  interface Sealer {
    /** Seals the next plaintext bytes. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Ends the payload: the last bytes and the tag (or the last segment). */
    void finish() throws IOException;
  }
}
