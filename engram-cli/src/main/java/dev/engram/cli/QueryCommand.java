package dev.engram.cli;

import dev.engram.ArchiveReader;
import dev.engram.sqlite.VfsReader;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram query}: SQL over a SQLite database inside an archive, read in place. */
@Command(name = "query", aliases = "sql", mixinStandardHelpOptions = true,
    description = {
      "Run SQL on a SQLite database inside an archive, in place.",
      "Nothing is extracted and no file is written; the database is read-only.",
      "Without SQL, read statements from standard input (an interactive prompt at a terminal):"
          + " end each with ';'. Commands: .tables, .schema [TABLE], .format table|csv|json,"
          + " .help, .quit.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram query data.eng catalog.db \"SELECT title, year FROM books LIMIT 5\"",
      "  engram query --format csv data.eng catalog.db \"SELECT * FROM books\" > books.csv",
      "  engram query data.eng catalog.db          # interactive",
      "  engram list data.eng | grep '\\.db$'       # which databases there are",
    })
final class QueryCommand extends ArchiveCommand {
  private static final String PROMPT = "engram> ";
  private static final String CONTINUATION = "   ...> ";

  @Parameters(index = "1", paramLabel = "DB", description = "The database's path in the archive.")
  String database;

  @Parameters(index = "2", arity = "0..1", paramLabel = "SQL",
      description = "The statement to run; without it, statements are read from standard input.")
  String sql;

  @Option(names = {"-F", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
  ResultPrinter.Format format;

  @Override
  public Integer call() throws IOException, SQLException {
    try (ArchiveReader archiveReader = open();
        VfsReader reader = VfsReader.of(archiveReader);
        Connection db = reader.openDatabase(database)) {
      if (sql != null) {
        run(db, sql, out());
        out().flush();
        return ExitCodes.OK;
      }
      return repl(db);
    }
  }

  private void run(Connection db, String statement, PrintStream out)
      throws SQLException, IOException {
    try (Statement s = db.createStatement()) {
      if (s.execute(statement)) {
        try (ResultSet rows = s.getResultSet()) {
          ResultPrinter.print(rows, format, out);
        }
      } else if (s.getUpdateCount() >= 0) {
        out.println("(" + s.getUpdateCount() + " rows changed)");
      }
    }
  }

  /** Reads statements and dot-commands until the end of input or {@code .quit}. */
  private int repl(Connection db) throws IOException {
    Io io = io();
    boolean interactive = io.stdinIsTerminal();
    PrintStream out = out();
    try (Lines lines = Lines.open(io)) {
      return repl(db, lines, interactive, out);
    }
  }

  private int repl(Connection db, Lines lines, boolean interactive, PrintStream out)
      throws IOException {
    Io io = io();
    if (interactive) {
      out.println("Querying " + database + " in " + archive + " (read-only). End statements"
          + " with ';'. .help for commands.");
    }
    StringBuilder pending = new StringBuilder();
    int failures = 0;
    while (true) {
      String line = lines.readLine(pending.length() == 0 ? PROMPT : CONTINUATION);
      if (line == null) {
        break;
      }
      String trimmed = line.strip();
      if (pending.length() == 0 && trimmed.startsWith(".")) {
        if (trimmed.equals(".quit") || trimmed.equals(".exit")) {
          break;
        }
        failures += dotCommand(db, trimmed) ? 0 : 1;
        continue;
      }
      if (trimmed.isEmpty() && pending.length() == 0) {
        continue;
      }
      pending.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        try {
          run(db, pending.toString(), out);
        } catch (SQLException e) {
          failures++;
          io.err().println("error: " + e.getMessage());
        }
        pending.setLength(0);
      }
    }
    if (pending.toString().strip().length() > 0) {
      try {
        run(db, pending.toString(), out); // the last statement may lack its ';'
      } catch (SQLException e) {
        failures++;
        io.err().println("error: " + e.getMessage());
      }
    }
    out.flush();
    // like sqlite3: a script with failed statements fails; a person at the prompt saw them
    return failures > 0 && !interactive ? ExitCodes.SQL : ExitCodes.OK;
  }

  /** Runs a dot-command; returns false when it failed (and said why). */
  private boolean dotCommand(Connection db, String command) throws IOException {
    String[] words = command.split("\\s+");
    PrintStream out = out();
    try {
      switch (words[0]) {
        case ".tables":
          printFirstColumn(db, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')"
              + " AND name NOT LIKE 'sqlite_%' ORDER BY name", null);
          return true;
        case ".schema":
          printFirstColumn(db, "SELECT sql || ';' FROM sqlite_schema WHERE sql IS NOT NULL"
              + (words.length > 1 ? " AND tbl_name = ?" : "") + " ORDER BY tbl_name, type DESC",
              words.length > 1 ? words[1] : null);
          return true;
        case ".format":
          if (words.length == 2) {
            try {
              format = ResultPrinter.Format.valueOf(words[1].toUpperCase(Locale.ROOT));
              return true;
            } catch (IllegalArgumentException e) {
              // reported below
            }
          }
          io().err().println("error: .format table|csv|json");
          return false;
        case ".help":
          out.println(".tables              list tables and views");
          out.println(".schema [TABLE]      show CREATE statements");
          out.println(".format FORMAT       table, csv or json");
          out.println(".quit                leave (or end of input)");
          out.println("SQL ending with ';'  run it");
          return true;
        default:
          io().err().println("error: unknown command " + words[0] + " (.help lists them)");
          return false;
      }
    } catch (SQLException e) {
      io().err().println("error: " + e.getMessage());
      return false;
    }
  }

  /** Prints the first column of each row, one per line (for .tables and .schema). */
  private void printFirstColumn(Connection db, String sql, String parameter)
      throws SQLException {
    try (PreparedStatement s = db.prepareStatement(sql)) {
      if (parameter != null) {
        s.setString(1, parameter);
      }
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          out().println(rows.getString(1));
        }
      }
    }
  }
}
