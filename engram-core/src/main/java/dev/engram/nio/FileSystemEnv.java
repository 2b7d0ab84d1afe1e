package dev.engram.nio;

import dev.engram.CompressionMethod;
import dev.engram.EncryptionMode;
import dev.engram.ReaderOptions;
import dev.engram.UpdateOptions;
import dev.engram.WriterOptions;
import java.security.PrivateKey;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code env} map of {@link EngramFileSystemProvider}'s {@code newFileSystem}: the one place
 * that reads it, checks its keys and the types of their values, and turns it into reader, update
 * and writer options. Reading copies no secret; the options built from it copy the key or
 * passphrase, and belong to whoever asked for them (see {@link ReaderSettings#discard()}).
 *
 * <p>Immutable; it holds the caller's arrays (not copies) until options are built.
 */
final class FileSystemEnv {
  /** Every key, in the order messages list them. */
  static final List<String> KEYS = List.of("create", "readOnly", "key", "passphrase",
      "readerOptions", "writerOptions", "compression", "encryption", "manifest", "signingKey",
      "signer");
  private static final Set<String> KEY_SET = Set.copyOf(KEYS);

  private final boolean create;
  /** Null when the env does not say. */
  private final Boolean readOnly;
  private final byte[] key;
  private final char[] passphrase;
  private final ReaderOptions readerOptions;
  private final WriterOptions writerOptions;
  /** Null: chosen by content. */
  private final CompressionMethod compression;
  private final EncryptionMode encryption;
  private final UpdateOptions.SignedManifest manifest;
  private final PrivateKey signingKey;
  private final String signer;

  private FileSystemEnv(Map<String, ?> env) {
    Set<String> unknown = new TreeSet<>();
    for (Object name : env.keySet()) {
      if (!KEY_SET.contains(name)) {
        unknown.add(String.valueOf(name));
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown env key" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown) + "; an engram file system takes " + String.join(", ", KEYS)
          + " (see EngramFileSystemProvider)");
    }
    create = flag(env, "create", false);
    Object readOnlyValue = env.get("readOnly");
    readOnly = readOnlyValue == null ? null : flag(env, "readOnly", false);
    key = typed(env, "key", byte[].class, "byte[32]");
    passphrase = typed(env, "passphrase", char[].class, "char[]");
    readerOptions = typed(env, "readerOptions", ReaderOptions.class,
        ReaderOptions.class.getName());
    writerOptions = typed(env, "writerOptions", WriterOptions.class,
        WriterOptions.class.getName());
    compression = compression(env.get("compression"));
    encryption = encryption(env.get("encryption"));
    manifest = manifest(env.get("manifest"));
    signingKey = typed(env, "signingKey", PrivateKey.class, PrivateKey.class.getName());
    signer = typed(env, "signer", String.class, "String");
    if (readerOptions != null && (key != null || passphrase != null)) {
      throw new IllegalArgumentException("give the key or passphrase in readerOptions or"
          + " as the env key, not both");
    }
    if (key != null && passphrase != null) {
      throw new IllegalArgumentException("give env key key or passphrase, not both");
    }
    if (encryption != null && key == null && passphrase == null) {
      throw new IllegalArgumentException("env key encryption needs key or passphrase");
    }
    if (manifest == UpdateOptions.SignedManifest.RESIGN
        ? signingKey == null || signer == null : signingKey != null || signer != null) {
      throw new IllegalArgumentException("manifest resign goes with signingKey (PrivateKey) and"
          + " signer (String), and they only with it");
    }
    if (create && Boolean.TRUE.equals(readOnly)) {
      throw new IllegalArgumentException("env keys create and readOnly cannot both be true");
    }
  }

  /**
   * Reads and checks an env map.
   *
   * @throws IllegalArgumentException naming an unknown key (and the known ones), a value of the
   *     wrong type, or keys that contradict each other
   */
  static FileSystemEnv of(Map<String, ?> env) {
    return new FileSystemEnv(env);
  }

  /** Says whether to create the archive when there is no file. */
  boolean create() {
    return create;
  }

  /** True or false as the env says, or null when it does not. */
  Boolean readOnly() {
    return readOnly;
  }

  /** The method for new content, or null to choose by content. */
  CompressionMethod compression() {
    return compression;
  }

  /**
   * Fails if the env asks to write: for a file system that can only read (a remote archive, or
   * one a caller's source serves).
   *
   * @param what the archive, as the message names it
   */
  void requireReadOnly(String what) {
    if (create || Boolean.FALSE.equals(readOnly)) {
      throw new IllegalArgumentException(what + " is read-only: env keys create and readOnly"
          + " false are for archive files");
    }
  }

  /** Reader options for a read-only file system. */
  ReaderSettings readerSettings() {
    if (readerOptions != null) {
      return new ReaderSettings(readerOptions, false);
    }
    if (key == null && passphrase == null) {
      return new ReaderSettings(ReaderOptions.defaults(), true);
    }
    ReaderOptions.Builder builder = ReaderOptions.builder();
    if (key != null) {
      builder.key(key);
    } else {
      builder.passphrase(passphrase);
    }
    return new ReaderSettings(builder.build(), true);
  }

  /**
   * Options for updating an existing archive; the caller destroys them (which wipes the copy of
   * the key they hold, never the caller's reader options).
   *
   * @throws IllegalArgumentException if the writer options set encryption, a manifest or signers
   */
  UpdateOptions updateOptions() {
    UpdateOptions.Builder builder = UpdateOptions.builder();
    if (readerOptions != null) {
      builder.readerOptions(readerOptions);
    } else if (key != null) {
      builder.key(key);
    } else if (passphrase != null) {
      builder.passphrase(passphrase);
    }
    if (writerOptions != null) {
      builder.writerOptions(writerOptions);
    }
    if (manifest == UpdateOptions.SignedManifest.RESIGN) {
      builder.resign(signingKey, signer);
    } else if (manifest != null) {
      builder.signedManifest(manifest);
    }
    return builder.build();
  }

  /**
   * Options for a new archive: {@code writerOptions}, encrypted with {@code key} or {@code
   * passphrase} as a whole (or as {@code encryption} says); the caller destroys them.
   *
   * @throws IllegalArgumentException if both the writer options and the env encrypt
   */
  WriterOptions createOptions() {
    WriterOptions base = writerOptions != null ? writerOptions : WriterOptions.defaults();
    if (key == null && passphrase == null) {
      return base.toBuilder().build();
    }
    if (base.encryption().isPresent()) {
      throw new IllegalArgumentException("give the key in writerOptions or as the env key, not"
          + " both");
    }
    EncryptionMode mode = encryption != null ? encryption : EncryptionMode.ARCHIVE;
    WriterOptions.Builder builder = base.toBuilder();
    if (key != null) {
      builder.encryption(mode, key);
    } else {
      builder.encryption(mode, passphrase);
    }
    return builder.build();
  }

  private static boolean flag(Map<String, ?> env, String name, boolean otherwise) {
    Object value = env.get(name);
    if (value == null) {
      return otherwise;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw wrongType(name, "a Boolean or \"true\"/\"false\"", value);
  }

  private static <T> T typed(Map<String, ?> env, String name, Class<T> type, String expected) {
    Object value = env.get(name);
    if (value != null && !type.isInstance(value)) {
      throw wrongType(name, "a " + expected, value);
    }
    return type.cast(value);
  }

  /** The method a value names: the enum's names, any case, or {@code auto} (null). */
  private static CompressionMethod compression(Object value) {
    if (value == null || value instanceof CompressionMethod) {
      return (CompressionMethod) value;
    }
    if (value instanceof String s) {
      if (s.equalsIgnoreCase("auto")) {
        return null;
      }
      for (CompressionMethod method : CompressionMethod.values()) {
        if (method.name().equalsIgnoreCase(s)) {
          return method;
        }
      }
    }
    throw wrongType("compression", "a CompressionMethod or \"auto\", \"none\", \"lz4\", \"zstd\"",
        value);
  }

  private static EncryptionMode encryption(Object value) {
    if (value == null || value instanceof EncryptionMode) {
      return (EncryptionMode) value;
    }
    if (value instanceof String s) {
      if (s.equalsIgnoreCase("archive")) {
        return EncryptionMode.ARCHIVE;
      }
      if (s.equalsIgnoreCase("per-file")) {
        return EncryptionMode.PER_FILE;
      }
    }
    throw wrongType("encryption", "an EncryptionMode or \"archive\", \"per-file\"", value);
  }

  private static UpdateOptions.SignedManifest manifest(Object value) {
    if (value == null || value instanceof UpdateOptions.SignedManifest) {
      return (UpdateOptions.SignedManifest) value;
    }
    if (value instanceof String s) {
      for (UpdateOptions.SignedManifest policy : UpdateOptions.SignedManifest.values()) {
        if (policy.name().equalsIgnoreCase(s)) {
          return policy;
        }
      }
    }
    throw wrongType("manifest", "one of \"drop\", \"resign\" or \"refuse\"", value);
  }

  private static IllegalArgumentException wrongType(String name, String expected, Object value) {
    String shown = value instanceof String s ? "\"" + s + "\""
        : "a " + value.getClass().getName();
    return new IllegalArgumentException("env key " + name + " must be " + expected + ", not "
        + shown);
  }

  /** Reader options, and whether the file system made (and owns) them. */
  static final class ReaderSettings {
    private final ReaderOptions options;
    private final boolean owned;

    private ReaderSettings(ReaderOptions options, boolean owned) {
      this.options = options;
      this.owned = owned;
    }

    ReaderOptions options() {
      return options;
    }

    /** The options if the file system should destroy them when it closes, else null. */
    ReaderOptions owned() {
      return owned ? options : null;
    }

    /** Wipes options made here, when no file system took them. */
    void discard() {
      if (owned) {
        options.destroy();
      }
    }
  }
}
