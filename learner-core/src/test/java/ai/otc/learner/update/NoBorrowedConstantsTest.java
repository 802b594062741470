package ai.otc.learner.update;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.learner.math.PolicyLoss;
import ai.otc.policy.model.PolicyModel;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * No compiled class of the policy library or of this module calls an {@code NDArray} arithmetic op with a
 * {@code Number} ({@code x.mul(0.5f)}, {@code x.div(count)}): DJL frees that constant when the op returns while
 * libtorch's backward keeps it, so such a call in a graph computes its gradient from freed memory after a GC (policy-lib's
 * README, "No array borrows Java memory"; {@link GcIndependenceTest} shows the effect on the paths it trains). This
 * test reads each class's constant pool, so it also covers the paths no test trains. Comparisons ({@code gt(Number)},
 * …) and {@code clip(Number, Number)} record no graph and are allowed.
 */
class NoBorrowedConstantsTest {
  private static final String NUMBER_OP = "(Ljava/lang/Number;)Lai/djl/ndarray/NDArray;";
  private static final Set<String> ARITHMETIC = Set.of("add", "sub", "mul", "div", "pow", "mod", "maximum", "minimum",
      "rsub", "rdiv", "rpow", "rmod", "addi", "subi", "muli", "divi", "powi", "modi", "rsubi", "rdivi", "rpowi", "rmodi");

  @Test
  void noArithmeticWithANumberInThePolicyLibraryOrTheLearnerCore() throws Exception {
    List<String> found = new ArrayList<>();
    int classes = 0;
    for (Class<?> anchor : List.of(PolicyModel.class, PolicyLoss.class)) {
      Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(where)) {
        try (Stream<Path> s = Files.walk(where)) {
          for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) {
            classes++;
            scan(where.relativize(f).toString(), Files.readAllBytes(f), found);
          }
        }
      } else {
        try (ZipFile jar = new ZipFile(where.toFile())) {
          for (var e : java.util.Collections.list(jar.entries())) {
            if (e.getName().endsWith(".class")) {
              classes++;
              try (InputStream in = jar.getInputStream(e)) {
                scan(e.getName(), in.readAllBytes(), found);
              }
            }
          }
        }
      }
    }
    assertThat(classes).as("classes read").isGreaterThan(40);
    assertThat(found).as("NDArray arithmetic with a Number (use OwnedArrays.scalar)").isEmpty();
  }

  @Test
  void theScanFindsSuchACall() throws Exception {
    List<String> found = new ArrayList<>();
    try (InputStream in = Bad.class.getResourceAsStream("NoBorrowedConstantsTest$Bad.class")) {
      scan("Bad", in.readAllBytes(), found);
    }
    assertThat(found).containsExactly("Bad calls NDArray.div(Number)");
  }

  /** A call of the kind the scan must find (never run). */
  static final class Bad {
    static ai.djl.ndarray.NDArray half(ai.djl.ndarray.NDArray x) {
      return x.div(2f);
    }
  }

  /** Adds "CLASS calls OWNER.NAME(Number)" for every method reference of the kind above in one class file's pool. */
  static void scan(String name, byte[] bytes, List<String> found) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException(name + " is not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNames = new int[count];
    int[][] refs = new int[count][]; // {class index, name-and-type index} of Methodref / InterfaceMethodref
    int[][] nameAndTypes = new int[count][];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7 -> classNames[i] = in.readUnsignedShort();
        case 8, 16, 19, 20 -> in.readUnsignedShort();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 9 -> in.readInt();
        case 10, 11 -> refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 12 -> nameAndTypes[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        case 17, 18 -> in.readInt();
        default -> throw new IOException(name + ": unknown constant-pool tag " + tag + " at " + i);
      }
    }
    for (int[] ref : refs) {
      if (ref == null) {
        continue;
      }
      String owner = utf8[classNames[ref[0]]];
      int[] nt = nameAndTypes[ref[1]];
      String method = utf8[nt[0]];
      if (owner.startsWith("ai/djl/") && NUMBER_OP.equals(utf8[nt[1]]) && ARITHMETIC.contains(method)) {
        found.add(name + " calls " + owner.substring(owner.lastIndexOf('/') + 1) + "." + method + "(Number)");
      }
    }
  }
}
