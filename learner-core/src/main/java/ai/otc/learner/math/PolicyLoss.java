package ai.otc.learner.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.otc.policy.model.OwnedArrays;

/**
 * The actor's loss of one micro-batch (LEARNER.md §6, with §9's current-verl options): the PPO clipped surrogate, the
 * entropy bonus and the KL loss to the reference, each aggregated under the loss mask with the same
 * {@link LossAggregation}:
 *
 * <pre>
 * Δ  = logπθ − logπold                 (clamped to ±logRatioClamp when that is &gt; 0; SR1: no clamp)
 * ρ  = exp(Δ);  L1 = −A·ρ;  L2 = −A·clamp(ρ, 1 − clipLow, 1 + clipHigh)
 * L  = max(L1, L2); with dual clip c &gt; 0 (current verl) L = min(L, −A·c) where A &lt; 0 (SR1: none)
 * L ·= w                                (per-token importance weight of a stale group, else 1; see PolicyUpdater)
 * pg = agg(L);  ent = agg(H);  kl = agg(k(logπθ, logπref))
 * total = pg − c_ent·ent + c_kl·kl
 * metrics: clipfrac = mean_M [L2 &gt; L1];  clipfrac_lower = mean_M [A &lt; 0 and max(L1, L2) &gt; −A·c];  ppo_kl = mean_M(−Δ)
 * </pre>
 *
 * Gradient semantics are PyTorch's (clamp passes the gradient inside [lo, hi] inclusive; element-wise max splits ties),
 * so masked entries get exactly zero gradient. The metrics are token means over the micro-batch whatever the mode.
 */
public final class PolicyLoss {
  private PolicyLoss() {}

  /**
   * Settings of the loss.
   *
   * @param clipLow         ε below 1 (0.2)
   * @param clipHigh        ε above 1 (0.2; verl's {@code clip_ratio_high})
   * @param dualClip        verl's {@code clip_ratio_c} (3.0) for A &lt; 0, or 0 for none (SR1)
   * @param logRatioClamp   clamp of Δ before {@code exp} (verl: 20), or 0 for none (SR1)
   * @param aggregation     how token losses become one number
   * @param norm            normaliser of {@link LossAggregation#SEQ_MEAN_TOKEN_SUM_NORM}
   * @param entropyCoef     c_ent (≥ 0)
   * @param klCoef          c_kl (≥ 0; 0 leaves the KL out of the total but it is still reported)
   * @param klEstimator     the KL loss's estimator
   */
  public record Settings(double clipLow, double clipHigh, double dualClip, double logRatioClamp,
      LossAggregation aggregation, float norm, double entropyCoef, double klCoef, KlEstimator klEstimator) {}

  /**
   * The loss's terms, all scalars in the manager of the inputs. {@code total} carries the graph of {@code logProbs}
   * (and of {@code entropy}, when that has one).
   */
  public record Terms(NDArray total, NDArray pgLoss, NDArray entropy, NDArray kl, NDArray clipFraction,
      NDArray clipFractionLower, NDArray ppoKl) {}

  /**
   * Computes the loss of one micro-batch; every array is (B, T).
   *
   * @param logProbs    logπθ (with a graph on the training path)
   * @param oldLogProbs logπold (constant)
   * @param refLogProbs logπref (constant); may be null when {@code klCoef} is 0 (kl is then reported as 0)
   * @param advantages  A (constant)
   * @param entropy     H per token; may be null when {@code entropyCoef} is 0 (entropy is then reported as 0)
   * @param mask        the loss mask (1 = a token the policy generated)
   * @param weights     per-token importance weights (constant), or null for 1
   */
  public static Terms compute(NDArray logProbs, NDArray oldLogProbs, NDArray refLogProbs, NDArray advantages,
      NDArray entropy, NDArray mask, NDArray weights, Settings s) {
    NDArray delta = logProbs.sub(oldLogProbs);
    if (s.logRatioClamp() > 0) {
      delta = delta.clip(-s.logRatioClamp(), s.logRatioClamp());
    }
    NDArray ratio = delta.exp();
    NDArray negA = advantages.neg();
    NDArray l1 = negA.mul(ratio);
    NDArray l2 = negA.mul(ratio.clip(1 - s.clipLow(), 1 + s.clipHigh()));
    NDArray loss = NDArrays.maximum(l1, l2);
    NDArray clipFrac = Masked.mean(l2.gt(l1).toType(mask.getDataType(), false), mask);
    NDArray clipFracLower;
    if (s.dualClip() > 0) {
      NDArray l3 = negA.mul(OwnedArrays.scalar(negA, (float) s.dualClip()));
      NDArray negative = advantages.lt(0f);
      clipFracLower = Masked.mean(loss.gt(l3).logicalAnd(negative).toType(mask.getDataType(), false), mask);
      loss = NDArrays.where(negative, NDArrays.minimum(loss, l3), loss);
    } else {
      clipFracLower = OwnedArrays.scalar(mask.getManager(), 0f);
    }
    if (weights != null) {
      loss = loss.mul(weights);
    }
    NDArray pg = s.aggregation().aggregate(loss, mask, s.norm());
    NDArray total = pg;
    NDArray ent;
    if (entropy != null) {
      ent = s.aggregation().aggregate(entropy, mask, s.norm());
      if (s.entropyCoef() != 0) {
        total = total.sub(ent.mul(OwnedArrays.scalar(ent, (float) s.entropyCoef())));
      }
    } else {
      ent = OwnedArrays.scalar(mask.getManager(), 0f);
    }
    NDArray kl;
    if (refLogProbs != null) {
      kl = s.aggregation().aggregate(s.klEstimator().apply(logProbs, refLogProbs), mask, s.norm());
      if (s.klCoef() != 0) {
        total = total.add(kl.mul(OwnedArrays.scalar(kl, (float) s.klCoef())));
      }
    } else {
      kl = OwnedArrays.scalar(mask.getManager(), 0f);
    }
    NDArray ppoKl = Masked.mean(delta.neg(), mask);
    return new Terms(total, pg, ent, kl, clipFrac, clipFracLower, ppoKl);
  }
}
