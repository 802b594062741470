package ai.otc.learner.update;

/**
 * Current verl's constant schedule with linear warmup (LEARNER.md §8–9), stepped once per <b>training</b> step: during
 * training step {@code s} (1-based), with {@code k = s − 1} and {@code W} warmup steps, every optimizer step uses
 * {@code base · k / max(1, W)} while {@code k < W}, else {@code base}. So {@code W = 0} trains at the full rate from step
 * 1, and with {@code W > 0} step 1 runs at rate 0 (AdamW's moments and step count still advance, as in verl).
 */
public final class LrSchedule {
  private LrSchedule() {}

  /** The learning rate of training step {@code step} (≥ 1). */
  public static double at(double base, int warmupSteps, long step) {
    if (step < 1) {
      throw new IllegalArgumentException("training steps count from 1, got " + step);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmup steps must be >= 0, got " + warmupSteps);
    }
    long k = step - 1;
    return k < warmupSteps ? base * k / Math.max(1, warmupSteps) : base;
  }
}
