package dev.engram.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.apilisting.ApiListing;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * engram-s3 as its users get it: the named module {@code dev.engram.s3}, with the AWS SDK's jars
 * as automatic modules. A small program is compiled against the compiled classes and this
 * module's runtime dependencies (the jars Maven lists in {@code target/runtime.classpath}), then
 * run in a new JVM from the module path, against s3proxy in this JVM: it reads an archive through
 * {@link S3Archives} with its own client, and through an {@code s3://} URI, whose provider
 * {@link java.util.ServiceLoader} finds on the module path.
 */
class S3ModuleBoundaryTest {
  private static final String BUCKET = "modules";

  private static final String PROGRAM = """
      package app;

      import dev.engram.ArchiveReader;
      import dev.engram.ReaderOptions;
      import dev.engram.s3.S3Archives;
      import java.net.URI;
      import java.nio.charset.StandardCharsets;
      import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
      import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
      import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
      import software.amazon.awssdk.regions.Region;
      import software.amazon.awssdk.services.s3.S3Client;

      public final class Main {
        public static void main(String[] args) throws Exception {
          String bucket = args[1];
          String key = args[2];
          try (S3Client client = S3Client.builder()
                  .endpointOverride(URI.create(args[0]))
                  .forcePathStyle(true)
                  .region(Region.US_EAST_1)
                  .credentialsProvider(StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(args[3], args[4])))
                  .httpClientBuilder(UrlConnectionHttpClient.builder())
                  .build();
              ArchiveReader reader = S3Archives.open(client, bucket, key,
                  ReaderOptions.defaults())) {
            System.out.println("client " + reader.name() + " " + reader.list());
          }
          // the s3: provider, found by ServiceLoader; its client from the default chains
          try (ArchiveReader reader =
              ArchiveReader.open(URI.create("s3://" + bucket + "/" + key))) {
            System.out.println("uri " + reader.name() + " "
                + new String(reader.read("notes/b.txt"), StandardCharsets.UTF_8));
          }
        }
      }
      """;

  private static S3TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
    server.createBucket(BUCKET);
    server.put(BUCKET, "dir/plain.eng", TestArchives.plain());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theModuleExportsItsApiAndProvidesTheS3Scheme() {
    ModuleDescriptor module = ModuleFinder.of(classes()).find("dev.engram.s3").orElseThrow()
        .descriptor();
    assertFalse(module.isOpen());
    assertEquals(Set.of("dev.engram.s3"), module.exports().stream()
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    assertTrue(module.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
    assertEquals(Set.of("dev.engram.source.ArchiveSourceProvider -> "
        + "[dev.engram.s3.S3SourceProvider]"), module.provides().stream()
        .map(p -> p.service() + " -> " + p.providers()).collect(Collectors.toSet()));
  }

  @Test
  void worksOnTheModulePath(@TempDir Path dir) throws Exception {
    Path source = dir.resolve("src");
    Files.createDirectories(source.resolve("app"));
    Files.writeString(source.resolve("module-info.java"), """
        module app {
          requires dev.engram.s3;
          requires software.amazon.awssdk.auth;
          requires software.amazon.awssdk.http.urlconnection;
          requires software.amazon.awssdk.regions;
        }
        """);
    Files.writeString(source.resolve("app/Main.java"), PROGRAM);
    List<String> modulePath = new ArrayList<>();
    modulePath.add(classes().toString());
    modulePath.addAll(runtimeClassPath());
    String path = String.join(File.pathSeparator, modulePath);
    Path out = dir.resolve("out");
    ByteArrayOutputStream javacOutput = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(javacOutput, true, StandardCharsets.UTF_8);
    Path nothing = Files.createDirectories(dir.resolve("empty-class-path"));
    int status = ToolProvider.findFirst("javac").orElseThrow().run(print, print,
        "--release", "17", "--class-path", nothing.toString(), "--module-path", path,
        "-d", out.toString(), source.resolve("module-info.java").toString(),
        source.resolve("app/Main.java").toString());
    assertEquals(0, status, javacOutput.toString(StandardCharsets.UTF_8));

    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "--enable-native-access=com.github.luben.zstd_jni,org.lz4.java"));
    // the default chains of the s3: provider, as in S3SourceProviderTest: nothing leaves 127.0.0.1
    Map.of("aws.region", "us-east-1", "aws.accessKeyId", S3TestServer.ACCESS_KEY,
        "aws.secretAccessKey", S3TestServer.SECRET_KEY,
        "aws.endpointUrl", server.endpoint().toString(), "aws.disableEc2Metadata", "true",
        "aws.configFile", dir.resolve("no-config").toString(),
        "aws.sharedCredentialsFile", dir.resolve("no-credentials").toString())
        .forEach((name, value) -> command.add("-D" + name + "=" + value));
    command.addAll(List.of("--module-path", path + File.pathSeparator + out,
        "--module", "app/app.Main", server.endpoint().toString(), BUCKET, "dir/plain.eng",
        S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY));
    Process process = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile()).start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    String stdout = Files.readString(dir.resolve("stdout"));
    String stderr = Files.readString(dir.resolve("stderr"));
    String report = "stdout:\n" + stdout + "\nstderr:\n" + stderr;
    assertEquals(0, process.exitValue(), report);
    assertEquals("""
        client s3://modules/dir/plain.eng [notes/a.txt, notes/b.txt, data/c.json]
        uri s3://modules/dir/plain.eng hello
        """, stdout.replace(System.lineSeparator(), "\n"), report);
    // the SDK logs through SLF4J, which says once that it has no logger bound; nothing else
    assertTrue(stderr.lines().allMatch(line -> line.startsWith("SLF4J")), report);
  }

  /** engram-s3's compiled classes, with module-info.class. */
  private static Path classes() {
    return ApiListing.locationOf(S3Archives.class);
  }

  /** The runtime dependencies (engram-core and the SDK), as Maven listed them. */
  private static List<String> runtimeClassPath() throws IOException {
    Path listed = Path.of(System.getProperty("basedir", ""), "target", "runtime.classpath");
    return List.of(Files.readString(listed).trim().split(File.pathSeparator));
  }
}
