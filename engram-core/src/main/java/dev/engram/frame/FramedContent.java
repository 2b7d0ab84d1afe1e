package dev.engram.frame;

import dev.engram.CorruptArchiveException;
import dev.engram.codec.Codec;
import dev.engram.format.Framing;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads at any position of a framed entry, from any number of threads at once, decoding only the
 * frames a read touches and sharing decoded frames through a {@link FrameCache}.
 *
 * <p>No CRC32 of the whole content can be checked for reads in arbitrary order; each frame must
 * decode to exactly its expected length, and a frame that fails to is reported as corrupt.
 *
 * <p>Thread-safe.
 */
public final class FramedContent {
  private final ArchiveSource source;
  private final FrameIndex index;
  private final Codec codec;
  private final String entry;
  private final FrameCache cache;
  private final int cacheId;
  private final AtomicLong framesDecoded = new AtomicLong();

  /**
   * Creates a view of a framed entry.
   *
   * @param source where the payload is, as plaintext
   * @param index the entry's frame index
   * @param codec the entry's codec
   * @param entry the entry's path, for messages
   * @param cache the cache to share decoded frames through
   * @param cacheId the entry's identity in the cache (its directory index)
   */
  public FramedContent(ArchiveSource source, FrameIndex index, Codec codec, String entry,
      FrameCache cache, int cacheId) {
    this.source = source;
    this.index = index;
    this.codec = codec;
    this.entry = entry;
    this.cache = cache;
    this.cacheId = cacheId;
  }

  /**
   * Returns how many frames reads through this view have decompressed; frames found in the cache
   * do not count.
   *
   * @return frames decoded
   */
  public long framesDecoded() {
    return framesDecoded.get();
  }

  /**
   * Copies content from a position into a buffer, until the buffer is full or the content ends.
   *
   * @param position where to start, at least 0 and less than the content size
   * @param dst filled from its position
   * @return the number of bytes copied
   * @throws CorruptArchiveException if a frame the read needs is damaged
   * @throws IOException on an I/O error
   */
  public int read(long position, ByteBuffer dst) throws IOException {
    long size = index.uncompressedSize();
    long at = position;
    byte[] scratch = null;
    while (dst.hasRemaining() && at < size) {
      int k = (int) (at / index.frameSize());
      long key = FrameCache.key(cacheId, k);
      byte[] frame = cache.get(key);
      if (frame == null) {
        if (scratch == null) {
          scratch = new byte[index.scratchLength(codec)];
        }
        frame = new byte[index.frameLength(k)];
        decode(source, index, codec, entry, k, scratch, frame);
        framesDecoded.incrementAndGet();
        cache.put(key, frame);
      }
      int offset = (int) (at - (long) k * index.frameSize());
      int n = Math.min(dst.remaining(), frame.length - offset);
      dst.put(frame, offset, n);
      at += n;
    }
    return (int) (at - position);
  }

  /**
   * Decodes one frame: reads it (checked against the index, see {@link FrameIndex#readFrame}) and
   * decompresses it to exactly the frame's length.
   *
   * @param scratch space of at least {@link FrameIndex#scratchLength} bytes
   * @param out receives the frame, from offset 0
   */
  static void decode(ArchiveSource source, FrameIndex index, Codec codec, String entry,
      int k, byte[] scratch, byte[] out) throws IOException {
    decode(source, index, codec, entry, k, scratch, out, 0);
  }

  /** {@link #decode(ArchiveSource, FrameIndex, Codec, String, int, byte[], byte[])} into
   * {@code out} from {@code outOffset}. */
  static void decode(ArchiveSource source, FrameIndex index, Codec codec, String entry,
      int k, byte[] scratch, byte[] out, int outOffset) throws IOException {
    int at = index.readFrame(source, k, scratch);
    try {
      codec.decompress(scratch, at, index.encodedLength(k), out, outOffset,
          index.frameLength(k));
    } catch (CorruptArchiveException e) {
      throw new CorruptArchiveException("entry '" + entry + "': frame " + k + " at offset "
          + (index.encodedOffset(k) - Framing.PREFIX) + ": " + e.getMessage(), e);
    }
  }
}
