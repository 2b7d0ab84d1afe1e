package dev.engram.crypto;

import dev.engram.io.ArchiveOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes one segmented stream into an archive: the salt, then segments, the last one marked. Data
 * written with {@link #write} is cut into 64 KiB segments; {@link #writeSegment} makes one segment
 * of exactly what it is given (one frame of a framed entry). One segment is held back until the
 * next arrives or the stream ends, since the last one is sealed differently. A segment can also be
 * reserved ({@link #reserve}) and filled in later, because sealed bytes cannot be patched: that is
 * how a framed entry's frame count, known only at the end, is written. Not thread-safe.
 */
public final class SegmentedWriter {
  private final Segments cipher;
  private final ArchiveOutput out;
  private final long start;
  private byte[] pending = new byte[Segments.SEGMENT_SIZE];
  private int pendingLength;
  private boolean hasPending;
  private long nextIndex;

  private SegmentedWriter(Segments cipher, ArchiveOutput out, long start) {
    this.cipher = cipher;
    this.out = out;
    this.start = start;
  }

  /**
   * Starts a stream at the output's position, writing its salt.
   *
   * @param archiveKey the archive's 32-byte key
   * @param associatedData what every segment is bound to
   * @param out where the stream goes
   * @return the writer
   * @throws IOException if writing fails
   */
  public static SegmentedWriter begin(byte[] archiveKey, byte[] associatedData, ArchiveOutput out)
      throws IOException {
    byte[] salt = Segments.newSalt();
    long start = out.position();
    out.write(salt);
    return new SegmentedWriter(Segments.of(archiveKey, salt, associatedData), out, start);
  }

  /**
   * Returns the size of a stream holding {@code plainLength} contiguous bytes.
   *
   * @param plainLength bytes written with {@link #write}
   * @return the stream's size: salt, segments, their lengths and tags
   */
  public static long streamSize(long plainLength) {
    long segments = Math.max(1, (plainLength + Segments.SEGMENT_SIZE - 1) / Segments.SEGMENT_SIZE);
    return Segments.SALT_BYTES + plainLength + segments * Segments.SEGMENT_OVERHEAD;
  }

  /**
   * Appends contiguous bytes, cut into 64 KiB segments.
   *
   * @param bytes source
   * @param offset start
   * @param length size
   * @throws IOException if writing fails
   */
  public void write(byte[] bytes, int offset, int length) throws IOException {
    int at = offset;
    int left = length;
    while (left > 0) {
      if (hasPending && pendingLength == Segments.SEGMENT_SIZE) {
        emit(false);
      }
      int n = Math.min(left, Segments.SEGMENT_SIZE - pendingLength);
      System.arraycopy(bytes, at, pending, pendingLength, n);
      pendingLength += n;
      hasPending = true;
      at += n;
      left -= n;
    }
  }

  /**
   * Appends one segment holding exactly these bytes.
   *
   * @param bytes source
   * @param offset start
   * @param length size, at most {@link Segments#MAX_SEGMENT}
   * @throws IOException if writing fails
   */
  public void writeSegment(byte[] bytes, int offset, int length) throws IOException {
    if (hasPending) {
      emit(false);
    }
    if (pending.length < length) {
      pending = new byte[length];
    }
    System.arraycopy(bytes, offset, pending, 0, length);
    pendingLength = length;
    hasPending = true;
  }

  /**
   * Reserves the next segment for {@code plainLength} bytes given later to {@link #fill}. It is
   * never the last segment.
   *
   * @param plainLength its plaintext size
   * @return a handle for {@link #fill}
   * @throws IOException if writing fails
   */
  public Reserved reserve(int plainLength) throws IOException {
    if (hasPending) {
      emit(false);
    }
    Reserved reserved = new Reserved(out.position(), nextIndex++, plainLength);
    out.write(new byte[Segments.SEGMENT_OVERHEAD + plainLength]);
    return reserved;
  }

  /**
   * Seals a reserved segment into its place.
   *
   * @param reserved the handle {@link #reserve} returned
   * @param plain exactly the reserved number of bytes
   * @throws IOException if writing fails
   */
  public void fill(Reserved reserved, byte[] plain) throws IOException {
    if (plain.length != reserved.length) {
      throw new IllegalArgumentException("reserved " + reserved.length + " bytes, got "
          + plain.length);
    }
    byte[] segment = new byte[Segments.SEGMENT_OVERHEAD + plain.length];
    putLength(segment, plain.length);
    byte[] sealed = cipher.seal(reserved.index, false, plain, 0, plain.length);
    System.arraycopy(sealed, 0, segment, Segments.LENGTH_BYTES, sealed.length);
    out.patch(reserved.position, segment);
  }

  /**
   * Writes the last segment (empty if nothing was held back) and ends the stream.
   *
   * @return the stream's size in bytes
   * @throws IOException if writing fails
   */
  public long finish() throws IOException {
    emit(true);
    return out.position() - start;
  }

  private void emit(boolean last) throws IOException {
    byte[] length = new byte[Segments.LENGTH_BYTES];
    putLength(length, pendingLength);
    out.write(length);
    out.write(cipher.seal(nextIndex++, last, pending, 0, pendingLength));
    Arrays.fill(pending, 0, pendingLength, (byte) 0);
    pendingLength = 0;
    hasPending = false;
  }

  private static void putLength(byte[] b, int length) {
    b[0] = (byte) length;
    b[1] = (byte) (length >>> 8);
    b[2] = (byte) (length >>> 16);
    b[3] = (byte) (length >>> 24);
  }

  /** A segment written as zeros, to be sealed later. */
  public static final class Reserved {
    private final long position;
    private final long index;
    private final int length;

    private Reserved(long position, long index, int length) {
      this.position = position;
      this.index = index;
      this.length = length;
    }
  }
}
