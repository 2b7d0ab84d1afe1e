package dev.engram;

import dev.engram.crypto.AesGcm;
import dev.engram.crypto.PassphraseKdf;
import dev.engram.format.Header;
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
  private final byte[] key;
  private final PassphraseKdf kdf;
  private final Set<ByteBuffer> nonces = new HashSet<>();

  private WriterEncryption(EncryptionMode mode, byte[] key, PassphraseKdf kdf) {
    this.mode = mode;
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
    return new WriterEncryption(mode, key, kdf);
  }

  boolean perFile() {
    return mode == EncryptionMode.PER_FILE;
  }

  boolean wholeArchive() {
    return mode == EncryptionMode.ARCHIVE;
  }

  /** The header flags that record this encryption. */
  int headerFlags() {
    int flags = perFile() ? Header.ENCRYPTION_PER_FILE : Header.ENCRYPTION_ARCHIVE;
    return kdf == null ? flags : flags | Header.FLAG_PASSPHRASE;
  }

  /** The header's reserved bytes: the key-derivation record, or null (zeros). */
  byte[] headerReserved() {
    return kdf == null ? null : kdf.encode();
  }

  /** Seals a payload held in memory: {@code [nonce][ciphertext || tag]}. */
  byte[] seal(byte[] payload, int offset, int length) {
    return AesGcm.seal(key, uniqueNonce(), payload, offset, length);
  }

  /** Starts sealing a payload written in pieces to {@code out}; writes its nonce now. */
  Sealer begin(ArchiveOutput out) throws IOException {
    byte[] nonce = uniqueNonce();
    out.write(nonce);
    return new Sealer(new AesGcm.Encryptor(key, nonce), out);
  }

  /** Seals bytes {@code [from, to)} of a file into {@code out}. */
  void sealRegion(Path file, long from, long to, ArchiveOutput out) throws IOException {
    Sealer sealer = begin(out);
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
        sealer.write(buffer, 0, chunk.position());
        position += chunk.position();
      }
    }
    sealer.finish();
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

  /** One payload being sealed into an output. */
  static final class Sealer {
    private final AesGcm.Encryptor encryptor;
    private final ArchiveOutput out;

    private Sealer(AesGcm.Encryptor encryptor, ArchiveOutput out) {
      this.encryptor = encryptor;
      this.out = out;
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(encryptor.update(bytes, offset, length));
    }

    /** Writes the last ciphertext bytes and the tag. */
    void finish() throws IOException {
      out.write(encryptor.finish());
    }
  }
}
