package dev.engram.bytecode;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The methods a compiled method calls, read from its class file: a small reader of the constant
 * pool, the methods and their {@code Code} attributes, walking the bytecode instruction by
 * instruction (tests compile for Java 17, without the JDK's class-file API). Calls are named
 * {@code owner.name}, the owner in internal form ({@code java/util/Arrays.equals}). A method's
 * lambdas ({@code lambda$name$n}) count as the method.
 *
 * <p>Shared with other modules' tests through engram-core's test jar ({@code
 * SecurityComparisonsTest} here, {@code PassphraseComparisonTest} in engram-cli).
 */
public final class MethodCalls {
  private MethodCalls() {}

  /**
   * Returns the calls that the methods of a name (every overload, and their lambdas) make.
   *
   * @param className the binary name of a class on the class path ({@code a.b.C$D})
   * @param method the method name
   * @return the calls, sorted
   * @throws IllegalArgumentException if there is no such class file or method
   */
  public static Set<String> of(String className, String method) {
    Set<String> calls = all(className).get(method);
    if (calls == null) {
      throw new IllegalArgumentException("no method " + className + "." + method);
    }
    return calls;
  }

  /**
   * Returns the calls of every method of a class, by method name (overloads and lambdas merged
   * into the method that defines them).
   *
   * @param className the binary name of a class on the class path
   * @return method name to the calls it makes, sorted
   * @throws IllegalArgumentException if there is no such class file
   */
  public static Map<String, Set<String>> all(String className) {
    String resource = className.replace('.', '/') + ".class";
    try (InputStream in = MethodCalls.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no class file " + resource);
      }
      return read(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the calls of every method in a class file, by method name (overloads and lambdas
   * merged into the method that defines them).
   *
   * @param classFile the bytes of a class file
   * @return method name to the calls it makes, sorted
   * @throws IOException if the class file is malformed
   */
  public static Map<String, Set<String>> read(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    Object[] pool = new Object[count];
    int[][] refs = new int[count][];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> pool[i] = in.readUTF();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 7, 8, 16, 19, 20 -> refs[i] = new int[] {tag, in.readUnsignedShort()};
        case 9, 10, 11, 12, 17, 18 ->
            refs[i] = new int[] {tag, in.readUnsignedShort(), in.readUnsignedShort()};
        case 15 -> refs[i] = new int[] {tag, in.readUnsignedByte(), in.readUnsignedShort()};
        default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
      }
    }
    in.readUnsignedShort(); // access
    in.readUnsignedShort(); // this
    in.readUnsignedShort(); // super
    in.skipBytes(2 * in.readUnsignedShort()); // interfaces
    int fields = in.readUnsignedShort();
    for (int i = 0; i < fields; i++) {
      in.skipBytes(6);
      skipAttributes(in);
    }
    Map<String, Set<String>> calls = new TreeMap<>();
    int methods = in.readUnsignedShort();
    for (int i = 0; i < methods; i++) {
      in.readUnsignedShort();
      String name = definingMethod((String) pool[in.readUnsignedShort()]);
      in.readUnsignedShort();
      Set<String> made = calls.computeIfAbsent(name, n -> new TreeSet<>());
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        String attribute = (String) pool[in.readUnsignedShort()];
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        if (attribute.equals("Code")) {
          DataInputStream code = new DataInputStream(new ByteArrayInputStream(body));
          code.skipBytes(4);
          byte[] bytecode = new byte[code.readInt()];
          code.readFully(bytecode);
          for (int ref : invokedRefs(bytecode)) {
            made.add(methodName(pool, refs, ref));
          }
        }
      }
    }
    return calls;
  }

  /** {@code lambda$checkSignatures$0} is defined by {@code checkSignatures}. */
  private static String definingMethod(String name) {
    if (name.startsWith("lambda$") && name.lastIndexOf('$') > "lambda$".length()) {
      return name.substring("lambda$".length(), name.lastIndexOf('$'));
    }
    return name;
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.readUnsignedShort();
      in.skipBytes(in.readInt());
    }
  }

  /** The constant pool indexes of the invoke instructions of some bytecode. */
  private static List<Integer> invokedRefs(byte[] code) throws IOException {
    List<Integer> refs = new ArrayList<>();
    int pc = 0;
    while (pc < code.length) {
      int op = code[pc] & 0xFF;
      if (op >= 0xB6 && op <= 0xB9) { // invokevirtual, invokespecial, invokestatic, interface
        refs.add(u2(code, pc + 1));
      }
      pc += length(code, pc, op);
    }
    return refs;
  }

  /** The length of the instruction at {@code pc}, operands included. */
  private static int length(byte[] code, int pc, int op) throws IOException {
    if (op <= 0x0F || (op >= 0x1A && op <= 0x35) || (op >= 0x3B && op <= 0x83)
        || (op >= 0x85 && op <= 0x98) || (op >= 0xAC && op <= 0xB1) || op == 0xBE || op == 0xBF
        || op == 0xC2 || op == 0xC3) {
      return 1;
    }
    if (op == 0x10 || op == 0x12 || (op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3A)
        || op == 0xA9 || op == 0xBC) {
      return 2;
    }
    if (op == 0x11 || op == 0x13 || op == 0x14 || op == 0x84 || (op >= 0x99 && op <= 0xA8)
        || (op >= 0xB2 && op <= 0xB8) || op == 0xBB || op == 0xBD || op == 0xC0 || op == 0xC1
        || op == 0xC6 || op == 0xC7) {
      return 3;
    }
    if (op == 0xC5) {
      return 4;
    }
    if (op == 0xB9 || op == 0xBA || op == 0xC8 || op == 0xC9) {
      return 5;
    }
    if (op == 0xC4) { // wide
      return (code[pc + 1] & 0xFF) == 0x84 ? 6 : 4;
    }
    int operands = (pc + 4) & ~3; // switches: padding to a multiple of 4 from the code's start
    if (op == 0xAA) { // tableswitch
      int low = u4(code, operands + 4);
      int high = u4(code, operands + 8);
      return operands - pc + 12 + 4 * (high - low + 1);
    }
    if (op == 0xAB) { // lookupswitch
      return operands - pc + 8 + 8 * u4(code, operands + 4);
    }
    throw new IOException("unknown opcode " + op + " at " + pc);
  }

  private static String methodName(Object[] pool, int[][] refs, int ref) {
    int[] member = refs[ref];
    String owner = (String) pool[refs[member[1]][1]];
    String name = (String) pool[refs[member[2]][1]];
    return owner + "." + name;
  }

  private static int u2(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  private static int u4(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8
        | (b[at + 3] & 0xFF);
  }
}
