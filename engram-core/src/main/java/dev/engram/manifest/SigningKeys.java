package dev.engram.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;


/**
 * Ed25519 keys with the JDK's own provider, and the key files users handle.
 *
 * <p><b>Files.</b> Private keys are written as PEM PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}),
 * created owner-only ({@code rw-------}) where the file system supports POSIX permissions; public
 * keys as PEM X.509 ({@code -----BEGIN PUBLIC KEY-----}). Both are what {@code openssl pkey}
 * reads and writes. Reading also accepts the raw forms engram-rs tools print: a 32-byte private
 * seed or public key as 64 hex digits.
 *
 * <p>Thread-safe (stateless).
 */
public final class SigningKeys {
  private static final String ALGORITHM = "Ed25519";
  /** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows. */
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");
  /** DER prefix of an X.509 Ed25519 public key; the 32 raw key bytes follow. */
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final int KEY_BYTES = 32;

  private SigningKeys() {}

  /**
   * Generates a new Ed25519 key pair.
   *
   * @return the pair
   */
  public static KeyPair generate() {
    return generator(new SecureRandom()).generateKeyPair();
  }

  /**
   * Makes the private key of a 32-byte seed, as engram-rs's {@code SigningKey::from_bytes}.
   *
   * @param seed 32 bytes
   * @return the private key
   * @throws IllegalArgumentException if the seed is not 32 bytes
   */
  public static PrivateKey privateKeyFromSeed(byte[] seed) {
    if (seed.length != KEY_BYTES) {
      throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, not " + seed.length);
    }
    try {
      return KeyFactory.getInstance(ALGORITHM)
          .generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot decode an Ed25519 seed", e);
    }
  }

  /**
   * Makes the public key of 32 raw bytes.
   *
   * @param raw 32 bytes
   * @return the public key
   * @throws InvalidKeyException if the bytes are not 32, or not an Ed25519 point
   */
  public static PublicKey publicKeyFromBytes(byte[] raw) throws InvalidKeyException {
    if (raw.length != KEY_BYTES) {
      throw new InvalidKeyException("an Ed25519 public key has 32 bytes, not " + raw.length);
    }
    try {
      return KeyFactory.getInstance(ALGORITHM)
          .generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, raw)));
    } catch (InvalidKeySpecException e) {
      throw new InvalidKeyException("not an Ed25519 public key: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /**
   * Returns the 32 raw bytes of an Ed25519 public key, as manifests store them (in hex).
   *
   * @param key an Ed25519 public key
   * @return 32 bytes
   * @throws IllegalArgumentException if the key is not Ed25519
   */
  public static byte[] rawPublicKey(PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (!(key instanceof EdECPublicKey) || encoded.length != X509_PREFIX.length + KEY_BYTES
        || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
  }

  /**
   * Returns the public key that belongs to a private key.
   *
   * @param key an Ed25519 private key
   * @return its public key
   * @throws IllegalArgumentException if the key is not an Ed25519 key with its seed available
   */
  public static PublicKey publicKeyOf(PrivateKey key) {
    byte[] seed = seedOf(key);
    try {
      // The JDK cannot derive a public key directly; a generator fed the seed as its only
      // randomness produces exactly the pair of that seed.
      return generator(new FixedSeed(seed)).generateKeyPair().getPublic();
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * Writes a private key as PEM PKCS#8 to a new file readable by its owner only.
   *
   * @param key an Ed25519 private key
   * @param file the file to create; must not exist
   * @throws FileAlreadyExistsException if the file exists (keys are never overwritten)
   * @throws IOException if writing fails
   */
  public static void writePrivateKey(PrivateKey key, Path file) throws IOException {
    byte[] pem = pem("PRIVATE KEY", concat(PKCS8_PREFIX, seedOf(key)));
    FileAttribute<?>[] ownerOnly = Files.getFileAttributeView(
        file.toAbsolutePath().getParent(), java.nio.file.attribute.PosixFileAttributeView.class)
        == null ? new FileAttribute<?>[0]
        : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"))};
    Files.createFile(file, ownerOnly);
    Files.write(file, pem, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * Writes a public key as PEM X.509.
   *
   * @param key an Ed25519 public key
   * @param file the file to write (replaced if it exists)
   * @throws IOException if writing fails
   */
  public static void writePublicKey(PublicKey key, Path file) throws IOException {
    Files.write(file, pem("PUBLIC KEY", concat(X509_PREFIX, rawPublicKey(key))));
  }

  /**
   * Reads a private key: PEM PKCS#8, or a 32-byte seed as 64 hex digits.
   *
   * @param file the key file
   * @return the private key
   * @throws InvalidKeyException naming what the file holds instead of an Ed25519 private key
   * @throws IOException if reading fails
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException, InvalidKeyException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (text.startsWith("-----BEGIN")) {
      byte[] der = unpem(text, "PRIVATE KEY", file);
      try {
        return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException e) {
        throw new InvalidKeyException(file + " does not hold an Ed25519 private key", e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no Ed25519", e);
      }
    }
    byte[] seed = hex(text, file, "private key seed");
    try {
      return privateKeyFromSeed(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * Reads a public key: PEM X.509, or 32 bytes as 64 hex digits.
   *
   * @param file the key file
   * @return the public key
   * @throws InvalidKeyException naming what the file holds instead of an Ed25519 public key
   * @throws IOException if reading fails
   */
  public static PublicKey readPublicKey(Path file) throws IOException, InvalidKeyException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (text.startsWith("-----BEGIN")) {
      byte[] der = unpem(text, "PUBLIC KEY", file);
      try {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
      } catch (InvalidKeySpecException e) {
        throw new InvalidKeyException(file + " does not hold an Ed25519 public key", e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no Ed25519", e);
      }
    }
    return publicKeyFromBytes(hex(text, file, "public key"));
  }

  // ---------------------------------------------------------------------------------------------

  private static byte[] seedOf(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey ed)
        || !ALGORITHM.equalsIgnoreCase(ed.getParams().getName())) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm());
    }
    return ed.getBytes().orElseThrow(
        () -> new IllegalArgumentException("the private key does not expose its seed"));
  }

  private static KeyPairGenerator generator(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
      generator.initialize(255, random);
      return generator;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  private static byte[] hex(String text, Path file, String what) throws InvalidKeyException {
    String digits = text.replaceAll("\\s", "").toLowerCase(Locale.ROOT);
    if (digits.length() != 2 * KEY_BYTES || !digits.matches("[0-9a-f]+")) {
      throw new InvalidKeyException(file + " holds neither a PEM key nor a " + what
          + " of 64 hex digits");
    }
    return HexFormat.of().parseHex(digits);
  }

  private static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] unpem(String text, String type, Path file) throws InvalidKeyException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from != 0 || to < 0) {
      throw new InvalidKeyException(file + " is PEM, but not a \"" + type + "\" block"
          + (type.equals("PRIVATE KEY") ? " (PKCS#8)" : " (X.509)"));
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException(file + " holds malformed base64", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Randomness that is one fixed seed, for deriving a public key. */
  private static final class FixedSeed extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;

    FixedSeed(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("unexpected request for " + bytes.length + " bytes");
      }
      System.arraycopy(seed, 0, bytes, 0, bytes.length);
    }
  }

}
