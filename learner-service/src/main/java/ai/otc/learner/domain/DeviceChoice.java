package ai.otc.learner.domain;

import java.util.Locale;

/** {@code otc.learner.device}: where the update runs. */
public enum DeviceChoice {
  /** A GPU when DJL's PyTorch engine reports one, else the CPU. */
  AUTO,
  /** The CPU, even when a GPU is there. */
  CPU,
  /** GPU 0; the start fails when the engine reports no GPU. */
  GPU;

  /** The configuration spelling. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
