package ai.otc.policy.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Engine setup shared by everything that touches DJL: offline mode and telemetry off (STACK.md), the PyTorch thread
 * counts (must be set before the engine loads), and device resolution from config.
 */
public final class Runtime {
  private static volatile boolean initialised;

  private Runtime() {}

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
      initialised = true;
    }
    return Engine.getEngine("PyTorch");
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
