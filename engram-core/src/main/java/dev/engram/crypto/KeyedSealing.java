package dev.engram.crypto;

import dev.engram.KeyRequiredException;
import dev.engram.UnsupportedArchiveException;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.EndRecord;
import dev.engram.format.Header;
import dev.engram.io.ArchiveOutput;
import dev.engram.io.Cleanup;
import dev.engram.io.TemporaryFiles;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * What the sealing modes with a key share: the key (owned by {@link Encryption}), the check that
 * there is one, the opened payloads (each made once, shared, released on {@link #close()}), and
 * completing an archive whose body is sealed at the end.
 */
abstract class KeyedSealing extends Sealing {
  /** Bytes read at a time when sealing a file. */
  private static final int CHUNK = 1 << 20;

  /** The archive's key, or null when the reader was given none. */
  final byte[] key;
  /** Where the writer makes its temporary files (next to this path); null when reading. */
  final Path target;
  private final Map<Integer, FutureTask<ArchiveSource>> payloads = new ConcurrentHashMap<>();
  private volatile boolean closed;

  KeyedSealing(byte[] key, Path target) {
    this.key = key;
    this.target = target;
  }

  @Override
  public boolean wrapsPayloads() {
    return true;
  }

  @Override
  public void requireKey(String what) throws KeyRequiredException {
    if (key == null) {
      throw new KeyRequiredException(what + " is encrypted: give the archive's key or passphrase"
          + " with ReaderOptions.builder().key(...) or .passphrase(...)");
    }
  }

  /** Fails when asked for a frame index: no sealed payload layout has one. */
  static void refuseIndex(boolean withIndex) {
    if (withIndex) {
      throw new IllegalArgumentException("a payload encrypted on its own carries no frame index");
    }
  }

  /** Opens an entry's payload as plain bytes; called once per entry. */
  abstract ArchiveSource open(DirectoryEntry entry, ArchiveSource body) throws IOException;

  @Override
  public final Payload openPayload(int index, DirectoryEntry entry, ArchiveSource body)
      throws IOException {
    requireKey("entry '" + entry.path() + "'");
    FutureTask<ArchiveSource> task = new FutureTask<>(() -> open(entry, body));
    FutureTask<ArchiveSource> existing = payloads.putIfAbsent(index, task);
    if (existing == null) {
      task.run();
      existing = task;
    }
    try {
      ArchiveSource plain = existing.get();
      if (closed) {
        plain.close();
        throw new IllegalStateException("archive reader for " + body.name() + " is closed");
      }
      return new Payload(plain, 0, plain.size());
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
      throw new InterruptedIOException("interrupted while decrypting " + entry.path());
    }
  }

  /**
   * Refuses a payload that is not sealed the same way with the same key: only such a payload is
   * valid here (its bytes as stored, or sealed again for a new path by {@link #copyingSameKey}).
   */
  @Override
  public final Copying copying(Sealing from, DirectoryEntry entry, Payload stored, String path)
      throws IOException {
    if (!from.wrapsPayloads()) {
      throw new UnsupportedArchiveException("this archive encrypts each entry on its own: '"
          + entry.path() + "' cannot be copied as stored from an archive that does not; add its"
          + " content instead");
    }
    if (from.getClass() != getClass() || !sameKey((KeyedSealing) from)) {
      throw new UnsupportedArchiveException("entry '" + entry.path() + "' is encrypted on its own"
          + " with another key or layout than this archive's; its stored bytes cannot be copied"
          + " here: add its content instead");
    }
    return copyingSameKey(entry, stored, path);
  }

  /**
   * Says how a payload this sealing's mode sealed with this key in another archive is copied
   * here, and notes what this sealing must know of it.
   */
  abstract Copying copyingSameKey(DirectoryEntry entry, Payload stored, String path)
      throws IOException;

  private boolean sameKey(KeyedSealing other) {
    return key != null && other.key != null && ConstantTime.equal(key, other.key);
  }

  @Override
  public boolean sealsBodyAtEnd() {
    return true;
  }

  /** Seals bytes {@code [from, to)} of the plain archive file into {@code out}. */
  abstract void sealBody(Path plain, long from, long to, ArchiveOutput out, Header header)
      throws IOException;

  /**
   * Writes the archive as engram-rs does: header in the clear, the sealed body (everything from
   * the header's end to the directory's end), then the end record in the clear. The header's
   * offsets keep their unencrypted meaning.
   */
  @Override
  public final void completeArchive(ArchiveOutput out, Path plain, Header header, Path target,
      TemporaryFiles.Placement placement) throws IOException {
    long bodyEnd = out.position();
    out.flush(); // no fsync: this plain copy is read once more, then deleted
    out.close();
    Path sealed = TemporaryFiles.createSibling(target);
    try (ArchiveOutput sealedOut = ArchiveOutput.open(sealed)) {
      sealedOut.write(header.encode());
      sealBody(plain, Header.SIZE, bodyEnd, sealedOut, header);
      sealedOut.write(EndRecord.matching(header).encode());
      sealedOut.force();
    } catch (IOException | RuntimeException | Error e) {
      Cleanup.deleteAfter(e, sealed);
      throw e;
    }
    try {
      placement.place(sealed);
    } catch (IOException | RuntimeException | Error e) {
      Cleanup.deleteAfter(e, sealed);
      throw e;
    }
    Files.deleteIfExists(plain); // the archive's plaintext, no longer needed
  }

  /** Deletes every decrypted temporary file; reads of them fail from now on. */
  @Override
  public void close() throws IOException {
    closed = true;
    IOException failure = null;
    for (FutureTask<ArchiveSource> task : payloads.values()) {
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

  /** Feeds bytes {@code [from, to)} of a file to a sink, in bounded memory. */
  static void copy(Path file, long from, long to, PayloadSink into) throws IOException {
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
        into.write(buffer, 0, chunk.position());
        position += chunk.position();
      }
    }
  }

  /** Adds to {@code plainLength} without overflowing: {@link Long#MAX_VALUE} when too large. */
  static long saturatedAdd(long plainLength, long overhead) {
    return plainLength > Long.MAX_VALUE - overhead ? Long.MAX_VALUE : plainLength + overhead;
  }
}
