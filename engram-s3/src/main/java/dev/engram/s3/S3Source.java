package dev.engram.s3;

import dev.engram.CorruptArchiveException;
import dev.engram.source.ArchiveSource;
import dev.engram.source.KeptTail;
import dev.engram.source.ContentRange;
import dev.engram.source.SourceIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * An archive in S3 (or an S3-compatible store), read with ranged {@code GetObject} requests.
 *
 * <p><b>Opening</b> is one request, for the last 64 KiB ({@code Range: bytes=-65536}), whose
 * {@code Content-Range} gives the size. Those bytes are kept, and reads inside them (the end
 * record, a small directory, all of a small archive) send no request. The answer's ETag, and its
 * version id in a bucket with versioning, pin the version.
 *
 * <p><b>A read</b> is one {@code GetObject} for exactly its range, with {@code If-Match} the pinned
 * ETag and the pinned version id, so that an object replaced meanwhile in a versioned bucket is
 * still read as it was. Reading a version by id needs the {@code s3:GetObjectVersion}
 * permission: the first time S3 refuses a read by version, reads go on by ETag alone ({@code
 * If-Match} still refuses any other content). Every answer must carry exactly the requested {@code Content-Range} of the pinned
 * size, the pinned ETag, and a body of exactly the range's length: a body that ends early is
 * retried by the client's retry strategy, never used. A 412 (the ETag no longer matches), another
 * ETag or another size means the archive changed, and the read fails saying so.
 *
 * <p>Thread-safe: reads from many threads run at once, each its own request, over the shared
 * client (which the SDK makes thread-safe). The client is closed with the source only when the
 * source was given it to own ({@link S3SourceProvider}'s); a caller's client stays open.
 */
final class S3Source implements ArchiveSource {
  /** How much of the archive's end the opening request asks for and keeps. */
  static final int TAIL_SIZE = 64 * 1024;
  /** The most bytes one request of {@link #transferTo} asks for. */
  private static final int TRANSFER_PIECE = 8 << 20;

  private final S3Client client;
  private final SdkAutoCloseable ownedClient;
  private final S3Location location;
  private final String name;
  private final long size;
  private final ObjectVersion pinned;
  /** Whether reads name the pinned version id: until S3 refuses that once. */
  private volatile boolean readByVersion = true;
  private final SourceIdentity identity;
  /** The archive's last bytes, fetched at open. */
  private final KeptTail tail;
  private final AtomicBoolean closed = new AtomicBoolean();

  private S3Source(S3Client client, SdkAutoCloseable ownedClient, S3Location location, long size,
      ObjectVersion pinned, ByteBuffer tail) {
    this.client = client;
    this.ownedClient = ownedClient;
    this.location = location;
    this.name = location.toString();
    this.size = size;
    this.pinned = pinned;
    this.identity = new SourceIdentity(name, size, pinned.describe());
    this.tail = new KeptTail(name, size, tail);
  }

  /** What the opening request learns. */
  private record Opening(long size, ObjectVersion version, ByteBuffer tail) {}

  /**
   * Opens the object at a location with one {@code GetObject}.
   *
   * @param client the client that sends every request
   * @param location the bucket and key
   * @param ownedClient what to close with the source (the client, if the source owns it), or null
   * @return the open source
   * @throws java.nio.file.NoSuchFileException if there is no such bucket or key
   * @throws java.nio.file.AccessDeniedException if S3 refuses access
   * @throws CorruptArchiveException if the object is empty
   * @throws IOException if the answer is wrong, or S3 fails through every retry
   */
  static S3Source open(S3Client client, S3Location location, SdkAutoCloseable ownedClient)
      throws IOException {
    String name = location.toString();
    String request = "bytes=-" + TAIL_SIZE;
    Opening opening = S3Calls.get(client, name, location.get().range(request).build(),
        (response, body) -> {
          long total;
          if (status(response) == 206) {
            ContentRange range = contentRange(name, response);
            if (range.last() != range.total() - 1
                || range.first() != Math.max(0, range.total() - TAIL_SIZE)) {
              throw new S3Calls.BadAnswer(name + ": S3 answered " + range
                  + " to a request for the last " + TAIL_SIZE + " bytes");
            }
            total = range.total();
          } else {
            // 200: the whole object, acceptable only if it is small enough to keep
            Long whole = response.contentLength();
            if (whole == null || whole > TAIL_SIZE) {
              throw ignoredRange(name, request, whole);
            }
            total = whole;
          }
          if (total == 0) {
            throw emptyObject(name);
          }
          ByteBuffer tail = ByteBuffer.allocate((int) Math.min(total, TAIL_SIZE));
          S3Calls.fill(name, response.contentLength(), body, tail);
          return new Opening(total, new ObjectVersion(response.eTag(), response.versionId()),
              tail.flip());
        },
        (status, detail) -> status == 416 ? emptyObject(name) : null);
    return new S3Source(client, ownedClient, location, opening.size(), opening.version(),
        opening.tail());
  }

  /** HTTP 200 and 206 are the successes GetObject answers with. */
  private static int status(GetObjectResponse response) {
    return response.sdkHttpResponse().statusCode();
  }

  /** The failure of a store that answered a range request with the whole object. */
  private static S3Calls.BadAnswer ignoredRange(String name, String request, Long whole) {
    return new S3Calls.BadAnswer(name + ": the store ignored the range " + request
        + " and sent the whole object (" + (whole == null ? "of unknown size" : whole + " bytes")
        + "); reading an archive needs ranged GetObject");
  }

  /** An empty object: S3 answers a suffix range of it with 416 (or with an empty body). */
  private static CorruptArchiveException emptyObject(String name) {
    return new CorruptArchiveException(name + ": the object is empty (0 bytes), not an archive");
  }

  private static ContentRange contentRange(String name, GetObjectResponse response)
      throws S3Calls.BadAnswer {
    String value = response.contentRange();
    if (value == null) {
      throw new S3Calls.BadAnswer(name + ": S3's 206 answer has no Content-Range");
    }
    return ContentRange.parse(value).orElseThrow(() -> new S3Calls.BadAnswer(name
        + ": S3 sent a malformed Content-Range '" + value + "' (bytes FIRST-LAST/SIZE)"));
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Returns {@code s3://bucket/key}, the size, and the ETag (and version id) pinned at open.
   *
   * @return the identity pinned at open
   */
  @Override
  public SourceIdentity identity() {
    return identity;
  }

  /**
   * Asks S3 for the object's current size, ETag and version id, with a {@code HeadObject} of the
   * key's current version.
   *
   * @return the identity S3 reports now
   * @throws java.nio.file.NoSuchFileException if the object is gone
   * @throws IOException if S3 cannot be asked
   */
  @Override
  public SourceIdentity currentIdentity() throws IOException {
    ensureOpen();
    S3Calls.checkNotInterrupted(name);
    HeadObjectResponse now;
    try {
      now = client.headObject(location.head());
    } catch (SdkException e) {
      throw S3Calls.translate(name, e, null);
    }
    return new SourceIdentity(name, now.contentLength() == null ? 0 : now.contentLength(),
        new ObjectVersion(now.eTag(), now.versionId()).describe());
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
    return !closed.get();
  }

  /**
   * Fills the buffer from a position: from the bytes kept at open where the range lies in them,
   * else with one {@code GetObject} for the part before them.
   *
   * @param position where to start, from 0
   * @param dst destination; filled from its position to its limit
   * @throws CorruptArchiveException if the range goes past the archive's end
   * @throws java.io.InterruptedIOException if this thread was interrupted
   * @throws IllegalStateException if the source is closed
   * @throws IOException if the archive changed in S3, S3 answers wrongly, or fails through every
   *     retry
   */
  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    ensureOpen();
    tail.readFully(position, dst, this::fetch);
  }

  /**
   * Fills {@code dst} from {@code position} with one ranged, conditional GetObject; by version
   * while S3 allows it.
   */
  private void fetch(long position, ByteBuffer dst) throws IOException {
    boolean byVersion = readByVersion && pinned.versionId() != null;
    try {
      fetch(position, dst, byVersion);
    } catch (AccessDeniedException e) {
      if (!byVersion) {
        throw e;
      }
      // a policy that grants s3:GetObject but not s3:GetObjectVersion: the ETag alone pins it
      readByVersion = false;
      fetch(position, dst, false);
    }
  }

  private void fetch(long position, ByteBuffer dst, boolean byVersion) throws IOException {
    long first = position;
    long last = position + dst.remaining() - 1;
    String request = "bytes=" + first + "-" + last;
    GetObjectRequest.Builder get = location.get().range(request);
    if (pinned.etag() != null) {
      get.ifMatch(pinned.etag());
    }
    if (byVersion) {
      get.versionId(pinned.versionId());
    }
    S3Calls.get(client, name, get.build(), (response, body) -> {
      checkRead(request, response, first, last);
      S3Calls.fill(name, response.contentLength(), body, dst.duplicate()); // from the start
      return null;
    }, (status, detail) -> {
      if (status == 412) {
        return S3Calls.changed(name, "its ETag is no longer " + pinned.etag() + ": " + detail);
      }
      return status == 416 ? S3Calls.changed(name, "it no longer holds " + request + ": "
          + detail) : null;
    });
    dst.position(dst.limit());
  }

  /** Checks that an answer is exactly the range asked for, of the pinned version. */
  private void checkRead(String request, GetObjectResponse response, long first, long last)
      throws IOException {
    if (status(response) != 206) {
      throw ignoredRange(name, request, response.contentLength());
    }
    ContentRange range = contentRange(name, response);
    if (range.total() != size) {
      throw S3Calls.changed(name, "its size was " + size + " bytes, now " + range.total());
    }
    Optional<String> mismatch = pinned.mismatch(response.eTag(), response.versionId());
    if (mismatch.isPresent()) {
      throw S3Calls.changed(name, mismatch.get());
    }
    if (range.first() != first || range.last() != last) {
      throw new S3Calls.BadAnswer(name + ": S3 answered " + range + " to a request for "
          + request);
    }
  }

  /**
   * Copies a range to a channel, in requests of up to 8 MiB.
   *
   * @throws CorruptArchiveException if the range goes past the archive's end
   * @throws IllegalArgumentException if the position or count is negative
   * @throws IOException if reading or writing fails
   */
  @Override
  public void transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    if (position < 0 || count < 0) {
      throw new IllegalArgumentException("position " + position + " and count " + count
          + " must not be negative");
    }
    ByteBuffer piece = ByteBuffer.allocate((int) Math.min(count, TRANSFER_PIECE));
    for (long copied = 0; copied < count; copied += piece.limit()) {
      piece.clear().limit((int) Math.min(piece.capacity(), count - copied));
      readFully(position + copied, piece);
      for (piece.flip(); piece.hasRemaining(); ) {
        target.write(piece);
      }
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("archive " + name + " is closed");
    }
  }

  /**
   * Marks the source closed, so that later reads fail, and closes the client if this source owns
   * it (a caller's client stays open).
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownedClient != null) {
      ownedClient.close();
    }
  }

  @Override
  public String toString() {
    return "S3Source[" + name + ", " + size + " bytes, " + identity.version() + "]";
  }
}
