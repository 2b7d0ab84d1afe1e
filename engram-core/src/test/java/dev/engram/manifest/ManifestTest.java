package dev.engram.manifest;

import static dev.engram.manifest.ManifestTestVector.CANONICAL;
import static dev.engram.manifest.ManifestTestVector.CANONICAL_SHA256;
import static dev.engram.manifest.ManifestTestVector.PUBLIC_KEY;
import static dev.engram.manifest.ManifestTestVector.SIGNATURE;
import static dev.engram.manifest.ManifestTestVector.SIGNED_JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.CompatFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The manifest model, its canonical bytes and Ed25519 signatures, against engram-rs's. */
class ManifestTest {
  static PrivateKey seed42() {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) 0x42);
    return SigningKeys.privateKeyFromSeed(seed);
  }

  private static Manifest signedVector() throws ManifestException {
    return Manifest.parse(SIGNED_JSON.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void canonicalBytesAndHashMatchTheTestVectorExactly() throws ManifestException {
    Manifest manifest = signedVector();
    assertEquals(CANONICAL, new String(manifest.canonicalBytes(), StandardCharsets.UTF_8));
    assertEquals(CANONICAL_SHA256, HexFormat.of().formatHex(manifest.canonicalHash()));
  }

  @Test
  void signatureMadeHereIsByteIdenticalToEngramRs() throws ManifestException {
    Manifest unsigned = signedVector().toBuilder().clearSignatures().build();
    Manifest signed = unsigned.sign(seed42(), null, Instant.ofEpochSecond(1_700_000_000L));
    SignatureEntry entry = signed.signatures().get(0);
    assertEquals("ed25519", entry.algorithm());
    assertEquals(PUBLIC_KEY, entry.publicKey());
    assertEquals(SIGNATURE, entry.signature());
    assertEquals(1_700_000_000L, entry.timestamp());
    assertNull(entry.signer());
    assertArrayEquals(SIGNED_JSON.getBytes(StandardCharsets.UTF_8), signed.toJson(),
        "toJson writes engram-rs's pretty layout byte for byte");
  }

  @Test
  void engramRsSignatureVerifiesAndTamperingBreaksIt() throws ManifestException {
    assertEquals(List.of(true), signedVector().verifySignatures());
    Manifest renamed = Manifest.parse(SIGNED_JSON.replace("\"Oracle Test\"", "\"Oracle Tesu\"")
        .getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(false), renamed.verifySignatures());
    Manifest otherFile = Manifest.parse(SIGNED_JSON.replace("\"size\": 4", "\"size\": 5")
        .getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(false), otherFile.verifySignatures());
  }

  @Test
  void compatFixturesVerifyAsEngramRsSays() throws IOException {
    Path compat = CompatFixtures.require();
    Manifest signed = Manifest.parse(Files.readAllBytes(compat.resolve("manifest-signed.json")));
    Manifest tampered =
        Manifest.parse(Files.readAllBytes(compat.resolve("manifest-tampered.json")));
    String[] hash = Files.readAllLines(compat.resolve("manifest-signed.hash.expected")).stream()
        .map(line -> line.substring(line.indexOf('\t') + 1)).toArray(String[]::new);
    assertEquals(hash[0], new String(signed.canonicalBytes(), StandardCharsets.UTF_8));
    assertEquals(hash[1], HexFormat.of().formatHex(signed.canonicalHash()));
    assertEquals(List.of(Boolean.parseBoolean(
        Files.readString(compat.resolve("manifest-signed.verify.expected")).strip())),
        signed.verifySignatures());
    assertEquals(List.of(Boolean.parseBoolean(
        Files.readString(compat.resolve("manifest-tampered.verify.expected")).strip())),
        tampered.verifySignatures());
  }

  @Test
  void changingAnyByteOfTheManifestInvalidatesItOrFailsToParse() throws ManifestException {
    byte[] original = SIGNED_JSON.getBytes(StandardCharsets.UTF_8);
    byte[] canonical = signedVector().canonicalBytes();
    SignatureEntry signature = signedVector().signatures().get(0);
    int invalidated = 0;
    for (int i = 0; i < original.length; i++) {
      for (byte replacement : new byte[] {'0', 'a', ' ', '"', (byte) (original[i] ^ 1)}) {
        if (replacement == original[i]) {
          continue;
        }
        byte[] changed = original.clone();
        changed[i] = replacement;
        Manifest manifest;
        try {
          manifest = Manifest.parse(changed);
        } catch (ManifestException refused) {
          continue; // not a manifest any more
        }
        SignatureEntry parsed = manifest.signatures().isEmpty() ? null
            : manifest.signatures().get(0);
        boolean sameSignedContent = Arrays.equals(canonical, manifest.canonicalBytes())
            && parsed != null && parsed.publicKey().equalsIgnoreCase(signature.publicKey())
            && parsed.signature().equalsIgnoreCase(signature.signature())
            && parsed.algorithm().equals(signature.algorithm());
        if (sameSignedContent) {
          continue; // whitespace, the signature's own timestamp or a hex digit's case
        }
        assertFalse(manifest.verifySignatures().contains(true),
            "byte " + i + " changed to '" + (char) replacement + "' still verifies");
        invalidated++;
      }
    }
    assertTrue(invalidated > 500, "only " + invalidated + " changes parsed and were checked");
  }

  @Test
  void twoSignersBothVerifyAndAnyChangeInvalidatesBoth() throws ManifestException {
    KeyPair alice = SigningKeys.generate();
    KeyPair bob = SigningKeys.generate();
    Manifest signed = unsignedManifest().sign(alice.getPrivate(), "alice")
        .sign(bob.getPrivate(), "bob");
    assertEquals(List.of(true, true), signed.verifySignatures());
    Manifest changed = Manifest.parse(new String(signed.toJson(), StandardCharsets.UTF_8)
        .replace("\"1.2.3\"", "\"1.2.4\"").getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(false, false), changed.verifySignatures());

    List<SignatureCheck> checks = signed.checkSignatures(List.of(alice.getPublic()));
    assertEquals(SignatureCheck.Status.VALID, checks.get(0).status());
    assertEquals(SignatureCheck.Status.UNTRUSTED, checks.get(1).status());
    assertTrue(checks.get(1).describe().contains("bob"), checks.get(1).describe());
  }

  @Test
  void signatureReplayedOntoAnotherManifestIsInvalid() throws ManifestException {
    SignatureEntry stolen = signedVector().signatures().get(0);
    Manifest other = unsignedManifest();
    Manifest replayed = Manifest.parse(new String(other.toJson(), StandardCharsets.UTF_8)
        .replace("\"signatures\": []", "\"signatures\": [{\"algorithm\": \"ed25519\","
            + " \"public_key\": \"" + stolen.publicKey() + "\", \"signature\": \""
            + stolen.signature() + "\", \"timestamp\": 1}]").getBytes(StandardCharsets.UTF_8));
    List<SignatureCheck> checks = replayed.checkSignatures(List.of());
    assertEquals(SignatureCheck.Status.INVALID, checks.get(0).status());
    assertEquals("signature does not match this manifest and key", checks.get(0).problem());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "unknown algorithm|rsa|KEY|SIG|unknown algorithm 'rsa' (only ed25519 is defined)",
    "algorithm in capitals|Ed25519|KEY|SIG|unknown algorithm 'Ed25519' (only ed25519 is defined)",
    "key not hex|ed25519|zz52f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12|SIG"
        + "|public key is not 32 bytes of hex",
    "key too short|ed25519|2152f8d1|SIG|public key is not 32 bytes of hex",
    "key too long|ed25519|KEY00|SIG|public key is not 32 bytes of hex",
    "signature too short|ed25519|KEY|d25debf5|signature is not 64 bytes of hex",
    "signature not hex|ed25519|KEY|SIG-WITH-GARBAGE|signature is not 64 bytes of hex",
    "all-zero key|ed25519|ZERO32|SIG|public key is all zeros",
    "all-zero signature|ed25519|KEY|ZERO64|signature is all zeros",
    "empty key|ed25519||SIG|public key is not 32 bytes of hex",
  })
  void malformedSignaturesAreInvalidWithAReasonNeverAnException(String label, String algorithm,
      String key, String signature, String problem) throws ManifestException {
    String k = key == null ? "" : key.replace("KEY", PUBLIC_KEY).replace("ZERO32", "00".repeat(32));
    String s = signature.replace("SIG-WITH-GARBAGE", "xy" + SIGNATURE.substring(2))
        .replace("SIG", SIGNATURE).replace("ZERO64", "00".repeat(64));
    Manifest manifest = Manifest.parse(SIGNED_JSON.replace("\"ed25519\"", "\"" + algorithm + "\"")
        .replace(PUBLIC_KEY, k).replace(SIGNATURE, s).getBytes(StandardCharsets.UTF_8));
    List<SignatureCheck> checks = manifest.checkSignatures(List.of());
    assertEquals(SignatureCheck.Status.INVALID, checks.get(0).status(), label);
    assertEquals(problem, checks.get(0).problem(), label);
    assertEquals(List.of(false), manifest.verifySignatures());
  }

  @Test
  void upperCaseHexVerifiesAsEngramRsAccepts() throws ManifestException {
    Manifest manifest = Manifest.parse(SIGNED_JSON.replace(PUBLIC_KEY, PUBLIC_KEY.toUpperCase())
        .replace(SIGNATURE, SIGNATURE.toUpperCase()).getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(true), manifest.verifySignatures());
  }

  @Test
  void escapingFollowsSerdeJsonExactly() throws ManifestException {
    Manifest manifest = Manifest.builder("id", "q\"b\\s\bf\fn\nr\rt\t c\u0001\u001f/é😀\u007f",
        Author.of("a"), "1").created(Instant.ofEpochSecond(1)).build();
    String canonical = new String(manifest.canonicalBytes(), StandardCharsets.UTF_8);
    assertTrue(canonical.contains(
        "\"name\":\"q\\\"b\\\\s\\bf\\fn\\nr\\rt\\t c\\u0001\\u001f/é😀\u007f\""), canonical);
    Manifest reparsed = Manifest.parse(manifest.toJson());
    assertEquals(manifest.name(), reparsed.name());
  }

  @Test
  void optionalFieldsAreOmittedWhenAbsentAndKeptInOrderWhenPresent() {
    Manifest full = Manifest.builder("id", "name", Author.of("a", "a@x.org", "https://x.org"), "2")
        .description("d").created(Instant.ofEpochSecond(10)).modified(Instant.ofEpochSecond(20))
        .license("MIT").tags(List.of("t1", "t2")).capabilities(List.of("sql"))
        .files(List.of(FileEntry.of("f", "00", 3, null))).build();
    assertEquals("{\"version\":\"0.4.0\",\"id\":\"id\",\"name\":\"name\",\"description\":\"d\","
        + "\"author\":{\"name\":\"a\",\"email\":\"a@x.org\",\"url\":\"https://x.org\"},"
        + "\"metadata\":{\"version\":\"2\",\"created\":10,\"modified\":20,\"license\":\"MIT\","
        + "\"tags\":[\"t1\",\"t2\"]},\"capabilities\":[\"sql\"],\"files\":[{\"path\":\"f\","
        + "\"sha256\":\"00\",\"size\":3}],\"signatures\":[]}",
        new String(full.canonicalBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void unknownFieldsSurviveRewritingButAreNotSigned() throws ManifestException {
    String withExtras = SIGNED_JSON
        .replace("\"capabilities\": [],", "\"capabilities\": [],\n  \"x-origin\": {\"a\": [1, 2]},")
        .replace("\"name\": \"Oracle\"", "\"name\": \"Oracle\", \"pgp\": \"ABC\"");
    Manifest manifest = Manifest.parse(withExtras.getBytes(StandardCharsets.UTF_8));
    assertEquals(Map.of("x-origin", "{\"a\":[1,2]}"), manifest.unknownFields());
    assertEquals(Map.of("pgp", "\"ABC\""), manifest.author().unknownFields());
    assertEquals(CANONICAL, new String(manifest.canonicalBytes(), StandardCharsets.UTF_8));
    assertEquals(List.of(true), manifest.verifySignatures());
    Manifest rewritten = Manifest.parse(manifest.toJson());
    assertEquals(manifest.unknownFields(), rewritten.unknownFields());
    assertEquals(manifest.author().unknownFields(), rewritten.author().unknownFields());
  }

  @Test
  void unsignedSixtyFourBitIntegersRoundTrip() throws ManifestException {
    Manifest manifest = Manifest.parse(SIGNED_JSON.replace("\"size\": 5",
        "\"size\": 18446744073709551615").getBytes(StandardCharsets.UTF_8));
    assertEquals(-1L, manifest.files().get(0).size());
    assertTrue(new String(manifest.canonicalBytes(), StandardCharsets.UTF_8)
        .contains("\"size\":18446744073709551615"));
    assertTrue(new String(manifest.toJson(), StandardCharsets.UTF_8)
        .contains("\"size\": 18446744073709551615"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "not JSON|{\"version\": |manifest is not valid JSON",
    "array at the root|[]|manifest must be a JSON object",
    "missing name|DROP_NAME|manifest: name is missing",
    "null id|\"id\": \"oracle-test\"=\"id\": null|manifest: id is missing",
    "number as string|\"id\": \"oracle-test\"=\"id\": 7|manifest: id must be a string",
    "negative size|\"size\": 5=\"size\": -5|manifest: files[0].size must be between 0 and 2^64-1",
    "size too large|\"size\": 5=\"size\": 18446744073709551616|manifest: files[0].size must be",
    "fractional size|\"size\": 5=\"size\": 5.0|manifest: files[0].size must be an integer",
    "string size|\"size\": 5=\"size\": \"5\"|manifest: files[0].size must be an integer",
    "files not an array|\"capabilities\": []=\"capabilities\": {}|manifest: capabilities must be",
    "tags null|\"tags\": []=\"tags\": null|manifest: metadata.tags must be an array",
    "author missing name|\"name\": \"Oracle\"=\"email\": \"x\"|manifest: author.name is missing",
    "duplicate key|\"id\": \"oracle-test\"=\"id\": \"a\", \"id\": \"b\"|Duplicate field 'id'",
    "trailing garbage|TRAILING|manifest is not valid JSON",
    "lone surrogate|\"Oracle Test\"=\"\\ud800\"|manifest: name holds a lone UTF-16 surrogate",
  })
  void malformedManifestsAreRefusedNamingTheField(String label, String edit, String expected) {
    String json;
    if (edit.equals("DROP_NAME")) {
      json = SIGNED_JSON.replace("  \"name\": \"Oracle Test\",\n", "");
    } else if (edit.equals("TRAILING")) {
      json = SIGNED_JSON + " {}";
    } else if (edit.contains("=")) {
      String[] parts = edit.split("=", 2);
      json = SIGNED_JSON.replaceFirst(java.util.regex.Pattern.quote(parts[0]),
          java.util.regex.Matcher.quoteReplacement(parts[1]));
    } else {
      json = edit;
    }
    ManifestException e = assertThrows(ManifestException.class,
        () -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8)), label);
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
  }

  @Test
  void invalidUtf8IsRefused() {
    byte[] json = SIGNED_JSON.replace("Oracle Test", "Oracle XX").getBytes(StandardCharsets.UTF_8);
    int at = new String(json, StandardCharsets.UTF_8).indexOf("XX");
    json[at] = (byte) 0xC3;
    json[at + 1] = (byte) 0x28;
    assertThrows(ManifestException.class, () -> Manifest.parse(json));
  }

  @Test
  void signingRequiresAnEd25519Key() throws Exception {
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    PrivateKey notEd = rsa.generateKeyPair().getPrivate();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> unsignedManifest().sign(notEd, null));
    assertTrue(e.getMessage().contains("not an Ed25519 private key"), e.getMessage());
    assertFalse(unsignedManifest().verifySignatures().contains(true));
  }

  static Manifest unsignedManifest() {
    return Manifest.builder("docs", "Docs", Author.of("Ada"), "1.2.3")
        .created(Instant.ofEpochSecond(1_700_000_000L))
        .files(List.of(FileEntry.of("a.txt", "8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed"
            + "4018e8f2223f8", 5, "text/plain"))).build();
  }
}
