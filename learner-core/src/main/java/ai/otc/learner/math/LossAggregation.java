package ai.otc.learner.math;

import ai.djl.ndarray.NDArray;
import ai.otc.policy.model.OwnedArrays;
import java.util.Locale;

/**
 * How a (B, T) per-token loss becomes one number: verl's {@code agg_loss(loss_mat, loss_mask, loss_agg_mode)}
 * (LEARNER.md §9), applied per micro-batch (the legacy worker's semantics, which are SR1's for {@link #TOKEN_MEAN}).
 * Σ_M means the sum over entries where the mask is 1.
 */
public enum LossAggregation {
  /** {@code Σ_M x / ΣM} over the whole micro-batch (SR1, verl's default). */
  TOKEN_MEAN("token-mean"),
  /** The mean over rows (with at least one masked-in token) of each row's token mean. */
  SEQ_MEAN_TOKEN_MEAN("seq-mean-token-mean"),
  /** The mean over rows (with at least one masked-in token) of each row's token sum. */
  SEQ_MEAN_TOKEN_SUM("seq-mean-token-sum"),
  /** {@code Σ_M x / N} with a fixed normaliser N (verl: the response width; Dr.GRPO's constant). */
  SEQ_MEAN_TOKEN_SUM_NORM("seq-mean-token-sum-norm");

  private final String wireName;

  LossAggregation(String wireName) {
    this.wireName = wireName;
  }

  /** verl's name of the mode ({@code token-mean}, …). */
  public String wireName() {
    return wireName;
  }

  /** Parses verl's name (case-insensitive, {@code _} accepted for {@code -}); throws naming the accepted values. */
  public static LossAggregation parse(String s) {
    String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (LossAggregation a : values()) {
      if (a.wireName.equals(v)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown loss aggregation '" + s
        + "': expected token-mean, seq-mean-token-mean, seq-mean-token-sum or seq-mean-token-sum-norm");
  }

  /**
   * Aggregates {@code loss} (B, T) under {@code mask} (B, T, 0/1) to a scalar (differentiable in {@code loss}).
   *
   * @param norm the normaliser of {@link #SEQ_MEAN_TOKEN_SUM_NORM} (ignored by the other modes), &gt; 0
   */
  public NDArray aggregate(NDArray loss, NDArray mask, float norm) {
    NDArray masked = loss.mul(mask);
    return switch (this) {
      case TOKEN_MEAN -> masked.sum().div(mask.sum());
      case SEQ_MEAN_TOKEN_MEAN, SEQ_MEAN_TOKEN_SUM -> {
        NDArray rowTokens = mask.sum(new int[] {1});
        NDArray rowHas = rowTokens.gt(0).toType(loss.getDataType(), false);
        NDArray rowSum = masked.sum(new int[] {1});
        NDArray per = this == SEQ_MEAN_TOKEN_MEAN ? rowSum.div(rowTokens.maximum(OwnedArrays.scalar(rowTokens, 1f))) : rowSum;
        yield per.mul(rowHas).sum().div(rowHas.sum());
      }
      case SEQ_MEAN_TOKEN_SUM_NORM -> {
        if (!(norm > 0)) {
          throw new IllegalArgumentException("seq-mean-token-sum-norm needs a normaliser > 0, got " + norm);
        }
        yield masked.sum().div(OwnedArrays.scalar(masked, norm));
      }
    };
  }

  /** The same aggregation on double arrays (reference form for tests and checks). */
  public double aggregate(double[][] loss, double[][] mask, double norm) {
    double sum = 0;
    double count = 0;
    double rows = 0;
    double perRow = 0;
    for (int i = 0; i < loss.length; i++) {
      double s = 0;
      double n = 0;
      for (int t = 0; t < loss[i].length; t++) {
        s += loss[i][t] * mask[i][t];
        n += mask[i][t];
      }
      sum += s;
      count += n;
      if (n > 0) {
        rows++;
        perRow += this == SEQ_MEAN_TOKEN_MEAN ? s / n : s;
      }
    }
    return switch (this) {
      case TOKEN_MEAN -> sum / count;
      case SEQ_MEAN_TOKEN_MEAN, SEQ_MEAN_TOKEN_SUM -> perRow / rows;
      case SEQ_MEAN_TOKEN_SUM_NORM -> sum / norm;
    };
  }
}
