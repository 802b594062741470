package ai.otc.reward.support;

/**
 * Independent re-statement of OTC.md §1.3 and the GRPO advantage (Search-R1's
 * compute_grpo_outcome_advantage) for test oracles: written from the spec, not from otc-core.
 */
public final class Expected {

  private Expected() {}

  /** r_tool of OTC-GRPO for n defined, closed form of OTC.md §1.3. */
  public static double rToolGrpo(int m, int n, double c) {
    if (n == 0) {
      return Math.cos(m * Math.PI / (2.0 * m + c));
    }
    return Math.sin(Math.PI * m / (double) (m + n));
  }

  /** (r − mean) / (unbiased std + 1e-6); a group of one: mean 0, std 1. */
  public static double[] advantages(double[] r) {
    double[] out = new double[r.length];
    if (r.length == 1) {
      out[0] = r[0] / (1 + 1e-6);
      return out;
    }
    double mean = 0;
    for (double x : r) {
      mean += x;
    }
    mean /= r.length;
    double var = 0;
    for (double x : r) {
      var += (x - mean) * (x - mean);
    }
    double std = Math.sqrt(var / (r.length - 1));
    for (int i = 0; i < r.length; i++) {
      out[i] = (r[i] - mean) / (std + 1e-6);
    }
    return out;
  }
}
