package dev.engram.manifest;

import java.util.Objects;

/**
 * The verdict on one signature of a manifest. Immutable and thread-safe.
 *
 * @param index the signature's position in the manifest
 * @param entry the signature as stored
 * @param status the verdict
 * @param problem why it is not valid, or null when it is
 */
public record SignatureCheck(int index, SignatureEntry entry, Status status, String problem) {
  /** What a signature proves. */
  public enum Status {
    /**
     * The signature is correct for this manifest, and its key is trusted (or no set of trusted
     * keys was given).
     */
    VALID,
    /** The signature is correct, but its key is not among the trusted keys given. */
    UNTRUSTED,
    /**
     * The signature proves nothing: malformed, an unknown algorithm, or not this manifest's.
     */
    INVALID
  }

  /** Validates the components. */
  public SignatureCheck {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(status, "status");
  }

  /**
   * Says whether the signature is correct and its key trusted.
   *
   * @return true for {@link Status#VALID}
   */
  public boolean isValid() {
    return status == Status.VALID;
  }

  /**
   * Describes the verdict in one line, for example {@code signature 1 (alice, key 2152f8d1...):
   * valid}.
   *
   * @return the description
   */
  public String describe() {
    String key = entry.publicKey().length() > 16
        ? entry.publicKey().substring(0, 16) + "..." : entry.publicKey();
    String who = entry.signer() == null ? "key " + key : entry.signer() + ", key " + key;
    String verdict = switch (status) {
      case VALID -> "valid";
      case UNTRUSTED -> "correct, but the key is not trusted";
      case INVALID -> "INVALID: " + problem;
    };
    return "signature " + index + " (" + who + "): " + verdict;
  }
}
