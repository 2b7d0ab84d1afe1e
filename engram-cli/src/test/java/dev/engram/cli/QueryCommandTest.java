package dev.engram.cli;

import static dev.engram.cli.Cli.cli;
import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryCommandTest {
  private static final String TWO_AUTHORS = "SELECT id, name FROM authors ORDER BY id";

  @TempDir Path dir;
  private String archive;

  @BeforeEach
  void pack() throws Exception {
    archive = dir.resolve("lib.eng").toString();
    assertEquals(0, run("pack", Samples.library(dir).toString(), "-o", archive, "-q")
        .exitCode());
  }

  @Test
  void tableIsTheDefaultFormat() {
    Cli.Result r = run("query", archive, "catalog.db", TWO_AUTHORS);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("id | name\n"
        + "---+-----------------\n"
        + "1  | Ada\n"
        + "2  | Grace, \"Amazing\"\n"
        + "(2 rows)\n", r.stdout());
  }

  @Test
  void csvQuotesWhatNeedsQuoting() {
    Cli.Result r = run("query", "--format", "csv", archive, "catalog.db", TWO_AUTHORS);
    assertEquals("id,name\r\n1,Ada\r\n2,\"Grace, \"\"Amazing\"\"\"\r\n", r.stdout());
  }

  @Test
  void jsonKeepsTypesAndNulls() {
    Cli.Result r = run("query", "-F", "json", archive, "catalog.db",
        "SELECT id, name, NULL AS missing, 0.5 AS half, x'00ff' AS raw FROM authors ORDER BY id");
    assertEquals("[\n"
        + "  {\"id\":1,\"name\":\"Ada\",\"missing\":null,\"half\":0.5,\"raw\":\"00ff\"},\n"
        + "  {\"id\":2,\"name\":\"Grace, \\\"Amazing\\\"\",\"missing\":null,\"half\":0.5,"
        + "\"raw\":\"00ff\"}\n"
        + "]\n", r.stdout());
    assertEquals("[]\n", run("query", "-F", "json", archive, "catalog.db",
        "SELECT * FROM authors WHERE id < 0").stdout());
  }

  @Test
  void aggregatesAndJoinsRunInPlaceWithoutWritingFiles() throws Exception {
    List<Path> before = listing(dir);
    Cli.Result r = run("query", "-F", "csv", archive, "catalog.db",
        "SELECT name, count(*) FROM books JOIN authors ON authors.id = author_id"
            + " GROUP BY name ORDER BY name");
    assertEquals("name,count(*)\r\nAda,50\r\n\"Grace, \"\"Amazing\"\"\",50\r\n", r.stdout());
    assertEquals(before, listing(dir));
  }

  @Test
  void sqlErrorsAndWritesFailWithExitCode7() {
    Cli.Result write = run("query", archive, "catalog.db", "DELETE FROM books");
    assertEquals(ExitCodes.SQL, write.exitCode());
    assertTrue(write.stderr().startsWith("engram query: [SQLITE_READONLY]"), write.stderr());
    Cli.Result syntax = run("query", archive, "catalog.db", "SELEC 1");
    assertEquals(ExitCodes.SQL, syntax.exitCode());
    assertTrue(syntax.stderr().contains("syntax error"), syntax.stderr());
  }

  @Test
  void aMissingDatabaseIsNotFoundAndAFileThatIsNoDatabaseIsRefused() {
    Cli.Result missing = run("query", archive, "nope.db", "SELECT 1");
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode(), missing.toString());
    assertTrue(missing.stderr().startsWith("engram query: nope.db: "), missing.stderr());
    Cli.Result notDb = run("query", archive, "README.md", "SELECT 1");
    assertTrue(notDb.exitCode() != 0, notDb.toString());
    assertEquals(1, notDb.stderr().lines().count(), notDb.stderr());
    assertTrue(notDb.stderr().contains("README.md"), notDb.stderr());
  }

  @Test
  void statementsFromStandardInputRunOneAfterAnother() {
    Cli.Result r = cli().stdin(".tables\n"
        + ".schema authors\n"
        + "SELECT count(*)\n  FROM books;\n"
        + ".format csv\n"
        + "SELECT name FROM authors WHERE id = 1;\n"
        + "SELECT missing FROM nowhere;\n"
        + ".bogus\n"
        + "SELECT 42\n")
        .exec("query", archive, "catalog.db");
    assertEquals("authors\nbooks\n"
        + "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);\n"
        + "count(*)\n--------\n100\n(1 row)\n"
        + "name\r\nAda\r\n"
        + "42\r\n42\r\n", r.stdout());
    assertEquals("error: [SQLITE_ERROR] SQL error or missing database (no such table:"
        + " nowhere)\nerror: unknown command .bogus (.help lists them)\n", r.stderr());
    // a script with failures fails, like sqlite3's
    assertEquals(ExitCodes.SQL, r.exitCode());
  }

  @Test
  void atATerminalThePromptShowsAndQuitEndsIt() {
    Cli.Result r = cli().terminal().stdin("SELECT 1 AS one;\n.quit\nSELECT 2;\n")
        .exec("query", archive, "catalog.db");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().startsWith("Querying catalog.db in " + archive + " (read-only)."),
        r.stdout());
    assertTrue(r.stdout().endsWith("engram> one\n---\n1\n(1 row)\nengram> "), r.stdout());
  }

  private static List<Path> listing(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.sorted().toList();
    }
  }
}
