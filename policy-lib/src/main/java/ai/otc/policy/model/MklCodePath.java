package ai.otc.policy.model;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Lets libtorch's oneMKL use the kernels its CPU supports on non-Intel x86 CPUs.
 *
 * <p>DJL's libtorch links oneMKL statically, and oneMKL asks {@code mkl_serv_intel_cpu_true()} before it picks a code
 * path: on any other vendor it answers no and MKL runs its generic kernels ({@code mkl_serv_cpu_detect()} returns 0
 * on this project's AMD EPYC, 7 = AVX-512 with the override). {@code MKL_DEBUG_CPU_TYPE} no longer works in MKL 2024.
 * So, before the engine loads, a one-function library ({@code src/main/c/otc_mkl_intel.c}, built with the module where a
 * C compiler is installed) is opened with {@code RTLD_GLOBAL}: its {@code mkl_serv_intel_cpu_true} (answering yes) then
 * comes first in the global scope that libtorch's calls resolve in, as with {@code LD_PRELOAD}. MKL still selects
 * kernels from the CPU's feature flags. Measured here: the GRPO update 0.603 → 0.474 s per round (bench/README.md).
 *
 * <p>{@code -Dotc.mkl.intel-path=off} leaves MKL alone; {@code auto} (the default) applies the override on Linux x86-64
 * when {@code /proc/cpuinfo}'s vendor is not {@code GenuineIntel}. The path MKL took is recorded in each warm start's
 * provenance ({@link #describe()}).
 */
public final class MklCodePath {
  /** The system property: {@code auto} or {@code off}. */
  public static final String PROPERTY = "otc.mkl.intel-path";
  static final String RESOURCE = "/ai/otc/policy/model/native/libotc_mkl_intel.so";
  private static final int RTLD_LAZY = 0x1;
  private static final int RTLD_NOLOAD = 0x4;
  private static final int RTLD_GLOBAL = 0x100;

  /** Why the override is or is not in place, set once by {@link #applyBeforeEngineLoads()}. */
  private static volatile String decision = "not evaluated (engine not loaded)";
  /** Held so the library is never closed while libtorch may call into it. */
  private static NativeLibrary override;

  private MklCodePath() {}

  /** Whether the override should apply: {@code setting} is the property's value, {@code vendor} the CPU vendor id. */
  static boolean wanted(String setting, String osName, String osArch, String vendor) {
    if ("off".equalsIgnoreCase(setting)) {
      return false;
    }
    if (!"auto".equalsIgnoreCase(setting)) {
      throw new IllegalArgumentException(PROPERTY + " must be auto or off, not '" + setting + "'");
    }
    boolean x86 = "amd64".equals(osArch) || "x86_64".equals(osArch);
    return osName.startsWith("Linux") && x86 && !"GenuineIntel".equals(vendor) && !"?".equals(vendor);
  }

  /** Called by {@link DjlRuntime#engine()} before libtorch loads; never fails the engine: it records why instead. */
  static synchronized void applyBeforeEngineLoads() {
    String vendor = cpuVendor();
    if (!wanted(System.getProperty(PROPERTY, "auto"), System.getProperty("os.name", ""), System.getProperty("os.arch", ""), vendor)) {
      decision = "not applied (" + PROPERTY + "=" + System.getProperty(PROPERTY, "auto") + ", vendor " + vendor + ")";
      return;
    }
    try (InputStream in = MklCodePath.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        decision = "not applied (built without a C compiler: " + RESOURCE + " is missing)";
        return;
      }
      Path lib = Files.createTempFile("otc-mkl-intel-", ".so");
      lib.toFile().deleteOnExit(); // the mapping outlives the file: only the name goes
      Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
      override = NativeLibrary.getInstance(lib.toString(), Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_GLOBAL));
      decision = "applied (vendor " + vendor + ")";
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      decision = "not applied (" + e + ")";
    }
  }

  /**
   * The code path the loaded libtorch's MKL selected ({@code mkl_serv_cpu_detect()}: 0 generic, larger numbers wider
   * vector units), or -1 when libtorch is not loaded or exports no such function. Loads the engine.
   */
  public static int detected() {
    DjlRuntime.engine();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
        int at = line.indexOf('/');
        if (at >= 0 && line.endsWith("/libtorch_cpu.so")) {
          NativeLibrary torch = NativeLibrary.getInstance(line.substring(at), Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_NOLOAD));
          return torch.getFunction("mkl_serv_cpu_detect").invokeInt(new Object[0]);
        }
      }
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      return -1;
    }
    return -1;
  }

  /** One line for provenance and logs: whether the override applied and the code path MKL selected. */
  public static String describe() {
    int path = detected();
    return decision + "; mkl_serv_cpu_detect " + path;
  }

  private static String cpuVendor() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("vendor_id")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      return "?";
    }
    return "?";
  }
}
