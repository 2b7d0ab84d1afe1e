package dev.engram.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.KeyRequiredException;
import dev.engram.WriterOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted archives take their key from a key file or a credential provider, never from the
 * configuration in clear.
 */
class EncryptedArchiveTest {
  private static final byte[] KEY = HexFormat.of().parseHex(
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

  @TempDir
  static java.nio.file.Path dir;
  static java.nio.file.Path perFile;
  static java.nio.file.Path wholeArchive;
  static java.nio.file.Path withPassphrase;

  @BeforeAll
  static void writeArchives() throws IOException {
    perFile = dir.resolve("per-file.eng");
    TestArchives.writeStandard(perFile, WriterOptions.builder().perFileEncryption(KEY).build());
    wholeArchive = dir.resolve("archive.eng");
    TestArchives.writeStandard(wholeArchive,
        WriterOptions.builder().archiveEncryption(KEY).build());
    withPassphrase = dir.resolve("passphrase.eng");
    try (dev.engram.ArchiveWriter writer = dev.engram.ArchiveWriter.create(withPassphrase,
        WriterOptions.builder().passphrase(PASSPHRASE).passphraseCost(10, 1, 1).build())) {
      writer.addFile("small.txt", TestArchives.SMALL);
      writer.finish();
    }
  }

  private static void assertReads(Configuration conf, java.nio.file.Path archive)
      throws IOException {
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram:///"), conf);
        FSDataInputStream in = fs.open(new Path("engram://" + archive + "/small.txt"))) {
      assertArrayEquals(TestArchives.SMALL, in.readAllBytes());
    }
  }

  @Test
  void aKeyFileOfHexDigitsOpensPerFileAndWholeArchiveEncryption() throws IOException {
    java.nio.file.Path keyFile = Files.writeString(dir.resolve("hex.key"),
        HexFormat.of().formatHex(KEY) + "\n");
    Configuration conf = new Configuration();
    conf.set(EngramFileSystem.KEY_FILE, keyFile.toUri().toString());
    assertReads(conf, perFile);
    assertReads(conf, wholeArchive);
    try (FileSystem fs = FileSystem.newInstance(URI.create("engram:///"), conf);
        FSDataInputStream in = fs.open(new Path("engram://" + perFile + "/dir/big.bin"))) {
      byte[] got = new byte[4096];
      in.readFully(40_000_000, got);
      assertArrayEquals(TestArchives.range(40_000_000, 4096), got);
    }
  }

  @Test
  void aKeyFileOfRawBytesWorksToo() throws IOException {
    java.nio.file.Path keyFile = Files.write(dir.resolve("raw.key"), KEY);
    Configuration conf = new Configuration();
    conf.set(EngramFileSystem.KEY_FILE, keyFile.toString());
    assertReads(conf, perFile);
  }

  @Test
  void aKeyAndAPassphraseComeFromCredentialProviders() throws IOException {
    Configuration conf = new Configuration();
    conf.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH,
        "localjceks://file" + dir.resolve("secrets.jceks"));
    CredentialProvider provider = CredentialProviderFactory.getProviders(conf).get(0);
    provider.createCredentialEntry("engram.archive.key",
        HexFormat.of().formatHex(KEY).toCharArray());
    provider.createCredentialEntry("engram.archive.passphrase", PASSPHRASE.clone());
    provider.flush();
    Configuration byKey = new Configuration(conf);
    byKey.set(EngramFileSystem.KEY_ALIAS, "engram.archive.key");
    assertReads(byKey, perFile);
    Configuration byPassphrase = new Configuration(conf);
    byPassphrase.set(EngramFileSystem.PASSPHRASE_ALIAS, "engram.archive.passphrase");
    assertReads(byPassphrase, withPassphrase);
  }

  @Test
  void anAliasIsNeverReadFromTheConfigurationInClear() {
    Configuration conf = new Configuration();
    conf.set(EngramFileSystem.KEY_ALIAS, "engram.archive.key");
    conf.set("engram.archive.key", HexFormat.of().formatHex(KEY)); // getPassword would take it
    IOException e = assertThrows(IOException.class, () -> assertReads(conf, perFile));
    assertTrue(e.getMessage().contains("no credential provider"), e.getMessage());
  }

  @Test
  void aKeyInClearInTheConfigurationIsRefused() {
    Configuration conf = new Configuration();
    conf.set("fs.engram.key", HexFormat.of().formatHex(KEY));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> assertReads(conf, perFile));
    assertTrue(e.getMessage().contains(EngramFileSystem.KEY_FILE), e.getMessage());
  }

  @Test
  void twoSourcesOfTheKeyAreRefused() {
    Configuration conf = new Configuration();
    conf.set(EngramFileSystem.KEY_FILE, "/k");
    conf.set(EngramFileSystem.KEY_ALIAS, "a");
    assertThrows(IllegalArgumentException.class, () -> assertReads(conf, perFile));
  }

  @Test
  void aBadKeyFileIsNamed() throws IOException {
    java.nio.file.Path bad = Files.writeString(dir.resolve("bad.key"), "not a key");
    Configuration conf = new Configuration();
    conf.set(EngramFileSystem.KEY_FILE, bad.toString());
    IOException e = assertThrows(IOException.class, () -> assertReads(conf, perFile));
    assertTrue(e.getMessage().contains("bad.key") && e.getMessage().contains("64 hex digits"),
        e.getMessage());
    conf.set(EngramFileSystem.KEY_FILE, dir.resolve("missing.key").toString());
    e = assertThrows(IOException.class, () -> assertReads(conf, perFile));
    assertTrue(e.getMessage().contains("missing.key"), e.getMessage());
  }

  @Test
  void withoutAKeyTheArchiveSaysItNeedsOne() {
    IOException e = assertThrows(IOException.class,
        () -> assertReads(new Configuration(), perFile));
    assertInstanceOf(KeyRequiredException.class, e, e.toString());
  }
}
