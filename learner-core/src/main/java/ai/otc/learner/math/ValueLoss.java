package ai.otc.learner.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.otc.policy.model.OwnedArrays;

/**
 * SR1's clipped value loss (LEARNER.md §5.4, {@code compute_value_loss}):
 *
 * <pre>
 * Vclip = clamp(Vnew, Vold − c, Vold + c)
 * vf_loss = 0.5 · Σ_M max((Vnew − Ret)², (Vclip − Ret)²) / ΣM
 * vf_clipfrac = Σ_M [(Vclip − Ret)² &gt; (Vnew − Ret)²] / ΣM
 * </pre>
 */
public final class ValueLoss {
  private ValueLoss() {}

  /** The loss (scalar, with the graph of {@code vNew}) and the clip fraction (scalar). */
  public record Terms(NDArray loss, NDArray clipFraction) {}

  /** The same in double precision. */
  public record Values(double loss, double clipFraction) {}

  /** On (B, T) arrays: {@code vNew} with a graph, {@code vOld}, {@code returns} and {@code mask} constant. */
  public static Terms compute(NDArray vNew, NDArray vOld, NDArray returns, NDArray mask, double clip) {
    NDArray range = OwnedArrays.scalar(vOld, (float) clip);
    NDArray vClip = NDArrays.maximum(NDArrays.minimum(vNew, vOld.add(range)), vOld.sub(range));
    NDArray e1 = vNew.sub(returns);
    e1 = e1.mul(e1);
    NDArray e2 = vClip.sub(returns);
    e2 = e2.mul(e2);
    NDArray loss = Masked.mean(NDArrays.maximum(e1, e2), mask).mul(OwnedArrays.scalar(mask, 0.5f));
    NDArray frac = Masked.mean(e2.gt(e1).toType(mask.getDataType(), false), mask);
    return new Terms(loss, frac);
  }

  /** Reference form in double precision. */
  public static Values compute(double[][] vNew, double[][] vOld, double[][] returns, double[][] mask, double clip) {
    double sum = 0;
    double clipped = 0;
    double n = 0;
    for (int i = 0; i < vNew.length; i++) {
      for (int t = 0; t < vNew[i].length; t++) {
        double vc = Math.max(Math.min(vNew[i][t], vOld[i][t] + clip), vOld[i][t] - clip);
        double e1 = (vNew[i][t] - returns[i][t]) * (vNew[i][t] - returns[i][t]);
        double e2 = (vc - returns[i][t]) * (vc - returns[i][t]);
        sum += Math.max(e1, e2) * mask[i][t];
        clipped += (e2 > e1 ? 1 : 0) * mask[i][t];
        n += mask[i][t];
      }
    }
    return new Values(0.5 * sum / n, clipped / n);
  }
}
