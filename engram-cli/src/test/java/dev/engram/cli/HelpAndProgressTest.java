package dev.engram.cli;

import static dev.engram.cli.Cli.cli;
import static dev.engram.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpAndProgressTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"pack", "add", "rm", "update", "list", "info", "extract", "cat", "query", "verify", "keygen",
      "sign"})
  void everyCommandHasHelpWithExamples(String command) {
    Cli.Result r = run(command, "--help");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().startsWith("Usage: engram " + command), r.stdout());
    assertTrue(r.stdout().contains("\nExamples:\n  engram "), r.stdout());
    assertTrue(r.stdout().contains("--verbose") && r.stdout().contains("--quiet"), r.stdout());
  }

  @Test
  void aCommandLineHoldsOnlyTheSubcommandItNames() {
    java.io.PrintStream nowhere = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    Io io = new Io(java.io.InputStream.nullInputStream(), nowhere, nowhere, java.util.Map.of(),
        false, false, prompt -> null, false);
    assertEquals(java.util.List.of("list"), commands(io, "list", "x.eng"));
    assertEquals(java.util.List.of("list"), commands(io, "ls", "x.eng"));
    assertEquals(java.util.List.of(), commands(io, "--version"));
    java.util.List<String> all = java.util.List.of("pack", "add", "rm", "update", "list", "info", "extract", "cat",
        "query", "verify", "keygen", "sign", "generate-completion");
    for (String[] args : new String[][] {{}, {"--help"}, {"lsit"}, {"generate-completion"}}) {
      assertEquals(all, commands(io, args), String.join(" ", args));
    }
  }

  /** The names of the subcommands the command line for these arguments holds, in help order. */
  private static java.util.List<String> commands(Io io, String... args) {
    return Engram.commandLine(io, args).getSubcommands().values().stream()
        .map(picocli.CommandLine::getCommandName).distinct().toList();
  }

  @Test
  void aMistypedCommandStillGetsASuggestion() {
    Cli.Result r = run("lsit", "x.eng");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("Did you mean: engram ls"), r.stderr());
  }

  @Test
  void terminalDevicesAreToldFromFilesAndPipes() {
    assertTrue(Terminal.isTerminalDevice("/dev/pts/3"));
    assertTrue(Terminal.isTerminalDevice("/dev/tty1"));
    assertTrue(Terminal.isTerminalDevice("/dev/console"));
    assertFalse(Terminal.isTerminalDevice("pipe:[12345]"));
    assertFalse(Terminal.isTerminalDevice("/tmp/out.txt"));
    assertFalse(Terminal.isTerminalDevice("/dev/null"));
  }

  @Test
  void topLevelHelpListsCommandsAndExitCodes() {
    String help = run("--help").stdout();
    for (String command : new String[] {"pack", "add", "rm", "update", "list", "info", "extract", "cat", "query",
        "verify", "keygen", "sign", "generate-completion"}) {
      assertTrue(help.contains("\n  " + command), command + " in\n" + help);
    }
    assertTrue(help.contains("Exit codes:\n"), help);
    assertTrue(help.matches("(?s).*\\n  7 +query: SQL error\\n.*"), help);
  }

  @Test
  void noCommandIsAUsageError() {
    Cli.Result r = run();
    assertEquals(ExitCodes.USAGE, r.exitCode());
    assertTrue(r.stderr().startsWith("Usage: engram"), r.stderr());
    Cli.Result unknown = run("pakc");
    assertEquals(ExitCodes.USAGE, unknown.exitCode());
    assertTrue(unknown.stderr().contains("pack"), unknown.stderr()); // the suggestion
  }

  @Test
  void versionNamesTheToolFormatAndJava() {
    Cli.Result r = run("--version");
    assertEquals(0, r.exitCode());
    assertTrue(r.stdout().matches("engram \\S+\nEngram format 1\\.0, .*\nJava .*\n"),
        r.stdout());
  }

  @Test
  void completionScriptCoversTheCommands() {
    Cli.Result r = run("generate-completion");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains("complete -F _complete_engram"), r.stdout());
    assertTrue(r.stdout().contains("pack") && r.stdout().contains("--passphrase-env"));
  }

  @Test
  void theProgressBarIsDrawnOnlyOnATerminalAndNotWhenQuiet() throws Exception {
    byte[] data = new byte[5 << 20];
    new Random(1).nextBytes(data);
    Path file = Files.write(dir.resolve("data.bin"), data);
    Cli.Result terminal = cli().terminal().exec("pack", file.toString(), "-o",
        dir.resolve("t.eng").toString());
    assertEquals(0, terminal.exitCode(), terminal.toString());
    assertTrue(terminal.stderr().contains("pack 100%"), terminal.stderr());
    assertTrue(terminal.stderr().contains("5/5 MiB"), terminal.stderr());
    assertTrue(terminal.stderr().contains("MiB/s"), terminal.stderr());

    Cli.Result piped = run("verify", dir.resolve("t.eng").toString());
    assertEquals("", piped.stderr());
    Cli.Result quiet = cli().terminal().exec("verify", "-q", dir.resolve("t.eng").toString());
    assertEquals("", quiet.stderr());
    Cli.Result verify = cli().terminal().exec("verify", dir.resolve("t.eng").toString());
    assertTrue(verify.stderr().contains("verify 100%"), verify.stderr());
  }

  @Test
  void theCommandsThatChangeAnArchiveDrawTheirProgressOnATerminal() throws Exception {
    byte[] data = new byte[3 << 20];
    new Random(2).nextBytes(data);
    Path folder = Files.createDirectories(dir.resolve("folder"));
    Files.write(folder.resolve("a.bin"), data);
    Path archive = dir.resolve("u.eng");
    assertEquals(0, run("pack", folder.toString(), "-o", archive.toString()).exitCode());
    Path more = Files.write(dir.resolve("b.bin"), data);
    Cli.Result add = cli().terminal().exec("add", archive.toString(), more.toString());
    assertEquals(0, add.exitCode(), add.toString());
    assertTrue(add.stderr().contains("add 100%") && add.stderr().contains("6/6 MiB"),
        add.stderr());
    // a touched file is read to compare its CRC32: that has a bar of its own
    Files.setLastModifiedTime(folder.resolve("a.bin"), java.nio.file.attribute.FileTime
        .fromMillis(System.currentTimeMillis() + 10_000));
    Files.write(folder.resolve("c.bin"), data);
    Cli.Result update = cli().terminal().exec("update", archive.toString(), folder.toString());
    assertEquals(0, update.exitCode(), update.toString());
    assertTrue(update.stderr().contains("compare 100%") && update.stderr().contains("3/3 MiB"),
        update.stderr());
    assertTrue(update.stderr().contains("update 100%") && update.stderr().contains("9/9 MiB"),
        update.stderr());
    Cli.Result rm = cli().terminal().exec("rm", "-q", archive.toString(), "b.bin");
    assertEquals("", rm.stderr());
    assertEquals("", rm.stdout());
  }
}
