package dev.engram.crypto;

import dev.engram.CorruptArchiveException;
import dev.engram.LimitExceededException;
import dev.engram.UnsupportedArchiveException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id key derivation for passphrase-protected archives, and its record in the header's 20
 * reserved bytes (an extension; see docs/FORMAT.md):
 *
 * <pre>
 * off 0   u8   algorithm: 1 = Argon2id, version 0x13
 * off 1   u8   memory, as log2 of KiB (17 = 128 MiB)
 * off 2   u8   iterations
 * off 3   u8   parallelism (lanes)
 * off 4   16   salt, random per archive
 * </pre>
 *
 * <p>A reader bounds what a stored record may ask for: at most 1 GiB of memory (and no more than
 * half this JVM's heap), 16 iterations and 16 lanes, so a hostile archive cannot make opening it
 * cost unbounded memory or time. Immutable and thread-safe.
 *
 * @param log2MemoryKiB memory cost, as log2 of KiB
 * @param iterations time cost
 * @param parallelism lanes
 * @param salt 16 random bytes
 */
public record PassphraseKdf(int log2MemoryKiB, int iterations, int parallelism, byte[] salt) {
  /** Bytes of the record: the header's reserved field. */
  public static final int RECORD_BYTES = 20;
  /** Default memory: 128 MiB (log2 of KiB). */
  public static final int DEFAULT_LOG2_MEMORY_KIB = 17;
  /** Default iterations. */
  public static final int DEFAULT_ITERATIONS = 3;
  /** Default lanes. */
  public static final int DEFAULT_PARALLELISM = 1;
  /** Most memory a stored record may ask for: 1 GiB. */
  public static final int MAX_LOG2_MEMORY_KIB = 20;
  /** Most iterations a stored record may ask for. */
  public static final int MAX_ITERATIONS = 16;
  /** Most lanes a stored record may ask for. */
  public static final int MAX_PARALLELISM = 16;

  private static final int ALGORITHM_ARGON2ID = 1;
  private static final int SALT_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Validates the parameters and copies the salt. */
  public PassphraseKdf {
    if (log2MemoryKiB < 3 || log2MemoryKiB > 30) {
      throw new IllegalArgumentException("memory 2^" + log2MemoryKiB + " KiB is out of range");
    }
    if (iterations < 1 || iterations > 255 || parallelism < 1 || parallelism > 255) {
      throw new IllegalArgumentException(
          "iterations and parallelism must be 1 to 255: " + iterations + ", " + parallelism);
    }
    if ((1L << log2MemoryKiB) < 8L * parallelism) {
      throw new IllegalArgumentException("Argon2 needs at least 8 KiB of memory per lane");
    }
    if (salt.length != SALT_BYTES) {
      throw new IllegalArgumentException("the salt has 16 bytes, not " + salt.length);
    }
    salt = salt.clone();
  }

  /**
   * Returns a given cost with a new random salt.
   *
   * @param log2MemoryKiB memory, as log2 of KiB
   * @param iterations time cost
   * @param parallelism lanes
   * @return parameters for a new archive
   */
  public static PassphraseKdf withCost(int log2MemoryKiB, int iterations, int parallelism) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new PassphraseKdf(log2MemoryKiB, iterations, parallelism, salt);
  }

  /**
   * Returns the salt.
   *
   * @return a copy of the 16 salt bytes
   */
  @Override
  public byte[] salt() {
    return salt.clone();
  }

  /**
   * Encodes the record for the header's reserved bytes.
   *
   * @return 20 bytes
   */
  public byte[] encode() {
    byte[] record = new byte[RECORD_BYTES];
    record[0] = ALGORITHM_ARGON2ID;
    record[1] = (byte) log2MemoryKiB;
    record[2] = (byte) iterations;
    record[3] = (byte) parallelism;
    System.arraycopy(salt, 0, record, 4, SALT_BYTES);
    return record;
  }

  /**
   * Decodes a stored record and checks it against the bounds a reader accepts.
   *
   * @param record the header's 20 reserved bytes
   * @return the parameters
   * @throws UnsupportedArchiveException if the algorithm is unknown
   * @throws LimitExceededException if the record asks for more memory, time or lanes than a
   *     reader grants
   * @throws CorruptArchiveException if a parameter is impossible
   */
  public static PassphraseKdf decode(byte[] record) throws UnsupportedArchiveException,
      LimitExceededException, CorruptArchiveException {
    int algorithm = record[0] & 0xFF;
    if (algorithm != ALGORITHM_ARGON2ID) {
      throw new UnsupportedArchiveException(
          "the archive's key derivation algorithm " + algorithm + " is not supported");
    }
    int log2Memory = record[1] & 0xFF;
    int iterations = record[2] & 0xFF;
    int parallelism = record[3] & 0xFF;
    long heapKiB = Runtime.getRuntime().maxMemory() / 1024;
    if (log2Memory > MAX_LOG2_MEMORY_KIB || (1L << log2Memory) > heapKiB / 2) {
      throw new LimitExceededException("kdfMemory", "the archive's passphrase needs 2^"
          + log2Memory + " KiB of memory to derive its key, more than this reader grants (1 GiB,"
          + " and at most half the heap)");
    }
    if (iterations > MAX_ITERATIONS || parallelism > MAX_PARALLELISM) {
      throw new LimitExceededException("kdfCost", "the archive's passphrase asks for "
          + iterations + " iterations and " + parallelism + " lanes, more than this reader grants ("
          + MAX_ITERATIONS + " and " + MAX_PARALLELISM + ")");
    }
    try {
      return new PassphraseKdf(log2Memory, iterations, parallelism,
          Arrays.copyOfRange(record, 4, 4 + SALT_BYTES));
    } catch (IllegalArgumentException e) {
      throw new CorruptArchiveException("the archive's key derivation record is invalid: "
          + e.getMessage());
    }
  }

  /**
   * Derives the 32-byte key. The passphrase is not kept; callers wipe their own copy.
   *
   * @param passphrase the passphrase
   * @return 32 key bytes; wipe them with {@link AesGcm#wipe} after use
   */
  public byte[] deriveKey(char[] passphrase) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryPowOfTwo(log2MemoryKiB)
        .withIterations(iterations)
        .withParallelism(parallelism)
        .withSalt(salt)
        .build());
    byte[] key = new byte[AesGcm.KEY_BYTES];
    generator.generateBytes(passphrase, key);
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PassphraseKdf k && log2MemoryKiB == k.log2MemoryKiB
        && iterations == k.iterations && parallelism == k.parallelism
        && Arrays.equals(salt, k.salt);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(salt) * 31 + log2MemoryKiB;
  }

  @Override
  public String toString() {
    return "Argon2id[memory=2^" + log2MemoryKiB + " KiB, iterations=" + iterations
        + ", parallelism=" + parallelism + "]";
  }
}
