/**
 * The {@code engram} command. It runs from the shaded {@code engram.jar} on the class path; this
 * descriptor keeps the module boundary (only the public API of dev.engram and dev.engram.sqlite)
 * and lets it run on the module path too.
 */
// requires-automatic: JLine's jars have only an Automatic-Module-Name, no descriptor.
@SuppressWarnings("requires-automatic")
module dev.engram.cli {
  requires dev.engram;
  requires dev.engram.sqlite;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.toml;
  requires info.picocli;
  requires me.tongfei.progressbar;
  requires org.jline.reader;
  requires org.jline.terminal;

  // picocli reads and sets the annotated fields and methods of the commands by reflection
  opens dev.engram.cli to info.picocli;
}
