package dev.engram.frame;

import dev.engram.EngramException;
import dev.engram.codec.Codec;
import dev.engram.format.Framing;
import dev.engram.io.ArchiveOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;

/**
 * Writes a framed payload from a stream: {@code [frame count][size][frame]...}, each frame (64
 * KiB, or an explicit frame size) compressed on its own. The frame count is patched in when the
 * stream ends.
 *
 * <p>Given an executor, frames are compressed on it, in batches of consecutive frames ({@code
 * BATCH_FRAMES}, one task each), while the calling thread reads the next ones and writes finished
 * ones in order; at most {@code window} batches are in flight, so memory stays at {@code window}
 * batches of buffers whatever the content size. Without one, each frame is compressed on the
 * calling thread (one pair of frame buffers). The bytes written are the same either
 * way. Frame buffers are allocated once and reused for every payload.
 *
 * <p>Not thread-safe; one instance can write many payloads in turn.
 */
public final class FramedPayloadWriter {
  /** Frames per task on an executor: fewer hand-overs between threads, 512 KiB of content. */
  private static final int BATCH_FRAMES = 8;
  private final Executor executor;
  private final int window;
  /** Frames compressed together, in one task. */
  private final int batchFrames;
  /** Batches not in flight, ready to be filled; with those in flight, at most {@code window}. */
  private final ArrayDeque<Batch> idle = new ArrayDeque<>();

  /** Creates a writer that compresses on the calling thread. */
  public FramedPayloadWriter() {
    this(null, 1);
  }

  /**
   * Creates a writer that compresses frames on an executor.
   *
   * @param executor runs frame compressions; null to compress on the calling thread
   * @param window most batches of frames read but not yet written, at least 1 (with an
   *     executor, about twice its thread count keeps every thread busy)
   */
  public FramedPayloadWriter(Executor executor, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window " + window + " is below 1");
    }
    this.executor = executor;
    this.window = executor == null ? 1 : window;
    this.batchFrames = executor == null ? 1 : BATCH_FRAMES;
  }

  /**
   * Where frames go: the plain framed layout ({@link #plain}), or a layout that seals each frame.
   */
  public interface FrameSink {
    /**
     * Receives one frame: its 4-byte little-endian size, then its encoded bytes.
     *
     * @param bytes source
     * @param offset start of the size prefix
     * @param length prefix and frame
     * @throws IOException if writing fails
     */
    void frame(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Ends the payload.
     *
     * @param frames how many frames were given
     * @return the payload's stored size
     * @throws IOException if writing fails
     */
    long finish(long frames) throws IOException;
  }

  /**
   * Returns the sink of the format's framed layout at the output's position: {@code [frame count]
   * [size][frame]...}, the count patched in at the end, then, when asked for, the payload's frame
   * index ({@link FrameTable}), so that a reader finds every frame in one read. An entry of more
   * than {@link Framing#MAX_INDEXED_FRAMES} frames gets no index.
   *
   * @param out where the payload goes
   * @param withIndex whether to end the payload with a frame index
   * @return the sink
   * @throws IOException if writing the count's placeholder fails
   */
  public static FrameSink plain(ArchiveOutput out, boolean withIndex) throws IOException {
    long countPosition = out.position();
    out.write(new byte[Framing.PREFIX]);
    return new FrameSink() {
      /** Each frame's encoded size, for the index; null once there are too many to index. */
      private int[] sizes = withIndex ? new int[1024] : null;
      private int frames;

      @Override
      public void frame(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        if (sizes != null) {
          if (frames == Framing.MAX_INDEXED_FRAMES) {
            sizes = null;
          } else {
            if (frames == sizes.length) {
              sizes = Arrays.copyOf(sizes, 2 * frames);
            }
            sizes[frames++] = length - Framing.PREFIX;
          }
        }
      }

      @Override
      public long finish(long count) throws IOException {
        byte[] bytes = new byte[Framing.PREFIX];
        Framing.putU32(bytes, 0, count);
        out.patch(countPosition, bytes);
        if (sizes != null) {
          out.write(FrameTable.encode(sizes, frames));
        }
        return out.position() - countPosition;
      }
    };
  }

  /**
   * What was written.
   *
   * @param uncompressedSize content bytes consumed
   * @param storedSize payload bytes written
   * @param crc32 CRC32 of the content
   */
  public record Result(long uncompressedSize, long storedSize, int crc32) {}

  /**
   * Writes the whole stream as frames into a sink.
   *
   * @param content the content; read to its end, not closed
   * @param sink where the frames go
   * @param codec the entry's codec (not {@code NONE})
   * @param level compression level
   * @param digest also fed the content, when not null (for a manifest's SHA-256)
   * @param frameSize uncompressed bytes per frame, at most {@link Framing#FRAME_SIZE}
   * @return sizes and CRC of what was written
   * @throws EngramException if the content has more frames than the format can count
   * @throws IOException if reading the content or writing the output fails
   */
  public Result write(InputStream content, FrameSink sink, Codec codec, int level,
      MessageDigest digest, int frameSize) throws IOException {
    if (frameSize < 1 || frameSize > Framing.FRAME_SIZE) {
      throw new IllegalArgumentException("frame size " + frameSize + " is not 1 to "
          + Framing.FRAME_SIZE);
    }
    int bound = Framing.PREFIX + codec.maxCompressedLength(frameSize);
    ArrayDeque<Batch> inFlight = new ArrayDeque<>(window);
    boolean done = false;
    try {
      CRC32 crc = new CRC32();
      long total = 0;
      long frames = 0;
      while (true) {
        if (inFlight.size() == window) {
          writeOldest(inFlight, sink);
        }
        Batch batch = idle.isEmpty() ? new Batch(batchFrames) : idle.poll();
        int n = content.readNBytes(batch.raw, 0, batchFrames * frameSize);
        if (n <= 0) {
          idle.add(batch);
          break;
        }
        int count = (n + frameSize - 1) / frameSize;
        if (frames + count > Framing.MAX_FRAMES) {
          idle.add(batch);
          throw new EngramException("content exceeds " + Framing.MAX_FRAMES + " frames of "
              + frameSize + " bytes, the most a framed entry can hold");
        }
        crc.update(batch.raw, 0, n);
        if (digest != null) {
          digest.update(batch.raw, 0, n);
        }
        total += n;
        frames += count;
        batch.start(codec, level, n, frameSize, bound, executor);
        inFlight.add(batch);
        if (n < batchFrames * frameSize) {
          break; // the content ended inside this batch
        }
      }
      while (!inFlight.isEmpty()) {
        writeOldest(inFlight, sink);
      }
      done = true;
      return new Result(total, sink.finish(frames), (int) crc.getValue());
    } finally {
      if (!done) {
        abandon(inFlight);
      }
    }
  }

  /**
   * Waits for the oldest batch in flight, writes its frames and makes it idle again. Rather than
   * wait, this thread compresses the oldest batch itself if no pool thread has started it, or
   * else the next batches nobody has started, until the oldest is done.
   */
  private void writeOldest(ArrayDeque<Batch> inFlight, FrameSink sink) throws IOException {
    Batch batch = inFlight.peek();
    if (!batch.runHere()) {
      for (Batch other : inFlight) {
        if (batch.isDone()) {
          break;
        }
        other.runHere();
      }
    }
    batch.await();
    for (int i = 0; i < batch.frames; i++) {
      sink.frame(batch.encoded, i * batch.stride, Framing.PREFIX + batch.encodedLength[i]);
    }
    idle.add(inFlight.poll());
  }

  /**
   * Gives up the frames in flight after a failure. A frame still being compressed may write into
   * its buffers later, so those frames are never reused: the next payload allocates new ones.
   */
  private void abandon(ArrayDeque<Batch> inFlight) {
    for (Batch batch : inFlight) {
      batch.cancel();
    }
    inFlight.clear();
  }

  /**
   * Consecutive frames' buffers, and their compression: run inline, or as one task on the
   * executor (one hand-over per batch rather than per frame).
   */
  private static final class Batch {
    final byte[] raw;
    byte[] encoded = new byte[0];
    /** Frames in this batch. */
    int frames;
    /** Frame {@code i}'s size prefix starts at {@code i * stride} in {@link #encoded}. */
    int stride;
    final int[] encodedLength;
    /** The compression on the executor (or the writer's thread), or null when it ran inline. */
    private Future<?> future;
    /** This round's compression, and who runs it: a pool thread or the writer's, whoever claims. */
    private Runnable compression;
    /**
     * A new one each round: a pool task of an earlier round that the writer's thread ran itself
     * may start late, and must find its own round's claim taken, not this one's.
     */
    private AtomicBoolean claim;

    Batch(int capacity) {
      raw = new byte[capacity * Framing.FRAME_SIZE];
      encodedLength = new int[capacity];
    }

    void start(Codec codec, int level, int rawLength, int frameSize, int bound,
        Executor executor) {
      int count = (rawLength + frameSize - 1) / frameSize;
      if (encoded.length < count * bound) {
        encoded = new byte[encodedLength.length * bound];
      }
      frames = count;
      stride = bound;
      Runnable work = () -> {
        for (int i = 0; i < count; i++) {
          int from = i * frameSize;
          int at = i * bound;
          int length = codec.compress(raw, from, Math.min(frameSize, rawLength - from), encoded,
              at + Framing.PREFIX, level);
          Framing.putU32(encoded, at, length);
          encodedLength[i] = length;
        }
      };
      compression = work;
      if (executor == null) {
        future = null;
        work.run(); // failures propagate as they are
      } else {
        AtomicBoolean round = new AtomicBoolean();
        claim = round;
        FutureTask<Void> task = new FutureTask<>(() -> {
          if (round.compareAndSet(false, true)) {
            work.run();
          }
        }, null);
        future = task;
        executor.execute(task);
      }
    }

    /**
     * Compresses the batch on this thread if no pool thread has started it; says whether it did.
     * A failure is kept for {@link #await()}.
     */
    boolean runHere() {
      if (future == null || !claim.compareAndSet(false, true)) {
        return false;
      }
      FutureTask<Void> here = new FutureTask<>(compression, null);
      here.run();
      future = here;
      return true;
    }

    boolean isDone() {
      return future == null || future.isDone();
    }

    /** Waits until the batch is compressed; rethrows what its compression threw. */
    void await() throws IOException {
      if (future == null) {
        return;
      }
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a frame to compress");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Error) {
          throw (Error) cause;
        }
        throw (RuntimeException) cause; // a Runnable throws nothing else
      }
    }

    void cancel() {
      if (future != null) {
        future.cancel(false);
      }
    }
  }
}
