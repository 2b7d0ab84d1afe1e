package dev.engram.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Says whether a standard stream is a terminal. Java only tells whether the process has a console
 * at all; a progress bar must know about standard error in particular, so this asks the C
 * library's {@code isatty}.
 */
final class Terminal {
  static final int STDIN = 0;
  static final int STDERR = 2;

  private Terminal() {}

  /**
   * Returns whether the file descriptor is a terminal; false when that cannot be known (no C
   * library, native access denied).
   */
  @SuppressWarnings("restricted") // isatty reads nothing from Java memory
  static boolean isTerminal(int fd) {
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
