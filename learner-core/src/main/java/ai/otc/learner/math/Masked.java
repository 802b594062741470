package ai.otc.learner.math;

import ai.djl.ndarray.NDArray;
import ai.otc.policy.model.OwnedArrays;

/**
 * Masked reductions and SR1's {@code masked_whiten} (LEARNER.md §5.3), on NDArrays (training path) and double arrays
 * (reference form). Masks are 0/1 arrays of the data's shape; Σ_M x = Σ x·M.
 */
public final class Masked {
  /** The ε of {@code masked_whiten}: {@code x̂ = (x − μ)·rsqrt(var + 1e-8)}. */
  public static final double WHITEN_EPS = 1e-8;

  private Masked() {}

  /** {@code Σ_M x / ΣM} (SR1's {@code masked_mean}, no ε): a scalar. */
  public static NDArray mean(NDArray x, NDArray mask) {
    return x.mul(mask).sum().div(mask.sum());
  }

  /** {@code Σ_M x / ΣM} in double precision. */
  public static double mean(double[][] x, double[][] mask) {
    double s = 0;
    double n = 0;
    for (int i = 0; i < x.length; i++) {
      for (int t = 0; t < x[i].length; t++) {
        s += x[i][t] * mask[i][t];
        n += mask[i][t];
      }
    }
    return s / n;
  }

  /**
   * SR1's {@code masked_whiten(x, M)}: μ = Σ_M x / ΣM, unbiased var = (Σ_M (x − μ)² / ΣM)·ΣM/(ΣM − 1), and
   * {@code (x − μ)·rsqrt(var + 1e-8)} at <b>every</b> position (masked entries are transformed too and must only be
   * used under a mask). Needs ΣM ≥ 2.
   */
  public static NDArray whiten(NDArray x, NDArray mask) {
    float n = mask.sum().getFloat();
    if (!(n >= 2)) {
      throw new IllegalArgumentException("whitening needs at least 2 masked-in entries, got " + n);
    }
    NDArray count = OwnedArrays.scalar(x, n);
    NDArray mu = x.mul(mask).sum().div(count);
    NDArray centred = x.sub(mu);
    NDArray var = centred.mul(centred).mul(mask).sum().div(count).mul(OwnedArrays.scalar(x, n / (n - 1)));
    return centred.div(var.add(OwnedArrays.scalar(x, (float) WHITEN_EPS)).sqrt());
  }

  /** {@link #whiten(NDArray, NDArray)} in double precision; returns a new array. */
  public static double[][] whiten(double[][] x, double[][] mask) {
    double[] mv = meanVar(x, mask);
    double scale = 1 / Math.sqrt(mv[1] + WHITEN_EPS);
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new double[x[i].length];
      for (int t = 0; t < x[i].length; t++) {
        out[i][t] = (x[i][t] - mv[0]) * scale;
      }
    }
    return out;
  }

  /** {μ, unbiased var} of the masked-in entries, as {@link #whiten} uses them. */
  public static double[] meanVar(double[][] x, double[][] mask) {
    double n = 0;
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      for (int t = 0; t < x[i].length; t++) {
        s += x[i][t] * mask[i][t];
        n += mask[i][t];
      }
    }
    if (!(n >= 2)) {
      throw new IllegalArgumentException("whitening needs at least 2 masked-in entries, got " + n);
    }
    double mu = s / n;
    double sq = 0;
    for (int i = 0; i < x.length; i++) {
      for (int t = 0; t < x[i].length; t++) {
        double d = x[i][t] - mu;
        sq += d * d * mask[i][t];
      }
    }
    return new double[] {mu, sq / n * n / (n - 1)};
  }
}
