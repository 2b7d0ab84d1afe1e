package dev.engram;

import dev.engram.crypto.ConstantTime;
import dev.engram.io.ReadOnlyChannel;
import dev.engram.manifest.FileEntry;
import dev.engram.manifest.Manifest;
import dev.engram.manifest.SignatureCheck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Checks a whole archive for {@link ArchiveReader#verify}: reads every entry once (its CRC32
 * checked by the entry's channel, its SHA-256 computed alongside, a framed entry's stored frame
 * index checked against its frames), compares the manifest's files with the entries, and checks
 * the manifest's signatures. Damage is a finding, never an exception. Entries are read several
 * at once on the reader's threads ({@link EntryTasks}); one verification is driven by one thread.
 */
final class Verifier {
  private final ArchiveReader reader;
  private final VerifyOptions options;

  Verifier(ArchiveReader reader, VerifyOptions options) {
    this.reader = reader;
    this.options = options;
  }

  VerificationReport verify() throws IOException {
    List<EntryInfo> entries = reader.entries();
    EntryChecks checks = reader.entryChecks();
    ReaderThreads threads = reader.threads();
    EntryTasks.runAll(entries, threads.pool(), threads.count() - 1, false, () -> {
      MessageDigest sha256 = BufferedEntry.newSha256();
      byte[] buffer = new byte[1 << 16];
      return i -> check(i, checks, sha256, buffer);
    });

    Manifest manifest = null;
    String manifestProblem = null;
    int manifestIndex = reader.indexOf(Manifest.ENTRY_NAME);
    if (manifestIndex >= 0) {
      if (!checks.isIntact(manifestIndex)) {
        manifestProblem = "cannot be read: " + checks.get(manifestIndex).problem();
      } else {
        try {
          manifest = reader.manifest().orElseThrow();
        } catch (EngramException e) {
          manifestProblem = e.reason();
        }
      }
    }

    List<VerificationReport.FileCheck> files = new ArrayList<>();
    List<SignatureCheck> signatures = List.of();
    List<String> uncovered = new ArrayList<>();
    if (manifest != null) {
      Set<String> declared = new HashSet<>();
      for (FileEntry file : manifest.files()) {
        files.add(checkFile(file, declared, checks));
      }
      signatures = manifest.checkSignatures(options.trustedKeys());
      List<String> paths = reader.list();
      for (int i = 0; i < checks.size(); i++) {
        String path = paths.get(i);
        if (reader.indexOf(path) == i && !path.equals(Manifest.ENTRY_NAME)
            && !declared.contains(path)) {
          uncovered.add(path);
        }
      }
    }
    return new VerificationReport(reader.name(), checks, manifest,
        manifestProblem, files, signatures, uncovered, !options.trustedKeys().isEmpty());
  }

  /**
   * Reads one entry to its end, its CRC32 checked by the channel, its SHA-256 computed, and
   * records what it found.
   */
  private void check(int index, EntryChecks checks, MessageDigest sha256, byte[] buffer)
      throws IOException {
    byte[] hash = null;
    String problem = null;
    try (ReadOnlyChannel channel = reader.openChannel(index)) {
      sha256.reset();
      ByteBuffer chunk = ByteBuffer.wrap(buffer);
      while (channel.read(chunk.clear()) > 0) {
        sha256.update(buffer, 0, chunk.position());
        options.progress().accept(chunk.position());
      }
      hash = sha256.digest();
      // every frame was read, each checked against its size prefix: a frame index that was used
      // agrees with the prefixes; one that could not be used is damage, though reads do without
      problem = reader.frameIndexDamage(index).orElse(null);
    } catch (EngramException e) {
      problem = e.reason();
    }
    checks.record(index, hash, problem);
  }

  private VerificationReport.FileCheck checkFile(FileEntry file, Set<String> declared,
      EntryChecks checks) {
    if (!declared.add(file.path())) {
      return new VerificationReport.FileCheck(file,
          VerificationReport.FileCheck.Status.LISTED_TWICE, "listed more than once");
    }
    int i = reader.indexOf(file.path());
    if (i < 0) {
      return new VerificationReport.FileCheck(file, VerificationReport.FileCheck.Status.MISSING,
          "no entry has this path");
    }
    VerificationReport.EntryCheck entry = checks.get(i);
    if (!entry.isIntact()) {
      return new VerificationReport.FileCheck(file,
          VerificationReport.FileCheck.Status.UNREADABLE, entry.problem());
    }
    if (entry.size() != file.size()) {
      return new VerificationReport.FileCheck(file,
          VerificationReport.FileCheck.Status.SIZE_DIFFERS, "size is " + entry.size()
              + " bytes, the manifest says " + Long.toUnsignedString(file.size()));
    }
    if (!ConstantTime.equalHex(entry.sha256(), file.sha256())) {
      return new VerificationReport.FileCheck(file,
          VerificationReport.FileCheck.Status.HASH_DIFFERS, "SHA-256 is " + entry.sha256()
              + ", the manifest says " + file.sha256());
    }
    return new VerificationReport.FileCheck(file, VerificationReport.FileCheck.Status.MATCHES,
        null);
  }
}
