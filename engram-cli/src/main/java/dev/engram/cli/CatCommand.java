package dev.engram.cli;

import dev.engram.ArchiveReader;
import java.io.IOException;
import java.io.InputStream;
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
    try (ArchiveReader reader = open(); InputStream in = reader.openStream(path)) {
      in.transferTo(out());
    }
    out().flush();
    return ExitCodes.OK;
  }
}
