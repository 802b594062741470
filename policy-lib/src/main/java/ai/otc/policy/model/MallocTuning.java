package ai.otc.policy.model;

import java.util.Map;

/**
 * Keeps libtorch's large CPU tensors in glibc's heap instead of a fresh {@code mmap} per tensor.
 *
 * <p>libtorch allocates CPU tensors with {@code posix_memalign}; glibc serves a request above its mmap threshold (128 KiB,
 * raised dynamically up to 32 MiB) with a new {@code mmap} and returns it with {@code munmap} when freed, and it trims
 * the heap's free top above the trim threshold. A training step allocates and frees dozens of such buffers (attention
 * scores alone are 96 × 8 × 128 × 128 floats, 50 MiB), so every step faults all of them in again, page by page. On this
 * project's machines (virtual machines that hand freed pages back to the host) that dominated the step: one warm-start
 * step of 96 rows × 128 tokens took 2.2-2.4 s with glibc's defaults and 0.5-0.7 s with both thresholds at 1 GiB, and
 * the cost grew with the batch far faster than the work (48 rows: 0.21 s). Measured in {@code bench/README.md}.
 *
 * <p>So, before the engine loads, {@link #apply()} sets {@code M_MMAP_THRESHOLD} and {@code M_TRIM_THRESHOLD} to 1 GiB
 * through {@code mallopt}: freed tensor memory stays in the process and is reused by the next step (the resident size
 * stays at the step's peak, as with the allocators PyTorch recommends for CPU training). It leaves glibc alone when the
 * environment already tunes malloc ({@code MALLOC_MMAP_THRESHOLD_}, {@code MALLOC_TRIM_THRESHOLD_}, or
 * {@code GLIBC_TUNABLES} with a {@code glibc.malloc.} entry), with {@code -Dotc.malloc=default}, and where there is no
 * glibc {@code mallopt} (the outcome then says so; it never fails the engine).
 */
public final class MallocTuning {
  /** The system property: {@code tuned} (the default) or {@code default} (glibc's own thresholds). */
  public static final String PROPERTY = "otc.malloc";
  /** Both thresholds, in bytes. */
  static final int THRESHOLD = 1 << 30;
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_MMAP_THRESHOLD = -3;

  private static volatile String outcome = "not evaluated (engine not loaded)";

  private MallocTuning() {}

  /**
   * Why the thresholds should not be set, or null when they should: {@code env} is the process environment,
   * {@code setting} the property's value.
   */
  static String skipReason(Map<String, String> env, String setting) {
    if ("default".equalsIgnoreCase(setting)) {
      return "glibc's default (" + PROPERTY + "=default)";
    }
    if (!"tuned".equalsIgnoreCase(setting)) {
      throw new IllegalArgumentException(PROPERTY + " must be tuned or default, not '" + setting + "'");
    }
    for (String key : new String[] {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"}) {
      if (env.get(key) != null) {
        return "from the environment (" + key + "=" + env.get(key) + ")";
      }
    }
    String tunables = env.get("GLIBC_TUNABLES");
    if (tunables != null && tunables.contains("glibc.malloc.")) {
      return "from the environment (GLIBC_TUNABLES=" + tunables + ")";
    }
    return null;
  }

  /**
   * Called by {@link DjlRuntime#engine()} before libtorch loads. A C library without {@code mallopt} is recorded in the
   * outcome, not thrown; only a bad {@code -Dotc.malloc} value fails, naming the property.
   */
  static synchronized void apply() {
    String skip = skipReason(System.getenv(), System.getProperty(PROPERTY, "tuned"));
    if (skip != null) {
      outcome = skip;
      return;
    }
    try {
      DjlRuntime.LibC c = com.sun.jna.Native.load("c", DjlRuntime.LibC.class);
      int mmap = c.mallopt(M_MMAP_THRESHOLD, THRESHOLD);
      int trim = c.mallopt(M_TRIM_THRESHOLD, THRESHOLD);
      outcome = mmap == 1 && trim == 1 ? "mmap and trim thresholds 1 GiB"
          : "NOT set (mallopt returned " + mmap + ", " + trim + "): glibc's default";
    } catch (LinkageError | RuntimeException e) {
      outcome = "NOT set (" + e + "): the C library's default";
    }
  }

  /** What {@link #apply()} did, for the engine line and a warm start's provenance. */
  public static String describe() {
    return outcome;
  }
}
