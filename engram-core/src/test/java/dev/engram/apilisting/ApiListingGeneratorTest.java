package dev.engram.apilisting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listing of a small module that has every construct the generator must render. */
class ApiListingGeneratorTest {
  private static final Map<String, String> SOURCES = new LinkedHashMap<>();

  static {
    SOURCES.put("module-info.java", """
        module fixture {
          requires transitive java.sql;
          requires java.logging;
          exports fx;
          exports fx.hidden to java.logging;
          opens fx;
          uses java.sql.Driver;
          provides java.sql.Driver with fx.Driver;
        }
        """);
    SOURCES.put("fx/Widget.java", """
        package fx;

        import java.io.IOException;
        import java.util.List;

        public class Widget<T extends Number & Comparable<T>> extends Base
            implements Comparable<Widget<T>> {
          public static final String TEXT = "a\\"b\\n\\u00e9";
          public static final float RATIO = 1.5f;
          protected static final char LETTER = 'x';
          public static final long BIG = 1L << 40;
          public static final Object NOT_A_CONSTANT = new Object();
          public volatile int counter;
          private int secret;
          int packagePrivate;

          public Widget() {}

          @SafeVarargs
          protected Widget(T first, T... more) {}

          @SafeVarargs
          public final <E extends Exception> List<? super T> run(List<? extends T> items,
              T... more) throws IOException, E {
            return null;
          }

          @Deprecated(since = "2", forRemoval = true)
          public int[][] grid() {
            return null;
          }

          @Override
          public int compareTo(Widget<T> other) {
            return 0;
          }

          @Override
          public void inherited() {}

          void notApi() {}

          public class Inner {
            public Inner(String name) {}
          }

          protected abstract static class Nested {
            protected abstract Widget<Integer>.Inner make();
          }

          private static class Private {
            public void hidden() {}
          }
        }
        """);
    SOURCES.put("fx/Base.java", """
        package fx;

        abstract class Base {
          public static final int LIMIT = 7;
          public String greeting;
          public int counter;

          public void inherited() {}

          public String hello() {
            return "hello";
          }

          protected static void helper() {}
        }
        """);
    SOURCES.put("fx/Shape.java", """
        package fx;

        public sealed interface Shape permits Shape.Circle, Shape.Polygon, Square {
          double area();

          default String describe() {
            return "shape";
          }

          static Shape unit() {
            return new Circle(1);
          }

          record Circle(double radius) implements Shape {
            public double area() {
              return Math.PI * radius * radius;
            }
          }

          non-sealed class Polygon implements Shape {
            public double area() {
              return 0;
            }
          }

          enum Kind {
            ROUND {
              @Override
              public String toString() {
                return "round";
              }
            },
            ANGULAR
          }
        }
        """);
    SOURCES.put("fx/Square.java", """
        package fx;

        public final class Square implements Shape {
          public double area() {
            return 1;
          }
        }
        """);
    SOURCES.put("fx/Marker.java", """
        package fx;

        import java.lang.annotation.Documented;
        import java.lang.annotation.Retention;
        import java.lang.annotation.RetentionPolicy;

        @Documented
        @Retention(RetentionPolicy.RUNTIME)
        public @interface Marker {
          String value() default "";

          int[] numbers() default {};

          Class<?> type() default Object.class;
        }
        """);
    SOURCES.put("fx/Marked.java", """
        package fx;

        @Marker(value = "m", numbers = {1, 2}, type = String.class)
        @FunctionalInterface
        public interface Marked<R> {
          R call() throws Exception;
        }
        """);
    SOURCES.put("fx/Driver.java", """
        package fx;

        import java.sql.Connection;
        import java.sql.DriverPropertyInfo;
        import java.util.Properties;
        import java.util.logging.Logger;

        public final class Driver implements java.sql.Driver {
          public Connection connect(String url, Properties info) { return null; }
          public boolean acceptsURL(String url) { return false; }
          public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) { return null; }
          public int getMajorVersion() { return 0; }
          public int getMinorVersion() { return 0; }
          public boolean jdbcCompliant() { return false; }
          public Logger getParentLogger() { return null; }
        }
        """);
    SOURCES.put("fx/hidden/Internal.java", """
        package fx.hidden;

        public class Internal {
          public void notListed() {}
        }
        """);
  }

  private static final String EXPECTED = """
      module fixture {
        requires transitive java.sql
        exports fx
        exports fx.hidden to java.logging
        opens fx
        uses java.sql.Driver
        provides java.sql.Driver with fx.Driver
      }

      public final class fx.Driver implements java.sql.Driver {
        public Driver()
        public boolean acceptsURL(java.lang.String)
        public java.sql.Connection connect(java.lang.String, java.util.Properties)
        public int getMajorVersion()
        public int getMinorVersion()
        public java.util.logging.Logger getParentLogger()
        public java.sql.DriverPropertyInfo[] getPropertyInfo(java.lang.String, java.util.Properties)
        public boolean jdbcCompliant()
      }

      @fx.Marker(numbers={1, 2}, type=java.lang.String.class, value="m") \
      @java.lang.FunctionalInterface public interface fx.Marked<R> {
        public abstract R call() throws java.lang.Exception
      }

      @java.lang.annotation.Documented \
      @java.lang.annotation.Retention(value=java.lang.annotation.RetentionPolicy.RUNTIME) \
      public @interface fx.Marker {
        public abstract int[] numbers() default {}
        public abstract java.lang.Class<?> type() default java.lang.Object.class
        public abstract java.lang.String value() default ""
      }

      public sealed interface fx.Shape permits fx.Shape.Circle, fx.Shape.Polygon, fx.Square {
        public abstract double area()
        public default java.lang.String describe()
        public static fx.Shape unit()
      }

      public record fx.Shape.Circle(double radius) implements fx.Shape {
        public Circle(double)
        public double area()
        public final boolean equals(java.lang.Object)
        public final int hashCode()
        public double radius()
        public final java.lang.String toString()
      }

      public enum fx.Shape.Kind {
        enum constant ROUND
        enum constant ANGULAR
        public static fx.Shape.Kind valueOf(java.lang.String)
        public static fx.Shape.Kind[] values()
      }

      public static non-sealed class fx.Shape.Polygon implements fx.Shape {
        public Polygon()
        public double area()
      }

      public final class fx.Square implements fx.Shape {
        public Square()
        public double area()
      }

      public class fx.Widget<T extends java.lang.Number & java.lang.Comparable<T>> \
      extends fx.Base implements java.lang.Comparable<fx.Widget<T>> {
        public static final long BIG = 1099511627776L
        protected static final char LETTER = 'x'
        public static final int LIMIT = 7  // inherited from fx.Base
        public static final java.lang.Object NOT_A_CONSTANT
        public static final float RATIO = 1.5f
        public static final java.lang.String TEXT = "a\\"b\\n\\u00e9"
        public volatile int counter
        public java.lang.String greeting  // inherited from fx.Base
        @java.lang.SafeVarargs protected Widget(T, T...)
        public Widget()
        public int compareTo(fx.Widget<T>)
        @java.lang.Deprecated(forRemoval=true, since="2") public int[][] grid()
        public java.lang.String hello()  // inherited from fx.Base
        protected static void helper()  // inherited from fx.Base
        public void inherited()
        @java.lang.SafeVarargs public final <E extends java.lang.Exception> \
      java.util.List<? super T> run(java.util.List<? extends T>, T...) \
      throws E, java.io.IOException
      }

      public class fx.Widget.Inner {
        public Inner(java.lang.String)
      }

      protected abstract static class fx.Widget.Nested {
        protected Nested()
        protected abstract fx.Widget<java.lang.Integer>.Inner make()
      }
      """;

  @Test
  void listsEveryKindOfDeclaration(@TempDir Path dir) throws IOException {
    Path classes = compileFixture(dir);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      assertEquals(EXPECTED, ApiListing.generate(classes, loader));
    }
  }

  @Test
  void refusesClassesWithoutModuleDescriptor(@TempDir Path dir) throws IOException {
    Path classes = compileFixture(dir);
    Files.delete(classes.resolve("module-info.class"));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> ApiListing.generate(classes, loader));
      assertTrue(e.getMessage().contains("module-info.class"), e.getMessage());
    }
  }

  @Test
  void listsAClassPathLibraryByTheAutomaticModuleNameItsPomGives(@TempDir Path dir)
      throws IOException {
    Path module = Files.createDirectories(dir.resolve("module/target"));
    Path classes = compileFixture(module); // module/target/classes, as Maven lays it out
    Files.delete(classes.resolve("module-info.class"));
    Files.writeString(dir.resolve("module/pom.xml"),
        "<project><Automatic-Module-Name>fixture.lib</Automatic-Module-Name></project>");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      String listing = ApiListing.generate(classes, loader);
      assertTrue(listing.startsWith("class-path library fixture.lib {\n  package "), listing);
      assertTrue(listing.contains("\npublic "), listing);
    }
  }

  @Test
  void diffShowsChangedLinesWithContextAndLineNumbers() {
    String before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
    String after = "a\nb\nC\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
    assertEquals("""
        @@ line 1 @@
          a
          b
        - c
        + C
          d
          e
          f
        @@ line 10 @@
          j
          k
          l
        + m
        """, ApiListing.diff(before, after));
  }

  private static Path compileFixture(Path dir) throws IOException {
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d",
        dir.resolve("classes").toString()));
    for (Map.Entry<String, String> source : SOURCES.entrySet()) {
      Path file = dir.resolve("src").resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      args.add(file.toString());
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
    int status = ToolProvider.findFirst("javac").orElseThrow()
        .run(print, print, args.toArray(String[]::new));
    assertEquals(0, status, () -> output.toString(StandardCharsets.UTF_8));
    return dir.resolve("classes");
  }
}
