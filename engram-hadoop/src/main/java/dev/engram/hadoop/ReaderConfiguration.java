package dev.engram.hadoop;

import dev.engram.KeyFile;
import dev.engram.ReaderOptions;
import dev.engram.source.RemoteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;

/**
 * The reader options of an {@link EngramFileSystem} from its configuration: threads ({@link
 * EngramFileSystem#READER_THREADS}), frame cache ({@link EngramFileSystem#FRAME_CACHE_SIZE}),
 * block cache ({@link EngramFileSystem#BLOCK_CACHE_SIZE}), and
 * the key or passphrase of encrypted archives, from where the configuration says it is: a key
 * file ({@link EngramFileSystem#KEY_FILE}) or an alias in Hadoop's credential providers ({@link
 * EngramFileSystem#KEY_ALIAS}, {@link EngramFileSystem#PASSPHRASE_ALIAS}). Never from the
 * configuration itself: a property that would hold a key in clear is refused, and aliases are
 * looked up in the credential providers only (not in the clear-text fallback of {@link
 * Configuration#getPassword}).
 */
final class ReaderConfiguration {
  /** The properties that would put a secret in the configuration in clear: refused. */
  private static final List<String> CLEAR = List.of("fs.engram.key", "fs.engram.passphrase");
  
  private ReaderConfiguration() {}

  /**
   * Reader options with the configured threads, frame cache and key or passphrase (or none).
   *
   * @throws IllegalArgumentException if the configuration holds a secret in clear or names more
   *     than one source of it, or a thread count or cache size out of range
   * @throws IOException if the key file or credential cannot be read or is not a key
   */
  static ReaderOptions readerOptions(Configuration conf) throws IOException {
    for (String clear : CLEAR) {
      if (conf.get(clear) != null) {
        throw new IllegalArgumentException(clear + " would hold a secret in clear in the"
            + " configuration, which is refused: name a key file (" + EngramFileSystem.KEY_FILE
            + ") or a credential provider alias (" + EngramFileSystem.KEY_ALIAS + ", "
            + EngramFileSystem.PASSPHRASE_ALIAS + ")");
      }
    }
    String keyFile = conf.getTrimmed(EngramFileSystem.KEY_FILE);
    String keyAlias = conf.getTrimmed(EngramFileSystem.KEY_ALIAS);
    String passphraseAlias = conf.getTrimmed(EngramFileSystem.PASSPHRASE_ALIAS);
    int given = (keyFile != null ? 1 : 0) + (keyAlias != null ? 1 : 0)
        + (passphraseAlias != null ? 1 : 0);
    if (given > 1) {
      throw new IllegalArgumentException("set one of " + EngramFileSystem.KEY_FILE + ", "
          + EngramFileSystem.KEY_ALIAS + " and " + EngramFileSystem.PASSPHRASE_ALIAS
          + ", not " + given);
    }
    ReaderOptions.Builder options = ReaderOptions.builder();
    try {
      if (conf.get(EngramFileSystem.READER_THREADS) != null) {
        options.threads(conf.getInt(EngramFileSystem.READER_THREADS, 0));
      }
      if (conf.get(EngramFileSystem.FRAME_CACHE_SIZE) != null) {
        options.frameCacheSize(conf.getLongBytes(EngramFileSystem.FRAME_CACHE_SIZE, 0));
      }
      if (conf.get(EngramFileSystem.BLOCK_CACHE_SIZE) != null) {
        options.remote(RemoteOptions.builder().blockCacheSize(
            conf.getLongBytes(EngramFileSystem.BLOCK_CACHE_SIZE, 0)).build());
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(EngramFileSystem.READER_THREADS + " / "
          + EngramFileSystem.FRAME_CACHE_SIZE + " / " + EngramFileSystem.BLOCK_CACHE_SIZE + ": "
          + e.getMessage(), e);
    }
    if (keyFile != null) {
      byte[] key = readKeyFile(new Path(keyFile), conf);
      try {
        options.key(key);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    } else if (keyAlias != null) {
      char[] hex = credential(conf, keyAlias, EngramFileSystem.KEY_ALIAS);
      try {
        byte[] key = parseKey(new String(hex).strip().getBytes(StandardCharsets.US_ASCII),
            "credential " + keyAlias + " (" + EngramFileSystem.KEY_ALIAS + ")");
        try {
          options.key(key);
        } finally {
          Arrays.fill(key, (byte) 0);
        }
      } finally {
        Arrays.fill(hex, '\0');
      }
    } else if (passphraseAlias != null) {
      char[] phrase = credential(conf, passphraseAlias, EngramFileSystem.PASSPHRASE_ALIAS);
      try {
        if (phrase.length == 0) {
          throw new IOException("credential " + passphraseAlias + " ("
              + EngramFileSystem.PASSPHRASE_ALIAS + ") is empty");
        }
        options.passphrase(phrase);
      } finally {
        Arrays.fill(phrase, '\0');
      }
    }
    return options.build();
  }

  /** Reads a key file on any Hadoop file system: 32 bytes, or 64 hex digits. */
  private static byte[] readKeyFile(Path file, Configuration conf) throws IOException {
    String origin = "key file " + file + " (" + EngramFileSystem.KEY_FILE + ")";
    FileSystem fs = file.getFileSystem(conf);
    FileStatus status;
    try {
      status = fs.getFileStatus(file);
    } catch (IOException e) {
      throw new IOException(origin + ": " + e.getMessage(), e);
    }
    if (!status.isFile() || status.getLen() > KeyFile.MAX_SIZE) {
      throw new IOException(origin + ": " + (status.isFile() ? status.getLen() + " bytes"
          : "not a file") + "; a key file holds 32 bytes or 64 hex digits");
    }
    byte[] bytes = new byte[(int) status.getLen()];
    try (InputStream in = fs.open(file)) {
      int n = in.readNBytes(bytes, 0, bytes.length);
      if (n != bytes.length) {
        throw new IOException(origin + ": shorter than its length " + bytes.length);
      }
      return parseKey(bytes, origin);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** A key from a key file's bytes, or a credential's ({@link KeyFile}). */
  private static byte[] parseKey(byte[] bytes, String origin) throws IOException {
    try {
      return KeyFile.parse(bytes);
    } catch (IllegalArgumentException e) {
      throw new IOException(origin + ": " + e.getMessage(), e);
    }
  }

  /** A credential from the configured providers only. */
  private static char[] credential(Configuration conf, String alias, String property)
      throws IOException {
    List<CredentialProvider> providers = CredentialProviderFactory.getProviders(conf);
    if (providers.isEmpty()) {
      throw new IOException(property + " names the alias " + alias + ", but no credential"
          + " provider is configured (" + CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH
          + ")");
    }
    for (CredentialProvider provider : providers) {
      CredentialProvider.CredentialEntry entry = provider.getCredentialEntry(alias);
      if (entry != null && entry.getCredential() != null) {
        return entry.getCredential();
      }
    }
    throw new IOException(property + ": no credential provider holds the alias " + alias + " ("
        + conf.get(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH) + ")");
  }
}
