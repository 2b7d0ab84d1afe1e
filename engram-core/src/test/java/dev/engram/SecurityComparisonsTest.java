package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.bytecode.MethodCalls;
import dev.engram.crypto.ConstantTime;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every comparison of bytes that decide authenticity or hold secrets is constant time
 * (docs/SECURITY.md, "Timing"): the compiled code of each place listed in {@link #SITES} must make
 * its comparison through a constant-time primitive and call no early-exit comparison ({@link
 * #EARLY_EXIT}). The crypto and manifest packages are also scanned whole, so that an early-exit
 * comparison added anywhere there fails unless {@link #NOT_SECRET} says why it compares nothing
 * secret or authenticity-deciding.
 */
class SecurityComparisonsTest {
  /** One place that compares security-relevant bytes, and the constant-time call it must make. */
  record Site(String className, String method, String mustCall, String compares) {}

  static final String CONSTANT_TIME = "dev/engram/crypto/ConstantTime.";

  /** The security comparisons of engram-core (engram-cli's: PassphraseComparisonTest). */
  static final List<Site> SITES = List.of(
      new Site("dev.engram.crypto.ConstantTime", "equal", "java/security/MessageDigest.isEqual",
          "the helper itself"),
      new Site("dev.engram.crypto.ConstantTime", "equalHex",
          "java/security/MessageDigest.isEqual", "the helper itself, on decoded hex"),
      new Site("dev.engram.crypto.AesGcm$Decryptor", "verify", CONSTANT_TIME + "equal",
          "the AES-GCM tag of a streamed message"),
      new Site("dev.engram.crypto.AesGcm", "open", "javax/crypto/Cipher.doFinal",
          "the AES-GCM tag of a whole message (the JDK's constant-time tag check)"),
      new Site("dev.engram.crypto.Segments", "open", "javax/crypto/Cipher.doFinal",
          "the AES-GCM tag of a segment (the JDK's constant-time tag check)"),
      new Site("dev.engram.crypto.KeyedSealing", "sameKey", CONSTANT_TIME + "equal",
          "two archives' AES keys"),
      new Site("dev.engram.Verifier", "checkFile", CONSTANT_TIME + "equalHex",
          "an entry's SHA-256 with the one its manifest vouches for"),
      new Site("dev.engram.manifest.Manifest", "isTrusted", CONSTANT_TIME + "equal",
          "a signature's public key with the trusted keys"),
      new Site("dev.engram.manifest.Manifest", "checkSignatures",
          "dev/engram/manifest/Manifest.isTrusted", "which signatures are by trusted keys"),
      new Site("dev.engram.manifest.Manifest", "problemWith", "java/security/Signature.verify",
          "an Ed25519 signature (the JDK's verification; public inputs only)"));

  /** Comparisons that stop at the first difference, or hash lookups that compare equal keys. */
  static final Set<String> EARLY_EXIT = Set.of(
      "java/util/Arrays.equals", "java/util/Arrays.mismatch", "java/util/Arrays.compare",
      "java/util/Arrays.compareUnsigned", "java/util/Arrays.deepEquals",
      "java/lang/String.equals", "java/lang/String.equalsIgnoreCase",
      "java/lang/String.contentEquals", "java/lang/String.compareTo",
      "java/lang/String.compareToIgnoreCase", "java/lang/String.regionMatches",
      "java/lang/String.startsWith", "java/lang/String.endsWith",
      "java/lang/Object.equals", "java/util/Objects.equals", "java/util/Objects.deepEquals",
      "java/nio/ByteBuffer.equals", "java/nio/ByteBuffer.mismatch", "java/nio/ByteBuffer.compareTo",
      "java/math/BigInteger.equals", "java/util/Set.contains", "java/util/Collection.contains",
      "java/util/List.contains", "java/util/List.indexOf", "java/util/HashSet.contains",
      "java/util/Map.containsKey", "java/util/Map.get", "java/util/HashMap.get");

  /**
   * Early-exit comparisons in the crypto and manifest packages that compare nothing secret or
   * authenticity-deciding: {@code Class.method} with the reason.
   */
  static final Map<String, String> NOT_SECRET = Map.ofEntries(
      Map.entry("dev.engram.crypto.PassphraseKdf.equals",
          "record equality of public KDF parameters"),
      Map.entry("dev.engram.crypto.SegmentSealing.copyingSameKey", "entry paths"),
      Map.entry("dev.engram.crypto.SegmentedSource.segment", "a cache keyed by segment number"),
      Map.entry("dev.engram.manifest.Manifest.equals", "value equality of manifests"),
      Map.entry("dev.engram.manifest.Manifest.isEd25519", "the algorithm's public name"),
      Map.entry("dev.engram.manifest.ManifestJson.unknown", "JSON field names"),
      Map.entry("dev.engram.manifest.MimeTypes.guess", "file name extensions"),
      Map.entry("dev.engram.manifest.SigningKeys.rawPublicKey",
          "the public X.509 prefix of a key"),
      Map.entry("dev.engram.manifest.SigningKeys.seedOf", "the algorithm's public name"),
      Map.entry("dev.engram.manifest.SigningKeys.readPrivateKey", "the PEM armour's text"),
      Map.entry("dev.engram.manifest.SigningKeys.readPublicKey", "the PEM armour's text"),
      Map.entry("dev.engram.manifest.SigningKeys.unpem", "PEM block names"));

  @Test
  void everySecurityComparisonIsConstantTime() {
    List<String> problems = new ArrayList<>();
    for (Site site : SITES) {
      problems.addAll(problems(site));
    }
    assertEquals(List.of(), problems, "constant-time comparisons (docs/SECURITY.md, \"Timing\")");
  }

  @Test
  void noOtherEarlyExitComparisonInTheCryptoAndManifestPackages() throws Exception {
    List<String> problems = new ArrayList<>();
    Set<String> allowed = new TreeSet<>();
    for (String className : classesOf("dev/engram/crypto", "dev/engram/manifest")) {
      MethodCalls.all(className).forEach((method, calls) -> {
        String where = className.replaceAll("\\$.*", "") + "." + method;
        calls.stream().filter(EARLY_EXIT::contains).forEach(call -> {
          if (NOT_SECRET.containsKey(where)) {
            allowed.add(where);
          } else {
            problems.add(where + " calls " + call + ": compare security-relevant bytes with"
                + " ConstantTime, or list the method in NOT_SECRET with the reason");
          }
        });
      });
    }
    assertEquals(List.of(), problems);
    assertEquals(new TreeSet<>(NOT_SECRET.keySet()), allowed, "NOT_SECRET lists only methods"
        + " that make an early-exit comparison");
  }

  /** The checks catch the comparisons they exist to catch. */
  @Test
  void anEarlyExitComparisonFailsTheCheck() {
    String fixture = EarlyExit.class.getName();
    assertCaught(fixture, "arraysEquals", "java/util/Arrays.equals");
    assertCaught(fixture, "hexIgnoringCase", "java/lang/String.equalsIgnoreCase");
    assertCaught(fixture, "inALambda", "java/util/Arrays.equals");
    assertCaught(fixture, "trustedKeyLookup", "java/util/Set.contains");
    // a loop written by hand that returns at the first difference calls nothing forbidden, but
    // does not go through the constant-time primitive either
    assertEquals(List.of(fixture + ".loopWithReturn does not call " + CONSTANT_TIME + "equal"),
        problems(site(fixture, "loopWithReturn")));
    assertEquals(List.of(), problems(site(fixture, "constantTime")));
  }

  private static void assertCaught(String fixture, String method, String call) {
    List<String> problems = problems(site(fixture, method));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(fixture + "." + method + " calls "
        + call + ", which may stop")), problems.toString());
  }

  private static Site site(String className, String method) {
    return new Site(className, method, CONSTANT_TIME + "equal", "a fixture");
  }

  /** What is wrong with one site: no constant-time call, or an early-exit one. */
  static List<String> problems(Site site) {
    Set<String> calls = MethodCalls.of(site.className(), site.method());
    String where = site.className() + "." + site.method();
    List<String> problems = new ArrayList<>();
    if (!calls.contains(site.mustCall())) {
      problems.add(where + " does not call " + site.mustCall());
    }
    calls.stream().filter(EARLY_EXIT::contains).forEach(call -> problems.add(where + " calls "
        + call + ", which may stop at the first difference (it compares " + site.compares()
        + ")"));
    return problems;
  }

  /** The binary names of the classes compiled into some packages of the main code. */
  private static List<String> classesOf(String... packages)
      throws IOException, URISyntaxException {
    Path classes = Path.of(ConstantTime.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    List<String> names = new ArrayList<>();
    for (String name : packages) {
      try (Stream<Path> files = Files.list(classes.resolve(name))) {
        files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".class"))
            .forEach(f -> names.add(name.replace('/', '.') + "."
                + f.substring(0, f.length() - ".class".length())));
      }
    }
    assertTrue(names.size() > 10, names.toString());
    return names;
  }

  /** Comparisons the checks must refuse, and one they accept. */
  @SuppressWarnings("unused")
  static final class EarlyExit {
    static boolean arraysEquals(byte[] tag, byte[] expected) {
      return Arrays.equals(tag, expected);
    }

    static boolean hexIgnoringCase(String hash, String declared) {
      return hash.equalsIgnoreCase(declared);
    }

    static boolean inALambda(List<byte[]> keys, byte[] key) {
      BiPredicate<byte[], byte[]> same = (a, b) -> Arrays.equals(a, b);
      return keys.stream().anyMatch(k -> same.test(k, key));
    }

    static boolean trustedKeyLookup(Set<String> trusted, String key) {
      return trusted.contains(key);
    }

    static boolean loopWithReturn(byte[] a, byte[] b) {
      if (a.length != b.length) {
        return false;
      }
      for (int i = 0; i < a.length; i++) {
        if (a[i] != b[i]) {
          return false;
        }
      }
      return true;
    }

    static boolean constantTime(byte[] a, byte[] b) {
      return ConstantTime.equal(a, b);
    }
  }
}
