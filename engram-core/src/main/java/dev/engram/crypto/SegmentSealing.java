package dev.engram.crypto;

import dev.engram.CorruptArchiveException;
import dev.engram.codec.Codecs;
import dev.engram.format.DirectoryEntry;
import dev.engram.format.EndRecord;
import dev.engram.format.Framing;
import dev.engram.format.Header;
import dev.engram.frame.FrameIndex;
import dev.engram.frame.FramedPayloadWriter;
import dev.engram.io.ArchiveOutput;
import dev.engram.io.MemorySource;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * engram-java's random-access encryption: a payload or body is a stream of authenticated
 * segments ({@link Segments}), so a read decrypts only the segments it touches. A framed payload
 * holds its frame count in a segment of its own, then one frame per segment, so its frame index
 * comes from the clear segment lengths without decrypting anything else.
 */
final class SegmentSealing extends KeyedSealing {
  /** Segments decrypted by every stream this sealing opened. */
  private final LongAdder segmentsDecrypted = new LongAdder();

  SegmentSealing(byte[] key, Path target) {
    super(key, target);
  }

  @Override
  public long sealedSize(long plainLength) {
    // a stream is at most ~1.0004 times its plaintext: only absurd sizes overflow
    return plainLength > Long.MAX_VALUE / 2 ? Long.MAX_VALUE
        : SegmentedWriter.streamSize(plainLength);
  }

  @Override
  public long leastPlainSize(long storedSize, long frames) {
    if (frames >= 0) {
      return framedPlainSize(storedSize, frames);
    }
    long most = mostPlainSize(storedSize, frames);
    return most - Segments.SEGMENT_OVERHEAD * (Math.max(0, most) / Segments.SEGMENT_SIZE);
  }

  @Override
  public long mostPlainSize(long storedSize, long frames) {
    if (frames >= 0) {
      return framedPlainSize(storedSize, frames);
    }
    return storedSize - Segments.SALT_BYTES - Segments.SEGMENT_OVERHEAD; // at least one segment
  }

  /** A framed payload has one segment for its frame count and one per frame: exact. */
  private static long framedPlainSize(long storedSize, long frames) {
    return storedSize - Segments.SALT_BYTES - (frames + 1) * Segments.SEGMENT_OVERHEAD;
  }

  @Override
  public long segmentsDecrypted() {
    return segmentsDecrypted.sum();
  }

  /**
   * Opens the body's segment table; only the last segment is decrypted now, everything else when
   * it is read.
   */
  @Override
  public Body openBody(ArchiveSource container, Header header) throws IOException {
    requireKey("the archive (names and contents)");
    long length = container.size() - Header.SIZE - EndRecord.SIZE;
    SegmentedSource body = SegmentedSource.open(container, Header.SIZE, length, key,
        Segments.bodyAssociatedData(header.encode()), Header.SIZE, "the archive body",
        segmentsDecrypted);
    return new Body(body, body.size() + EndRecord.SIZE);
  }

  @Override
  public ByteBuffer openInMemory(String entry, byte[] stored, int offset, int length)
      throws IOException {
    requireKey("entry '" + entry + "'");
    SegmentedSource plain = SegmentedSource.open(new MemorySource(stored, entry), offset, length,
        key, Segments.entryAssociatedData(entry), 0, "entry '" + entry + "'", segmentsDecrypted);
    // no larger than the stored bytes already in memory
    byte[] payload = new byte[(int) plain.plainLength()];
    plain.readFully(0, payload, 0, payload.length);
    return ByteBuffer.wrap(payload);
  }

  @Override
  ArchiveSource open(DirectoryEntry entry, ArchiveSource body) throws IOException {
    return openStream(entry, new Payload(body, entry.payloadOffset(), entry.storedSize()));
  }

  /** Opens an entry's stored stream, bound to the entry's path. */
  private SegmentedSource openStream(DirectoryEntry entry, Payload stored) throws IOException {
    return SegmentedSource.open(stored.source(), stored.offset(), stored.length(), key,
        Segments.entryAssociatedData(entry.path()), 0, "entry '" + entry.path() + "'",
        segmentsDecrypted);
  }

  /**
   * A stream's segments authenticate the entry's path (its associated data), nothing else: not
   * its offset, its index or the archive (the key is the stream's salt and the archive key). So
   * it is valid as stored under the same path, and must be sealed again under another.
   */
  @Override
  Copying copyingSameKey(DirectoryEntry entry, Payload stored, String path) {
    return path.equals(entry.path()) ? Copying.AS_STORED : Copying.RESEALED;
  }

  /**
   * Decrypts the stream segment by segment and seals each segment again, with the same plain
   * length at the same index, into a new stream bound to the new path: a new salt, so a new
   * stream key (the old stream's key must never seal other associated data under the same
   * nonces). A framed payload keeps its frame count in segment 0 and one frame per segment;
   * the stored size is unchanged.
   */
  @Override
  public long writeResealed(Sealing from, DirectoryEntry entry, Payload stored, String path,
      ArchiveOutput out) throws IOException {
    SegmentedSource old = ((SegmentSealing) from).openStream(entry, stored);
    SegmentedWriter resealed =
        SegmentedWriter.begin(key, Segments.entryAssociatedData(path), out);
    byte[] segment = new byte[0];
    for (int k = 0; k < old.segmentCount(); k++) {
      int length = old.segmentLength(k);
      if (segment.length < length) {
        segment = new byte[length];
      }
      old.readFully(old.segmentStart(k), segment, 0, length);
      resealed.writeSegment(segment, 0, length);
    }
    return resealed.finish();
  }

  /**
   * The frame index from the segment table: segment 0 holds the frame count, segment k + 1
   * frame k with its size prefix. Only segment 0 is decrypted.
   */
  @Override
  public FrameIndex frameIndex(DirectoryEntry entry, Payload payload) throws IOException {
    SegmentedSource segments = (SegmentedSource) payload.source();
    String where = "entry '" + entry.path() + "'";
    if (segments.segmentLength(0) != Framing.PREFIX) {
      throw new CorruptArchiveException(where + ": its first segment holds "
          + segments.segmentLength(0) + " bytes, not a 4-byte frame count");
    }
    byte[] count = new byte[Framing.PREFIX];
    segments.readFully(0, count, 0, count.length);
    long frames = (count[0] & 0xFFL) | (count[1] & 0xFFL) << 8 | (count[2] & 0xFFL) << 16
        | (count[3] & 0xFFL) << 24;
    if (frames != segments.segmentCount() - 1) {
      throw new CorruptArchiveException(where + ": frame count " + frames + " but "
          + (segments.segmentCount() - 1) + " frame segments");
    }
    long[] starts = new long[segments.segmentCount()];
    for (int k = 1; k < segments.segmentCount(); k++) {
      starts[k - 1] = segments.segmentStart(k);
    }
    starts[segments.segmentCount() - 1] = segments.plainLength();
    return FrameIndex.fromPositions(starts, entry.uncompressedSize(), entry.frameSize(),
        Codecs.of(entry.method()), entry.path());
  }

  @Override
  public void writeSealed(String path, byte[] payload, int offset, int length,
      ArchiveOutput out) throws IOException {
    PayloadSink sink = begin(path, out);
    sink.write(payload, offset, length);
    sink.finish();
  }

  @Override
  public PayloadSink begin(String path, ArchiveOutput out) throws IOException {
    return sink(SegmentedWriter.begin(key, Segments.entryAssociatedData(path), out));
  }

  /** A stream of segments as a payload sink: its pieces cut into segments, then finished. */
  private static PayloadSink sink(SegmentedWriter writer) {
    return new PayloadSink() {
      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        writer.write(bytes, offset, length);
      }

      @Override
      public void finish() throws IOException {
        writer.finish();
      }
    };
  }

  /**
   * Seals each frame as one segment, the frame count as a segment of its own reserved in front
   * and filled in at the end. No frame index: the clear segment lengths already locate every
   * frame, and one would add a segment the layout does not have.
   */
  @Override
  public FramedPayloadWriter.Result writeFrames(String path, ArchiveOutput out,
      boolean withIndex, FrameWriting frames) throws IOException {
    refuseIndex(withIndex);
    SegmentedWriter writer = SegmentedWriter.begin(key, Segments.entryAssociatedData(path), out);
    SegmentedWriter.Reserved count = writer.reserve(Framing.PREFIX);
    return frames.writeTo(new FramedPayloadWriter.FrameSink() {
      @Override
      public void frame(byte[] bytes, int offset, int length) throws IOException {
        writer.writeSegment(bytes, offset, length);
      }

      @Override
      public long finish(long frameCount) throws IOException {
        writer.fill(count, new byte[] {(byte) frameCount, (byte) (frameCount >>> 8),
            (byte) (frameCount >>> 16), (byte) (frameCount >>> 24)});
        return writer.finish();
      }
    });
  }

  @Override
  void sealBody(Path plain, long from, long to, ArchiveOutput out, Header header)
      throws IOException {
    PayloadSink body =
        sink(SegmentedWriter.begin(key, Segments.bodyAssociatedData(header.encode()), out));
    copy(plain, from, to, body);
    body.finish();
  }
}
