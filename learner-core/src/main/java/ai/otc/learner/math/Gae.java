package ai.otc.learner.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.otc.policy.model.OwnedArrays;

/**
 * SR1's {@code compute_gae_advantage_return} (LEARNER.md §5.3) before whitening: the recursion runs over every position
 * of a row, ignoring masks (observation tokens are ordinary time steps), with the next value 0 after the last column.
 * With γ = λ = 1 it reduces to {@code Ret[t] = Σ_{k≥t} R[k]} and {@code A = Ret − V}. Returns are not whitened; the
 * advantages are whitened over the whole batch afterwards ({@link Masked#whiten}).
 */
public final class Gae {
  private Gae() {}

  /** Raw advantages and returns, both (B, T). */
  public record Result(double[][] advantages, double[][] returns) {}

  /**
   * GAE over rows of token-level rewards {@code r} and values {@code v} (same ragged shape; row i's last entry is its
   * last time step).
   */
  public static Result compute(double[][] r, double[][] v, double gamma, double lambda) {
    double[][] adv = new double[r.length][];
    double[][] ret = new double[r.length][];
    for (int i = 0; i < r.length; i++) {
      int n = r[i].length;
      if (v[i].length != n) {
        throw new IllegalArgumentException("row " + i + ": " + n + " rewards but " + v[i].length + " values");
      }
      adv[i] = new double[n];
      ret[i] = new double[n];
      double g = 0;
      for (int t = n - 1; t >= 0; t--) {
        double next = t < n - 1 ? v[i][t + 1] : 0;
        double delta = r[i][t] + gamma * next - v[i][t];
        g = delta + gamma * lambda * g;
        adv[i][t] = g;
        ret[i][t] = g + v[i][t];
      }
    }
    return new Result(adv, ret);
  }

  /**
   * The same on (B, T) NDArrays without a graph (the recursion is sequential over T and cheap: it runs on the host as
   * SR1 runs it on the driver); the two results are created in the manager of {@code r}.
   */
  public static NDArray[] compute(NDArray r, NDArray v, double gamma, double lambda) {
    Shape s = r.getShape();
    Result res = compute(rows(r), rows(v), gamma, lambda);
    return new NDArray[] {OwnedArrays.of(r.getManager(), flat(res.advantages()), s), OwnedArrays.of(r.getManager(), flat(res.returns()), s)};
  }

  static double[][] rows(NDArray a) {
    int b = (int) a.getShape().get(0);
    int t = (int) a.getShape().get(1);
    float[] f = a.toFloatArray();
    double[][] out = new double[b][t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        out[i][j] = f[i * t + j];
      }
    }
    return out;
  }

  static float[] flat(double[][] x) {
    int t = x.length == 0 ? 0 : x[0].length;
    float[] f = new float[x.length * t];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < t; j++) {
        f[i * t + j] = (float) x[i][j];
      }
    }
    return f;
  }
}
