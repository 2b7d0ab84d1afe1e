package dev.engram.crypto;

import dev.engram.EncryptionMode;
import dev.engram.EngramException;
import dev.engram.KeyRequiredException;
import dev.engram.UnsupportedArchiveException;
import dev.engram.format.Header;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An archive's encryption: its key (given, or derived from a passphrase with Argon2id), the
 * {@link Sealing} of its body and the one of its payloads (one of them always {@link
 * Sealing#NONE}), and the header fields that record it. The only place that decides from the
 * mode what is sealed how. Closing it deletes what reading decrypted to disk and wipes the key.
 *
 * <p>Thread-safe for reading; a writer's is used by one thread.
 */
public final class Encryption implements Closeable {
  private final EncryptionMode mode;
  private final Sealing body;
  private final Sealing payloads;
  private final byte[] key;
  /** The header's key-derivation record of a passphrase archive (20 bytes), or null. */
  private final byte[] derivation;
  private final boolean segmented;
  private volatile boolean closed;

  private Encryption(EncryptionMode mode, boolean segmented, byte[] key, byte[] derivation,
      Path temporaryDirectory, Path target) {
    this.mode = mode;
    this.segmented = segmented;
    this.key = key;
    this.derivation = derivation;
    Sealing sealing = mode == null ? Sealing.NONE
        : segmented ? new SegmentSealing(key, target)
        : new MessageSealing(key, temporaryDirectory, target);
    this.body = mode == EncryptionMode.ARCHIVE ? sealing : Sealing.NONE;
    this.payloads = mode == EncryptionMode.PER_FILE ? sealing : Sealing.NONE;
  }

  /**
   * Prepares reading an archive: takes the key, or derives it from the passphrase with the
   * Argon2id parameters the header records. Without either, the listing of a per-file encrypted
   * archive is still readable; its content is not.
   *
   * @param header the archive's header
   * @param keys gives a copy of the archive's 32-byte key, or null; asked only when the archive
   *     is encrypted; the copy is taken over (wiped on close)
   * @param passphrases gives a copy of the passphrase, or null; asked only when the archive is
   *     encrypted and no key was given; the copy is wiped here
   * @param temporaryDirectory where decrypted files go, or null for the default one
   * @return the encryption
   * @throws KeyRequiredException if a passphrase was given for an archive encrypted with a key
   * @throws UnsupportedArchiveException if the recorded key derivation is unknown
   * @throws dev.engram.LimitExceededException if the recorded key derivation costs more than this reader
   *     allows
   * @throws EngramException if the recorded key derivation is malformed
   */
  public static Encryption forReading(Header header, Supplier<byte[]> keys,
      Supplier<char[]> passphrases, Path temporaryDirectory)
      throws EngramException {
    EncryptionMode mode = modeOf(header);
    if (mode == null) {
      return new Encryption(null, false, null, null, temporaryDirectory, null);
    }
    byte[] key = keys.get();
    char[] passphrase = key == null ? passphrases.get() : null;
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
    return new Encryption(mode, header.isSegmented(), key,
        header.hasPassphrase() ? header.reserved() : null, temporaryDirectory, null);
  }

  /**
   * Prepares writing an archive, deriving the key from the passphrase (with a new salt) when no
   * key is given.
   *
   * @param mode what to encrypt, or null for nothing
   * @param segmented whether to seal in authenticated segments (the random-access extension)
   * @param keys gives a copy of the 32-byte key, or null; asked only when encrypting; the copy is
   *     taken over (wiped on close)
   * @param passphrases gives a copy of the passphrase when there is no key; wiped here
   * @param kdf how to derive a key from a passphrase (its cost, with a new salt)
   * @param target the archive being written: temporary files go next to it
   * @return the encryption
   */
  public static Encryption forWriting(EncryptionMode mode, boolean segmented,
      Supplier<byte[]> keys, Supplier<char[]> passphrases, Supplier<PassphraseKdf> kdf,
      Path target) {
    if (mode == null) {
      return new Encryption(null, false, null, null, null, target);
    }
    byte[] key = keys.get();
    if (key != null) {
      return new Encryption(mode, segmented, key, null, null, target);
    }
    PassphraseKdf derivation = kdf.get();
    char[] passphrase = passphrases.get();
    try {
      key = derivation.deriveKey(passphrase);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    return new Encryption(mode, segmented, key, derivation.encode(), null, target);
  }

  /**
   * Prepares writing a new archive encrypted exactly as this one (a reader's) is: the same mode
   * and layout, a copy of the same key, and the same key-derivation record in the header (so the
   * same passphrase and salt give the same key). That is what lets the payloads this archive
   * sealed on their own be copied into the new one as they are stored ({@link
   * Sealing#copying}); a body is sealed anew anyway.
   *
   * @param target the archive being written: temporary files go next to it
   * @return the writer's encryption, with its own copy of the key
   * @throws KeyRequiredException if this archive is encrypted and was opened without its key
   * @throws IllegalStateException if this encryption was closed (its key is wiped)
   */
  public Encryption forRewriting(Path target) throws KeyRequiredException {
    if (closed) {
      throw new IllegalStateException("the archive being rewritten was closed: its key is wiped");
    }
    if (mode == null) {
      return new Encryption(null, false, null, null, null, target);
    }
    if (key == null) {
      throw new KeyRequiredException("the archive is encrypted: give its key or passphrase to"
          + " write it again");
    }
    return new Encryption(mode, segmented, key.clone(),
        derivation == null ? null : derivation.clone(), null, target);
  }

  private static EncryptionMode modeOf(Header header) {
    switch (header.encryptionMode()) {
      case Header.ENCRYPTION_PER_FILE:
        return EncryptionMode.PER_FILE;
      case Header.ENCRYPTION_ARCHIVE:
        return EncryptionMode.ARCHIVE;
      default:
        return null;
    }
  }

  /**
   * Returns what is encrypted.
   *
   * @return the mode, or empty when nothing is
   */
  public Optional<EncryptionMode> mode() {
    return Optional.ofNullable(mode);
  }

  /**
   * Says whether encrypted data is sealed in authenticated segments (the random-access
   * extension).
   *
   * @return true when segmented
   */
  public boolean isSegmented() {
    return segmented;
  }

  /**
   * Returns how the body (entries and directory, between header and end record) is sealed.
   *
   * @return the sealing; {@link Sealing#NONE} unless the whole archive is encrypted
   */
  public Sealing body() {
    return body;
  }

  /**
   * Returns how each entry's payload is sealed.
   *
   * @return the sealing; {@link Sealing#NONE} unless each entry is encrypted on its own
   */
  public Sealing payloads() {
    return payloads;
  }

  /**
   * Says whether framed payloads may end with a frame index (docs/FORMAT.md, "Frame index"):
   * where a reader reads them piece by piece, so that finding the frames in one read saves it a
   * walk of the size prefixes. That is so without encryption, and with a whole-archive body
   * sealed in segments (payloads are plain inside it, and a read decrypts only the segments it
   * touches). Not with engram-rs's single-message modes: a reader decrypts the whole payload or
   * body to a local file first, where the walk costs little. Not per file in segments: each frame
   * is a segment there, so the clear segment lengths already give the index.
   *
   * @return true when framed payloads may carry an index
   */
  public boolean framesCarryIndex() {
    return mode == null || mode == EncryptionMode.ARCHIVE && segmented;
  }

  /**
   * Returns the header's encryption flags (mode, segments, passphrase).
   *
   * @return the flags to combine into the header's flags field
   */
  public int headerFlags() {
    if (mode == null) {
      return Header.ENCRYPTION_NONE;
    }
    int flags = mode == EncryptionMode.PER_FILE ? Header.ENCRYPTION_PER_FILE
        : Header.ENCRYPTION_ARCHIVE;
    if (segmented) {
      flags |= Header.FLAG_SEGMENTED;
    }
    return derivation == null ? flags : flags | Header.FLAG_PASSPHRASE;
  }

  /**
   * Returns the header's reserved bytes: the key-derivation record of a passphrase.
   *
   * @return the record, or null for zeros
   */
  public byte[] headerReserved() {
    return derivation == null ? null : derivation.clone();
  }

  /**
   * Returns how many encrypted segments were decrypted (for tests and benchmarks).
   *
   * @return the count
   */
  public long segmentsDecrypted() {
    return body.segmentsDecrypted() + payloads.segmentsDecrypted();
  }

  /**
   * Deletes every decrypted temporary file and wipes the key.
   *
   * @throws IOException if a temporary file cannot be deleted
   */
  @Override
  public void close() throws IOException {
    closed = true;
    try {
      payloads.close();
    } finally {
      try {
        body.close();
      } finally {
        if (key != null) {
          AesGcm.wipe(key);
        }
      }
    }
  }
}
