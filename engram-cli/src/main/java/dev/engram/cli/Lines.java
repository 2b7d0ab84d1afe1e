package dev.engram.cli;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The lines of an interactive session ({@code query}'s prompt): with line editing and history
 * (JLine) when a person types at a real terminal, else plain lines from standard input, with the
 * prompt printed only at a terminal. Not thread-safe.
 */
abstract class Lines implements Closeable {
  /**
   * Returns the next line, after showing the prompt when someone is typing; null at the end of
   * input. An interrupted line (Ctrl-C) comes back empty.
   */
  abstract String readLine(String prompt) throws IOException;

  static Lines open(Io io) throws IOException {
    if (io.stdinIsTerminal() && io.lineEditor()) {
      return new Edited();
    }
    return new Plain(io);
  }

  /** Standard input read line by line. */
  private static final class Plain extends Lines {
    private final BufferedReader in;
    private final PrintStream out;
    private final boolean prompt;

    Plain(Io io) {
      this.in = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
      this.out = io.out();
      this.prompt = io.stdinIsTerminal();
    }

    @Override
    String readLine(String text) throws IOException {
      if (prompt) {
        out.print(text);
        out.flush();
      }
      return in.readLine();
    }

    @Override
    public void close() {
      // standard input belongs to the process
    }
  }

  /** JLine on the process's terminal: editing, history for the session (never saved). */
  private static final class Edited extends Lines {
    private final Terminal terminal;
    private final LineReader reader;

    Edited() throws IOException {
      this.terminal = TerminalBuilder.builder().system(true).build();
      this.reader = LineReaderBuilder.builder().terminal(terminal).appName("engram").build();
    }

    @Override
    String readLine(String prompt) {
      try {
        return reader.readLine(prompt);
      } catch (UserInterruptException e) {
        return "";
      } catch (EndOfFileException e) {
        return null;
      }
    }

    @Override
    public void close() throws IOException {
      terminal.close();
    }
  }
}
