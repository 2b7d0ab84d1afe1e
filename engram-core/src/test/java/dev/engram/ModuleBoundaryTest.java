package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.apilisting.ApiListing;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * engram-core as its users get it: a named module, {@code dev.engram}, that exports only its API,
 * and a plain library on the class path. A small program is compiled against the compiled classes
 * (target/classes) and the dependency jars, then run in a new JVM, once from the module path and
 * once from the class path; it writes an archive (Zstandard, LZ4, a signed manifest, passphrase
 * encryption: every dependency and native library is used) and reads it back.
 */
class ModuleBoundaryTest {
  /** The packages the module exports to everyone: its API (see module-info.java). */
  private static final Set<String> EXPORTED = Set.of("dev.engram", "dev.engram.manifest",
      "dev.engram.nio", "dev.engram.source");

  private static final String PROGRAM = """
      package app;

      import dev.engram.ArchiveReader;
      import dev.engram.ArchiveWriter;
      import dev.engram.CompressionMethod;
      import dev.engram.ReaderOptions;
      import dev.engram.VerificationReport;
      import dev.engram.VerifyOptions;
      import dev.engram.WriterOptions;
      import dev.engram.manifest.Author;
      import dev.engram.manifest.Manifest;
      import dev.engram.manifest.SigningKeys;
      import java.nio.charset.StandardCharsets;
      import java.nio.file.FileSystem;
      import java.nio.file.FileSystems;
      import java.nio.file.Files;
      import java.nio.file.Path;
      import java.security.KeyPair;
      import java.util.Map;

      public final class Main {
        public static void main(String[] args) throws Exception {
          Path archive = Path.of(args[0]);
          KeyPair key = SigningKeys.generate();
          char[] passphrase = "correct horse".toCharArray();
          WriterOptions options = WriterOptions.builder()
              .manifest(Manifest.builder("demo", "Demo", Author.of("Ada"), "1.0").build())
              .signWith(key.getPrivate(), "ada")
              .passphrase(passphrase)
              .passphraseCost(10, 1, 1)
              .build();
          try (ArchiveWriter writer = ArchiveWriter.create(archive, options)) {
            writer.addFile("zstd.txt", text("zstd"), CompressionMethod.ZSTD);
            writer.addFile("lz4.txt", text("lz4"), CompressionMethod.LZ4);
            writer.finish();
          }
          ReaderOptions read = ReaderOptions.builder().passphrase(passphrase).build();
          try (ArchiveReader reader = ArchiveReader.open(archive, read)) {
            for (String path : new String[] {"zstd.txt", "lz4.txt"}) {
              byte[] content = reader.read(path);
              System.out.println(path + " " + reader.entry(path).orElseThrow().compression() + " "
                  + content.length + " " + new String(content, StandardCharsets.UTF_8).lines()
                      .findFirst().orElseThrow());
            }
            Manifest manifest = reader.manifest().orElseThrow();
            VerificationReport report =
                reader.verify(VerifyOptions.builder().trust(key.getPublic()).build());
            System.out.println("manifest " + manifest.name() + ", " + manifest.files().size()
                + " files, intact " + report.isIntact() + ", authentic " + report.isAuthentic());
          }
          // the engram: file system provider is found by ServiceLoader, from either path
          try (FileSystem fs = FileSystems.newFileSystem(archive, Map.of("passphrase",
              passphrase))) {
            System.out.println(fs.provider().getScheme() + " " + Files.size(fs.getPath("/lz4.txt")));
          }
        }

        private static byte[] text(String name) {
          return ("entry " + name + "\\n").repeat(200).getBytes(StandardCharsets.UTF_8);
        }
      }
      """;

  private static final String OUTPUT = """
      zstd.txt ZSTD 2200 entry zstd
      lz4.txt LZ4 2000 entry lz4
      manifest Demo, 2 files, intact true, authentic true
      engram 2000
      """;

  /** engram-core's compiled classes, with module-info.class. */
  private static Path classes;
  /** The jars of the modules dev.engram requires, directly or not. */
  private static List<Path> dependencies;

  @BeforeAll
  static void findModule() {
    classes = ApiListing.locationOf(ArchiveReader.class);
    dependencies = requiredJars(descriptor());
  }

  @Test
  void moduleExportsOnlyItsApi() {
    ModuleDescriptor module = descriptor();
    assertEquals("dev.engram", module.name());
    assertFalse(module.isOpen());
    assertTrue(module.opens().isEmpty(), () -> "opens: " + module.opens());
    Set<String> exported = module.exports().stream().filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
    assertEquals(EXPORTED, exported);
    // the benchmark's row 4 counts the frames a channel decodes; nothing else gets internals
    Map<String, Set<String>> qualified = module.exports().stream().filter(e -> e.isQualified())
        .collect(Collectors.toMap(ModuleDescriptor.Exports::source,
            ModuleDescriptor.Exports::targets));
    assertEquals(Map.of("dev.engram.frame", Set.of("dev.engram.bench")), qualified);
    // the engram: file system, found by ServiceLoader on the module path
    assertEquals(Set.of("java.nio.file.spi.FileSystemProvider -> "
        + "[dev.engram.nio.EngramFileSystemProvider]"), module.provides().stream()
        .map(p -> p.service() + " -> " + p.providers()).collect(Collectors.toSet()));
    // the providers of URI schemes other than file, http and https (engram-s3's s3:)
    assertEquals(Set.of("dev.engram.source.ArchiveSourceProvider"), module.uses());
    assertTrue(module.packages().containsAll(Set.of("dev.engram.format", "dev.engram.codec",
        "dev.engram.frame", "dev.engram.crypto", "dev.engram.io", "dev.engram.remote")),
        () -> "packages: " + module.packages());
  }

  @Test
  void worksOnTheModulePath(@TempDir Path dir) throws Exception {
    Path source = write(dir.resolve("src"), Map.of(
        "module-info.java", "module app { requires dev.engram; }",
        "app/Main.java", PROGRAM));
    Path out = dir.resolve("out");
    String modulePath = path(classes, dependencies);
    javacSucceeds("--module-path", modulePath, "-d", out.toString(),
        source.resolve("module-info.java").toString(), source.resolve("app/Main.java").toString());
    // the native libraries are loaded by zstd-jni's and lz4-java's own modules
    Run run = java("--enable-native-access=com.github.luben.zstd_jni,org.lz4.java",
        "--module-path", modulePath + File.pathSeparator + out, "--module", "app/app.Main",
        dir.resolve("module.eng").toString());
    assertRan(run);
  }

  @Test
  void worksOnTheClassPath(@TempDir Path dir) throws Exception {
    Path source = write(dir.resolve("src"), Map.of("app/Main.java", PROGRAM));
    Path out = dir.resolve("out");
    String classPath = path(classes, dependencies);
    javacSucceeds("--class-path", classPath, "-d", out.toString(),
        source.resolve("app/Main.java").toString());
    Run run = java("--enable-native-access=ALL-UNNAMED",
        "--class-path", classPath + File.pathSeparator + out, "app.Main",
        dir.resolve("classpath.eng").toString());
    assertRan(run);
  }

  @Test
  void internalPackagesAreNotVisibleToModules(@TempDir Path dir) throws IOException {
    Path source = write(dir.resolve("src"), Map.of(
        "module-info.java", "module peek { requires dev.engram; }",
        "peek/Peek.java", """
            package peek;

            public final class Peek {
              public static void main(String[] args) {
                System.out.println(dev.engram.format.Header.class);
              }
            }
            """));
    Javac result = javac("--module-path", path(classes, dependencies),
        "-d", dir.resolve("out").toString(),
        source.resolve("module-info.java").toString(), source.resolve("peek/Peek.java").toString());
    assertNotEquals(0, result.status(), result.output());
    assertTrue(result.output().contains("package dev.engram.format is not visible"),
        result.output());
    assertTrue(result.output().contains("which does not export it"), result.output());
  }

  // ---------------------------------------------------------------------------------------------

  private static ModuleDescriptor descriptor() {
    return ModuleFinder.of(classes).find("dev.engram")
        .orElseThrow(() -> new AssertionError("no module dev.engram in " + classes))
        .descriptor();
  }

  /**
   * Finds, among the jars on this test's class path, those of the modules {@code module} needs
   * (its requires, and theirs), as a launcher would on a module path.
   */
  private static List<Path> requiredJars(ModuleDescriptor module) {
    Map<String, Path> jars = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (!entry.endsWith(".jar") || !Files.isRegularFile(jar)) {
        continue;
      }
      try {
        for (ModuleReference found : ModuleFinder.of(jar).findAll()) {
          jars.putIfAbsent(found.descriptor().name(), jar);
        }
      } catch (FindException e) {
        // not usable as a module (no valid module name): not one engram-core needs
      }
    }
    Set<Path> needed = new LinkedHashSet<>();
    Set<String> seen = new LinkedHashSet<>();
    Deque<ModuleDescriptor> todo = new ArrayDeque<>(List.of(module));
    while (!todo.isEmpty()) {
      for (ModuleDescriptor.Requires requires : todo.pop().requires()) {
        String name = requires.name();
        if (requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
            || ModuleFinder.ofSystem().find(name).isPresent() || !seen.add(name)) {
          continue;
        }
        Path jar = jars.get(name);
        assertTrue(jar != null, () -> "module " + name + ", which " + module.name()
            + " needs, is in no jar on the test class path");
        needed.add(jar);
        todo.push(ModuleFinder.of(jar).find(name).orElseThrow().descriptor());
      }
    }
    return new ArrayList<>(needed);
  }

  private static String path(Path first, List<Path> rest) {
    List<String> all = new ArrayList<>();
    all.add(first.toString());
    rest.forEach(p -> all.add(p.toString()));
    return String.join(File.pathSeparator, all);
  }

  private static Path write(Path dir, Map<String, String> files) throws IOException {
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = dir.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue());
    }
    return dir;
  }

  private record Javac(int status, String output) {}

  /** Runs the JDK's compiler in this JVM, for Java 17 as engram-core itself. */
  private static Javac javac(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("--release", "17", "-Xlint:all"));
    if (!List.of(args).contains("--class-path")) {
      // javac run in this JVM defaults to this JVM's class path, where engram-core's own classes
      // (surefire may put them there) would stand in, as the unnamed module, for the module
      Path nothing = Files.createTempDirectory("empty-class-path");
      nothing.toFile().deleteOnExit();
      all.addAll(List.of("--class-path", nothing.toString()));
    }
    all.addAll(List.of(args));
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
    int status = ToolProvider.findFirst("javac").orElseThrow()
        .run(print, print, all.toArray(String[]::new));
    return new Javac(status, output.toString(StandardCharsets.UTF_8));
  }

  private static void javacSucceeds(String... args) throws IOException {
    Javac result = javac(args);
    assertEquals(0, result.status(), result.output());
  }

  private record Run(int status, String out, String err) {}

  /** Runs the program in a new JVM of the JDK running this test. */
  private static Run java(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(List.of(args));
    Path dir = Files.createTempDirectory("engram-module-run");
    try {
      Path out = dir.resolve("out");
      Path err = dir.resolve("err");
      Process process = new ProcessBuilder(command)
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      for (String name : List.of("out", "err")) {
        Files.deleteIfExists(dir.resolve(name));
      }
      Files.delete(dir);
    }
  }

  private static void assertRan(Run run) {
    String report = "standard output:\n" + run.out() + "\nstandard error:\n" + run.err();
    assertEquals(0, run.status(), report);
    assertEquals(OUTPUT, run.out().replace(System.lineSeparator(), "\n"), report);
    // with the native access these options grant, the JVM has nothing to warn about
    assertEquals("", run.err(), report);
  }
}
