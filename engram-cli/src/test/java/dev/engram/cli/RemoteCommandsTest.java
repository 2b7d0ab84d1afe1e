package dev.engram.cli;

import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.remote.TestHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reading command takes a URL: the archive is read from a real HTTP server on 127.0.0.1
 * with range requests, and prints what it prints for the file.
 */
class RemoteCommandsTest {
  @TempDir static Path dir;
  private static TestHttpServer server;
  private static Path archive;
  private static String url;

  @BeforeAll
  static void serveArchive() throws Exception {
    Path served = Files.createDirectories(dir.resolve("served"));
    archive = served.resolve("lib.eng");
    Cli.Result packed = run("pack", Samples.library(dir).toString(), "-o", archive.toString(),
        "-q");
    assertEquals(0, packed.exitCode(), packed.toString());
    server = TestHttpServer.start(served);
    url = server.uri("/files/lib.eng").toString();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  private static void sameAsLocal(String... args) {
    String[] remote = args.clone();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("ARCHIVE")) {
        args[i] = archive.toString();
        remote[i] = url;
      }
    }
    Cli.Result local = run(args);
    Cli.Result overHttp = run(remote);
    assertEquals(0, local.exitCode(), local.toString());
    assertEquals(local.exitCode(), overHttp.exitCode(), overHttp.toString());
    assertEquals(local.stdout().replace(archive.toString(), url), overHttp.stdout());
  }

  @Test
  void listCatAndQueryPrintWhatTheyPrintForTheFile() {
    sameAsLocal("list", "--long", "ARCHIVE");
    sameAsLocal("cat", "ARCHIVE", "notes/b.md");
    sameAsLocal("query", "-F", "csv", "ARCHIVE", "catalog.db",
        "SELECT name, count(*) FROM books JOIN authors ON authors.id = author_id"
            + " GROUP BY name ORDER BY name");
  }

  @Test
  void infoAndVerifyReadTheWholeArchiveOverHttp() {
    sameAsLocal("info", "ARCHIVE");
    sameAsLocal("verify", "ARCHIVE");
  }

  @Test
  void extractWritesTheFilesOfARemoteArchive() throws Exception {
    Path out = dir.resolve("extracted");
    Cli.Result r = run("extract", url, "-o", out.toString(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("beta\n".repeat(2000), Files.readString(out.resolve("notes/b.md")));
  }

  @Test
  void aMissingArchiveIsNotFoundAndNamedWithoutItsQuery() {
    Cli.Result r = run("list", server.uri("/files/missing.eng") + "?X-Amz-Signature=secret");
    assertEquals(ExitCodes.NOT_FOUND, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("/files/missing.eng"), r.stderr());
    assertTrue(!r.stderr().contains("secret"), r.stderr());
  }

  @Test
  void anS3UrlIsReadThroughEngramS3() throws Exception {
    // no S3 store: a closed port on 127.0.0.1. What is tested is that s3:// reaches engram-s3
    // (which the command names in its error) rather than "no module reads s3".
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String noFile = dir.resolve("no-such-aws-file").toString();
    java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
    properties.put("aws.endpointUrl", "http://127.0.0.1:" + closedPort);
    properties.put("aws.region", "us-east-1");
    properties.put("aws.accessKeyId", "test");
    properties.put("aws.secretAccessKey", "test");
    properties.put("aws.disableEc2Metadata", "true");
    properties.put("aws.configFile", noFile);
    properties.put("aws.sharedCredentialsFile", noFile);
    java.util.Map<String, String> before = new java.util.HashMap<>();
    properties.forEach((name, value) -> before.put(name, System.setProperty(name, value)));
    try {
      Cli.Result r = run("list", "s3://bucket/data.eng");
      assertEquals(ExitCodes.IO, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains("s3://bucket/data.eng"), r.stderr());
      assertTrue(!r.stderr().contains("no installed module reads"), r.stderr());
    } finally {
      before.forEach((name, value) -> {
        if (value == null) {
          System.clearProperty(name);
        } else {
          System.setProperty(name, value);
        }
      });
    }
  }

  @Test
  void aMalformedUrlIsAUsageError() {
    Cli.Result r = run("list", "http://exa mple/x.eng");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("not a valid URL"), r.stderr());
  }
}
