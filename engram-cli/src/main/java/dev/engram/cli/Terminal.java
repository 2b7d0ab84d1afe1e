package dev.engram.cli;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Says whether a standard stream is a terminal. Java only tells whether the process has a console
 * at all; a progress bar must know about standard error in particular. On Linux the answer is
 * where {@code /proc/self/fd/N} points (a terminal device), which costs one system call; elsewhere
 * this asks the C library's {@code isatty} through the foreign-function API, whose machinery
 * takes a noticeable part of a short command's start-up, so it is used only where needed.
 */
final class Terminal {
  static final int STDIN = 0;
  static final int STDERR = 2;
  private static final Path OPEN_FILES = Path.of("/proc/self/fd");

  private Terminal() {}

  /**
   * Returns whether the file descriptor is a terminal; false when that cannot be known (no C
   * library, native access denied).
   */
  static boolean isTerminal(int fd) {
    if (Files.isDirectory(OPEN_FILES)) {
      try {
        return isTerminalDevice(Files.readSymbolicLink(OPEN_FILES.resolve(Integer.toString(fd)))
            .toString());
      } catch (IOException | UnsupportedOperationException e) {
        return false; // closed, or not a link: not a terminal
      }
    }
    return isatty(fd);
  }

  /** Says whether a device path names a terminal: a pseudo-terminal, a tty or the console. */
  static boolean isTerminalDevice(String device) {
    return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty")
        || device.equals("/dev/console");
  }

  @SuppressWarnings("restricted") // isatty reads nothing from Java memory
  private static boolean isatty(int fd) {
    try {
      Linker linker = Linker.nativeLinker();
      MemorySegment isatty = linker.defaultLookup().find("isatty").orElse(null);
      if (isatty == null) {
        return false;
      }
      MethodHandle call = linker.downcallHandle(isatty,
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      return (int) call.invokeExact(fd) == 1;
    } catch (Throwable e) {
      return false;
    }
  }
}
