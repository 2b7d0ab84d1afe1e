package dev.engram.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzz target for the manifest parser: whatever bytes {@code manifest.json} holds, {@link
 * Manifest#parse} returns a manifest or throws {@link ManifestException}; nothing else. For a
 * manifest that parses, checking its signatures never throws, and writing it out and parsing it
 * again gives the same canonical bytes and the same verdicts (so a rewrite can never change what
 * is signed). Seeds: {@code src/test/resources/dev/engram/manifest/ManifestFuzzTestInputs/
 * parseManifest/}; {@code scripts/fuzz parseManifest 10m} runs a campaign.
 */
class ManifestFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void parseManifest(byte[] json) {
    Manifest manifest;
    try {
      manifest = Manifest.parse(json);
    } catch (ManifestException expected) {
      return;
    }
    byte[] canonical = manifest.canonicalBytes();
    List<Boolean> verdicts = manifest.verifySignatures();
    Manifest rewritten;
    try {
      rewritten = Manifest.parse(manifest.toJson());
    } catch (ManifestException e) {
      throw new AssertionError("a parsed manifest's own JSON does not parse: " + e.getMessage(), e);
    }
    assertArrayEquals(canonical, rewritten.canonicalBytes(), "rewriting changed the signed bytes");
    assertEquals(verdicts, rewritten.verifySignatures(), "rewriting changed a verdict");
    assertEquals(manifest, rewritten);
  }
}
