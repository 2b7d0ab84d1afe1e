package dev.engram.s3;

import dev.engram.source.ArchiveSource;
import dev.engram.source.ArchiveSourceProvider;
import dev.engram.source.RemoteOptions;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code s3} scheme of {@link ArchiveSource#open(URI, RemoteOptions)} and {@link
 * dev.engram.ArchiveReader#open(URI)}: {@code s3://bucket/key}, the key percent-encoded where
 * it must be ({@code s3://data/2026/notes%20v2.eng} is the key {@code 2026/notes v2.eng}). Found
 * by {@link java.util.ServiceLoader}; there is no need to call it directly.
 *
 * <p>Each archive opened gets a client of its own, built from the AWS SDK's default chains (the
 * region, credentials and endpoint a user has configured, as for the AWS CLI: so {@code
 * AWS_ENDPOINT_URL} or {@code AWS_ENDPOINT_URL_S3} points it at an S3-compatible store, which it
 * then addresses path-style) and from the {@link RemoteOptions} (connect timeout, the longest wait
 * for bytes, retries and backoff); the client is closed with the source. To choose the client
 * yourself, use {@link S3Archives}.
 *
 * <p>Thread-safe (it has no state).
 */
public final class S3SourceProvider implements ArchiveSourceProvider {
  /** Creates the provider; {@link java.util.ServiceLoader} does. */
  public S3SourceProvider() {}

  /**
   * Returns the one scheme read here.
   *
   * @return {@code s3}
   */
  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  /**
   * Opens the archive at {@code s3://bucket/key} with one ranged {@code GetObject} (see {@link
   * S3Archives#source}), through a client of its own that the source closes.
   *
   * @param uri {@code s3://bucket/key}
   * @param options timeouts, retries and backoff
   * @return the open source, which the caller closes
   * @throws IllegalArgumentException if the URI is not {@code s3://bucket/key} (a user, port,
   *     query or fragment, or no key)
   * @throws java.nio.file.NoSuchFileException if there is no such bucket or key
   * @throws java.nio.file.AccessDeniedException if S3 refuses access
   * @throws java.io.InterruptedIOException if this thread was interrupted
   * @throws dev.engram.CorruptArchiveException if the object is empty
   * @throws IOException if the client cannot be configured (no credentials anywhere), or S3
   *     answers wrongly or fails through every retry
   */
  @Override
  public ArchiveSource open(URI uri, RemoteOptions options) throws IOException {
    S3Location location = S3Location.of(Objects.requireNonNull(uri, "uri"));
    Objects.requireNonNull(options, "options");
    S3Client client = S3Clients.fromDefaultChains(options);
    try {
      return S3Source.open(client, location, client);
    } catch (IOException | RuntimeException | Error e) {
      client.close();
      throw e;
    }
  }
}
