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
  private volatile Closeable resource;

  private CleanupOnExit() {
    this.hook = new Thread(() -> {
      Closeable watched = resource;
      if (watched == null) {
        return;
      }
      try {
        watched.close();
      } catch (IOException | RuntimeException e) {
        // the JVM is going down; nothing else can be done about it
      }
    }, "engram-cleanup");
  }

  /** Registers the hook; call before creating the writer, then {@link #watch} it. */
  static CleanupOnExit register() {
    CleanupOnExit cleanup = new CleanupOnExit();
    Runtime.getRuntime().addShutdownHook(cleanup.hook);
    return cleanup;
  }

  /** Closes {@code writer} if the JVM exits before {@link #close()}. */
  <T extends Closeable> T watch(T writer) {
    this.resource = writer;
    return writer;
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
