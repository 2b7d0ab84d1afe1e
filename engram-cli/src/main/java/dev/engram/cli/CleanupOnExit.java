package dev.engram.cli;

import java.io.Closeable;
import java.io.IOException;

/**
 * Closes a writer if the JVM exits while it is open (Ctrl-C, SIGTERM), so that an interrupted
 * {@code pack} or {@code sign} leaves no temporary file behind; the target is untouched either
 * way. Use with try-with-resources around the writer's work.
 */
final class CleanupOnExit implements AutoCloseable {
  private final Thread hook;

  private CleanupOnExit(Closeable resource) {
    this.hook = new Thread(() -> {
      try {
        resource.close();
      } catch (IOException | RuntimeException e) {
        // the JVM is going down; nothing else can be done about it
      }
    }, "engram-cleanup");
  }

  static CleanupOnExit register(Closeable resource) {
    CleanupOnExit cleanup = new CleanupOnExit(resource);
    Runtime.getRuntime().addShutdownHook(cleanup.hook);
    return cleanup;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs
    }
  }
}
