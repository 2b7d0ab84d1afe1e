package dev.engram.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code engram} command: pack, update, inspect, extract, verify, sign and query Engram
 * archives.
 * {@link #run} runs one command line against an {@link Io} and returns its exit code.
 */
@Command(name = "engram",
    mixinStandardHelpOptions = true,
    versionProvider = Engram.Version.class,
    description = "Pack, update, inspect, extract, verify, sign and query Engram (.eng) archives.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:verify: the archive is damaged or not signed by a trusted key",
      "2:usage error (bad arguments or options)",
      "3:not found (file, archive entry or database)",
      "4:corrupt, unsupported or hostile archive",
      "5:key or passphrase missing or wrong",
      "6:I/O error (permissions, disk full, a file in the way, an archive another update"
          + " holds or changed meanwhile)",
      "7:query: SQL error",
      "70:internal error (a bug; rerun with --verbose and report it)",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram pack docs/ -o docs.eng",
      "  engram update docs.eng docs/ --delete --dry-run",
      "  engram list --long docs.eng",
      "  engram verify docs.eng",
      "  engram query data.eng catalog.db \"SELECT count(*) FROM books\"",
      "  source <(engram generate-completion)     # bash/zsh completion",
      "",
      "Run 'engram COMMAND --help' for a command's options.",
    })
final class Engram implements Callable<Integer> {
  /**
   * The subcommands, in the order help lists them. They are added to the command line as needed
   * ({@link #commandLine(Io, String[])}): building picocli's model of a command costs reflection
   * over its class, and the model of all of them is a large share of a short command's start-up.
   */
  private static final List<Class<?>> SUBCOMMANDS = List.of(PackCommand.class,
      AddCommand.class, RmCommand.class, UpdateCommand.class, ListCommand.class,
      InfoCommand.class, ExtractCommand.class, CatCommand.class, QueryCommand.class,
      VerifyCommand.class, KeygenCommand.class, SignCommand.class,
      AutoComplete.GenerateCompletion.class);
  /** The subcommands by name and by alias. */
  private static final Map<String, Class<?>> BY_NAME = byName(SUBCOMMANDS);

  private final Io io;

  @Spec CommandSpec spec;

  Engram(Io io) {
    this.io = io;
  }

  Io io() {
    return io;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /**
   * Runs one command line.
   *
   * @param args the arguments, without the program name
   * @param io streams and environment
   * @return the exit code ({@link ExitCodes})
   */
  static int run(String[] args, Io io) {
    return commandLine(io, args).execute(args);
  }

  /** The configured picocli command line with every subcommand, for tests. */
  static CommandLine commandLine(Io io) {
    return commandLine(io, new String[0]);
  }

  /**
   * The configured picocli command line for these arguments: with only the subcommand they name
   * (when they name one), with none for {@code --version}, else with all of them (for help, for
   * usage errors that suggest a subcommand, and for the completion script, which covers all).
   */
  static CommandLine commandLine(Io io, String[] args) {
    CommandLine cli = new CommandLine(new Engram(io));
    String first = args.length > 0 ? args[0] : "";
    Class<?> named = first.equals("generate-completion") ? null : BY_NAME.get(first);
    if (named != null) {
      cli.addSubcommand(named);
    } else if (!(args.length == 1 && (first.equals("--version") || first.equals("-V")))) {
      SUBCOMMANDS.forEach(cli::addSubcommand);
    }
    cli.setOut(new PrintWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true));
    Failures failures = new Failures();
    cli.setExecutionExceptionHandler(failures);
    cli.setParameterExceptionHandler(failures);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setUsageHelpAutoWidth(true);
    // picocli hides its completion command by default; it is a documented feature here
    CommandLine completion = cli.getSubcommands().get("generate-completion");
    if (completion != null) {
      completion.getCommandSpec().usageMessage().hidden(false);
    }
    return cli;
  }

  private static Map<String, Class<?>> byName(List<Class<?>> commands) {
    Map<String, Class<?>> byName = new HashMap<>();
    for (Class<?> command : commands) {
      Command annotation = command.getAnnotation(Command.class);
      byName.put(annotation.name(), command);
      for (String alias : annotation.aliases()) {
        byName.put(alias, command);
      }
    }
    return Map.copyOf(byName);
  }

  /** {@code engram --version}: the build's version, the format it writes, the Java running it. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties build = new Properties();
      try (InputStream in = Engram.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          build.load(in);
        }
      }
      return new String[] {
        "engram " + build.getProperty("version", "(unknown version)"),
        "Engram format 1.0, with engram-java extensions up to 1.2",
        "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
      };
    }
  }
}
