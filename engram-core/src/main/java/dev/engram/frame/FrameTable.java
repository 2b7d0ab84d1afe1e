package dev.engram.frame;

import dev.engram.format.Framing;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The bytes of a frame index: engram-java's table of frame sizes at the end of a framed payload,
 * after the last frame, where engram-rs never looks (docs/FORMAT.md, "Frame index"):
 *
 * <pre>
 * [size of frame 0: u32] ... [size of frame n-1: u32]   the table: each frame's size prefix again
 * [n: u32]                                             frame count
 * [CRC32 of the table and n: u32]
 * [marker: "ENGFIDX" 0x01]
 * </pre>
 *
 * <p>A reader knows {@code n} from the directory, so it reads the whole index, {@link
 * Framing#indexLength}{@code (n)} bytes before the payload's end, in one read. The only place
 * that encodes or decodes these bytes. Stateless and thread-safe.
 */
final class FrameTable {
  /** Last 8 bytes of a payload that ends with a frame index; the last byte is the layout. */
  static final byte[] MARKER = {'E', 'N', 'G', 'F', 'I', 'D', 'X', 1};
  private static final int MARKER_OFFSET = Framing.INDEX_TRAILER - MARKER.length;
  private static final int CRC_OFFSET = MARKER_OFFSET - 4;
  private static final int COUNT_OFFSET = CRC_OFFSET - 4;

  private FrameTable() {}

  /**
   * Encodes the index of frames of these encoded sizes.
   *
   * @param sizes each frame's encoded size (without its prefix), from index 0
   * @param count how many of {@code sizes} are frames, at most {@link
   *     Framing#MAX_INDEXED_FRAMES}
   * @return {@link Framing#indexLength}{@code (count)} bytes
   */
  static byte[] encode(int[] sizes, int count) {
    byte[] index = new byte[(int) Framing.indexLength(count)];
    for (int k = 0; k < count; k++) {
      Framing.putU32(index, Framing.PREFIX * k, sizes[k]);
    }
    int trailer = index.length - Framing.INDEX_TRAILER;
    Framing.putU32(index, trailer + COUNT_OFFSET, count);
    CRC32 crc = new CRC32();
    crc.update(index, 0, trailer + CRC_OFFSET);
    Framing.putU32(index, trailer + CRC_OFFSET, crc.getValue());
    System.arraycopy(MARKER, 0, index, trailer + MARKER_OFFSET, MARKER.length);
    return index;
  }

  /**
   * Says whether bytes end with the marker: whether a payload claims to carry an index.
   *
   * @param tail the last bytes of a payload, at least {@link Framing#INDEX_TRAILER}
   * @return true if its last 8 bytes are the marker
   */
  static boolean endsWithMarker(byte[] tail) {
    int at = tail.length - MARKER.length;
    return Arrays.equals(tail, at, tail.length, MARKER, 0, MARKER.length);
  }

  /**
   * Checks an index's own consistency: its marker, that it counts the frames the entry's size
   * needs, and its CRC32. The sizes are the caller's to check against the codec and the payload.
   *
   * @param index {@link Framing#indexLength}{@code (expectedCount)} bytes read from the end of a
   *     payload
   * @param expectedCount how many frames the entry has
   * @return what is wrong with it, or null when nothing is
   */
  static String problem(byte[] index, long expectedCount) {
    if (!endsWithMarker(index)) {
      return "its last 8 bytes are not the frame index marker";
    }
    int trailer = index.length - Framing.INDEX_TRAILER;
    long count = Framing.u32(index, trailer + COUNT_OFFSET);
    if (count != expectedCount) {
      return "it counts " + count + " frames, not " + expectedCount;
    }
    CRC32 crc = new CRC32();
    crc.update(index, 0, trailer + CRC_OFFSET);
    long recorded = Framing.u32(index, trailer + CRC_OFFSET);
    if (recorded != crc.getValue()) {
      return String.format("its CRC32 is %08x, but its table gives %08x", recorded,
          crc.getValue());
    }
    return null;
  }

  /**
   * Returns the encoded size the index records for frame {@code k}.
   *
   * @param index an index that passed {@link #check}
   * @param k frame index
   * @return the size, unsigned
   */
  static long size(byte[] index, int k) {
    return Framing.u32(index, Framing.PREFIX * k);
  }
}
