package dev.engram.crypto;

import dev.engram.io.TemporaryFiles;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.crypto.AEADBadTagException;

/**
 * Decrypts a sealed message ({@code [nonce][ciphertext || tag]}) stored in an archive into a new
 * private temporary file, in bounded memory, checking the tag before returning. Until then the
 * file's content must not be used; on failure it is deleted. Thread-safe (stateless).
 */
public final class SealedFiles {
  private static final int CHUNK = 1 << 20;

  private SealedFiles() {}

  /**
   * Decrypts one sealed message into a private temporary file ({@link
   * TemporaryFiles#createPrivate}: owner-only, and deleted by a later process if this one is
   * killed before it can delete it).
   *
   * @param source the archive
   * @param offset where the message starts (its nonce)
   * @param sealedLength the message's size, nonce and tag included
   * @param key 32 bytes
   * @param directory where to create the file, or null for the default temporary directory
   * @return the file, holding {@code sealedLength - 28} authenticated bytes
   * @throws AEADBadTagException if the message does not authenticate (the file is deleted)
   * @throws IOException if reading or writing fails (the file is deleted)
   */
  public static Path decryptToTemporaryFile(ArchiveSource source, long offset, long sealedLength,
      byte[] key, Path directory) throws IOException, AEADBadTagException {
    if (sealedLength < AesGcm.OVERHEAD) {
      throw new AEADBadTagException("a sealed message has at least 28 bytes, not " + sealedLength);
    }
    byte[] nonce = new byte[AesGcm.NONCE_BYTES];
    source.readFully(offset, nonce, 0, nonce.length);
    byte[] tag = new byte[AesGcm.TAG_BYTES];
    source.readFully(offset + sealedLength - AesGcm.TAG_BYTES, tag, 0, tag.length);
    Path file = TemporaryFiles.createPrivate(directory);
    boolean done = false;
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      AesGcm.Decryptor decryptor = new AesGcm.Decryptor(key, nonce);
      byte[] in = new byte[CHUNK];
      byte[] plain = new byte[CHUNK];
      long position = offset + AesGcm.NONCE_BYTES;
      long left = sealedLength - AesGcm.OVERHEAD;
      while (left > 0) {
        int n = (int) Math.min(CHUNK, left);
        source.readFully(position, in, 0, n);
        decryptor.update(in, 0, n, plain, 0);
        ByteBuffer buffer = ByteBuffer.wrap(plain, 0, n);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        position += n;
        left -= n;
      }
      decryptor.verify(tag);
      done = true;
      return file;
    } finally {
      if (!done) {
        Files.deleteIfExists(file);
      }
    }
  }
}
