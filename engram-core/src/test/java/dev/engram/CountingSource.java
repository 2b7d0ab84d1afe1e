package dev.engram;

import dev.engram.source.ArchiveSource;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A source that records every read as {@code "position+length"} and passes it on: how tests
 * count the round trips a remote source would make (and hold a read up, {@link
 * #beforeEachRead}).
 */
public final class CountingSource implements ArchiveSource {
  private final ArchiveSource inner;
  private final List<String> reads = Collections.synchronizedList(new ArrayList<>());

  /**
   * Wraps a source.
   *
   * @param inner where the bytes come from; closed with this source
   */
  public CountingSource(ArchiveSource inner) {
    this.inner = inner;
  }

  /**
   * Returns the reads made since creation or the last {@link #clear()}, in order.
   *
   * @return one {@code "position+length"} per read
   */
  public List<String> reads() {
    return List.copyOf(reads);
  }

  /** What to do before each read: it may hold the read up, or fail it. */
  @FunctionalInterface
  public interface BeforeRead {
    /**
     * Called before a read is passed on.
     *
     * @param position where the read starts
     * @throws IOException to fail the read
     */
    void before(long position) throws IOException;
  }

  private volatile BeforeRead beforeRead = position -> { };

  /**
   * Sets what to do before each read from now on.
   *
   * @param hook called on the reading thread
   */
  public void beforeEachRead(BeforeRead hook) {
    beforeRead = hook;
  }

  /** Forgets the reads made so far. */
  public void clear() {
    reads.clear();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public SourceIdentity identity() {
    return inner.identity();
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    beforeRead.before(position);
    reads.add(position + "+" + dst.remaining());
    inner.readFully(position, dst);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
