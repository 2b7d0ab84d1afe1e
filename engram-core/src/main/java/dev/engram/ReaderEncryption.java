package dev.engram;

import dev.engram.crypto.AesGcm;
import dev.engram.crypto.PassphraseKdf;
import dev.engram.crypto.SealedFiles;
import dev.engram.crypto.SegmentedSource;
import dev.engram.crypto.Segments;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.Header;
import dev.engram.io.ArchiveFile;
import dev.engram.io.RandomAccessSource;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.AEADBadTagException;

/**
 * A reader's side of encryption: the key (given, or derived from a passphrase with the archive's
 * recorded parameters), decryption of a whole-archive body, and of per-file payloads: small ones
 * in memory, large ones once into a private temporary file that later reads share and that is
 * deleted on close. Plaintext is never used before its GCM tag is checked. Thread-safe.
 */
final class ReaderEncryption implements Closeable {
  /** Sealed payloads up to this size are decrypted in memory; larger ones to a temporary file. */
  static final int IN_MEMORY_LIMIT = 16 << 20;

  private final Path archive;
  private final int mode;
  private final boolean segmented;
  private final byte[] key;
  private final Path temporaryDirectory;
  private final Map<Integer, FutureTask<RandomAccessSource>> payloads = new ConcurrentHashMap<>();
  /** Segments decrypted by every segmented source of this reader. */
  private final LongAdder segmentsDecrypted = new LongAdder();
  private volatile boolean closed;

  private ReaderEncryption(Path archive, int mode, boolean segmented, byte[] key,
      Path temporaryDirectory) {
    this.archive = archive;
    this.mode = mode;
    this.segmented = segmented;
    this.key = key;
    this.temporaryDirectory = temporaryDirectory;
  }

  /**
   * Prepares decryption for an archive: takes the options' key, or derives it from their
   * passphrase with the Argon2id parameters the header records.
   */
  static ReaderEncryption of(Path archive, Header header, ReaderOptions options)
      throws EngramException {
    int mode = header.encryptionMode();
    Path temporary = options.temporaryDirectory().orElse(null);
    if (mode == Header.ENCRYPTION_NONE) {
      return new ReaderEncryption(archive, mode, false, null, temporary);
    }
    byte[] key = options.key();
    if (key == null) {
      char[] passphrase = options.passphrase();
      if (passphrase != null) {
        try {
          if (!header.hasPassphrase()) {
            throw new KeyRequiredException("the archive was encrypted with a raw key, not a"
                + " passphrase: give its 32-byte key with ReaderOptions.builder().key(...)");
          }
          key = PassphraseKdf.decode(header.reserved()).deriveKey(passphrase);
        } finally {
          Arrays.fill(passphrase, '\0');
        }
      }
    }
    return new ReaderEncryption(archive, mode, header.isSegmented(), key, temporary);
  }

  /** Says whether every payload is encrypted on its own. */
  boolean perFile() {
    return mode == Header.ENCRYPTION_PER_FILE;
  }

  /** Returns how many segments this reader has decrypted. */
  long segmentsDecrypted() {
    return segmentsDecrypted.sum();
  }

  /** Says whether encrypted data is stored in authenticated segments. */
  boolean segmented() {
    return segmented;
  }

  /**
   * Opens a whole-archive body stored in segments: only the segment table is read now, and the
   * last segment checked; everything else is decrypted when read.
   */
  RandomAccessSource segmentedBody(ArchiveFile container, Header header) throws IOException {
    requireKey("the archive (names and contents)");
    long length = container.size() - Header.SIZE - dev.engram.format.EndRecord.SIZE;
    return SegmentedSource.open(container, Header.SIZE, length, key,
        Segments.bodyAssociatedData(header.encode()), Header.SIZE, "the archive body",
        segmentsDecrypted);
  }

  /** Fails unless a key is known; {@code what} names what needs it. */
  void requireKey(String what) throws KeyRequiredException {
    if (key == null) {
      throw new KeyRequiredException(what + " is encrypted: give the archive's key or passphrase"
          + " with ReaderOptions.builder().key(...) or .passphrase(...)");
    }
  }

  /**
   * Decrypts a whole-archive body ({@code [nonce][ciphertext || tag]} between header and end
   * record) to a temporary file and opens it as the archive's bytes from offset 64 on.
   */
  ArchiveFile decryptBody(ArchiveFile container) throws IOException {
    requireKey("the archive (names and contents)");
    long sealed = container.size() - Header.SIZE - dev.engram.format.EndRecord.SIZE;
    Path plain;
    try {
      plain = SealedFiles.decryptToTemporaryFile(container, Header.SIZE, sealed, key,
          temporaryDirectory);
    } catch (AEADBadTagException e) {
      throw new AuthenticationFailedException("the archive does not decrypt: the key or"
          + " passphrase is wrong, or its encrypted body was changed");
    }
    try {
      return ArchiveFile.openTemporary(plain, Header.SIZE, archive);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(plain);
      throw e;
    }
  }

  /** Decrypts a per-file payload held in memory. */
  byte[] open(String entry, byte[] sealed, int offset, int length)
      throws EngramException {
    requireKey("entry '" + entry + "'");
    try {
      return AesGcm.open(key, sealed, offset, length);
    } catch (AEADBadTagException e) {
      throw notAuthentic(entry);
    }
  }

  /**
   * Returns a per-file payload as plaintext: a segmented payload is decrypted segment by segment
   * as it is read; a single-message payload is decrypted on first use into a temporary file.
   * Either is made once; concurrent callers for one entry wait for the same one.
   */
  RandomAccessSource payloadFile(int index, DirectoryEntry entry, RandomAccessSource container)
      throws IOException {
    requireKey("entry '" + entry.path() + "'");
    FutureTask<RandomAccessSource> task = new FutureTask<>(() -> {
      if (segmented) {
        return SegmentedSource.open(container, entry.payloadOffset(), entry.storedSize(), key,
            Segments.entryAssociatedData(entry.path()), 0, "entry '" + entry.path() + "'",
            segmentsDecrypted);
      }
      Path plain;
      try {
        plain = SealedFiles.decryptToTemporaryFile(container, entry.payloadOffset(),
            entry.storedSize(), key, temporaryDirectory);
      } catch (AEADBadTagException e) {
        throw notAuthentic(entry.path());
      }
      return ArchiveFile.openTemporary(plain, 0, archive);
    });
    FutureTask<RandomAccessSource> existing = payloads.putIfAbsent(index, task);
    if (existing == null) {
      task.run();
      existing = task;
    }
    try {
      RandomAccessSource file = existing.get();
      if (closed) {
        file.close();
        throw new IllegalStateException("archive reader for " + archive + " is closed");
      }
      return file;
    } catch (ExecutionException e) {
      payloads.remove(index, existing);
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException("decrypting entry '" + entry.path() + "' failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while decrypting " + entry.path());
    }
  }

  private static AuthenticationFailedException notAuthentic(String entry) {
    return new AuthenticationFailedException("entry '" + entry + "' does not decrypt: the key or"
        + " passphrase is wrong, or its encrypted bytes were changed");
  }

  /** Wipes the key and deletes every decrypted temporary file. */
  @Override
  public void close() throws IOException {
    closed = true;
    if (key != null) {
      AesGcm.wipe(key);
    }
    IOException failure = null;
    for (FutureTask<RandomAccessSource> task : payloads.values()) {
      try {
        if (task.isDone()) {
          task.get().close();
        }
      } catch (ExecutionException | InterruptedException e) {
        // nothing was created, or it was already cleaned up by its own failure
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    payloads.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
