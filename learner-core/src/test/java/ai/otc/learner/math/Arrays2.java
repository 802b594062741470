package ai.otc.learner.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Helpers: double matrices to (B, T) float32 NDArrays and back. */
final class Arrays2 {
  private Arrays2() {}

  static NDArray nd(NDManager m, double[][] x) {
    int b = x.length;
    int t = x[0].length;
    float[] f = new float[b * t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        f[i * t + j] = (float) x[i][j];
      }
    }
    return m.create(f, new Shape(b, t));
  }

  static double[][] rows(NDArray a) {
    return Gae.rows(a);
  }

  static double[][] full(int b, int t, double v) {
    double[][] x = new double[b][t];
    for (double[] r : x) {
      java.util.Arrays.fill(r, v);
    }
    return x;
  }
}
