package ai.otc.learner.training;

import ai.otc.learner.domain.DeviceChoice;

/**
 * Picks the device of the update from {@code otc.learner.device} and the number of GPUs DJL's PyTorch engine reports
 * (pure: the caller asks the engine). {@code auto} takes GPU 0 when there is one, else the CPU; {@code gpu} without one
 * is a configuration error naming the key, so a learner meant for a GPU node never trains on a CPU unnoticed.
 */
public final class DeviceSelector {

  private DeviceSelector() {}

  /**
   * @param gpuCount what {@code Engine.getGpuCount()} reports
   * @param engineInfo the engine's name and version and its native library flavour, for the error message
   * @return a device spec for {@code ModelConfig.withDevice}: {@code cpu} or {@code gpu}
   * @throws IllegalArgumentException for {@code gpu} when there is none
   */
  public static String select(DeviceChoice choice, int gpuCount, String engineInfo) {
    return switch (choice) {
      case CPU -> "cpu";
      case AUTO -> gpuCount > 0 ? "gpu" : "cpu";
      case GPU -> {
        if (gpuCount < 1) {
          throw new IllegalArgumentException("otc.learner.device=gpu but the PyTorch engine reports no GPU (" + engineInfo
              + "): put the CUDA build of DJL's PyTorch native library on this node (learner-service README, \"On a GPU node\")"
              + " or set otc.learner.device=auto or cpu");
        }
        yield "gpu";
      }
    };
  }
}
