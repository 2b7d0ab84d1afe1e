package dev.engram.crypto;

import dev.engram.KeyRequiredException;
import dev.engram.UnsupportedArchiveException;
import dev.engram.codec.Codecs;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.EndRecord;
import dev.engram.format.Header;
import dev.engram.format.SealedSizes;
import dev.engram.frame.FrameIndex;
import dev.engram.frame.FramedPayloadWriter;
import dev.engram.io.ArchiveOutput;
import dev.engram.io.TemporaryFiles;
import dev.engram.source.ArchiveSource;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How bytes are sealed, one implementation per mode: {@link #NONE} (stored as they are), {@link
 * MessageSealing} (one AES-GCM message, as engram-rs writes) and {@link SegmentSealing}
 * (authenticated 64 KiB segments, engram-java's random-access extension). An archive uses two:
 * one for its body (everything between header and end record) and one for each entry's payload;
 * {@link Encryption} picks them from the header. Everything the reader and writer do with sealed
 * bytes goes through these methods, so neither knows which mode it has.
 *
 * <p>Implementations are thread-safe for reading; the writing methods are used by one writer
 * thread.
 */
public abstract class Sealing implements SealedSizes, Closeable {
  /** Bytes stored as they are: no key, nothing around them. */
  public static final Sealing NONE = new Unsealed();

  Sealing() {}

  // ---- reading --------------------------------------------------------------------------------

  /**
   * The archive's plain bytes.
   *
   * @param source what to read entries and directory from
   * @param archiveSize the size of the plain archive those bytes stand for (header, body, end
   *     record), which bounds where the directory may lie
   */
  public record Body(ArchiveSource source, long archiveSize) {}

  /**
   * Opens an archive's body as plain bytes: the stored bytes themselves, or a view that decrypts
   * them. The view serves the plain archive's offsets (the body starts at the header's size).
   *
   * @param container the archive as stored
   * @param header its header (the end record already agrees with it)
   * @return the plain body; the caller closes its source when it is not {@code container}
   * @throws KeyRequiredException if the body is sealed and no key was given
   * @throws dev.engram.AuthenticationFailedException if the body does not decrypt
   * @throws IOException if reading fails
   */
  public abstract Body openBody(ArchiveSource container, Header header) throws IOException;

  /**
   * Fails unless sealed payloads can be opened.
   *
   * @param what what needs the key, for the message
   * @throws KeyRequiredException if payloads are sealed and no key was given
   */
  public abstract void requireKey(String what) throws KeyRequiredException;

  /**
   * Says whether an uncompressed payload of this stored size is best opened whole, in memory,
   * rather than read where it lies: a small payload that must be decrypted whole before any byte
   * of it may be used, or (not sealed) one small enough that reading it with its local header in
   * one read beats two reads.
   *
   * @param storedSize the payload's stored size
   * @return true to read it with {@link #openInMemory}
   */
  public boolean opensWholeInMemory(long storedSize) {
    return false;
  }

  /**
   * Opens a payload read into memory (its local header already checked).
   *
   * @param entry the entry's path, for messages
   * @param stored the bytes read
   * @param offset where the payload starts in {@code stored}
   * @param length the payload's stored size
   * @return the plain payload: a view of {@code stored} when nothing was sealed
   * @throws dev.engram.AuthenticationFailedException if it does not decrypt
   * @throws IOException if it is malformed
   */
  public abstract ByteBuffer openInMemory(String entry, byte[] stored, int offset, int length)
      throws IOException;

  /**
   * Where a payload can be read as plain bytes.
   *
   * @param source the bytes
   * @param offset where the payload starts in them
   * @param length its plain length
   */
  public record Payload(ArchiveSource source, long offset, long length) {}

  /**
   * Opens a payload where it lies: the body itself, or a view that decrypts it (made once per
   * entry and shared by every later call, until {@link #close()}).
   *
   * @param index the entry's directory index
   * @param entry the entry (its local header already checked)
   * @param body the archive's plain body
   * @return where the plain payload is
   * @throws dev.engram.AuthenticationFailedException if it does not decrypt
   * @throws IOException if reading fails
   */
  public abstract Payload openPayload(int index, DirectoryEntry entry, ArchiveSource body)
      throws IOException;

  /**
   * Builds the frame index of a framed payload opened with {@link #openPayload}.
   *
   * @param entry the entry
   * @param payload where its plain payload is
   * @return the index
   * @throws dev.engram.CorruptArchiveException if the frame layout is damaged
   * @throws IOException if reading fails
   */
  public FrameIndex frameIndex(DirectoryEntry entry, Payload payload) throws IOException {
    return FrameIndex.build(payload.source(), payload.offset(), payload.length(),
        entry.uncompressedSize(), entry.frameSize(), Codecs.of(entry.method()), entry.path());
  }

  /**
   * Returns where a payload lies exactly as its codec produced it, which another archive can
   * take as it is, and an uncompressed one be copied by the operating system; empty when it is
   * sealed to this archive.
   *
   * @param entry the entry
   * @param body the archive's plain body
   * @return the payload's place, or empty
   */
  public Optional<Payload> payloadAsStored(DirectoryEntry entry, ArchiveSource body) {
    return Optional.empty();
  }

  // ---- writing --------------------------------------------------------------------------------

  /** How a payload of another archive is written into one sealed by this sealing. */
  public enum Copying {
    /** Its stored bytes as they are: they are valid here unchanged. */
    AS_STORED,
    /**
     * Sealed again ({@link #writeResealed}): decrypted and encrypted anew for its new path, its
     * plaintext (the compressed bytes, and how they are cut) unchanged.
     */
    RESEALED
  }

  /**
   * Prepares copying a payload of another archive into this one without decoding it: says
   * whether its stored bytes are valid here as they are, or must be sealed again because their
   * seal binds something the copy changes (the path). Payloads sealed on their own are valid
   * only under the same key (the writer's encryption must come from {@link
   * Encryption#forRewriting} of the other archive's, or use the same raw key) and the same
   * layout.
   *
   * @param from the payload sealing of the archive the entry comes from
   * @param entry the entry in that archive
   * @param stored where its payload lies there, as stored
   * @param path the copy's path in this archive
   * @return how to write the copy
   * @throws UnsupportedArchiveException if it cannot be written here without decoding it: one
   *     archive encrypts each entry on its own and the other does not, or both do with other keys
   *     or layouts
   * @throws IOException if reading the payload fails
   */
  public Copying copying(Sealing from, DirectoryEntry entry, Payload stored, String path)
      throws IOException {
    if (from.wrapsPayloads()) {
      throw new UnsupportedArchiveException("entry '" + entry.path() + "' is encrypted on its own;"
          + " its stored bytes cannot be copied to an archive that does not encrypt each entry"
          + " with the same key");
    }
    return Copying.AS_STORED;
  }

  /**
   * Writes a payload of another archive that {@link #copying} said must be sealed again: its
   * plaintext is decrypted and encrypted anew for {@code path} under this archive's key, as it
   * was cut before, so its stored size is unchanged and nothing is decompressed.
   *
   * @param from the payload sealing of the archive the entry comes from
   * @param entry the entry in that archive
   * @param stored where its payload lies there, as stored
   * @param path the copy's path in this archive
   * @param out where to write
   * @return the stored size written
   * @throws dev.engram.AuthenticationFailedException if the payload does not decrypt
   * @throws IllegalStateException if {@link #copying} does not answer {@link Copying#RESEALED}
   *     for this sealing
   * @throws IOException if reading or writing fails
   */
  public long writeResealed(Sealing from, DirectoryEntry entry, Payload stored, String path,
      ArchiveOutput out) throws IOException {
    throw new IllegalStateException("payloads sealed by " + getClass().getSimpleName()
        + " are copied as stored, never sealed again");
  }

  /**
   * Writes a payload held in memory, sealed.
   *
   * @param path the entry's path (segments are bound to it)
   * @param payload the bytes
   * @param offset where they start
   * @param length how many
   * @param out where to write
   * @throws IOException if writing fails
   */
  public abstract void writeSealed(String path, byte[] payload, int offset, int length,
      ArchiveOutput out) throws IOException;

  /**
   * Starts a payload written in pieces, sealed as it goes.
   *
   * @param path the entry's path
   * @param out where to write
   * @return the sink; {@link PayloadSink#finish()} ends the payload
   * @throws IOException if writing fails
   */
  public abstract PayloadSink begin(String path, ArchiveOutput out) throws IOException;

  /** One payload being written in pieces. Used from one thread. */
  public interface PayloadSink {
    /**
     * Writes the next plain bytes.
     *
     * @param bytes source
     * @param offset start
     * @param length count
     * @throws IOException if writing fails
     */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Ends the payload (the tag, or the last segment).
     *
     * @throws IOException if writing fails
     */
    void finish() throws IOException;
  }

  /** Writes a framed payload's frames to the sink it is given. */
  @FunctionalInterface
  public interface FrameWriting {
    /**
     * Writes every frame to a sink and finishes it.
     *
     * @param sink where the frames go
     * @return what was written, the stored size as the sink reported it
     * @throws IOException if reading the content or writing fails
     */
    FramedPayloadWriter.Result writeTo(FramedPayloadWriter.FrameSink sink) throws IOException;
  }

  /**
   * Writes a framed payload, sealed.
   *
   * @param path the entry's path
   * @param out where to write
   * @param withIndex whether the payload ends with a frame index; only a payload stored as it is
   *     can ({@link Encryption#framesCarryIndex()} decides, and asks no other sealing for one)
   * @param frames writes the frames to the sink it is given
   * @return what was written, with the payload's stored size
   * @throws IllegalArgumentException if an index is asked of a sealing whose layout has none
   * @throws IOException if writing fails
   */
  public abstract FramedPayloadWriter.Result writeFrames(String path, ArchiveOutput out,
      boolean withIndex, FrameWriting frames) throws IOException;

  /**
   * Says whether a writer's temporary file holds plaintext of a body that will be sealed, and
   * must therefore be readable by its owner only.
   *
   * @return true when the body is sealed at the end
   */
  public boolean sealsBodyAtEnd() {
    return false;
  }

  /**
   * Completes a written archive: its body (header slot, entries, directory) is in {@code plain},
   * written through {@code out}. Writes the end record and the header, sealing the body in
   * between when this sealing seals bodies, forces the finished file to disk and hands it to
   * {@code placement}. On failure the target is untouched; {@code plain} is left to the caller.
   *
   * @param out the output the body was written through; closed on return
   * @param plain the file {@code out} writes
   * @param header the final header
   * @param target where the archive goes: sealed copies are made next to it
   * @param placement moves the finished archive to {@code target}
   * @throws IOException if writing, syncing or placing fails
   */
  public abstract void completeArchive(ArchiveOutput out, Path plain, Header header, Path target,
      TemporaryFiles.Placement placement) throws IOException;

  /**
   * Returns how many encrypted segments this sealing has decrypted (for tests and benchmarks).
   *
   * @return the count; 0 for modes without segments
   */
  public long segmentsDecrypted() {
    return 0;
  }

  /** Releases what reading made (decrypted temporary files); the key belongs to the caller. */
  @Override
  public void close() throws IOException {}

  /** Nothing sealed: the body and payloads are stored as they are. */
  private static final class Unsealed extends Sealing {
    /**
     * The largest uncompressed payload read whole, with its local header, in one read: one
     * request instead of two when the archive is remote, for a copy in memory of at most this
     * much (the content is then checked, CRC included, before any of it is handed out).
     */
    private static final long SMALL_PAYLOAD = 1 << 20;

    @Override
    public boolean opensWholeInMemory(long storedSize) {
      return storedSize <= SMALL_PAYLOAD;
    }

    @Override
    public boolean wrapsPayloads() {
      return false;
    }

    @Override
    public long sealedSize(long plainLength) {
      return plainLength;
    }

    @Override
    public long leastPlainSize(long storedSize, long frames) {
      return storedSize;
    }

    @Override
    public long mostPlainSize(long storedSize, long frames) {
      return storedSize;
    }

    @Override
    public Body openBody(ArchiveSource container, Header header) {
      return new Body(container, container.size());
    }

    @Override
    public void requireKey(String what) {}

    @Override
    public ByteBuffer openInMemory(String entry, byte[] stored, int offset, int length) {
      return ByteBuffer.wrap(stored, offset, length);
    }

    @Override
    public Payload openPayload(int index, DirectoryEntry entry, ArchiveSource body) {
      return new Payload(body, entry.payloadOffset(), entry.storedSize());
    }

    @Override
    public Optional<Payload> payloadAsStored(DirectoryEntry entry, ArchiveSource body) {
      return Optional.of(openPayload(-1, entry, body));
    }

    @Override
    public void writeSealed(String path, byte[] payload, int offset, int length,
        ArchiveOutput out) throws IOException {
      out.write(payload, offset, length);
    }

    @Override
    public PayloadSink begin(String path, ArchiveOutput out) {
      return new PayloadSink() {
        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          out.write(bytes, offset, length);
        }

        @Override
        public void finish() {}
      };
    }

    @Override
    public FramedPayloadWriter.Result writeFrames(String path, ArchiveOutput out,
        boolean withIndex, FrameWriting frames) throws IOException {
      return frames.writeTo(FramedPayloadWriter.plain(out, withIndex));
    }

    @Override
    public void completeArchive(ArchiveOutput out, Path plain, Header header, Path target,
        TemporaryFiles.Placement placement) throws IOException {
      out.write(EndRecord.matching(header).encode());
      out.patch(0, header.encode());
      out.force();
      out.close();
      placement.place(plain);
    }
  }
}
