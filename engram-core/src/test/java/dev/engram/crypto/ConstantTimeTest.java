package dev.engram.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConstantTimeTest {
  private static final byte[] A = {1, 2, 3, 4, 5, 6, 7, 8};

  @Test
  void equalBytes() {
    assertTrue(ConstantTime.equal(A, A.clone()));
    assertTrue(ConstantTime.equal(new byte[0], new byte[0]));
    assertTrue(ConstantTime.equal(null, null));
  }

  @Test
  void aDifferenceAnywhereIsFound() {
    for (int i = 0; i < A.length; i++) {
      byte[] b = A.clone();
      b[i] ^= 0x01;
      assertFalse(ConstantTime.equal(A, b), "byte " + i);
      b[i] ^= (byte) 0x81; // the top bit too
      assertFalse(ConstantTime.equal(b, A), "byte " + i);
    }
  }

  @Test
  void differentLengthsOrNullAreUnequal() {
    assertFalse(ConstantTime.equal(A, java.util.Arrays.copyOf(A, A.length - 1)));
    assertFalse(ConstantTime.equal(java.util.Arrays.copyOf(A, A.length + 1), A));
    assertFalse(ConstantTime.equal(A, new byte[0]));
    assertFalse(ConstantTime.equal(A, null));
    assertFalse(ConstantTime.equal(null, A));
  }

  @Test
  void hexComparesTheBytesInEitherCase() {
    assertTrue(ConstantTime.equalHex("00ab", "00AB"));
    assertTrue(ConstantTime.equalHex("", ""));
    assertFalse(ConstantTime.equalHex("10ab", "00ab")); // first digit
    assertFalse(ConstantTime.equalHex("00ab", "00ac")); // last digit
    assertFalse(ConstantTime.equalHex("00ab", "00ab00"));
    assertFalse(ConstantTime.equalHex("00ab", "00a"));
    assertFalse(ConstantTime.equalHex("zz", "zz")); // not hex: never equal
    assertFalse(ConstantTime.equalHex(null, "00"));
    assertFalse(ConstantTime.equalHex(null, null));
  }
}
