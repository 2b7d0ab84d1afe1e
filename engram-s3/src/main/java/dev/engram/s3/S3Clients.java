package dev.engram.s3;

import dev.engram.source.RemoteOptions;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * The S3 client that {@link S3SourceProvider} builds for an {@code s3://} URI. Stateless and
 * thread-safe.
 *
 * <ul>
 *   <li><b>Configuration</b> comes from the SDK's default chains, as the AWS CLI's does: the
 *       region ({@code aws.region}, {@code AWS_REGION}, the profile, EC2 instance metadata),
 *       credentials (system properties, environment, web identity, profile, container,
 *       instance), and the endpoint ({@code aws.endpointUrlS3}, {@code AWS_ENDPOINT_URL_S3},
 *       {@code aws.endpointUrl}, {@code AWS_ENDPOINT_URL}, the profile's {@code endpoint_url}),
 *       which the SDK reads itself. Without a region anywhere, {@code us-east-1}.
 *   <li><b>Buckets in other regions</b> are found by the SDK's cross-region access.
 *   <li><b>Path-style addressing</b> ({@code endpoint/bucket/key}) whenever an endpoint is
 *       configured, since S3-compatible stores (MinIO, s3proxy, Ceph...) need it; AWS's own
 *       endpoints get virtual-hosted addressing ({@code bucket.endpoint/key}).
 *   <li><b>HTTP</b>: the SDK's URL-connection client (the JDK's {@code HttpURLConnection}),
 *       with {@link RemoteOptions#connectTimeout()} to connect and {@link
 *       RemoteOptions#requestTimeout()} as the longest wait for the next bytes; a read that keeps
 *       arriving never times out.
 *   <li><b>Retries</b>: the SDK's standard strategy (5xx, throttling, dropped connections, bodies
 *       that end early) with {@link RemoteOptions#retries()} + 1 attempts and a backoff that
 *       doubles from {@link RemoteOptions#initialBackoff()} up to {@link
 *       RemoteOptions#maxBackoff()}, with jitter.
 * </ul>
 *
 * <p>{@link RemoteOptions#headers()}, {@link RemoteOptions#maxRedirects()} and {@link
 * RemoteOptions#sslContext()} are HTTP's: requests to S3 are signed, S3 does not redirect, and the
 * URL-connection client trusts the JVM's trust store ({@code javax.net.ssl.trustStore}).
 */
final class S3Clients {
  private S3Clients() {}

  /** Builds a client from the default chains and the options; the caller closes it. */
  static S3Client fromDefaultChains(RemoteOptions options) {
    S3EndpointProvider standard = S3EndpointProvider.defaultProvider();
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(options.connectTimeout())
            .socketTimeout(options.requestTimeout()))
        .region(region())
        .crossRegionAccessEnabled(true)
        .endpointProvider(params -> standard.resolveEndpoint(pathStyleForEndpoints(params)))
        .overrideConfiguration(o -> o.retryStrategy(retryStrategy(options)))
        .build();
  }

  /** Path-style addressing when an endpoint is configured (S3-compatible stores). */
  static S3EndpointParams pathStyleForEndpoints(S3EndpointParams params) {
    return params.endpoint() == null ? params : params.toBuilder().forcePathStyle(true).build();
  }

  /** The region of the SDK's default chain, else {@code us-east-1}. */
  private static Region region() {
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException none) {
      return Region.US_EAST_1; // cross-region access finds the bucket's own region
    }
  }

  /** The standard strategy with the options' attempts and backoff. */
  static RetryStrategy retryStrategy(RemoteOptions options) {
    BackoffStrategy backoff = options.initialBackoff().isZero()
        ? BackoffStrategy.retryImmediately()
        : BackoffStrategy.exponentialDelay(options.initialBackoff(), options.maxBackoff());
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(options.retries() + 1)
        .backoffStrategy(backoff)
        .throttlingBackoffStrategy(backoff)
        .build();
  }
}
