package dev.engram.crypto;

import dev.engram.AuthenticationFailedException;
import dev.engram.CorruptArchiveException;
import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.AEADBadTagException;

/**
 * The plaintext of a segmented stream, read at any position: a read decrypts only the segments it
 * touches (and keeps the last few). The segment table is built once from the clear length fields,
 * without decrypting anything; every length is checked against the stream's bounds, so a hostile
 * stream cannot make it allocate more than its own size allows. Plaintext position {@code p} is
 * served at {@code origin + p}, so a decrypted archive body can stand in for the archive.
 *
 * <p>Thread-safe: segments are decrypted with a cipher per call; the cache is synchronized.
 */
public final class SegmentedSource implements ArchiveSource {
  private static final int CACHED_SEGMENTS = 8;
  private static final int MIN_SEGMENT_SPACE = Segments.SEGMENT_OVERHEAD;

  private final ArchiveSource container;
  private final Segments cipher;
  private final long origin;
  private final String what;
  /** cipherStarts[k]: where segment k's length field is; plainStarts[k]: its first plain byte. */
  private final long[] cipherStarts;
  private final long[] plainStarts;
  private final int[] lengths;
  private final long plainLength;
  private final LongAdder decrypted;
  private final Map<Integer, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> eldest) {
      return size() > CACHED_SEGMENTS;
    }
  };

  private SegmentedSource(ArchiveSource container, Segments cipher, long origin, String what,
      long[] cipherStarts, long[] plainStarts, int[] lengths, long plainLength,
      LongAdder decrypted) {
    this.decrypted = decrypted;
    this.container = container;
    this.cipher = cipher;
    this.origin = origin;
    this.what = what;
    this.cipherStarts = cipherStarts;
    this.plainStarts = plainStarts;
    this.lengths = lengths;
    this.plainLength = plainLength;
  }

  /**
   * Reads a stream's salt and segment table.
   *
   * @param container where the stream is stored
   * @param offset where the stream starts (its salt)
   * @param length the stream's size
   * @param archiveKey the archive's 32-byte key
   * @param associatedData what its segments are bound to
   * @param origin the position its first plaintext byte is served at
   * @param what the entry or body, for messages
   * @param decrypted counts every segment decrypted (for statistics); may be shared
   * @return the source
   * @throws CorruptArchiveException if the segment lengths do not fill the stream exactly
   * @throws IOException if reading fails
   */
  public static SegmentedSource open(ArchiveSource container, long offset, long length,
      byte[] archiveKey, byte[] associatedData, long origin, String what, LongAdder decrypted)
      throws IOException {
    if (length < Segments.SALT_BYTES + MIN_SEGMENT_SPACE) {
      throw new CorruptArchiveException(what + ": a segmented stream of " + length
          + " bytes cannot hold a salt and a segment");
    }
    byte[] salt = new byte[Segments.SALT_BYTES];
    container.readFully(offset, salt, 0, salt.length);
    long end = offset + length;
    long maxSegments = (length - Segments.SALT_BYTES) / MIN_SEGMENT_SPACE;
    int capacity = (int) Math.min(maxSegments, 1024);
    long[] cipherStarts = new long[capacity];
    long[] plainStarts = new long[capacity];
    int[] lengths = new int[capacity];
    int count = 0;
    long plain = 0;
    long position = offset + Segments.SALT_BYTES;
    byte[] window = new byte[64 * 1024];
    long windowStart = -1;
    int windowLength = 0;
    while (position < end) {
      if (end - position < MIN_SEGMENT_SPACE) {
        throw new CorruptArchiveException(what + ": " + (end - position)
            + " stray bytes follow segment " + (count - 1));
      }
      if (windowStart < 0 || position + 4 > windowStart + windowLength) {
        windowLength = (int) Math.min(window.length, end - position);
        container.readFully(position, window, 0, windowLength);
        windowStart = position;
      }
      int i = (int) (position - windowStart);
      long segmentLength = (window[i] & 0xFFL) | (window[i + 1] & 0xFFL) << 8
          | (window[i + 2] & 0xFFL) << 16 | (window[i + 3] & 0xFFL) << 24;
      if (segmentLength > Segments.MAX_SEGMENT
          || segmentLength > end - position - MIN_SEGMENT_SPACE) {
        throw new CorruptArchiveException(what + ": segment " + count + " at offset " + position
            + " claims " + segmentLength + " bytes, more than the stream holds");
      }
      if (count == cipherStarts.length) {
        int grown = (int) Math.min(maxSegments, 2L * count);
        if (grown <= count || count >= Integer.MAX_VALUE - 8) {
          throw new CorruptArchiveException(what + ": too many segments");
        }
        cipherStarts = Arrays.copyOf(cipherStarts, grown);
        plainStarts = Arrays.copyOf(plainStarts, grown);
        lengths = Arrays.copyOf(lengths, grown);
      }
      cipherStarts[count] = position;
      plainStarts[count] = plain;
      lengths[count] = (int) segmentLength;
      count++;
      plain += segmentLength;
      position += MIN_SEGMENT_SPACE + segmentLength;
    }
    SegmentedSource source = new SegmentedSource(container,
        Segments.of(archiveKey, salt, associatedData), origin, what,
        Arrays.copyOf(cipherStarts, count), Arrays.copyOf(plainStarts, count),
        Arrays.copyOf(lengths, count), plain, decrypted);
    // the last segment carries the end-of-stream mark: checking it now catches a stream whose
    // tail was cut (with its recorded sizes adjusted) before any of it is used
    source.segment(count - 1);
    return source;
  }

  /**
   * Returns the number of segments.
   *
   * @return at least 1
   */
  public int segmentCount() {
    return lengths.length;
  }

  /**
   * Returns where segment {@code k}'s plaintext starts, relative to the stream's plaintext.
   *
   * @param k segment index
   * @return plaintext offset
   */
  public long segmentStart(int k) {
    return plainStarts[k];
  }

  /**
   * Returns segment {@code k}'s plaintext size.
   *
   * @param k segment index
   * @return size in bytes
   */
  public int segmentLength(int k) {
    return lengths[k];
  }

  /**
   * Returns the plaintext's size.
   *
   * @return bytes of plaintext in the stream
   */
  public long plainLength() {
    return plainLength;
  }

  @Override
  public String name() {
    return container.name();
  }

  /** Returns the container's identity: these bytes are a view of its bytes. */
  @Override
  public SourceIdentity identity() {
    return container.identity();
  }

  @Override
  public long size() {
    return origin + plainLength;
  }

  @Override
  public boolean isOpen() {
    return container.isOpen();
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    long plain = position - origin;
    if (plain < 0 || plain + dst.remaining() > plainLength) {
      throw new CorruptArchiveException(container.name() + ": " + what + ": bytes " + position
          + " to " + (position + dst.remaining()) + " lie outside its " + plainLength
          + " bytes of plaintext");
    }
    while (dst.hasRemaining()) {
      int k = segmentAt(plain);
      byte[] segment = segment(k);
      int from = (int) (plain - plainStarts[k]);
      int n = Math.min(dst.remaining(), segment.length - from);
      dst.put(segment, from, n);
      plain += n;
    }
  }

  private int segmentAt(long plain) {
    int k = Arrays.binarySearch(plainStarts, plain);
    if (k < 0) {
      k = -k - 2;
    }
    while (lengths[k] == 0 && k + 1 < lengths.length) {
      k++; // an empty segment holds no position: the next one does
    }
    return k;
  }

  /** Decrypts segment {@code k} (or takes it from the cache). */
  private byte[] segment(int k) throws IOException {
    synchronized (cache) {
      byte[] cached = cache.get(k);
      if (cached != null) {
        return cached;
      }
    }
    byte[] sealed = new byte[lengths[k] + AesGcm.TAG_BYTES];
    container.readFully(cipherStarts[k] + Segments.LENGTH_BYTES, sealed, 0, sealed.length);
    byte[] plain;
    decrypted.increment();
    try {
      plain = cipher.open(k, k == lengths.length - 1, sealed, 0, sealed.length);
    } catch (AEADBadTagException e) {
      throw new AuthenticationFailedException(what + ": segment " + k + " of "
          + lengths.length + " does not decrypt: the key or passphrase is wrong, or the encrypted"
          + " bytes were changed, moved or cut");
    }
    synchronized (cache) {
      cache.put(k, plain);
    }
    return plain;
  }

  /** Does nothing: the container belongs to whoever opened it. */
  @Override
  public void close() {}
}
