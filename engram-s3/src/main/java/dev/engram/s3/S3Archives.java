package dev.engram.s3;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import dev.engram.source.ArchiveSource;
import java.io.IOException;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens archives stored in Amazon S3 or an S3-compatible store through a caller's {@link
 * S3Client}, reading only the bytes needed, with ranged {@code GetObject} requests:
 *
 * <pre>{@code
 * try (S3Client s3 = S3Client.create();
 *      ArchiveReader archive = S3Archives.open(s3, "my-bucket", "docs/library.eng",
 *          ReaderOptions.defaults())) {
 *   byte[] readme = archive.read("README.md");
 * }
 * }</pre>
 *
 * <p>Opening sends one request, for the object's last 64 KiB (which gives its size too), and keeps
 * those bytes: an archive whose directory lies in them opens with that one request, and a small
 * entry is read with one more. Every read is one request for exactly its range. The first answer's
 * ETag (and version id, in a bucket with versioning) pins the version: each later request is
 * conditional on it ({@code If-Match}, and the version id, which needs the {@code
 * s3:GetObjectVersion} permission), and a read of an object overwritten since fails with an
 * {@link IOException} saying that the archive changed, never with bytes of two versions.
 *
 * <p>The client's own configuration applies (region, credentials, endpoint, timeouts, retries);
 * {@link ReaderOptions#remote()} is not used here. The caller owns the client: closing the reader
 * does not close it. Without a client, {@code ArchiveReader.open(URI.create("s3://bucket/key"))}
 * builds one from the AWS SDK's default chains ({@link S3SourceProvider}).
 *
 * <p>Thread-safe (it has no state); the readers and sources it opens are thread-safe.
 */
public final class S3Archives {
  private S3Archives() {}

  /**
   * Opens the archive at a bucket and key for reading.
   *
   * @param client the client that sends every request; it stays open when the reader is closed
   * @param bucket the bucket's name
   * @param key the object's key
   * @param options how the archive is read (keys, limits, threads, caches)
   * @return the reader, to be closed
   * @throws IllegalArgumentException if the bucket or key is empty
   * @throws java.nio.file.NoSuchFileException if there is no such bucket or key (the message
   *     names {@code s3://bucket/key})
   * @throws java.nio.file.AccessDeniedException if S3 refuses access
   * @throws java.io.InterruptedIOException if this thread was interrupted
   * @throws dev.engram.CorruptArchiveException if the object is not a valid archive
   * @throws dev.engram.UnsupportedArchiveException if the archive uses a feature this version
   *     cannot read
   * @throws IOException if S3 answers wrongly, or fails through every retry of the client
   */
  public static ArchiveReader open(S3Client client, String bucket, String key,
      ReaderOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    return ArchiveReader.open(source(client, bucket, key), options);
  }

  /**
   * Opens the bytes of an archive at a bucket and key as a source, for {@link
   * ArchiveReader#open(ArchiveSource, ReaderOptions)} or any other use of positional reads. Its
   * {@link ArchiveSource#name()} is {@code s3://bucket/key}; its {@link ArchiveSource#identity()}
   * holds that name, the size and the ETag (and version id); {@link
   * ArchiveSource#currentIdentity()} asks S3 again with a {@code HeadObject}.
   *
   * @param client the client that sends every request; it stays open when the source is closed
   * @param bucket the bucket's name
   * @param key the object's key
   * @return the open source, to be closed (or handed to a reader that closes it)
   * @throws IllegalArgumentException if the bucket or key is empty
   * @throws java.nio.file.NoSuchFileException if there is no such bucket or key
   * @throws java.nio.file.AccessDeniedException if S3 refuses access
   * @throws java.io.InterruptedIOException if this thread was interrupted
   * @throws dev.engram.CorruptArchiveException if the object is empty
   * @throws IOException if S3 answers wrongly, or fails through every retry of the client
   */
  public static ArchiveSource source(S3Client client, String bucket, String key)
      throws IOException {
    Objects.requireNonNull(client, "client");
    return S3Source.open(client, new S3Location(bucket, key), null);
  }
}
