package ai.otc.core.reward;

/**
 * GRPO outcome advantages per group, as verl's {@code compute_grpo_outcome_advantage}
 * (LEARNER.md §4): (r − mean) / (unbiased std + 1e-6); a group of one uses mean 0 and std 1.
 */
public final class GrpoAdvantage {

  /** ε added to the standard deviation (not the variance). */
  public static final double EPSILON = 1e-6;

  private GrpoAdvantage() {}

  /** Returns a new array of advantages, one per reward, in the same order. */
  public static double[] compute(double[] rewards) {
    double[] out = new double[rewards.length];
    computeInto(rewards, rewards.length, out);
    return out;
  }

  /** Writes the advantages of {@code rewards[0..size)} into {@code out} (no allocation, for hot paths). */
  public static void computeInto(double[] rewards, int size, double[] out) {
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
    for (int i = 0; i < size; i++) {
      out[i] = (rewards[i] - mean) / (std + EPSILON);
    }
  }
}
