package dev.engram.cli;

import java.io.File;
import java.io.IOException;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the man pages of engram and of each of its commands as AsciiDoc (picocli-codegen),
 * from the same model the tool runs with; the build turns them into man(1) pages with
 * Asciidoctor for the distribution (engram-cli/pom.xml). Not a test: run by the build.
 */
public final class ManPages {
  private ManPages() {}

  /**
   * Writes {@code engram.adoc} and {@code engram-COMMAND.adoc} files.
   *
   * @param args the output folder
   * @throws IOException if a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ManPages OUTPUT_FOLDER");
    }
    CommandLine engram = Engram.commandLine(Io.system());
    int status = ManPageGenerator.generateManPage(new File(args[0]), null, new boolean[0], true,
        engram.getCommandSpec());
    if (status != 0) {
      throw new IOException("picocli's man page generator failed with status " + status);
    }
  }
}
