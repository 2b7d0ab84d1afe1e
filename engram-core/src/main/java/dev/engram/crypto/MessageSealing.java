package dev.engram.crypto;

import dev.engram.AuthenticationFailedException;
import dev.engram.EngramException;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.EndRecord;
import dev.engram.format.Header;
import dev.engram.frame.FramedPayloadWriter;
import dev.engram.io.ArchiveFile;
import dev.engram.io.ArchiveOutput;
import dev.engram.io.Cleanup;
import dev.engram.io.TemporaryFiles;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.crypto.AEADBadTagException;

/**
 * engram-rs's encryption: each payload, or the whole body, is one AES-256-GCM message {@code
 * [nonce][ciphertext || tag]}. Nothing of a message may be used before its tag is checked, so a
 * body is decrypted once into a private temporary file, and so is a payload larger than {@value
 * #IN_MEMORY_LIMIT} bytes (smaller ones in memory). Every message written gets a random nonce,
 * checked against the ones this writer used before, so a nonce never repeats within an archive.
 */
final class MessageSealing extends KeyedSealing {
  /** Sealed payloads up to this size are decrypted in memory; larger ones to a temporary file. */
  static final int IN_MEMORY_LIMIT = 16 << 20;

  /** Where decrypted files go; null for the default temporary directory. */
  private final Path temporaryDirectory;
  private final Set<ByteBuffer> nonces = new HashSet<>();

  MessageSealing(byte[] key, Path temporaryDirectory, Path target) {
    super(key, target);
    this.temporaryDirectory = temporaryDirectory;
  }

  @Override
  public long sealedSize(long plainLength) {
    return saturatedAdd(plainLength, AesGcm.OVERHEAD);
  }

  @Override
  public long leastPlainSize(long storedSize, long frames) {
    return storedSize - AesGcm.OVERHEAD;
  }

  @Override
  public long mostPlainSize(long storedSize, long frames) {
    return storedSize - AesGcm.OVERHEAD;
  }

  @Override
  public Body openBody(ArchiveSource container, Header header) throws IOException {
    requireKey("the archive (names and contents)");
    long sealed = container.size() - Header.SIZE - EndRecord.SIZE;
    Path plain;
    try {
      plain = SealedFiles.decryptToTemporaryFile(container, Header.SIZE, sealed, key,
          temporaryDirectory);
    } catch (AEADBadTagException e) {
      throw new AuthenticationFailedException("the archive does not decrypt: the key or"
          + " passphrase is wrong, or its encrypted body was changed");
    } catch (IOException e) {
      if (!container.isRemote() || e instanceof EngramException
          || e instanceof InterruptedIOException) {
        throw e;
      }
      // a remote reader otherwise fetches only what it reads: say why this one fetched it all
      throw new IOException(container.name() + ": an archive encrypted whole as one message"
          + " (engram-rs's archive mode) is read whole, so its " + sealed + "-byte body is"
          + " downloaded and decrypted at open; that failed: " + e.getMessage(), e);
    }
    try {
      ArchiveFile body = ArchiveFile.openTemporary(plain, Header.SIZE, container.name());
      return new Body(body, body.size() + EndRecord.SIZE);
    } catch (IOException | RuntimeException e) {
      Cleanup.deleteAfter(e, plain);
      throw e;
    }
  }

  @Override
  public boolean opensWholeInMemory(long storedSize) {
    return storedSize <= IN_MEMORY_LIMIT;
  }

  @Override
  public ByteBuffer openInMemory(String entry, byte[] stored, int offset, int length)
      throws EngramException {
    requireKey("entry '" + entry + "'");
    try {
      return ByteBuffer.wrap(AesGcm.open(key, stored, offset, length));
    } catch (AEADBadTagException e) {
      throw notAuthentic(entry);
    }
  }

  @Override
  ArchiveSource open(DirectoryEntry entry, ArchiveSource body) throws IOException {
    Path plain;
    try {
      plain = SealedFiles.decryptToTemporaryFile(body, entry.payloadOffset(),
          entry.storedSize(), key, temporaryDirectory);
    } catch (AEADBadTagException e) {
      throw notAuthentic(entry.path());
    }
    try {
      return ArchiveFile.openTemporary(plain, 0, body.name());
    } catch (IOException | RuntimeException e) {
      Cleanup.deleteAfter(e, plain);
      throw e;
    }
  }

  private static AuthenticationFailedException notAuthentic(String entry) {
    return new AuthenticationFailedException("entry '" + entry + "' does not decrypt: the key or"
        + " passphrase is wrong, or its encrypted bytes were changed");
  }

  /**
   * A message binds nothing but the key (no associated data; the nonce is in the message), so it
   * is valid as stored under any path, at any offset. Its nonce is recorded: no new message of
   * this archive may use it.
   */
  @Override
  Copying copyingSameKey(DirectoryEntry entry, Payload stored, String path) throws IOException {
    if (stored.length() >= AesGcm.NONCE_BYTES) {
      byte[] nonce = new byte[AesGcm.NONCE_BYTES];
      stored.source().readFully(stored.offset(), nonce, 0, nonce.length);
      nonces.add(ByteBuffer.wrap(nonce));
    }
    return Copying.AS_STORED;
  }

  @Override
  public void writeSealed(String path, byte[] payload, int offset, int length,
      ArchiveOutput out) throws IOException {
    out.write(AesGcm.seal(key, uniqueNonce(), payload, offset, length));
  }

  @Override
  public PayloadSink begin(String path, ArchiveOutput out) throws IOException {
    byte[] nonce = uniqueNonce();
    out.write(nonce);
    AesGcm.Encryptor encryptor = new AesGcm.Encryptor(key, nonce);
    return new PayloadSink() {
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

  /**
   * Writes a framed payload as one message. Its frame count is only known at the end and sealed
   * bytes cannot be patched, so the frames go to a private spill file first and are then sealed
   * into the archive: one extra pass over the compressed bytes. No frame index: a reader must
   * decrypt the whole message before using any of it, to a local file where walking the prefixes
   * costs little.
   */
  @Override
  public FramedPayloadWriter.Result writeFrames(String path, ArchiveOutput out,
      boolean withIndex, FrameWriting frames) throws IOException {
    refuseIndex(withIndex);
    Path spill = TemporaryFiles.createSibling(target, true);
    try {
      FramedPayloadWriter.Result plain;
      try (ArchiveOutput spillOut = ArchiveOutput.open(spill)) {
        plain = frames.writeTo(FramedPayloadWriter.plain(spillOut, false));
        spillOut.flush();
      }
      sealRegion(spill, 0, plain.storedSize(), out);
      return new FramedPayloadWriter.Result(plain.uncompressedSize(),
          sealedSize(plain.storedSize()), plain.crc32());
    } finally {
      Files.deleteIfExists(spill);
    }
  }

  @Override
  void sealBody(Path plain, long from, long to, ArchiveOutput out, Header header)
      throws IOException {
    sealRegion(plain, from, to, out);
  }

  /** Seals bytes {@code [from, to)} of a file into {@code out} as one message. */
  private void sealRegion(Path file, long from, long to, ArchiveOutput out) throws IOException {
    PayloadSink sink = begin(null, out);
    copy(file, from, to, sink);
    sink.finish();
  }

  private byte[] uniqueNonce() {
    while (true) {
      byte[] nonce = AesGcm.randomNonce();
      if (nonces.add(ByteBuffer.wrap(nonce))) {
        return nonce;
      }
    }
  }
}
