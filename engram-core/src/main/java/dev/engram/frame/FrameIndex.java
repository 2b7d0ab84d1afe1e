package dev.engram.frame;

import dev.engram.CorruptArchiveException;
import dev.engram.codec.Codec;
import dev.engram.format.Framing;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.util.Optional;

/**
 * Where each frame of a framed payload lies. Built in one of three ways:
 *
 * <ul>
 *   <li>from the payload's frame index ({@link FrameTable}), when it ends with one: one read of
 *       the payload's tail, whatever the frame count;
 *   <li>by walking the size prefixes once, each read depending on the one before (engram-rs's
 *       payloads, and any whose index is missing or damaged);
 *   <li>from positions already known ({@link #fromPositions}, an encrypted payload stored one
 *       frame per segment).
 * </ul>
 *
 * <p>Every size is checked against the codec and the payload's bounds before it is used, and the
 * frame count against the content size, so a hostile payload cannot make this allocate more than
 * its stored size allows. An index read from a frame table is consistent, but the table could
 * still lie about where frames are: {@link #readFrame} therefore checks each frame's own size
 * prefix (and, with frame 0, the payload's frame count) against it, so that a frame is only ever
 * decoded from where a walk of the prefixes would find it.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class FrameIndex {
  /** Smallest space a frame can take: its size prefix and one byte. */
  private static final int MIN_FRAME_SPACE = Framing.PREFIX + 1;
  private static final int WINDOW = 64 * 1024;

  private final long uncompressedSize;
  private final int frameSize;
  /**
   * starts[k] = absolute offset of frame k's size prefix; starts[count] = end of the last frame
   * (the payload's end, or where its frame index starts).
   */
  private final long[] starts;
  /** The entry, as messages name it: {@code entry 'path'}. */
  private final String where;
  /** Whether the payload's leading frame count was read and checked while building. */
  private final boolean countChecked;
  /** Whether the positions came from the payload's frame index. */
  private final boolean fromTable;
  /** Why the payload's frame index could not be used, or null. */
  private final String tableDamage;

  private FrameIndex(long uncompressedSize, int frameSize, long[] starts, String where,
      boolean countChecked, boolean fromTable, String tableDamage) {
    this.uncompressedSize = uncompressedSize;
    this.frameSize = frameSize;
    this.starts = starts;
    this.where = where;
    this.countChecked = countChecked;
    this.fromTable = fromTable;
    this.tableDamage = tableDamage;
  }

  /**
   * Builds the index of a payload: from its frame index when it ends with a usable one (one
   * read), else by walking its size prefixes. A payload whose frame index is damaged is walked,
   * and the damage recorded ({@link #tableDamage()}); bytes after the last frame that cannot be
   * a frame index are corruption.
   *
   * @param file the archive
   * @param payloadOffset absolute offset of the payload (its frame count)
   * @param storedSize payload size
   * @param uncompressedSize content size
   * @param frameSize uncompressed bytes per frame (the entry's; 64 KiB in the base format)
   * @param codec the entry's codec, which bounds a frame's encoded size
   * @param entry the entry's path, for messages
   * @return the index
   * @throws CorruptArchiveException if the count, a prefix or the payload's end is inconsistent
   * @throws IOException on an I/O error
   */
  public static FrameIndex build(ArchiveSource file, long payloadOffset, long storedSize,
      long uncompressedSize, int frameSize, Codec codec, String entry) throws IOException {
    String where = "entry '" + entry + "'";
    if (storedSize < Framing.PREFIX) {
      throw new CorruptArchiveException(
          where + ": framed payload of " + storedSize + " bytes has no frame count");
    }
    long expected = Framing.frameCount(uncompressedSize, frameSize);
    byte[] tail = null;
    if (Framing.mayHoldIndex(expected, storedSize)) {
      // the frame count is known, so is the index's size: all of it in one read
      tail = new byte[(int) Framing.indexLength(expected)];
      file.readFully(payloadOffset + storedSize - tail.length, tail, 0, tail.length);
      if (FrameTable.endsWithMarker(tail)) {
        FrameIndex index = fromTable(tail, payloadOffset, storedSize, uncompressedSize,
            frameSize, codec, where);
        if (index != null) {
          return index;
        }
      }
    }
    return walk(file, payloadOffset, storedSize, uncompressedSize, frameSize, codec, where,
        tail);
  }

  /**
   * The index a frame table gives, after checking it (marker, count, CRC32, every size possible
   * for the codec, and the frames and the table filling the payload exactly); null when any check
   * fails, for the caller to walk the prefixes instead (which says what is wrong).
   */
  private static FrameIndex fromTable(byte[] table, long payloadOffset, long storedSize,
      long uncompressedSize, int frameSize, Codec codec, String where) {
    long expected = Framing.frameCount(uncompressedSize, frameSize);
    if (FrameTable.problem(table, expected) != null) {
      return null;
    }
    long framesEnd = payloadOffset + storedSize - table.length;
    long[] starts = new long[(int) expected + 1];
    long pos = payloadOffset + Framing.PREFIX;
    for (int k = 0; k < expected; k++) {
      long length = FrameTable.size(table, k);
      if (!isPossibleFrameLength(k, length, framesEnd - pos - Framing.PREFIX, uncompressedSize,
          frameSize, codec)) {
        return null;
      }
      starts[k] = pos;
      pos += Framing.PREFIX + length;
    }
    if (pos != framesEnd) {
      return null;
    }
    starts[(int) expected] = framesEnd;
    return new FrameIndex(uncompressedSize, frameSize, starts, where, false, true, null);
  }

  /**
   * Walks the frame prefixes from the payload's start. After the last frame there may be nothing,
   * or exactly a frame index's worth of bytes, which are compared with the prefixes: any
   * difference is recorded as damage, not thrown, since the prefixes alone locate every frame.
   *
   * @param tail the last {@link Framing#indexLength} bytes of the payload if already read, or
   *     null
   */
  private static FrameIndex walk(ArchiveSource file, long payloadOffset, long storedSize,
      long uncompressedSize, int frameSize, Codec codec, String where, byte[] tail)
      throws IOException {
    long end = payloadOffset + storedSize;
    long expected = Framing.frameCount(uncompressedSize, frameSize);
    Window window = new Window(file, end);
    long count = window.u32(payloadOffset);
    if (count != expected) {
      throw new CorruptArchiveException(
          wrongCount(where, count, expected, uncompressedSize, frameSize));
    }
    if (count > (storedSize - Framing.PREFIX) / MIN_FRAME_SPACE) {
      throw new CorruptArchiveException(where + ": " + count + " frames cannot fit in "
          + storedSize + " stored bytes");
    }
    if (count >= Integer.MAX_VALUE - 8) {
      throw new CorruptArchiveException(
          where + ": " + count + " frames are more than one index holds");
    }
    long[] starts = new long[(int) count + 1];
    long pos = payloadOffset + Framing.PREFIX;
    for (int k = 0; k < count; k++) {
      if (end - pos < Framing.PREFIX) {
        throw new CorruptArchiveException(
            where + ": frame " + k + " of " + count + " starts past the end of the payload");
      }
      long length = window.u32(pos);
      // checked here, frame by frame, so the message names the frame that is wrong
      checkFrameLength(where, k, pos, length, end - pos - Framing.PREFIX, uncompressedSize,
          frameSize, codec);
      starts[k] = pos;
      pos += Framing.PREFIX + length;
    }
    starts[(int) count] = pos;
    String damage = null;
    if (pos != end) {
      if (count > Framing.MAX_INDEXED_FRAMES || end - pos != Framing.indexLength(count)) {
        throw new CorruptArchiveException(
            where + ": " + (end - pos) + " stray bytes follow the last frame");
      }
      byte[] table = tail;
      if (table == null) {
        table = new byte[(int) (end - pos)];
        file.readFully(pos, table, 0, table.length);
      }
      damage = disagreement(table, starts);
    }
    return new FrameIndex(uncompressedSize, frameSize, starts, where, true, false, damage);
  }

  /** What is wrong with a frame table, given the frame positions the prefixes gave; or null. */
  private static String disagreement(byte[] table, long[] starts) {
    int count = starts.length - 1;
    String problem = FrameTable.problem(table, count);
    for (int k = 0; problem == null && k < count; k++) {
      long prefix = starts[k + 1] - starts[k] - Framing.PREFIX;
      long size = FrameTable.size(table, k);
      if (size != prefix) {
        problem = "it gives frame " + k + " " + size + " bytes, its size prefix " + prefix;
      }
    }
    return problem;
  }

  private static String wrongCount(String where, long count, long expected,
      long uncompressedSize, int frameSize) {
    return where + ": frame count is " + count + " but " + uncompressedSize + " bytes need "
        + expected + " frames of " + frameSize;
  }

  /**
   * Makes the index of a payload whose frame positions are already known (an encrypted payload
   * stored one frame per segment), with the checks {@link #build} applies: as many frames as the
   * size needs, and every frame's encoded size possible for its codec. The caller has checked
   * the payload's frame count.
   *
   * @param starts where each frame's size prefix is, then where the payload ends (kept, not
   *     copied)
   * @param uncompressedSize content size
   * @param frameSize uncompressed bytes per frame
   * @param codec the entry's codec
   * @param entry the entry's path, for messages
   * @return the index
   * @throws CorruptArchiveException if the frames do not fit the content size
   */
  public static FrameIndex fromPositions(long[] starts, long uncompressedSize, int frameSize,
      Codec codec, String entry) throws CorruptArchiveException {
    String where = "entry '" + entry + "'";
    long expected = Framing.frameCount(uncompressedSize, frameSize);
    if (starts.length - 1 != expected) {
      throw new CorruptArchiveException(where + ": " + (starts.length - 1) + " frames, but "
          + uncompressedSize + " bytes need " + expected);
    }
    for (int k = 0; k + 1 < starts.length; k++) {
      checkFrameLength(where, k, starts[k], starts[k + 1] - starts[k] - Framing.PREFIX,
          Long.MAX_VALUE, uncompressedSize, frameSize, codec);
    }
    return new FrameIndex(uncompressedSize, frameSize, starts, where, true, false, null);
  }

  /**
   * Checks one frame's encoded size: at least what its codec can achieve for the frame's content,
   * at most its worst case, and no more than the bytes left in the payload.
   */
  private static void checkFrameLength(String where, int k, long position, long length,
      long left, long uncompressedSize, int frameSize, Codec codec)
      throws CorruptArchiveException {
    if (!isPossibleFrameLength(k, length, left, uncompressedSize, frameSize, codec)) {
      throw new CorruptArchiveException(where + ": frame " + k + " at offset " + position
          + " claims " + length + " bytes (possible: " + minFrameLength(k, uncompressedSize,
          frameSize, codec) + " to " + Math.min(codec.maxCompressedLength(frameSize), left)
          + ")");
    }
  }

  private static boolean isPossibleFrameLength(int k, long length, long left,
      long uncompressedSize, int frameSize, Codec codec) {
    return length >= minFrameLength(k, uncompressedSize, frameSize, codec)
        && length <= Math.min(codec.maxCompressedLength(frameSize), left);
  }

  private static int minFrameLength(int k, long uncompressedSize, int frameSize, Codec codec) {
    return Math.max(1,
        codec.minCompressedLength(Framing.frameLength(uncompressedSize, k, frameSize)));
  }

  /**
   * Returns how many bytes {@link #readFrame} needs for any frame of this index.
   *
   * @param codec the entry's codec
   * @return the codec's worst case for one frame, plus the frame count and a size prefix
   */
  public int scratchLength(Codec codec) {
    return 2 * Framing.PREFIX + codec.maxCompressedLength(frameSize);
  }

  /**
   * Reads frame {@code k} as stored, in one read: its size prefix and its encoded bytes (for
   * frame 0 of an index read from a frame table, the payload's frame count too). Checks that the
   * prefix says the size this index gives the frame, and that the count is the one the content
   * size needs, so that a frame table that lies about where frames are cannot make a frame be
   * decoded from anywhere else.
   *
   * @param source where the payload is
   * @param k frame index
   * @param scratch at least {@link #scratchLength} bytes; receives what was read, from 0
   * @return where in {@code scratch} the encoded frame starts ({@link #encodedLength} bytes)
   * @throws CorruptArchiveException if the prefix or the count disagrees with this index
   * @throws IOException on an I/O error
   */
  public int readFrame(ArchiveSource source, int k, byte[] scratch) throws IOException {
    int length = encodedLength(k);
    boolean withCount = k == 0 && !countChecked;
    int head = withCount ? 2 * Framing.PREFIX : Framing.PREFIX;
    source.readFully(starts[k] + Framing.PREFIX - head, scratch, 0, head + length);
    if (withCount && Framing.u32(scratch, 0) != frameCount()) {
      throw new CorruptArchiveException(wrongCount(where, Framing.u32(scratch, 0), frameCount(),
          uncompressedSize, frameSize));
    }
    long prefix = Framing.u32(scratch, head - Framing.PREFIX);
    if (prefix != length) {
      throw new CorruptArchiveException(where + ": frame " + k + " at offset " + starts[k]
          + " claims " + prefix + " bytes, but the frame index says " + length);
    }
    return head;
  }

  /**
   * Says whether this index was read from the payload's frame index (one read) rather than
   * found by walking the size prefixes or from segment positions.
   *
   * @return true when it came from the payload's frame index
   */
  public boolean fromTable() {
    return fromTable;
  }

  /**
   * Returns why the payload's frame index could not be used (its bytes are there but disagree
   * with themselves or with the size prefixes), when the prefixes were walked instead.
   * Verification reports it; reads are unaffected.
   *
   * @return what is wrong, naming the entry, or empty when there is no index or it is sound
   */
  public Optional<String> tableDamage() {
    return Optional.ofNullable(tableDamage).map(d -> where + ": damaged frame index: " + d);
  }

  /**
   * Returns the number of frames.
   *
   * @return frame count
   */
  public int frameCount() {
    return starts.length - 1;
  }

  /**
   * Returns the uncompressed size of every frame but the last.
   *
   * @return bytes per frame
   */
  public int frameSize() {
    return frameSize;
  }

  /**
   * Returns the content size.
   *
   * @return uncompressed size of the entry
   */
  public long uncompressedSize() {
    return uncompressedSize;
  }

  /**
   * Returns where frame {@code k}'s encoded bytes start (after its size prefix).
   *
   * @param k frame index
   * @return absolute file offset
   */
  public long encodedOffset(int k) {
    return starts[k] + Framing.PREFIX;
  }

  /**
   * Returns the size of frame {@code k}'s encoded bytes.
   *
   * @param k frame index
   * @return encoded size
   */
  public int encodedLength(int k) {
    return (int) (starts[k + 1] - starts[k] - Framing.PREFIX);
  }

  /**
   * Returns the uncompressed length of frame {@code k}.
   *
   * @param k frame index
   * @return {@link #frameSize()}, or less for the last frame
   */
  public int frameLength(int k) {
    return Framing.frameLength(uncompressedSize, k, frameSize);
  }

  /** Distance between prefixes beyond which each is read on its own (see {@link Window}). */
  private static final long LARGE_JUMP = 8 * 1024;

  /**
   * Reads little-endian u32s at increasing offsets: through a buffered window while they are
   * close together, one by one when they are far apart.
   */
  private static final class Window {
    private final ArchiveSource file;
    private final long end;
    private final byte[] buffer = new byte[WINDOW];
    private long start = -1;
    private int length;
    private long lastPosition;

    Window(ArchiveSource file, long end) {
      this.file = file;
      this.end = end;
    }

    long u32(long position) throws IOException {
      if (start < 0 || position < start || position + 4 > start + length) {
        // Frames that compress to a few KiB are read many to a window; larger ones only by
        // their prefixes: a window would read most of the payload just to find them.
        long jump = start < 0 ? 0 : position - lastPosition;
        length = (int) Math.min(jump >= LARGE_JUMP ? Framing.PREFIX : WINDOW, end - position);
        file.readFully(position, buffer, 0, length);
        start = position;
      }
      lastPosition = position;
      return Framing.u32(buffer, (int) (position - start));
    }
  }
}
