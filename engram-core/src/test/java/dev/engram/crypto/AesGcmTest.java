package dev.engram.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming GCM decryptor against the JDK's own GCM, for every size class. */
class AesGcmTest {
  private static final byte[] KEY = new byte[32];

  static {
    new Random(1).nextBytes(KEY);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 17, 31, 32, 33, 4095, 65536, 65537, 1_000_003})
  void streamingDecryptionEqualsTheJdkAndAcceptsItsTags(int size) throws AEADBadTagException {
    byte[] plain = new byte[size];
    new Random(size).nextBytes(plain);
    byte[] sealed = AesGcm.seal(KEY, AesGcm.randomNonce(), plain, 0, size);
    assertArrayEquals(plain, AesGcm.open(KEY, sealed, 0, sealed.length));
    assertArrayEquals(plain, AesGcm.openStreaming(KEY, sealed));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 17, 65537})
  void streamingDecryptionRefusesEveryFlippedBitAndAWrongKey(int size) {
    byte[] plain = new byte[size];
    new Random(size).nextBytes(plain);
    byte[] sealed = AesGcm.seal(KEY, AesGcm.randomNonce(), plain, 0, size);
    for (int i = 0; i < sealed.length; i += Math.max(1, sealed.length / 97)) {
      for (int bit = 0; bit < 8; bit += 3) {
        byte[] flipped = sealed.clone();
        flipped[i] ^= (byte) (1 << bit);
        assertThrows(AEADBadTagException.class, () -> AesGcm.openStreaming(KEY, flipped));
        assertThrows(AEADBadTagException.class, () -> AesGcm.open(KEY, flipped, 0, flipped.length));
      }
    }
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    assertThrows(AEADBadTagException.class, () -> AesGcm.openStreaming(otherKey, sealed));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 1000, 65536, 300_001})
  void encryptorInPiecesEqualsOneShotSeal(int size) {
    byte[] plain = new byte[size];
    new Random(size).nextBytes(plain);
    byte[] nonce = AesGcm.randomNonce();
    AesGcm.Encryptor encryptor = new AesGcm.Encryptor(KEY, nonce);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(nonce);
    for (int i = 0; i < size; i += 777) {
      out.writeBytes(encryptor.update(plain, i, Math.min(777, size - i)));
    }
    out.writeBytes(encryptor.finish());
    assertArrayEquals(AesGcm.seal(KEY, nonce, plain, 0, size), out.toByteArray());
  }
}
