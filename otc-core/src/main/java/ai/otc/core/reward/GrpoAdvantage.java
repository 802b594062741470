package ai.otc.core.reward;

/**
 * GRPO outcome advantages per group, as verl's {@code compute_grpo_outcome_advantage}
 * (LEARNER.md §4): (r − mean) / (unbiased std + 1e-6); a group of one uses mean 0 and std 1. With
 * {@link AdvantageScale#NONE}, r − mean (verl's {@code norm_adv_by_std_in_grpo=False}).
 */
public final class GrpoAdvantage {

  /** ε added to the standard deviation (not the variance). */
  public static final double EPSILON = 1e-6;

  private GrpoAdvantage() {}

  /** Returns a new array of std-scaled advantages, one per reward, in the same order. */
  public static double[] compute(double[] rewards) {
    return compute(rewards, AdvantageScale.STD);
  }

  /** Returns a new array of advantages under {@code scale}, one per reward, in the same order. */
  public static double[] compute(double[] rewards, AdvantageScale scale) {
    double[] out = new double[rewards.length];
    computeInto(rewards, rewards.length, out, scale);
    return out;
  }

  /** Writes the std-scaled advantages of {@code rewards[0..size)} into {@code out} (no allocation, for hot paths). */
  public static void computeInto(double[] rewards, int size, double[] out) {
    computeInto(rewards, size, out, AdvantageScale.STD);
  }

  /** Writes the advantages of {@code rewards[0..size)} under {@code scale} into {@code out} (no allocation). */
  public static void computeInto(double[] rewards, int size, double[] out, AdvantageScale scale) {
    if (size == 0) {
      return;
    }
    double mean = 0;
    double std = 1;
    if (size > 1) {
      double sum = 0;
      for (int i = 0; i < size; i++) {
        sum += rewards[i];
      }
      mean = sum / size;
      double sq = 0;
      for (int i = 0; i < size; i++) {
        double d = rewards[i] - mean;
        sq += d * d;
      }
      std = Math.sqrt(sq / (size - 1));
    }
    if (scale == AdvantageScale.NONE) {
      for (int i = 0; i < size; i++) {
        out[i] = rewards[i] - mean;
      }
      return;
    }
    for (int i = 0; i < size; i++) {
      out[i] = (rewards[i] - mean) / (std + EPSILON);
    }
  }
}
