package dev.engram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.bytecode.MethodCalls;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The passphrase typed twice is compared in constant time (docs/SECURITY.md, "Timing"; engram-core's
 * SecurityComparisonsTest checks the library's comparisons the same way).
 */
class PassphraseComparisonTest {
  private static final Set<String> EARLY_EXIT = Set.of("java/util/Arrays.equals",
      "java/util/Arrays.mismatch", "java/util/Arrays.compare", "java/lang/String.equals",
      "java/lang/String.contentEquals", "java/lang/String.compareTo", "java/util/Objects.equals",
      "java/nio/CharBuffer.equals", "java/nio/CharBuffer.compareTo");

  @Test
  void theConfirmationGoesThroughTheConstantTimeComparison() {
    String keyOptions = KeyOptions.class.getName();
    Set<String> confirm = MethodCalls.of(keyOptions, "passphrase");
    assertTrue(confirm.contains("dev/engram/cli/KeyOptions.sameSecret"), confirm.toString());
    Set<String> same = MethodCalls.of(keyOptions, "sameSecret");
    assertTrue(same.contains("java/security/MessageDigest.isEqual"), same.toString());
    for (Set<String> calls : List.of(confirm, same)) {
      assertEquals(Set.of(), calls.stream().filter(EARLY_EXIT::contains)
          .collect(java.util.stream.Collectors.toSet()), calls.toString());
    }
  }

  @Test
  void sameSecretFindsADifferenceAnywhere() {
    char[] phrase = "correct horse".toCharArray();
    assertTrue(KeyOptions.sameSecret(phrase, phrase.clone()));
    assertTrue(KeyOptions.sameSecret(new char[0], new char[0]));
    for (int i = 0; i < phrase.length; i++) {
      char[] other = phrase.clone();
      other[i] ^= 1;
      assertFalse(KeyOptions.sameSecret(phrase, other), "char " + i);
      other[i] = (char) (phrase[i] ^ 0x100); // the same low byte, another high one
      assertFalse(KeyOptions.sameSecret(phrase, other), "char " + i);
    }
    assertFalse(KeyOptions.sameSecret(phrase, "correct hors".toCharArray()));
    assertFalse(KeyOptions.sameSecret(phrase, "correct horse!".toCharArray()));
  }
}
