package dev.engram.remote;

import dev.engram.CorruptArchiveException;
import dev.engram.io.Transfers;
import dev.engram.source.ArchiveSource;
import dev.engram.source.KeptTail;
import dev.engram.source.ContentRange;
import dev.engram.source.RemoteOptions;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An archive on a web server, read with HTTP range requests ({@code http:} and {@code https:},
 * through the JDK's {@link java.net.http.HttpClient}).
 *
 * <p><b>Opening</b> is one request: {@code Range: bytes=-65536}, the last 64 KiB, whose {@code
 * Content-Range} gives the size. Those bytes are kept, and reads inside them (the end record, a
 * small directory, all of a small archive) need no request. A server that answers 200, ignoring
 * the range, is accepted only when the body is announced at 64 KiB or less (then it is the whole
 * archive); otherwise it is refused at once, without reading the body. The first answer's {@code
 * ETag} (strong or weak), else its {@code Last-Modified}, pins the version.
 *
 * <p><b>A read</b> is one request for exactly its range ({@code bytes=first-last}), however large,
 * its body streamed straight into the caller's buffer. Every answer must be 206 with exactly that
 * {@code Content-Range} and the pinned size, carry the pinned validator, and a body of exactly the
 * range's length: a short body is retried, never used; more bytes fail the read. Requests carry
 * {@code If-Match} with a strong ETag (a weak one cannot be used there) or {@code
 * If-Unmodified-Since}; a 412, or a different validator or size, means the archive changed, and
 * the read fails saying so.
 *
 * <p><b>Redirects</b> (see {@link RangeFetcher}) are followed at open, and reads go to where they
 * led, saving a round trip per read. When that location later refuses a read (401, 403, 404,
 * 410: a signed URL that expired), the archive's own URL is asked again, once, and its redirects
 * followed anew; the pinned version must still match.
 *
 * <p>Thread-safe: reads from many threads run at once, each its own request, over the shared
 * client's connections. {@link #close()} only marks the source closed (the client is shared);
 * requests under way finish.
 */
public final class HttpSource implements ArchiveSource {
  /** How much of the archive's end the opening request asks for and keeps. */
  public static final int TAIL_SIZE = 64 * 1024;
  /** The most bytes one request of {@link #transferTo} asks for. */
  private static final int TRANSFER_PIECE = 8 << 20;

  private final RangeFetcher fetcher;
  private final URI archive;
  private final String name;
  private final long size;
  private final Validator pinned;
  private final SourceIdentity identity;
  /** The archive's last bytes, fetched at open. */
  private final KeptTail tail;
  /** Where reads are sent: where the redirects of the last request that followed any led. */
  private volatile URI location;
  private volatile boolean closed;

  private HttpSource(RangeFetcher fetcher, URI archive, URI location, long size,
      Validator pinned, ByteBuffer tail) {
    this.fetcher = fetcher;
    this.archive = archive;
    this.name = fetcher.name();
    this.location = location;
    this.size = size;
    this.pinned = pinned;
    this.identity = new SourceIdentity(name, size, pinned.version());
    this.tail = new KeptTail(name, size, tail);
  }

  /**
   * Opens the archive at an {@code http:} or {@code https:} URL with one request.
   *
   * @param url the archive's URL
   * @param options timeouts, retries, TLS, headers
   * @return the open source
   * @throws NoSuchFileException on 404 or 410
   * @throws AccessDeniedException on 401 or 403
   * @throws CorruptArchiveException if the resource is empty
   * @throws IOException if the server ignores ranges (above 64 KiB), answers wrongly, or fails
   *     through every retry
   */
  public static HttpSource open(URI url, RemoteOptions options) throws IOException {
    if (url.getHost() == null) {
      throw new IllegalArgumentException("no host in " + Locations.redact(url));
    }
    RangeFetcher fetcher = new RangeFetcher(HttpClients.forOptions(options), options, url);
    String name = fetcher.name();
    String request = "bytes=-" + TAIL_SIZE;
    long[] total = new long[1];
    RangeFetcher.Answer answer = fetcher.get(url, request, Map.of(), (status, headers) -> {
      long length;
      if (status == 206) {
        ContentRange range = RangeChecks.contentRange(name, headers);
        if (range.last() != range.total() - 1
            || range.first() != Math.max(0, range.total() - TAIL_SIZE)) {
          throw new RangeChecks.BadAnswer(name + ": the server answered " + range
              + " to a request for the last " + TAIL_SIZE + " bytes");
        }
        length = range.length();
        total[0] = range.total();
      } else if (status == 200) {
        OptionalLong whole = headers.firstValueAsLong("Content-Length");
        if (whole.isEmpty() || whole.getAsLong() > TAIL_SIZE) {
          throw RangeChecks.ignoresRanges(name, "its last " + TAIL_SIZE + " bytes",
              whole.isEmpty() ? "of unknown size" : whole.getAsLong() + " bytes");
        }
        length = whole.getAsLong(); // the whole archive, small enough to keep
        total[0] = length;
      } else if (status == 416 && RangeChecks.unsatisfiedSize(headers).orElse(-1) == 0) {
        throw new CorruptArchiveException(name + ": the resource is empty (0 bytes), not an"
            + " archive");
      } else {
        throw RangeChecks.unexpectedStatus(name, status, "its last " + TAIL_SIZE + " bytes");
      }
      RangeChecks.checkBody(name, headers, length);
      return ByteBuffer.allocate((int) length);
    });
    // the exchange filled it exactly
    return new HttpSource(fetcher, url, answer.location(), total[0],
        Validator.of(answer.headers()), answer.body().flip());
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Returns the archive's URL (without secrets), size, and the ETag or Last-Modified of the
   * first answer.
   *
   * @return the identity pinned at open
   */
  @Override
  public SourceIdentity identity() {
    return identity;
  }

  /**
   * Asks the server for the archive's current size and validator, with a request for its first
   * byte (which servers that sign URLs for {@code GET} answer where they would refuse {@code
   * HEAD}).
   *
   * @return the identity the server reports now
   * @throws NoSuchFileException if the archive is gone (404, 410)
   * @throws IOException if the server cannot be asked
   */
  @Override
  public SourceIdentity currentIdentity() throws IOException {
    ensureOpen();
    String request = "bytes=0-0";
    long[] total = new long[1];
    RangeFetcher.Answer answer = request(request, Map.of(), (status, headers) -> {
      if (status == 206) {
        total[0] = RangeChecks.contentRange(name, headers).total();
        return ByteBuffer.allocate(1);
      }
      OptionalLong whole = status == 200 ? headers.firstValueAsLong("Content-Length")
          : status == 416 ? RangeChecks.unsatisfiedSize(headers) : OptionalLong.empty();
      if (whole.isEmpty()) {
        throw RangeChecks.unexpectedStatus(name, status, request);
      }
      total[0] = whole.getAsLong();
      return null; // the whole resource, or nothing: not read
    });
    return new SourceIdentity(name, total[0], Validator.of(answer.headers()).version());
  }

  @Override
  public long size() {
    return size;
  }

  /** Every read outside the kept tail is a request: a reader puts its block cache in front. */
  @Override
  public boolean isRemote() {
    return true;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  /**
   * Fills the buffer from a position: from the bytes kept at open where the range lies in them,
   * else with one range request for the part before them.
   *
   * @param position where to start, from 0
   * @param dst destination; filled from its position to its limit
   * @throws CorruptArchiveException if the range goes past the archive's end
   * @throws java.io.InterruptedIOException if this thread was interrupted
   * @throws IllegalStateException if the source is closed
   * @throws IOException if the archive changed at its URL, the server answers wrongly, or fails
   *     through every retry
   */
  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    ensureOpen();
    tail.readFully(position, dst, this::fetch);
  }

  /** Fills {@code dst} from {@code position} with one range request. */
  private void fetch(long position, ByteBuffer dst) throws IOException {
    long first = position;
    long last = position + dst.remaining() - 1;
    String request = "bytes=" + first + "-" + last;
    request(request, pinned.conditions(), (status, headers) -> {
      if (status == 206) {
        ContentRange range = RangeChecks.contentRange(name, headers);
        if (range.total() != size) {
          throw RangeChecks.changed(name, "its size was " + size + " bytes, now "
              + range.total());
        }
        if (pinned.mismatch(headers).isPresent()) {
          throw RangeChecks.changed(name, pinned.mismatch(headers).get());
        }
        if (range.first() != first || range.last() != last) {
          throw new RangeChecks.BadAnswer(name + ": the server answered " + range
              + " to a request for " + request);
        }
        RangeChecks.checkBody(name, headers, range.length());
        return dst.duplicate(); // each attempt fills it from the start
      }
      OptionalLong now = RangeChecks.unsatisfiedSize(headers);
      if (status == 416 && now.isPresent() && now.getAsLong() != size) {
        throw RangeChecks.changed(name, "its size was " + size + " bytes, now " + now.getAsLong());
      }
      if (status == 200) {
        throw RangeChecks.ignoresRanges(name, request, "of " + headers.firstValue(
            "Content-Length").map(length -> length + " bytes").orElse("unknown size"));
      }
      throw RangeChecks.unexpectedStatus(name, status, request);
    });
    dst.position(dst.limit());
  }

  /**
   * Sends a request to where the archive was found, or, if that is refused after a redirect, to
   * the archive's own URL again.
   */
  private RangeFetcher.Answer request(String range, Map<String, String> conditions,
      Attempt.Expectation expectation) throws IOException {
    URI at = location;
    RangeFetcher.Answer answer;
    try {
      answer = fetcher.get(at, range, conditions, expectation);
    } catch (NoSuchFileException | AccessDeniedException refused) {
      if (at.equals(archive)) {
        throw refused;
      }
      answer = fetcher.get(archive, range, conditions, expectation);
    }
    location = answer.location();
    return answer;
  }

  /**
   * Copies a range to a channel, in requests of up to 8 MiB.
   *
   * @throws CorruptArchiveException if the range goes past the archive's end
   * @throws IOException if reading or writing fails
   */
  @Override
  public void transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    Transfers.inPieces(this, position, count, target, TRANSFER_PIECE);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("archive " + name + " is closed");
    }
  }

  /** Marks the source closed: later reads fail. The shared HTTP client stays. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "HttpSource[" + name + ", " + size + " bytes, " + identity.version() + "]";
  }

}
