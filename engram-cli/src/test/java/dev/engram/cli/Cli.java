package dev.engram.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** Runs the {@code engram} command line in this JVM, with captured streams. */
final class Cli {
  private final Map<String, String> env = new HashMap<>();
  private byte[] stdin = new byte[0];
  private boolean terminal;
  private final Deque<char[]> secrets = new ArrayDeque<>();
  private boolean noTerminalForSecrets;
  private int closedAfter = -1;
  /** Writes attempted on a standard output that was closed. */
  int writesAfterClose;

  /** What a run printed and returned. */
  record Result(int exitCode, byte[] stdoutBytes, String stderr) {
    String stdout() {
      return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr;
    }
  }

  static Cli cli() {
    return new Cli();
  }

  static Result run(String... args) {
    return new Cli().exec(args);
  }

  Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Cli stdin(String text) {
    stdin = text.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  /** Standard input and error are terminals: prompts and progress bars appear. */
  Cli terminal() {
    terminal = true;
    return this;
  }

  /** What the user types at the passphrase prompts, in order. */
  Cli typed(String... answers) {
    for (String answer : answers) {
      secrets.add(answer.toCharArray());
    }
    return this;
  }

  /** No terminal to ask a passphrase at. */
  Cli noTerminalForSecrets() {
    noTerminalForSecrets = true;
    return this;
  }

  /** Standard output is a pipe whose reader goes away after {@code bytes} bytes. */
  Cli stdoutClosedAfter(int bytes) {
    closedAfter = bytes;
    return this;
  }

  Result exec(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStream sink = closedAfter < 0 ? out : new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (out.size() + len > closedAfter) {
          writesAfterClose++;
          throw new IOException("Broken pipe");
        }
        out.write(b, off, len);
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(sink, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    Io io = new Io(new ByteArrayInputStream(stdin), outStream, errStream, env, terminal,
        terminal, prompt -> {
          if (noTerminalForSecrets) {
            return null;
          }
          if (secrets.isEmpty()) {
            throw new AssertionError("unexpected prompt: " + prompt);
          }
          return secrets.poll();
        }, false);
    int code = Engram.run(args, io);
    outStream.flush();
    errStream.flush();
    return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
