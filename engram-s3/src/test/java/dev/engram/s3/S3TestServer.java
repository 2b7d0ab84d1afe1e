package dev.engram.s3;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3-compatible server in this JVM: s3proxy with an in-memory blob store, listening on
 * 127.0.0.1 at a free port, checking AWS signatures (V2 or V4) made with {@link #ACCESS_KEY} and
 * {@link #SECRET_KEY}; and clients for it. One per test class: it starts in about a second.
 */
final class S3TestServer implements AutoCloseable {
  static final String ACCESS_KEY = "engram-test-access";
  static final String SECRET_KEY = "engram-test-secret";

  private final S3Proxy proxy;
  private final URI endpoint;
  /** The client the tests upload with. */
  private final S3Client admin;

  private S3TestServer(S3Proxy proxy) {
    this.proxy = proxy;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    this.admin = client(ACCESS_KEY, SECRET_KEY, null, null);
  }

  /** Starts a server. */
  static S3TestServer start() throws Exception {
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(BlobStores.create("transient", new Properties()))
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .stopTimeout(0)
        .build();
    proxy.start();
    return new S3TestServer(proxy);
  }

  URI endpoint() {
    return endpoint;
  }

  /** A client with the right keys and the SDK's default retries. */
  S3Client client() {
    return client(ACCESS_KEY, SECRET_KEY, null, null);
  }

  /**
   * A client for this server, as a caller of {@link S3Archives} would make one for an
   * S3-compatible store: endpoint, path-style, a region, static keys; the URL-connection HTTP
   * client. Requests are logged by {@link RequestLog} (installed for every client).
   *
   * @param retries the retry strategy, or null for the SDK's default
   * @param faults an interceptor that damages answers, or null
   */
  S3Client client(String accessKey, String secretKey, RetryStrategy retries,
      ExecutionInterceptor faults) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(accessKey, secretKey)))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> {
          if (retries != null) {
            o.retryStrategy(retries);
          }
          if (faults != null) {
            o.addExecutionInterceptor(faults);
          }
        })
        .build();
  }

  void createBucket(String bucket) {
    admin.createBucket(b -> b.bucket(bucket));
  }

  void put(String bucket, String key, byte[] content) {
    admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
  }

  void delete(String bucket, String key) {
    admin.deleteObject(b -> b.bucket(bucket).key(key));
  }

  @Override
  public void close() {
    admin.close();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not stop", e);
    }
  }
}
