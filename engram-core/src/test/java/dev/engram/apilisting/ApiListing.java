package dev.engram.apilisting;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.annotation.Documented;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.GenericDeclaration;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The API listing of a Maven module: every public and protected type and member of the packages
 * its module descriptor exports, one line each, in a stable order. Each module's {@code
 * ApiListingTest} compares it with the file checked in under {@code api/}, so that an API change
 * is always a visible, deliberate change of that file.
 *
 * <p>The exported packages come from the compiled {@code module-info.class}: exporting one more
 * package adds it to the listing with no change here. A module without one (a library for the
 * class path only, such as engram-hadoop) lists every package, under the Automatic-Module-Name its
 * pom.xml gives its jar. Types are read by reflection from the test
 * class path (the classes are compiled for Java 17 or 22 and read by the JDK running the test).
 * Listed: the module's name and the directives that other modules see ({@code requires
 * transitive}, {@code exports}, {@code opens}, {@code uses}, {@code provides}); for each type its
 * modifiers, kind, type parameters, supertypes, permitted subclasses and record components; enum
 * constants in declaration order; fields (with the value of {@code static final} primitives and
 * strings), constructors and methods with generic signatures and thrown exceptions; public and
 * protected members a type inherits from a supertype that is not itself listed (such as a
 * package-private base class); and annotations whose type is {@link Documented} (such as {@link
 * Deprecated}). Parameter names are not (they are not part of the binary API).
 *
 * <p>One generator for every module: engram-core's test jar holds this class (and only it), and
 * engram-sqlite's tests depend on that jar.
 */
public final class ApiListing {
  /** The system property that makes {@link #check} rewrite the file instead of failing. */
  public static final String UPDATE_PROPERTY = "engram.api.update";

  private static final int CONTEXT_LINES = 3;

  private final Path moduleRoot;
  private final ClassLoader loader;
  private final ModuleDescriptor descriptor;
  private final Set<String> exported;

  /** The names of the class files under the root (a directory), for a class-path library. */
  private final List<String> classFiles;
  /** A class-path library's Automatic-Module-Name, or null for a module. */
  private final String automaticName;

  private ApiListing(Path moduleRoot, ClassLoader loader) throws IOException {
    this.moduleRoot = moduleRoot;
    this.loader = loader;
    if (Files.isRegularFile(moduleRoot.resolve("module-info.class"))
        || !Files.isDirectory(moduleRoot)) {
      Set<ModuleReference> found = ModuleFinder.of(moduleRoot).findAll();
      if (found.size() != 1 || found.iterator().next().descriptor().isAutomatic()) {
        throw new IllegalStateException("no compiled module-info.class in " + moduleRoot);
      }
      this.descriptor = found.iterator().next().descriptor();
      this.exported = descriptor.exports().stream()
          .filter(e -> !e.isQualified())
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toCollection(TreeSet::new));
      this.classFiles = null;
      this.automaticName = null;
    } else {
      // a library for the class path only (engram-hadoop: Hadoop's jars are not modules): every
      // package is API, and the jar reserves its module name in the manifest
      this.descriptor = null;
      this.classFiles = new ArrayList<>();
      try (Stream<Path> files = Files.walk(moduleRoot)) {
        files.filter(f -> f.toString().endsWith(".class"))
            .forEach(f -> classFiles.add(moduleRoot.relativize(f).toString().replace('\\', '/')));
      }
      this.exported = classFiles.stream().filter(n -> n.contains("/"))
          .map(n -> n.substring(0, n.lastIndexOf('/')).replace('/', '.'))
          .collect(Collectors.toCollection(TreeSet::new));
      this.automaticName = automaticModuleName(moduleRoot);
    }
  }

  /**
   * The Automatic-Module-Name the jar plugin will write, from the pom.xml of the module whose
   * {@code target/classes} these are.
   */
  private static String automaticModuleName(Path classes) throws IOException {
    Path target = classes.toAbsolutePath().getParent();
    boolean mavenLayout = String.valueOf(classes.getFileName()).equals("classes")
        && String.valueOf(target.getFileName()).equals("target");
    Path pom = target.getParent().resolve("pom.xml");
    String text = mavenLayout && Files.isRegularFile(pom)
        ? Files.readString(pom, StandardCharsets.UTF_8) : "";
    int start = text.indexOf("<Automatic-Module-Name>");
    int end = text.indexOf("</Automatic-Module-Name>");
    if (start < 0 || end < start) {
      throw new IllegalStateException("no module-info.class in " + classes
          + ", and no Automatic-Module-Name in " + pom);
    }
    return text.substring(start + "<Automatic-Module-Name>".length(), end).strip();
  }

  /**
   * Returns the directory or jar a class was loaded from: for a class of the module under test,
   * its {@code target/classes}.
   *
   * @param type a class of the module
   * @return where its class file is
   */
  public static Path locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Generates the listing of the module compiled into a directory (or jar).
   *
   * @param moduleRoot the module's compiled classes, with its {@code module-info.class}
   * @param loader a class loader that loads the module's classes
   * @return the listing, lines ending in {@code \n}
   * @throws IOException if the classes cannot be listed
   */
  public static String generate(Path moduleRoot, ClassLoader loader) throws IOException {
    return new ApiListing(moduleRoot, loader).generate();
  }

  /**
   * Compares the listing of the module that {@code anyClass} belongs to with a checked-in file,
   * or, with {@code -Dengram.api.update=true}, rewrites the file.
   *
   * @param anyClass a class of the module (its location is the module's compiled classes)
   * @param file the checked-in listing
   * @param updateCommand the command that rewrites the file, for the failure message
   * @throws IOException if the classes or the file cannot be read, or the file not written
   * @throws AssertionError if the listing differs from the file: with a diff and the command
   */
  public static void check(Class<?> anyClass, Path file, String updateCommand) throws IOException {
    String actual = fileHeader(updateCommand)
        + generate(locationOf(anyClass), anyClass.getClassLoader());
    String expected = Files.exists(file)
        ? Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n") : null;
    if (actual.equals(expected)) {
      return;
    }
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      System.err.println("API listing updated: " + file);
      return;
    }
    String message = expected == null
        ? "The API listing " + file + " does not exist."
        : "The API differs from the listing " + file + " (- listed, + now):\n\n"
            + diff(expected, actual);
    throw new AssertionError(message + "\nIf the change is intended, update the listing with\n  "
        + updateCommand + "\nand commit it with the change.");
  }

  private static String fileHeader(String updateCommand) {
    return "# The public API: every public and protected type and member of the exported packages.\n"
        + "# Generated by ApiListingTest from the compiled classes; do not edit. After an intended\n"
        + "# change: " + updateCommand + "\n\n";
  }

  private String generate() throws IOException {
    StringBuilder out = new StringBuilder();
    module(out);
    List<Class<?>> types = apiTypes();
    Set<Class<?>> listed = new HashSet<>(types);
    for (Class<?> type : types) {
      out.append('\n');
      type(out, type, listed);
    }
    return out.toString();
  }

  // --- the module --------------------------------------------------------------------------

  private void module(StringBuilder out) {
    if (descriptor == null) {
      out.append("class-path library ").append(automaticName).append(" {\n");
      exported.forEach(p -> out.append("  package ").append(p).append('\n'));
      out.append("}\n");
      return;
    }
    out.append(descriptor.isOpen() ? "open module " : "module ").append(descriptor.name())
        .append(" {\n");
    descriptor.requires().stream()
        .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
        .map(r -> "  requires " + r.modifiers().stream()
            .filter(m -> m != ModuleDescriptor.Requires.Modifier.MANDATED)
            .map(m -> m.name().toLowerCase(Locale.ROOT) + " ").sorted()
            .collect(Collectors.joining()) + r.name())
        .sorted().forEach(line -> out.append(line).append('\n'));
    descriptor.exports().stream()
        .map(e -> "  exports " + e.source() + targets(e.targets()))
        .sorted().forEach(line -> out.append(line).append('\n'));
    descriptor.opens().stream()
        .map(o -> "  opens " + o.source() + targets(o.targets()))
        .sorted().forEach(line -> out.append(line).append('\n'));
    descriptor.uses().stream().sorted()
        .forEach(service -> out.append("  uses ").append(service).append('\n'));
    descriptor.provides().stream()
        .map(p -> "  provides " + p.service() + " with "
            + String.join(", ", p.providers())) // in order: ServiceLoader's order
        .sorted().forEach(line -> out.append(line).append('\n'));
    out.append("}\n");
  }

  private static String targets(Set<String> targets) {
    return targets.isEmpty() ? "" : " to " + targets.stream().sorted()
        .collect(Collectors.joining(", "));
  }

  // --- which types -------------------------------------------------------------------------

  private List<Class<?>> apiTypes() throws IOException {
    List<Class<?>> types = new ArrayList<>();
    if (classFiles != null) {
      addApiTypes(classFiles.stream(), types);
    } else {
      ModuleReference module = ModuleFinder.of(moduleRoot).findAll().iterator().next();
      try (ModuleReader reader = module.open(); Stream<String> names = reader.list()) {
        addApiTypes(names, types);
      }
    }
    types.sort(Comparator.comparing((Class<?> t) -> t.getPackageName())
        .thenComparing(ApiListing::name));
    return types;
  }

  private void addApiTypes(Stream<String> names, List<Class<?>> types) {
    for (String name : (Iterable<String>) names.sorted()::iterator) {
      if (!name.endsWith(".class") || name.endsWith("module-info.class")
          || name.endsWith("package-info.class")) {
        continue;
      }
      String binaryName = name.substring(0, name.length() - ".class".length()).replace('/', '.');
      int dot = binaryName.lastIndexOf('.');
      if (dot < 0 || !exported.contains(binaryName.substring(0, dot))) {
        continue;
      }
      Class<?> type = load(binaryName);
      if (isApi(type)) {
        types.add(type);
      }
    }
  }

  private Class<?> load(String binaryName) {
    try {
      Class<?> type = Class.forName(binaryName, false, loader);
      Path from = locationOf(type);
      if (!from.equals(moduleRoot)) {
        throw new IllegalStateException(binaryName + " was loaded from " + from + ", not from "
            + moduleRoot);
      }
      return type;
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("cannot load " + binaryName + " from the test class path",
          e);
    }
  }

  /** Whether code outside the package can name the type: public or protected all the way out. */
  private static boolean isApi(Class<?> type) {
    if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
      return false;
    }
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      int modifiers = t.getModifiers();
      boolean visible = t.getDeclaringClass() == null
          ? Modifier.isPublic(modifiers)
          : Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
      if (!visible) {
        return false;
      }
    }
    return true;
  }

  private static boolean isApi(Member member) {
    return !member.isSynthetic()
        && (Modifier.isPublic(member.getModifiers()) || Modifier.isProtected(member.getModifiers()))
        && !(member instanceof Method method && method.isBridge());
  }

  // --- one type ----------------------------------------------------------------------------

  /** One line of a type's body, sorted by {@code name} (overloads stay together), then text. */
  private record Line(String name, String text) {
    static final Comparator<Line> ORDER =
        Comparator.comparing(Line::name).thenComparing(Line::text);
  }

  private void type(StringBuilder out, Class<?> type, Set<Class<?>> listed) {
    out.append(annotations(type)).append(typeHeader(type)).append(" {\n");
    if (type.isEnum()) {
      for (Object constant : type.getEnumConstants()) { // in declaration order: ordinals matter
        out.append("  enum constant ").append(((Enum<?>) constant).name()).append('\n');
      }
    }
    List<Line> fields = new ArrayList<>();
    List<Line> constructors = new ArrayList<>();
    List<Line> methods = new ArrayList<>();
    Set<String> fieldNames = new HashSet<>();
    Set<String> methodSignatures = new HashSet<>();
    for (Field f : type.getDeclaredFields()) {
      fieldNames.add(f.getName());
      if (isApi(f) && !f.isEnumConstant()) {
        fields.add(new Line(f.getName(), field(f)));
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (isApi(c)) {
        constructors.add(new Line("", constructor(type, c)));
      }
    }
    for (Method m : type.getDeclaredMethods()) {
      // not bridges: javac adds some for public methods inherited from a non-public class
      if (!m.isBridge() && !m.isSynthetic()) {
        methodSignatures.add(m.getName() + Arrays.toString(m.getParameterTypes()));
      }
      if (isApi(m)) {
        methods.add(new Line(m.getName(), method(m)));
      }
    }
    // what it inherits from supertypes that are not listed themselves (a package-private base)
    for (Class<?> hidden : hiddenSupertypes(type, listed)) {
      String from = "  // inherited from " + name(hidden);
      for (Field f : hidden.getDeclaredFields()) {
        if (isApi(f) && fieldNames.add(f.getName())) {
          fields.add(new Line(f.getName(), field(f) + from));
        }
      }
      for (Method m : hidden.getDeclaredMethods()) {
        boolean inherited = !(hidden.isInterface() && Modifier.isStatic(m.getModifiers()));
        if (inherited && isApi(m)
            && methodSignatures.add(m.getName() + Arrays.toString(m.getParameterTypes()))) {
          methods.add(new Line(m.getName(), method(m) + from));
        }
      }
    }
    for (List<Line> group : List.of(fields, constructors, methods)) {
      group.stream().sorted(Line.ORDER)
          .forEach(line -> out.append("  ").append(line.text()).append('\n'));
    }
    out.append("}\n");
  }

  /** Supertypes compiled into this module that are not listed: their members are inherited. */
  private List<Class<?>> hiddenSupertypes(Class<?> type, Set<Class<?>> listed) {
    Set<Class<?>> hidden = new LinkedHashSet<>();
    List<Class<?>> queue = new ArrayList<>();
    queue.add(type);
    while (!queue.isEmpty()) {
      Class<?> t = queue.remove(0);
      List<Class<?>> supertypes = new ArrayList<>(Arrays.asList(t.getInterfaces()));
      if (t.getSuperclass() != null) {
        supertypes.add(t.getSuperclass());
      }
      for (Class<?> s : supertypes) {
        if (!listed.contains(s) && s.getClassLoader() == loader && inModule(s)
            && hidden.add(s)) {
          queue.add(s);
        }
      }
    }
    return hidden.stream().sorted(Comparator.comparing(ApiListing::name))
        .collect(Collectors.toList());
  }

  private boolean inModule(Class<?> type) {
    return type.getProtectionDomain().getCodeSource() != null
        && locationOf(type).equals(moduleRoot);
  }

  private static String typeHeader(Class<?> type) {
    StringBuilder s = new StringBuilder();
    int modifiers = type.getModifiers();
    s.append(Modifier.isPublic(modifiers) ? "public " : "protected ");
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
    } else if (type.isInterface()) {
      kind = "interface";
    } else if (type.isEnum()) {
      kind = "enum";
    } else if (type.isRecord()) {
      kind = "record";
    } else {
      kind = "class";
    }
    boolean implicitlyStatic = !kind.equals("class");
    if (kind.equals("class") && Modifier.isAbstract(modifiers)) {
      s.append("abstract ");
    }
    if (!implicitlyStatic && type.getDeclaringClass() != null && Modifier.isStatic(modifiers)) {
      s.append("static ");
    }
    if (kind.equals("class") && Modifier.isFinal(modifiers)) {
      s.append("final ");
    }
    if (!kind.equals("enum") && !kind.equals("record") && !kind.equals("@interface")) {
      if (type.isSealed()) {
        s.append("sealed ");
      } else if (!Modifier.isFinal(modifiers) && directSupertypes(type).anyMatch(Class::isSealed)) {
        s.append("non-sealed ");
      }
    }
    s.append(kind).append(' ').append(name(type)).append(typeParameters(type));
    if (type.isRecord()) {
      s.append(Arrays.stream(type.getRecordComponents())
          .map(c -> annotations(c) + type(c.getGenericType()) + " " + c.getName())
          .collect(Collectors.joining(", ", "(", ")")));
    }
    Type superclass = type.getGenericSuperclass();
    if (kind.equals("class") && superclass != null && superclass != Object.class) {
      s.append(" extends ").append(type(superclass));
    }
    List<Type> interfaces = Arrays.stream(type.getGenericInterfaces())
        .filter(i -> !(type.isAnnotation() && i == Annotation.class))
        .collect(Collectors.toList());
    if (!interfaces.isEmpty()) {
      s.append(type.isInterface() ? " extends " : " implements ")
          .append(interfaces.stream().map(ApiListing::type).collect(Collectors.joining(", ")));
    }
    if (type.isSealed() && !kind.equals("enum")) {
      s.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses())
          .map(ApiListing::name).sorted().collect(Collectors.joining(", ")));
    }
    return s.toString();
  }

  private static Stream<Class<?>> directSupertypes(Class<?> type) {
    return Stream.concat(Stream.ofNullable(type.getSuperclass()),
        Arrays.stream(type.getInterfaces()));
  }

  // --- members -----------------------------------------------------------------------------

  private static String field(Field f) {
    int modifiers = f.getModifiers();
    StringBuilder s = new StringBuilder(annotations(f));
    s.append(memberModifiers(modifiers, false, false)).append(type(f.getGenericType())).append(' ')
        .append(f.getName());
    if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
        && (f.getType().isPrimitive() || f.getType() == String.class)) {
      s.append(" = ").append(constant(f));
    }
    return s.toString();
  }

  private static String constructor(Class<?> type, Constructor<?> c) {
    return annotations(c) + memberModifiers(c.getModifiers(), false, false)
        + typeParameters(c) + type.getSimpleName() + parameters(c) + exceptions(c);
  }

  private static String method(Method m) {
    Object defaultValue = m.getDefaultValue(); // of an annotation's element
    return annotations(m) + memberModifiers(m.getModifiers(), m.isDefault(), true)
        + typeParameters(m) + type(m.getGenericReturnType()) + " " + m.getName() + parameters(m)
        + exceptions(m) + (defaultValue == null ? "" : " default " + annotationValue(defaultValue));
  }

  private static String memberModifiers(int modifiers, boolean isDefault, boolean method) {
    StringBuilder s = new StringBuilder();
    s.append(Modifier.isPublic(modifiers) ? "public " : "protected ");
    if (Modifier.isAbstract(modifiers)) {
      s.append("abstract ");
    }
    if (isDefault) {
      s.append("default ");
    }
    if (Modifier.isStatic(modifiers)) {
      s.append("static ");
    }
    if (Modifier.isFinal(modifiers)) {
      s.append("final ");
    }
    if (!method && Modifier.isVolatile(modifiers)) {
      s.append("volatile ");
    }
    return s.toString();
  }

  private static String parameters(Executable e) {
    Type[] types = e.getGenericParameterTypes();
    Class<?> declaring = e.getDeclaringClass();
    if (e instanceof Constructor<?> && declaring.isMemberClass()
        && !Modifier.isStatic(declaring.getModifiers()) && types.length == e.getParameterCount()) {
      // an inner class's constructor: source code passes the outer instance before the new
      types = Arrays.copyOfRange(types, 1, types.length);
    }
    List<String> rendered = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      String t = type(types[i]);
      if (e.isVarArgs() && i == types.length - 1 && t.endsWith("[]")) {
        t = t.substring(0, t.length() - 2) + "...";
      }
      rendered.add(t);
    }
    return rendered.stream().collect(Collectors.joining(", ", "(", ")"));
  }

  private static String exceptions(Executable e) {
    Type[] thrown = e.getGenericExceptionTypes();
    return thrown.length == 0 ? "" : " throws " + Arrays.stream(thrown).map(ApiListing::type)
        .sorted().collect(Collectors.joining(", "));
  }

  private static String constant(Field f) {
    Object value;
    try {
      f.trySetAccessible();
      value = f.get(null);
    } catch (IllegalAccessException e) {
      return "?";
    }
    if (value instanceof String string) {
      return quote(string, '"');
    }
    if (value instanceof Character c) {
      return quote(String.valueOf(c), '\'');
    }
    if (value instanceof Long) {
      return value + "L";
    }
    if (value instanceof Float) {
      return value + "f";
    }
    return String.valueOf(value);
  }

  private static String quote(String text, char quote) {
    StringBuilder s = new StringBuilder().append(quote);
    for (char c : text.toCharArray()) {
      if (c == quote || c == '\\') {
        s.append('\\').append(c);
      } else if (c == '\n') {
        s.append("\\n");
      } else if (c == '\t') {
        s.append("\\t");
      } else if (c == '\r') {
        s.append("\\r");
      } else if (c >= 0x20 && c < 0x7f) {
        s.append(c);
      } else {
        s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return s.append(quote).toString();
  }

  // --- annotations -------------------------------------------------------------------------

  /** The annotations that Javadoc shows too: those whose type is {@link Documented}. */
  private static String annotations(AnnotatedElement element) {
    StringBuilder s = new StringBuilder();
    Arrays.stream(element.getDeclaredAnnotations())
        .filter(a -> a.annotationType().isAnnotationPresent(Documented.class))
        .sorted(Comparator.comparing(a -> name(a.annotationType())))
        .forEach(a -> s.append(annotation(a)).append(' '));
    return s.toString();
  }

  private static String annotation(Annotation a) {
    List<String> elements = new ArrayList<>();
    Method[] methods = a.annotationType().getDeclaredMethods();
    Arrays.sort(methods, Comparator.comparing(Method::getName));
    for (Method element : methods) {
      try {
        Object value = element.invoke(a);
        if (!valueEquals(value, element.getDefaultValue())) {
          elements.add(element.getName() + "=" + annotationValue(value));
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return "@" + name(a.annotationType())
        + (elements.isEmpty() ? "" : elements.stream().collect(Collectors.joining(", ", "(", ")")));
  }

  private static boolean valueEquals(Object value, Object defaultValue) {
    if (value == null || defaultValue == null) {
      return value == defaultValue;
    }
    if (value.getClass().isArray()) {
      return defaultValue.getClass().isArray()
          && Arrays.deepEquals(new Object[] {value}, new Object[] {defaultValue});
    }
    return value.equals(defaultValue);
  }

  private static String annotationValue(Object value) {
    if (value instanceof String string) {
      return quote(string, '"');
    }
    if (value instanceof Class<?> c) {
      return name(c) + ".class";
    }
    if (value instanceof Enum<?> e) {
      return name(e.getDeclaringClass()) + "." + e.name();
    }
    if (value instanceof Annotation nested) {
      return annotation(nested);
    }
    if (value.getClass().isArray()) {
      List<String> items = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        items.add(annotationValue(Array.get(value, i)));
      }
      return items.stream().collect(Collectors.joining(", ", "{", "}"));
    }
    return String.valueOf(value);
  }

  // --- types -------------------------------------------------------------------------------

  /** A class's name as source code writes it: {@code dev.engram.WriterOptions.Builder}. */
  private static String name(Class<?> type) {
    if (type.isArray()) {
      return name(type.getComponentType()) + "[]";
    }
    String canonical = type.getCanonicalName();
    return canonical != null ? canonical : type.getName();
  }

  private static String typeParameters(GenericDeclaration declaration) {
    TypeVariable<?>[] variables = declaration.getTypeParameters();
    if (variables.length == 0) {
      return "";
    }
    String list = Arrays.stream(variables).map(v -> {
      List<Type> bounds = Arrays.stream(v.getBounds()).filter(b -> b != Object.class)
          .collect(Collectors.toList());
      return v.getName() + (bounds.isEmpty() ? "" : " extends " + bounds.stream()
          .map(ApiListing::type).collect(Collectors.joining(" & ")));
    }).collect(Collectors.joining(", ", "<", ">"));
    return declaration instanceof Class<?> ? list : list + " ";
  }

  private static String type(Type type) {
    if (type instanceof Class<?> c) {
      return name(c);
    }
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      String base = p.getOwnerType() instanceof ParameterizedType owner
          ? type(owner) + "." + raw.getSimpleName()
          : name(raw);
      Type[] arguments = p.getActualTypeArguments();
      return arguments.length == 0 ? base : base + Arrays.stream(arguments)
          .map(ApiListing::type).collect(Collectors.joining(", ", "<", ">"));
    }
    if (type instanceof WildcardType w) {
      if (w.getLowerBounds().length > 0) {
        return "? super " + type(w.getLowerBounds()[0]);
      }
      Type[] upper = w.getUpperBounds();
      return upper.length == 0 || upper[0] == Object.class ? "?" : "? extends " + type(upper[0]);
    }
    if (type instanceof TypeVariable<?> v) {
      return v.getName();
    }
    if (type instanceof GenericArrayType a) {
      return type(a.getGenericComponentType()) + "[]";
    }
    throw new IllegalArgumentException("unknown kind of type: " + type);
  }

  // --- the diff ----------------------------------------------------------------------------

  /**
   * A line diff of two texts (longest common subsequence), as hunks with a few lines of context
   * and the line numbers of the expected text.
   *
   * @param expected the old text
   * @param actual the new text
   * @return lines prefixed with {@code -} (only in {@code expected}), {@code +} (only in {@code
   *     actual}) or a space
   */
  public static String diff(String expected, String actual) {
    List<String> a = expected.lines().collect(Collectors.toList());
    List<String> b = actual.lines().collect(Collectors.toList());
    int[][] common = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        common[i][j] = a.get(i).equals(b.get(j))
            ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    // edit script: ' ', '-' or '+' per line, with the line number in a (1-based) for ' ' and '-'
    List<String> lines = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        lines.add("  " + a.get(i));
        lineNumbers.add(++i);
        j++;
      } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
        lines.add("- " + a.get(i));
        lineNumbers.add(++i);
      } else {
        lines.add("+ " + b.get(j++));
        lineNumbers.add(i);
      }
    }
    List<Integer> changes = new ArrayList<>();
    for (int k = 0; k < lines.size(); k++) {
      if (!lines.get(k).startsWith(" ")) {
        changes.add(k);
      }
    }
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < changes.size(); ) {
      // one hunk: changes whose context overlaps
      int last = c;
      while (last + 1 < changes.size()
          && changes.get(last + 1) - changes.get(last) <= 2 * CONTEXT_LINES + 1) {
        last++;
      }
      int from = Math.max(0, changes.get(c) - CONTEXT_LINES);
      int to = Math.min(lines.size() - 1, changes.get(last) + CONTEXT_LINES);
      out.append("@@ line ").append(Math.max(1, lineNumbers.get(from))).append(" @@\n");
      for (int k = from; k <= to; k++) {
        out.append(lines.get(k)).append('\n');
      }
      c = last + 1;
    }
    return out.toString();
  }
}
