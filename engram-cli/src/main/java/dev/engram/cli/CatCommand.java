package dev.engram.cli;

import dev.engram.ArchiveReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code engram cat}: an entry's bytes on standard output. */
@Command(name = "cat", mixinStandardHelpOptions = true,
    description = "Write an entry's content to standard output, as is (CRC32 checked).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  engram cat docs.eng README.md | less",
      "  engram cat data.eng images/logo.png > logo.png",
    })
final class CatCommand extends ArchiveCommand {
  @Parameters(index = "1", paramLabel = "PATH", description = "The entry's path in the archive.")
  String path;

  @Override
  public Integer call() throws IOException {
    PrintStream out = out();
    try (ArchiveReader reader = open(); InputStream in = reader.openStream(path)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        if (out.checkError()) {
          // the reader went away (| head): stop reading rather than decode the rest for nobody
          return ExitCodes.OK;
        }
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
