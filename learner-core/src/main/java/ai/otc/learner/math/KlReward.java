package ai.otc.learner.math;

/**
 * SR1's {@code apply_kl_penalty} (LEARNER.md §5.1), the PPO path's KL-in-reward with a fixed coefficient:
 *
 * <pre>
 * kld[i,t] = k(logπold, logπref)[i,t] · info_r[i,t]        (k = k1 in SR1)
 * R[i,t]   = S[i,t] − β · kld[i,t]
 * metric   = mean_i( Σ_t kld·info_r / Σ_t info_r )          (critic/kl)
 * </pre>
 */
public final class KlReward {
  private KlReward() {}

  /** Token rewards R and the {@code critic/kl} metric (rows without masked-in tokens count 0 in the mean's numerator). */
  public record Result(double[][] rewards, double[][] kld, double meanKl) {}

  /** Applies the penalty to token-level scores {@code s} (ragged rows, all arrays the same shape). */
  public static Result apply(double[][] s, double[][] oldLogProbs, double[][] refLogProbs, double[][] mask, double beta,
      KlEstimator estimator) {
    double[][] r = new double[s.length][];
    double[][] kld = new double[s.length][];
    double metric = 0;
    for (int i = 0; i < s.length; i++) {
      int n = s[i].length;
      r[i] = new double[n];
      kld[i] = new double[n];
      double sum = 0;
      double cnt = 0;
      for (int t = 0; t < n; t++) {
        kld[i][t] = estimator.value(oldLogProbs[i][t], refLogProbs[i][t]) * mask[i][t];
        r[i][t] = s[i][t] - beta * kld[i][t];
        sum += kld[i][t] * mask[i][t];
        cnt += mask[i][t];
      }
      metric += cnt > 0 ? sum / cnt : 0;
    }
    return new Result(r, kld, s.length == 0 ? 0 : metric / s.length);
  }
}
