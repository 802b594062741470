package ai.otc.learner.math;

import ai.otc.core.reward.GrpoAdvantage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SR1's {@code compute_grpo_outcome_advantage} (LEARNER.md §4) at token level, for checks: the learner itself trains
 * on the reward service's {@code ScoredTrajectory.advantage}, which otc-core's {@link GrpoAdvantage} computes per
 * group with the same rule (unbiased std + 1e-6; a group of one uses μ = 0, σ = 1); this class reuses it.
 *
 * <pre>
 * s_i = Σ_t R[i,t];  Â_i = (s_i − μ_g) / (σ_g + 1e-6) over the rows with the same uid;  A[i,t] = Â_i · attn_r[i,t]
 * </pre>
 */
public final class GrpoOutcome {
  private GrpoOutcome() {}

  /** Per-row advantages Â (grouped by {@code uid}, in row order). */
  public static double[] rowAdvantages(double[][] tokenScores, Object[] uid) {
    if (tokenScores.length != uid.length) {
      throw new IllegalArgumentException(tokenScores.length + " rows but " + uid.length + " uids");
    }
    double[] s = new double[tokenScores.length];
    for (int i = 0; i < s.length; i++) {
      for (double x : tokenScores[i]) {
        s[i] += x;
      }
    }
    Map<Object, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < uid.length; i++) {
      groups.computeIfAbsent(uid[i], k -> new ArrayList<>()).add(i);
    }
    double[] out = new double[s.length];
    for (List<Integer> rows : groups.values()) {
      double[] r = new double[rows.size()];
      for (int k = 0; k < r.length; k++) {
        r[k] = s[rows.get(k)];
      }
      double[] a = GrpoAdvantage.compute(r);
      for (int k = 0; k < r.length; k++) {
        out[rows.get(k)] = a[k];
      }
    }
    return out;
  }

  /** Token-level advantages {@code A[i,t] = Â_i · attn_r[i,t]}. */
  public static double[][] tokenAdvantages(double[][] tokenScores, double[][] attn, Object[] uid) {
    double[] a = rowAdvantages(tokenScores, uid);
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = new double[attn[i].length];
      for (int t = 0; t < out[i].length; t++) {
        out[i][t] = a[i] * attn[i][t];
      }
    }
    return out;
  }
}
