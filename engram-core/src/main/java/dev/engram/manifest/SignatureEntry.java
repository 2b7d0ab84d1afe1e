package dev.engram.manifest;

import java.util.Map;
import java.util.Objects;

/**
 * One signature of a manifest, as stored. The key and signature are kept as the hex text found,
 * so a malformed one can be reported rather than refused when the manifest is read. Immutable and
 * thread-safe.
 *
 * @param algorithm the signature algorithm; {@code "ed25519"} is the only one defined
 * @param publicKey the signer's public key, hex (32 bytes for Ed25519)
 * @param signature the signature, hex (64 bytes for Ed25519)
 * @param timestamp when it was made, Unix seconds (not covered by the signature)
 * @param signer the signer's name, or null when absent
 * @param unknownFields fields this model does not know, as raw JSON by name
 */
public record SignatureEntry(String algorithm, String publicKey, String signature, long timestamp,
    String signer, Map<String, String> unknownFields) {
  /** Validates and copies the components. */
  public SignatureEntry {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(signature, "signature");
    unknownFields = Fields.unknown(unknownFields);
  }
}
