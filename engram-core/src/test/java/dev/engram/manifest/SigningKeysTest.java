package dev.engram.manifest;

import static dev.engram.manifest.ManifestTestVector.PUBLIC_KEY;
import static dev.engram.manifest.ManifestTestVector.SIGNATURE;
import static dev.engram.manifest.ManifestTestVector.SIGNED_JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ed25519 key files: PEM and the raw hex forms engram-rs tools print. */
class SigningKeysTest {
  @TempDir Path dir;

  @Test
  void publicKeyOfTheSeed42IsEngramRsKey() {
    PublicKey key = SigningKeys.publicKeyOf(ManifestTest.seed42());
    assertEquals(PUBLIC_KEY, HexFormat.of().formatHex(SigningKeys.rawPublicKey(key)));
  }

  @Test
  void pemKeyFilesRoundTripAndThePrivateOneIsOwnerOnly() throws Exception {
    KeyPair pair = SigningKeys.generate();
    Path privateFile = dir.resolve("me.key");
    Path publicFile = dir.resolve("me.pub");
    SigningKeys.writePrivateKey(pair.getPrivate(), privateFile);
    SigningKeys.writePublicKey(pair.getPublic(), publicFile);
    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile)));
    assertTrue(Files.readString(privateFile).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertTrue(Files.readString(publicFile).startsWith("-----BEGIN PUBLIC KEY-----\n"));

    PrivateKey readPrivate = SigningKeys.readPrivateKey(privateFile);
    PublicKey readPublic = SigningKeys.readPublicKey(publicFile);
    assertArrayEquals(SigningKeys.rawPublicKey(pair.getPublic()),
        SigningKeys.rawPublicKey(readPublic));
    assertArrayEquals(SigningKeys.rawPublicKey(pair.getPublic()),
        SigningKeys.rawPublicKey(SigningKeys.publicKeyOf(readPrivate)));
    Manifest signed = ManifestTest.unsignedManifest().sign(readPrivate, "me");
    assertEquals(SignatureCheck.Status.VALID,
        signed.checkSignatures(java.util.List.of(readPublic)).get(0).status());
  }

  @Test
  void privateKeyFilesAreNeverOverwritten() throws Exception {
    Path file = Files.writeString(dir.resolve("existing.key"), "keep me");
    assertThrows(FileAlreadyExistsException.class,
        () -> SigningKeys.writePrivateKey(SigningKeys.generate().getPrivate(), file));
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void rawHexSeedAndPublicKeyAreRead() throws Exception {
    Path seedFile = Files.writeString(dir.resolve("seed.hex"), "42".repeat(32) + "\n");
    Path keyFile = Files.writeString(dir.resolve("key.hex"), PUBLIC_KEY.toUpperCase());
    PrivateKey fromSeed = SigningKeys.readPrivateKey(seedFile);
    assertEquals(SIGNATURE, signVectorWith(fromSeed));
    assertEquals(PUBLIC_KEY,
        HexFormat.of().formatHex(SigningKeys.rawPublicKey(SigningKeys.readPublicKey(keyFile))));
  }

  private static String signVectorWith(PrivateKey key) throws ManifestException {
    Manifest unsigned = Manifest.parse(SIGNED_JSON.getBytes()).toBuilder()
        .clearSignatures().build();
    return unsigned.sign(key, null).signatures().get(0).signature();
  }

  @Test
  void badKeyFilesSayWhatIsWrong() throws Exception {
    Path shortHex = Files.writeString(dir.resolve("short.hex"), "abcd");
    InvalidKeyException e1 =
        assertThrows(InvalidKeyException.class, () -> SigningKeys.readPrivateKey(shortHex));
    assertTrue(e1.getMessage().endsWith("holds neither a PEM key nor a private key seed of 64"
        + " hex digits"), e1.getMessage());
    Path wrongPem = Files.writeString(dir.resolve("cert.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    InvalidKeyException e2 =
        assertThrows(InvalidKeyException.class, () -> SigningKeys.readPublicKey(wrongPem));
    assertTrue(e2.getMessage().contains("is PEM, but not a \"PUBLIC KEY\" block (X.509)"),
        e2.getMessage());
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    Path rsaKey = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(
            rsa.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    InvalidKeyException e3 =
        assertThrows(InvalidKeyException.class, () -> SigningKeys.readPrivateKey(rsaKey));
    assertTrue(e3.getMessage().contains("does not hold an Ed25519 private key"), e3.getMessage());
    assertThrows(InvalidKeyException.class, () -> SigningKeys.publicKeyFromBytes(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> SigningKeys.privateKeyFromSeed(new byte[33]));
  }
}
