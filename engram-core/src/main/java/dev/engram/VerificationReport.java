package dev.engram;

import dev.engram.manifest.FileEntry;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SignatureCheck;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ArchiveReader#verify(VerifyOptions)} found: every entry's checksum, every file the
 * manifest vouches for, every signature, and the entries the manifest does not cover. Immutable
 * and thread-safe.
 *
 * <p>{@link #isIntact()} says whether the content is undamaged and matches the manifest; {@link
 * #isAuthentic()} says whether, in addition, a valid (and, if trusted keys were given, trusted)
 * signature vouches for all of it; {@link #signing()} says what the signatures amount to. {@link
 * #summary()} says all of it plainly.
 *
 * <p>An archive whose signatures were removed (the manifest rewritten without them, or the
 * manifest removed) cannot be told apart from one that was never signed: nothing in the format
 * survives their removal. Requiring a trusted signer ({@link VerifyOptions.Builder#trust}) is what
 * refuses both (docs/SECURITY.md, "Signature stripping and downgrade").
 */
public final class VerificationReport {
  private final String archive;
  private final List<EntryCheck> entries;
  private final Manifest manifest;
  private final String manifestProblem;
  private final List<FileCheck> files;
  private final List<SignatureCheck> signatures;
  private final List<String> uncovered;
  private final boolean trustedKeysGiven;

  VerificationReport(String archive, List<EntryCheck> entries, Manifest manifest,
      String manifestProblem, List<FileCheck> files, List<SignatureCheck> signatures,
      List<String> uncovered, boolean trustedKeysGiven) {
    this.archive = archive;
    // the verifier's compact list is immutable once filled; copied, it would be an object each
    this.entries = entries instanceof EntryChecks ? entries : List.copyOf(entries);
    this.manifest = manifest;
    this.manifestProblem = manifestProblem;
    this.files = List.copyOf(files);
    this.signatures = List.copyOf(signatures);
    this.uncovered = List.copyOf(uncovered);
    this.trustedKeysGiven = trustedKeysGiven;
  }

  /**
   * The check of one archive entry: read to its end, CRC32 checked, SHA-256 computed.
   *
   * @param path the entry path
   * @param size the content size the directory records
   * @param sha256 the SHA-256 of the content as read (hex), or null if it could not be read
   * @param problem why it could not be read or is damaged, or null when it is intact
   */
  public record EntryCheck(String path, long size, String sha256, String problem) {
    /**
     * Says whether the entry read back intact.
     *
     * @return true when there is no problem
     */
    public boolean isIntact() {
      return problem == null;
    }
  }

  /**
   * The check of one file the manifest vouches for.
   *
   * @param declared what the manifest says
   * @param status the verdict
   * @param problem what differs, or null when the file matches
   */
  public record FileCheck(FileEntry declared, Status status, String problem) {
    /** How a declared file compares with the archive. */
    public enum Status {
      /** Present, with the declared size and SHA-256. */
      MATCHES,
      /** No entry has this path. */
      MISSING,
      /** The entry's size differs from the declared one. */
      SIZE_DIFFERS,
      /** The entry's SHA-256 differs from the declared one. */
      HASH_DIFFERS,
      /** The entry could not be read back intact. */
      UNREADABLE,
      /** The manifest lists this path more than once. */
      LISTED_TWICE
    }

    /** Validates the components. */
    public FileCheck {
      Objects.requireNonNull(declared, "declared");
      Objects.requireNonNull(status, "status");
    }

    /**
     * Says whether the file matches.
     *
     * @return true for {@link Status#MATCHES}
     */
    public boolean matches() {
      return status == Status.MATCHES;
    }
  }

  /**
   * What the signatures of an archive amount to, told apart as far as the archive allows.
   * Whether the content matches what they sign is {@link #isIntact()}; both together are {@link
   * #isAuthentic()}.
   */
  public enum Signing {
    /**
     * No manifest, or a manifest without signatures: never signed, or its signatures (or the
     * whole manifest) were removed. Nothing in the format survives their removal, so the two
     * cannot be told apart.
     */
    UNSIGNED,
    /**
     * The archive has a {@code manifest.json} that cannot be read or parsed: whatever signed it
     * cannot be checked (damaged, or tampered with).
     */
    MANIFEST_UNREADABLE,
    /**
     * The manifest carries signatures and none of them is correct for it: a signature replaced or
     * damaged, an unknown algorithm, or the manifest changed after it was signed.
     */
    INVALID,
    /**
     * At least one signature is correct, but none is by a trusted key: signed again by someone
     * else, or the signer's key was not among those given.
     */
    UNTRUSTED,
    /**
     * At least one signature is correct and by a trusted key (by any key when no trusted keys
     * were given).
     */
    VALID
  }

  /**
   * Says what the manifest's signatures amount to.
   *
   * @return {@link Signing#VALID} when a signature is valid, else why none is
   */
  public Signing signing() {
    if (manifestProblem != null) {
      return Signing.MANIFEST_UNREADABLE;
    }
    if (manifest == null || signatures.isEmpty()) {
      return Signing.UNSIGNED;
    }
    if (signatures.stream().anyMatch(SignatureCheck::isValid)) {
      return Signing.VALID;
    }
    return signatures.stream().anyMatch(s -> s.status() == SignatureCheck.Status.UNTRUSTED)
        ? Signing.UNTRUSTED : Signing.INVALID;
  }

  /**
   * Returns the name of the archive verified.
   *
   * @return its name ({@link ArchiveReader#name()})
   */
  public String archive() {
    return archive;
  }

  /**
   * Returns one check per archive entry, in directory order.
   *
   * @return an unmodifiable list
   */
  public List<EntryCheck> entries() {
    return entries;
  }

  /**
   * Returns the manifest, if the archive has one that parses.
   *
   * @return the manifest or null
   */
  public Manifest manifest() {
    return manifest;
  }

  /**
   * Returns why {@code manifest.json} could not be read, or null.
   *
   * @return the problem
   */
  public String manifestProblem() {
    return manifestProblem;
  }

  /**
   * Returns one check per file the manifest lists, in its order.
   *
   * @return an unmodifiable list
   */
  public List<FileCheck> files() {
    return files;
  }

  /**
   * Returns one verdict per signature, in order.
   *
   * @return an unmodifiable list
   */
  public List<SignatureCheck> signatures() {
    return signatures;
  }

  /**
   * Returns the entries the manifest does not list (other than {@code manifest.json}): content
   * no signature vouches for.
   *
   * @return an unmodifiable list of paths
   */
  public List<String> uncoveredEntries() {
    return uncovered;
  }

  /**
   * Says whether every entry reads back with its CRC32, the manifest (if any) parses, and every
   * file it lists is present with its size and SHA-256.
   *
   * @return true when nothing is damaged or differs
   */
  public boolean isIntact() {
    return manifestProblem == null
        && entries.stream().allMatch(EntryCheck::isIntact)
        && files.stream().allMatch(FileCheck::matches);
  }

  /**
   * Says whether the archive is intact, every entry is covered by the manifest, and at least one
   * signature is valid: correct, and by a trusted key when trusted keys were given.
   *
   * @return true when the archive is exactly what a valid signer vouched for
   */
  public boolean isAuthentic() {
    return isIntact() && uncovered.isEmpty() && signing() == Signing.VALID;
  }

  /**
   * Describes the result in a few lines: the verdict first, then every problem found.
   *
   * @return the description, lines separated by {@code \n}
   */
  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append(archive).append(": ").append(isIntact() ? "INTACT" : "DAMAGED").append(", ")
        .append(isAuthentic() ? "AUTHENTICALLY SIGNED" : "NOT AUTHENTICALLY SIGNED").append('\n');
    long damaged = entries.stream().filter(e -> !e.isIntact()).count();
    out.append("  entries: ").append(entries.size()).append(damaged == 0 ? ", all intact"
        : ", " + damaged + " damaged").append('\n');
    entries.stream().filter(e -> !e.isIntact())
        .forEach(e -> out.append("    ").append(e.problem()).append('\n'));
    if (manifestProblem != null) {
      out.append("  manifest: ").append(manifestProblem).append('\n');
    } else if (manifest == null) {
      out.append("  manifest: none (nothing is signed: never signed, or the manifest was"
          + " removed)\n");
    } else {
      long differing = files.stream().filter(f -> !f.matches()).count();
      out.append("  manifest: ").append(files.size()).append(" files, ")
          .append(differing == 0 ? "all present and matching" : differing + " differ")
          .append('\n');
      files.stream().filter(f -> !f.matches()).forEach(f -> out.append("    ")
          .append(f.declared().path()).append(": ").append(f.problem()).append('\n'));
      if (!uncovered.isEmpty()) {
        out.append("  not covered by the manifest: ").append(String.join(", ", uncovered))
            .append('\n');
      }
      if (signatures.isEmpty()) {
        out.append("  signatures: none (never signed, or they were removed: an archive cannot"
            + " tell which)\n");
      }
      signatures.forEach(s -> out.append("  ").append(s.describe()).append('\n'));
    }
    if (trustedKeysGiven && signing() != Signing.VALID) {
      out.append("  no signature is by a trusted key\n");
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return summary();
  }
}
