package dev.engram.frame;

import dev.engram.ChecksumMismatchException;
import dev.engram.codec.Codec;
import dev.engram.source.ArchiveSource;
import dev.engram.io.ReadOnlyChannel;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Random access into a framed entry: a read decodes only the frames it touches, and keeps the
 * last few decoded frames for the reads that follow.
 *
 * <p><b>Decoding ahead.</b> Given an executor, a channel read in order (three frames in a row)
 * has the next frames decoded on the executor's threads while the caller consumes the
 * current one, a bounded window of them at a time; a read elsewhere stops that until reading is
 * sequential again. Random reads therefore decode only what they touch.
 *
 * <p>The entry's CRC32 covers the whole content, so it can only be checked when every frame has
 * been decoded in order, as happens when the channel is read from start to end. That check runs
 * before any byte of the last frame is returned; a mismatch fails the read. Reads in any other
 * order rely on each frame decoding to exactly its expected length.
 *
 * <p>Not thread-safe: use one channel per thread.
 */
public final class FramedEntryChannel extends ReadOnlyChannel {
  private final ArchiveSource file;
  private final FrameIndex index;
  private final Codec codec;
  private final String entry;
  private final int expectedCrc;

  private final byte[] encoded;
  private final byte[][] cacheData;
  private final int[] cacheFrame;
  private int nextSlot;

  private final CRC32 crc = new CRC32();
  private int crcFrames;
  private final AtomicLong framesDecoded = new AtomicLong();

  /** Where frames are decoded ahead, or null to decode only on the caller's thread. */
  private final Executor decodeAhead;
  /** At most this many frames decoded ahead at a time. */
  private final int window;
  /** How many pool threads may decode ahead at once. */
  private final int helpers;
  /** The frames being decoded ahead, in frame order (the caller's view). */
  private final ArrayDeque<Ahead> ahead = new ArrayDeque<>();
  /** The frames queued for the pool's drainers, in frame order. */
  private final ConcurrentLinkedDeque<Ahead> pending = new ConcurrentLinkedDeque<>();
  /** Drainers running on the pool. */
  private final AtomicInteger drainers = new AtomicInteger();
  /** Buffers of frames decoded ahead and consumed, for reuse. */
  private final ArrayDeque<Ahead> spare = new ArrayDeque<>();
  /** Scratch space for encoded frames, one per running drainer (the caller has its own). */
  private final ConcurrentLinkedQueue<byte[]> drainerScratch = new ConcurrentLinkedQueue<>();
  private int lastFrame = -1;
  /** How many frames in a row were read in order, up to the current one. */
  private int streak;
  private volatile boolean released;

  /** One frame decoded on another thread: its buffer, and when it is done. */
  private static final class Ahead {
    final byte[] out;
    int frame;
    /** Completed by the pool thread that decodes it. */
    CompletableFuture<Void> done;
    /** Set by whoever decodes the frame: a pool thread, or the caller if it gets there first. */
    final AtomicBoolean claimed = new AtomicBoolean();
    /** Whether the caller's thread decoded it (then its task does nothing). */
    boolean byCaller;
    /** Why decoding it on the caller's thread failed, thrown when the frame is read. */
    IOException failure;

    Ahead(byte[] out) {
      this.out = out;
    }
  }

  /**
   * Creates a channel over a framed entry that decodes ahead of sequential reads.
   *
   * @param file the archive; read from the executor's threads too
   * @param index the entry's frame index
   * @param codec the entry's codec
   * @param entry the entry's path, for messages
   * @param expectedCrc the CRC32 the directory records
   * @param cachedFrames how many decoded frames to keep, at least 1
   * @param decodeAhead where to decode frames ahead of sequential reads, or null for nowhere
   * @param helpers how many of the executor's threads may decode for this channel at once
   * @param window how many frames to decode ahead at most (ignored without an executor)
   */
  public FramedEntryChannel(ArchiveSource file, FrameIndex index, Codec codec, String entry,
      int expectedCrc, int cachedFrames, Executor decodeAhead, int helpers, int window) {
    super(index.uncompressedSize(), file.name());
    this.decodeAhead = window > 0 && helpers > 0 ? decodeAhead : null;
    this.helpers = helpers;
    this.window = window;
    if (cachedFrames < 1) {
      throw new IllegalArgumentException("cachedFrames must be at least 1: " + cachedFrames);
    }
    this.file = file;
    this.index = index;
    this.codec = codec;
    this.entry = entry;
    this.expectedCrc = expectedCrc;
    this.encoded = new byte[index.scratchLength(codec)];
    this.cacheData = new byte[cachedFrames][];
    this.cacheFrame = new int[cachedFrames];
    java.util.Arrays.fill(cacheFrame, -1);
  }

  /**
   * Returns how many frames to decode ahead of a sequential read for a reader of {@code threads}
   * threads, the caller included: 16 per thread, so that a thread the scheduler delays leaves
   * the others work to do (with 4 per thread, a pool thread sat idle a third of the time on two
   * cores), and at most 64 (4 MiB of decoded 64 KiB frames).
   *
   * @param threads the reader's threads, at least 1
   * @return the window, in frames
   */
  public static int aheadWindow(int threads) {
    return Math.min(16 * threads, 64);
  }

  /**
   * Returns how many frames this channel has decompressed so far, on the caller's thread or
   * ahead of it. Reads served from its cache of recent frames do not count.
   *
   * @return frames decoded
   */
  public long framesDecoded() {
    return framesDecoded.get();
  }

  @Override
  protected int readAt(ByteBuffer dst, long position) throws IOException {
    long size = index.uncompressedSize();
    long at = position;
    while (dst.hasRemaining() && at < size) {
      int k = (int) (at / index.frameSize());
      if (decodesStraightInto(dst, k, at)) {
        at += index.frameLength(k);
        continue;
      }
      byte[] frame = frame(k);
      int offset = (int) (at - (long) k * index.frameSize());
      int n = Math.min(dst.remaining(), index.frameLength(k) - offset);
      dst.put(frame, offset, n);
      at += n;
    }
    return (int) (at - position);
  }

  /**
   * Decodes frame {@code k} straight into the caller's array when a sequential read without
   * decoding ahead wants all of it: one copy fewer per frame. Returns false to take the usual
   * path (cached frames, decoding ahead, partial frames, direct buffers).
   */
  private boolean decodesStraightInto(ByteBuffer dst, int k, long at) throws IOException {
    int length = index.frameLength(k);
    if (decodeAhead != null || !dst.hasArray() || dst.remaining() < length
        || at != (long) k * index.frameSize() || k != crcFrames || isCached(k)) {
      return false;
    }
    streak = k == lastFrame + 1 ? streak + 1 : 0;
    lastFrame = k;
    int offset = dst.arrayOffset() + dst.position();
    FramedContent.decode(file, index, codec, entry, k, encoded, dst.array(), offset);
    framesDecoded.incrementAndGet();
    crc.update(dst.array(), offset, length);
    crcFrames++;
    if (crcFrames == index.frameCount() && (int) crc.getValue() != expectedCrc) {
      // nothing of the last frame may count as read: the bytes stay unreported
      throw new ChecksumMismatchException(entry, expectedCrc, (int) crc.getValue());
    }
    dst.position(dst.position() + length);
    return true;
  }

  private boolean isCached(int k) {
    for (int frame : cacheFrame) {
      if (frame == k) {
        return true;
      }
    }
    return false;
  }

  private byte[] frame(int k) throws IOException {
    for (int i = 0; i < cacheFrame.length; i++) {
      if (cacheFrame[i] == k) {
        return cacheData[i];
      }
    }
    boolean sequential = k == lastFrame + 1;
    streak = sequential ? streak + 1 : 0;
    lastFrame = k;
    int slot = nextSlot;
    nextSlot = (nextSlot + 1) % cacheFrame.length;
    cacheFrame[slot] = -1;
    Ahead decoded = takeAhead(k, sequential);
    if (decoded != null) {
      // swap buffers: the decoded frame joins the cache, the slot's old buffer becomes spare
      byte[] old = cacheData[slot];
      cacheData[slot] = decoded.out;
      spare.push(new Ahead(old != null && old.length == decoded.out.length
          ? old : new byte[decoded.out.length]));
    } else {
      if (cacheData[slot] == null) {
        cacheData[slot] = new byte[index.frameSize()];
      }
      FramedContent.decode(file, index, codec, entry, k, encoded, cacheData[slot]);
      framesDecoded.incrementAndGet();
    }
    // three frames in a row: sequential reading, not one random read across a boundary
    if (streak >= 3) {
      scheduleAhead(k);
    }
    byte[] out = cacheData[slot];
    int length = index.frameLength(k);
    if (k == crcFrames) {
      crc.update(out, 0, length);
      crcFrames++;
      if (crcFrames == index.frameCount() && (int) crc.getValue() != expectedCrc) {
        throw new ChecksumMismatchException(entry, expectedCrc, (int) crc.getValue());
      }
    }
    cacheFrame[slot] = k;
    return out;
  }

  /**
   * Returns frame {@code k} if it was decoded ahead (waiting for it if need be), else null.
   * While a pool thread still decodes it, this thread decodes the next frame that nobody has
   * started, so that it works too instead of waiting. Frames decoded ahead that a
   * read elsewhere makes useless are awaited and recycled, so that no buffer is reused while a
   * thread still writes it.
   */
  private Ahead takeAhead(int k, boolean sequential) throws IOException {
    if (ahead.isEmpty()) {
      return null;
    }
    if (!sequential || ahead.peekFirst().frame != k) {
      while (!ahead.isEmpty()) {
        Ahead dropped = ahead.pollFirst();
        if (dropped.claimed.compareAndSet(false, true)) {
          // never started, and now never will be: a new holder for its buffers, so that its
          // task (which finds it claimed and does nothing) never sees this one reset
          spare.push(new Ahead(dropped.out));
        } else {
          dropped.done.exceptionally(e -> null).join();
          if (dropped.byCaller) {
            spare.push(new Ahead(dropped.out));
          } else {
            spare.push(dropped);
          }
        }
      }
      return null;
    }
    Ahead next = ahead.pollFirst();
    if (!next.claimed.compareAndSet(false, true)) {
      while (!next.byCaller && !next.done.isDone() && decodeNextUnstarted()) {
        // work while the pool thread finishes frame k
      }
    } else {
      decodeHere(next);
    }
    if (next.byCaller) {
      if (next.failure != null) {
        throw next.failure;
      }
      return next;
    }
    try {
      next.done.join();
    } catch (CompletionException e) {
      spare.push(next);
      Throwable cause = e.getCause();
      if (cause instanceof InterruptedIOException && !Thread.currentThread().isInterrupted()) {
        // the pool thread was interrupted (the reader closing stops its threads), not this one:
        // decode the frame here, which says what this thread's read meets (a closed archive)
        return null;
      }
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IOException("decoding frame " + k + " of '" + entry + "' failed", cause);
    }
    return next;
  }

  /**
   * Decodes, on this thread, the first frame in flight that no thread has started; returns false
   * if there is none. The first, not the last: frames then finish roughly in order, and the
   * drainers' queue is not emptied from its far end (an empty queue sends a drainer to sleep).
   */
  private boolean decodeNextUnstarted() {
    for (Ahead candidate : ahead) {
      if (candidate.claimed.compareAndSet(false, true)) {
        decodeHere(candidate);
        return true;
      }
    }
    return false;
  }

  /**
   * Decodes a claimed frame on this thread; a failure is kept for the read that reaches the
   * frame. The holder is never reused: its task may still run, and finds it claimed. Its
   * completion is signalled as a pool thread's would be, so that whoever waits for a claimed
   * frame (a read that drops the frames decoded ahead) never waits for one that is finished.
   */
  private void decodeHere(Ahead task) {
    task.byCaller = true;
    try {
      FramedContent.decode(file, index, codec, entry, task.frame, encoded, task.out);
      framesDecoded.incrementAndGet();
    } catch (IOException e) {
      task.failure = e;
    } finally {
      task.done.complete(null);
    }
  }

  /**
   * Keeps the frames after {@code k} being decoded ahead, up to the window: they join the queue
   * that the pool's drainers take frames from, in order, and enough drainers are started. A
   * drainer decodes frames until the queue is empty, so a steady read costs no thread wake-up
   * per frame.
   */
  private void scheduleAhead(int k) {
    if (decodeAhead == null) {
      return;
    }
    int next = ahead.isEmpty() ? k + 1 : ahead.peekLast().frame + 1;
    int last = (int) Math.min((long) k + window, index.frameCount() - 1L);
    for (int j = next; j <= last; j++) {
      Ahead task = spare.isEmpty() ? new Ahead(new byte[index.frameSize()]) : spare.pop();
      task.frame = j;
      task.claimed.set(false);
      task.byCaller = false;
      task.failure = null;
      task.done = new CompletableFuture<>();
      ahead.addLast(task);
      pending.addLast(task);
    }
    while (true) {
      int running = drainers.get();
      if (running >= helpers || pending.isEmpty()) {
        return;
      }
      if (drainers.compareAndSet(running, running + 1)) {
        try {
          decodeAhead.execute(this::drain);
        } catch (RejectedExecutionException e) {
          drainers.decrementAndGet();
          return; // the reader is closing: the caller decodes what it needs itself
        }
      }
    }
  }

  /** Runs on a pool thread: decodes the queued frames nobody has claimed, in order. */
  private void drain() {
    byte[] scratch = drainerScratch.poll();
    if (scratch == null) {
      scratch = new byte[encoded.length];
    }
    try {
      drainWith(scratch);
    } finally {
      drainerScratch.offer(scratch);
    }
  }

  private void drainWith(byte[] scratch) {
    while (true) {
      Ahead task = pending.pollFirst();
      if (task == null) {
        drainers.decrementAndGet();
        // a frame queued after the check above but before the decrement would wait for the
        // caller: take it back up if no other drainer did
        if (pending.isEmpty() || !claimDrainer()) {
          return;
        }
        continue;
      }
      if (released || !task.claimed.compareAndSet(false, true)) {
        continue; // closed, or the caller decoded it
      }
      try {
        FramedContent.decode(file, index, codec, entry, task.frame, scratch, task.out);
        framesDecoded.incrementAndGet();
        task.done.complete(null);
      } catch (IOException | RuntimeException | Error e) {
        task.done.completeExceptionally(e);
      }
    }
  }

  private boolean claimDrainer() {
    int running = drainers.get();
    return running < helpers && drainers.compareAndSet(running, running + 1);
  }

  @Override
  protected void release() {
    released = true;
    for (int i = 0; i < cacheData.length; i++) {
      cacheData[i] = null;
    }
    ahead.clear();
    pending.clear();
    spare.clear();
    drainerScratch.clear();
  }
}
