package ai.otc.core.reward;

/**
 * The OTC reward formulas of OTC.md §1, as pure functions. All values are computed with
 * {@link Math} exactly as the paper writes them; {@code n < 0} never occurs (an undefined n is
 * represented by the caller, never passed as +∞).
 */
public final class OtcReward {

  private OtcReward() {}

  /** OTC-PPO tool reward cos(mπ/(2m+c)) (OTC.md §1.2): 1 at m = 0, strictly decreasing towards 0. */
  public static double toolRewardPpo(int m, double c) {
    checkM(m);
    return Math.cos(m * Math.PI / (2.0 * m + c));
  }

  /** The re-mapping f(m, n) of OTC.md §1.3: 0 at m = n = 0, m when n = 0, else 2nm/(m+n). */
  public static double f(int m, int n) {
    checkM(m);
    checkN(n);
    if (n == 0) {
      return m;
    }
    return 2.0 * n * m / (m + (double) n);
  }

  /**
   * OTC-GRPO tool reward (OTC.md §1.3) for a defined n: 1 at m = n = 0, cos(mπ/(2m+c)) when n = 0,
   * sin(f(m,n)π/(2n)) otherwise (1 at m = n, symmetric in m/n ↔ n/m).
   */
  public static double toolRewardGrpo(int m, int n, double c) {
    checkM(m);
    checkN(n);
    if (n == 0) {
      return m == 0 ? 1.0 : Math.cos(m * Math.PI / (2.0 * m + c));
    }
    return Math.sin(f(m, n) * Math.PI / (2.0 * n));
  }

  /**
   * Combines r_tool with r_phi: α·r_tool·r_phi (or α·r_tool + r_phi in the additive ablation),
   * with the wrong-answer policy applied when r_phi ≤ 0.
   */
  public static double combine(double rTool, double rPhi, boolean correct, RewardConfig cfg) {
    if (!correct) {
      switch (cfg.wrongAnswerPolicy()) {
        case ZERO_WHEN_WRONG:
          return 0.0;
        case TOOL_ONLY_WHEN_CORRECT:
          return rPhi;
        case LITERAL:
          break;
      }
    }
    return cfg.additive() ? cfg.alpha() * rTool + rPhi : cfg.alpha() * rTool * rPhi;
  }

  private static void checkM(int m) {
    if (m < 0) {
      throw new IllegalArgumentException("tool-call count m must be >= 0, got " + m);
    }
  }

  private static void checkN(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("optimal tool-call count n must be >= 0, got " + n);
    }
  }
}
