package dev.engram.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TemporaryFiles}: siblings named for their process, and abandoned ones deleted. */
class TemporaryFilesTest {
  @TempDir Path dir;

  /** The id of a process that has exited. */
  private static long deadProcess() throws IOException, InterruptedException {
    Process process = new ProcessBuilder("true").start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    return process.pid();
  }

  @Test
  void siblingsCarryTheProcessIdAndAreLockedWhileOpen() throws IOException {
    Path target = dir.resolve("a.eng");
    TemporaryFiles.Sibling sibling = TemporaryFiles.openSibling(target, true);
    try (var channel = sibling.channel()) {
      String name = sibling.path().getFileName().toString();
      assertTrue(name.matches("\\.a\\.eng\\." + ProcessHandle.current().pid()
          + "-[0-9a-f]+\\.tmp"), name);
      assertEquals(0, TemporaryFiles.deleteAbandoned(target), "this process's own are kept");
      assertTrue(Files.exists(sibling.path()));
      assertTrue(channel.isOpen());
    }
    assertEquals(0, TemporaryFiles.deleteAbandoned(target),
        "closed, but of a running process (this one): kept");
    Files.delete(sibling.path());
  }

  @Test
  void siblingsOfAProcessThatIsGoneAreDeletedAndNothingElse() throws Exception {
    Path target = dir.resolve("a.eng");
    long dead = deadProcess();
    Path abandoned = Files.write(dir.resolve(".a.eng." + dead + "-1f2e3d.tmp"), new byte[10]);
    Path running = Files.write(dir.resolve(".a.eng.1-1f2e3d.tmp"), new byte[10]); // init lives
    Path otherTarget = Files.write(dir.resolve(".b.eng." + dead + "-1f2e3d.tmp"), new byte[10]);
    Path notOurs = Files.write(dir.resolve(".a.eng." + dead + "-notes.tmp"), new byte[10]);
    Path directory = Files.createDirectory(dir.resolve(".a.eng." + dead + "-abc.tmp"));
    assertEquals(1, TemporaryFiles.deleteAbandoned(target));
    assertFalse(Files.exists(abandoned));
    assertTrue(Files.exists(running) && Files.exists(otherTarget) && Files.exists(notOurs)
        && Files.isDirectory(directory));
  }

  @Test
  void privateFilesAreOwnerOnlyAndTheFirstOneInADirectoryDeletesThoseOfProcessesThatAreGone()
      throws Exception {
    long dead = deadProcess();
    Path abandoned = Files.write(dir.resolve("engram-" + dead + "-77aa.decrypted"), new byte[3]);
    Path living = Files.write(dir.resolve("engram-1-77aa.decrypted"), new byte[3]);
    Path other = Files.write(dir.resolve("engram-" + dead + "-77aa.txt"), new byte[3]);
    Path file = TemporaryFiles.createPrivate(dir);
    assertTrue(file.getFileName().toString().matches("engram-" + ProcessHandle.current().pid()
        + "-[0-9a-f]+\\.decrypted"), file.toString());
    assertEquals(0, Files.size(file));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(file)));
    assertFalse(Files.exists(abandoned), "a killed process's plaintext is deleted");
    assertTrue(Files.exists(living) && Files.exists(other));
  }

  @Test
  void aSiblingSomeoneHoldsLockedIsKeptWhateverItsName() throws Exception {
    Path target = dir.resolve("a.eng");
    Path held = Files.write(dir.resolve(".a.eng." + deadProcess() + "-5e.tmp"), new byte[4]);
    try (var channel = java.nio.channels.FileChannel.open(held,
        java.nio.file.StandardOpenOption.WRITE); var lock = channel.lock()) {
      assertTrue(lock.isValid());
      assertEquals(0, TemporaryFiles.deleteAbandoned(target), "a live writer (another machine's,"
          + " say, whose process id means nothing here) holds it");
    }
    assertEquals(1, TemporaryFiles.deleteAbandoned(target));
    assertFalse(Files.exists(held));
  }

  @Test
  void aMissingDirectoryIsNotAnError() {
    assertEquals(0, TemporaryFiles.deleteAbandoned(dir.resolve("missing/a.eng")));
  }
}
