package dev.engram.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ArchiveReader;
import dev.engram.ReaderOptions;
import dev.engram.source.ArchiveSource;
import dev.engram.source.ArchiveSourceProvider;
import dev.engram.source.RemoteOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;

/**
 * The {@code s3} scheme of {@link ArchiveReader#open(URI)}: found by {@link ServiceLoader}, with a
 * client built from the SDK's default chains. Everything those chains read is set here through
 * system properties (the SDK's own names), pointing at s3proxy on 127.0.0.1, with no profile
 * files and no EC2 instance metadata, so that nothing leaves this machine; they are restored
 * after each test.
 */
class S3SourceProviderTest {
  private static final String BUCKET = "provided";
  /** Empty and missing: the profile files the chains would otherwise read from ~/.aws. */
  private static final String NO_FILE = "/nonexistent/engram-s3-test/aws-config";

  private static S3TestServer server;
  private final Map<String, String> saved = new HashMap<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void configureTheDefaultChains() {
    set("aws.region", "us-east-1");
    set("aws.accessKeyId", S3TestServer.ACCESS_KEY);
    set("aws.secretAccessKey", S3TestServer.SECRET_KEY);
    set("aws.endpointUrl", server.endpoint().toString());
    set("aws.endpointUrlS3", null);
    set("aws.disableEc2Metadata", "true");
    set("aws.configFile", NO_FILE);
    set("aws.sharedCredentialsFile", NO_FILE);
    RequestLog.reset();
  }

  @AfterEach
  void restoreProperties() {
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
    saved.clear();
  }

  /** Sets (or clears, for null) a system property, keeping its value for after the test. */
  private void set(String name, String value) {
    saved.putIfAbsent(name, System.getProperty(name));
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }

  @Test
  void theProviderIsFoundForTheS3Scheme() {
    List<ArchiveSourceProvider> found = ServiceLoader.load(ArchiveSourceProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p instanceof S3SourceProvider).toList();
    assertEquals(1, found.size());
    assertEquals(java.util.Set.of("s3"), found.get(0).schemes());
  }

  @Test
  void s3UrisReadEveryKindOfArchiveAsLocally() throws IOException {
    Map<String, byte[]> archives = Map.of(
        "dir/plain archive+1.eng", TestArchives.plain(),
        "dir/framed.eng", TestArchives.framed(),
        "dir/per-file.eng", TestArchives.perFileEncrypted());
    for (Map.Entry<String, byte[]> archive : archives.entrySet()) {
      server.put(BUCKET, archive.getKey(), archive.getValue());
      URI uri = URI.create("s3://" + BUCKET + "/"
          + archive.getKey().replace(" ", "%20").replace("+", "%2B"));
      ReaderOptions options = archive.getKey().contains("per-file")
          ? ReaderOptions.builder().key(TestArchives.KEY).build() : ReaderOptions.defaults();
      try (ArchiveReader remote = ArchiveReader.open(uri, options);
           ArchiveReader local = ArchiveReader.open(
               ArchiveSource.wrap(archive.getValue(), "local"), options)) {
        assertEquals("s3://" + BUCKET + "/" + archive.getKey(), remote.name());
        TestArchives.assertSameContent(local, remote);
      }
    }
  }

  @Test
  void aSmallArchiveOpensAndReadsInOneGetObject() throws IOException {
    server.put(BUCKET, "small.eng", TestArchives.plain());
    RequestLog.reset();
    try (ArchiveReader reader = ArchiveReader.open(URI.create("s3://" + BUCKET + "/small.eng"))) {
      for (String path : reader.list()) {
        reader.read(path);
      }
      assertFalse(reader.hasChanged()); // one HeadObject
    }
    assertEquals(List.of(new RequestLog.Request("GetObject", "bytes=-65536"),
        new RequestLog.Request("HeadObject", "")), RequestLog.sent());
  }

  @Test
  void theServiceSpecificEndpointIsHonouredToo() throws IOException {
    set("aws.endpointUrl", null);
    set("aws.endpointUrlS3", server.endpoint().toString());
    server.put(BUCKET, "s3-endpoint.eng", TestArchives.plain());
    try (ArchiveReader reader = ArchiveReader.open(
        URI.create("s3://" + BUCKET + "/s3-endpoint.eng"))) {
      assertEquals(3, reader.entryCount());
    }
  }

  @Test
  void aMissingObjectIsNoSuchFileNamingTheUri() {
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> ArchiveReader.open(URI.create("s3://" + BUCKET + "/missing/archive.eng")));
    assertEquals("s3://" + BUCKET + "/missing/archive.eng", e.getFile());
  }

  @Test
  void malformedS3UrisAreRefusedWithoutShowingSecrets() {
    for (String uri : List.of("s3://bucket", "s3://bucket/", "s3://user:secret@bucket/k.eng",
        "s3://bucket:9000/k.eng", "s3://bucket/k.eng?versionId=secret", "s3:bucket/k.eng")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new S3SourceProvider().open(URI.create(uri), RemoteOptions.defaults()), uri);
      assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }
    assertEquals(new S3Location("b", "dir/a b%.eng"),
        S3Location.of(URI.create("s3://b/dir/a%20b%25.eng")));
    assertEquals(new S3Location("b", "/lead"), S3Location.of(URI.create("s3://b//lead")));
  }

  @Test
  void remoteOptionsSetAttemptsAndPathStyleFollowsAConfiguredEndpoint() {
    RemoteOptions options = RemoteOptions.builder().retries(5)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(40))
        .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(3)).build();
    assertEquals(6, S3Clients.retryStrategy(options).maxAttempts());
    assertEquals(1, S3Clients.retryStrategy(RemoteOptions.builder().retries(0)
        .backoff(Duration.ZERO, Duration.ZERO).build()).maxAttempts());
    S3EndpointParams aws = S3EndpointParams.builder().bucket("b").region(
        software.amazon.awssdk.regions.Region.US_EAST_1).build();
    assertFalse(S3Clients.pathStyleForEndpoints(aws).forcePathStyle());
    S3EndpointParams store = aws.toBuilder().endpoint("http://127.0.0.1:9000").build();
    assertTrue(S3Clients.pathStyleForEndpoints(store).forcePathStyle());
  }
}
