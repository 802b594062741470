package ai.otc.policy.warmstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What decides a warm start's numerics besides its flags, recorded in every artifact's provenance: the CPU's vector
 * extensions (libtorch's MKL and oneDNN pick their kernels, and so their rounding, from them), the CPU model, the
 * engine's intra- and inter-op thread counts, the OpenMP wait policy and the code path libtorch's oneMKL selected.
 * Two machines that train the same flags to different weights can then be told apart by their artifacts.
 */
public final class MachineFacts {
  /** The flags of {@code /proc/cpuinfo} that select a kernel family (SIMD width and fused instructions). */
  private static final Pattern VECTOR_FLAG = Pattern.compile("^(sse4_1|sse4_2|avx|avx2|avx_vnni|fma|f16c|avx512.*|amx.*|neon|asimd.*|sve.*)$");

  private MachineFacts() {}

  /** The facts of this machine and process, in a stable order. */
  public static Map<String, Object> current() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> cpuinfo = cpuinfo();
    m.put("cpu_model", field(cpuinfo, "model name"));
    m.put("cpu_vector_extensions", String.join(" ", vectorExtensions(cpuinfo)));
    m.put("cpus", java.lang.Runtime.getRuntime().availableProcessors());
    m.put("engine_threads", System.getProperty("ai.djl.pytorch.num_threads", "?"));
    m.put("engine_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "?"));
    String wait = System.getenv("OMP_WAIT_POLICY");
    m.put("omp_wait_policy", wait == null ? System.getProperty("otc.omp.wait_policy", "PASSIVE") + " (set by DjlRuntime)" : wait);
    m.put("os_arch", System.getProperty("os.arch"));
    m.put("malloc", ai.otc.policy.model.MallocTuning.describe());
    m.put("mkl_code_path", ai.otc.policy.model.MklCodePath.describe());
    return m;
  }

  /** The vector-extension flags in the first {@code flags} (x86) or {@code Features} (ARM) line, sorted. */
  static List<String> vectorExtensions(List<String> cpuinfo) {
    String flags = field(cpuinfo, "flags");
    if ("?".equals(flags)) {
      flags = field(cpuinfo, "Features");
    }
    TreeSet<String> out = new TreeSet<>();
    for (String f : flags.split("\\s+")) {
      if (VECTOR_FLAG.matcher(f).matches()) {
        out.add(f);
      }
    }
    return List.copyOf(out);
  }

  /** The value of the first {@code key : value} line, or "?". */
  static String field(List<String> cpuinfo, String key) {
    for (String line : cpuinfo) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "?";
  }

  private static List<String> cpuinfo() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      return List.of(); // not Linux: the facts say "?"
    }
  }
}
