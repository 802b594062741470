package ai.otc.policy.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Engine setup shared by everything that touches DJL: offline mode and telemetry off (STACK.md), the PyTorch thread
 * counts (must be set before the engine loads), OpenMP's wait policy, glibc's malloc thresholds ({@link MallocTuning}),
 * oneMKL's code path ({@link MklCodePath}), and device resolution from config.
 */
public final class DjlRuntime {
  private static volatile boolean initialised;
  /** What {@link #ompWaitPolicy} did, for {@link #describe}: the policy set, or why none was. */
  private static volatile String ompOutcome = "not set (engine not loaded yet)";

  private DjlRuntime() {}

  /**
   * Sets DJL's offline flag and, unless already given as system properties, the PyTorch intra-op threads (all
   * available processors) and a single inter-op thread; then loads the engine. Idempotent.
   */
  public static synchronized Engine engine() {
    if (!initialised) {
      if (System.getProperty("ai.djl.offline") == null) {
        System.setProperty("ai.djl.offline", "true");
      }
      if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(java.lang.Runtime.getRuntime().availableProcessors()));
      }
      if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
      }
      ompWaitPolicy();
      MallocTuning.apply();
      MklCodePath.applyBeforeEngineLoads();
      initialised = true;
    }
    return Engine.getEngine("PyTorch");
  }

  /**
   * One line for a service's start-up log, so that a speed difference between two processes or machines can be
   * explained: engine and version, intra-op and inter-op threads, OpenMP's wait policy, malloc's thresholds, oneMKL's code
   * path. Loads the
   * engine.
   */
  public static String describe() {
    Engine e = engine();
    return e.getEngineName() + " " + e.getVersion() + ", " + System.getProperty("ai.djl.pytorch.num_threads") + " intra-op / "
        + System.getProperty("ai.djl.pytorch.num_interop_threads") + " inter-op threads, OMP_WAIT_POLICY " + ompOutcome + ", malloc "
        + MallocTuning.describe() + ", " + MklCodePath.describe();
  }

  /**
   * The libc calls made before libtorch loads: {@code setenv} for OpenMP's environment (libgomp reads it once at load),
   * {@code mallopt} for glibc's malloc thresholds ({@link MallocTuning}).
   */
  interface LibC extends com.sun.jna.Library {
    int setenv(String name, String value, int overwrite);

    int mallopt(int param, int value);
  }

  /**
   * PyTorch's CPU kernels run on libgomp, whose idle worker threads spin (up to ~300k iterations) before sleeping.
   * On a machine with as many busy processes as cores (two cores shared with builds here) a spinning worker keeps a
   * core from the thread that holds the work, and every one of the thousands of small ops per step waits for a
   * descheduled spinner: under heavy load (load average 6-12 on 2 cores) training measured 1.4k tok/s with the default
   * policy vs 9.8k with {@code PASSIVE}, and the warm start ~700 vs ~12,000 tok/s. (On a nearly idle machine spinning
   * can be faster: set {@code OMP_WAIT_POLICY=ACTIVE} there.) So, unless the user set {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT} (or the system property
   * {@code otc.omp.wait_policy}), the process environment gets {@code OMP_WAIT_POLICY=PASSIVE} (or the property's
   * value; {@code default} leaves it alone) before the engine loads libgomp, which reads it once at load.
   */
  static void ompWaitPolicy() {
    String want = System.getProperty("otc.omp.wait_policy", "PASSIVE");
    if (System.getenv("OMP_WAIT_POLICY") != null) {
      ompOutcome = System.getenv("OMP_WAIT_POLICY") + " (environment)";
    } else if (System.getenv("GOMP_SPINCOUNT") != null) {
      ompOutcome = "unset, GOMP_SPINCOUNT " + System.getenv("GOMP_SPINCOUNT") + " (environment)";
    } else if ("default".equalsIgnoreCase(want)) {
      ompOutcome = "libgomp's default (otc.omp.wait_policy=default)";
    } else {
      ompOutcome = setenv("OMP_WAIT_POLICY", want);
    }
  }

  /**
   * Sets one variable in the process environment through libc. A failure (no JNA, no libc) is not fatal, only slower
   * under contention, so it is reported in the returned outcome, which the start-up line shows, rather than thrown.
   */
  private static String setenv(String name, String value) {
    try {
      LibC c = com.sun.jna.Native.load("c", LibC.class);
      int rc = c.setenv(name, value, 0);
      return rc == 0 ? value : "NOT set (setenv returned " + rc + "): libgomp's default";
    } catch (LinkageError | RuntimeException e) {
      return "NOT set (" + e + "): libgomp's default";
    }
  }

  /** Resolves {@code auto|cpu|gpu|gpu:N}: auto picks GPU 0 when the engine reports one. */
  public static Device device(String spec) {
    Engine e = engine();
    return switch (spec) {
      case "auto" -> e.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
      case "cpu" -> Device.cpu();
      case "gpu" -> Device.gpu();
      default -> {
        if (spec.startsWith("gpu:")) {
          yield Device.gpu(Integer.parseInt(spec.substring(4)));
        }
        throw new IllegalArgumentException("bad device '" + spec + "'");
      }
    };
  }
}
