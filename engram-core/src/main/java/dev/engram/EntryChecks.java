package dev.engram;

import dev.engram.format.DirectoryEntries;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.RandomAccess;

/**
 * The checks of every entry of a verification ({@link VerificationReport#entries()}), held
 * compactly: the paths and sizes stay in the archive's directory, which the reader already
 * holds, and each entry adds its SHA-256 (32 bytes) and a reference to its problem, where an
 * {@link VerificationReport.EntryCheck} with its hexadecimal digest takes some 140 bytes. A check
 * is made when asked for.
 *
 * <p>Filled by the verifier's threads, each entry by one ({@link #record}), and immutable once
 * they have finished (their completion publishes it); thread-safe then.
 */
final class EntryChecks extends AbstractList<VerificationReport.EntryCheck>
    implements RandomAccess {
  private static final int SHA256_BYTES = 32;

  private final DirectoryEntries directory;
  private final byte[] sha256;
  /** Whether each entry was read to its end, so that {@link #sha256} holds its digest. */
  private final boolean[] hashed;
  private final String[] problems;

  EntryChecks(DirectoryEntries directory) {
    this.directory = directory;
    int count = directory.size();
    sha256 = new byte[Math.multiplyExact(count, SHA256_BYTES)];
    hashed = new boolean[count];
    problems = new String[count];
  }

  /**
   * Records what reading entry {@code index} found.
   *
   * @param digest its SHA-256 (32 bytes), or null when it could not be read to its end
   * @param problem what is wrong with it, or null when it is intact
   */
  void record(int index, byte[] digest, String problem) {
    if (digest != null) {
      System.arraycopy(digest, 0, sha256, index * SHA256_BYTES, SHA256_BYTES);
      hashed[index] = true;
    }
    problems[index] = problem;
  }

  /** Whether entry {@code index} read back intact, without making its check. */
  boolean isIntact(int index) {
    return problems[index] == null;
  }

  @Override
  public VerificationReport.EntryCheck get(int index) {
    String hash = hashed[index] ? HexFormat.of().formatHex(
        Arrays.copyOfRange(sha256, index * SHA256_BYTES, (index + 1) * SHA256_BYTES)) : null;
    return new VerificationReport.EntryCheck(directory.path(index),
        directory.uncompressedSize(index), hash, problems[index]);
  }

  @Override
  public int size() {
    return problems.length;
  }
}
