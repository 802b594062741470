package ai.otc.policy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Tiny models and batches for the learner-side tests (d 16, 1 layer: DJL tests are CPU heavy here). */
final class Tiny {
  static final int V = 40;

  private Tiny() {}

  static ModelConfig config() {
    return new ModelConfig(V, 16, 1, 2, 32, 32, false, "cpu", 7);
  }

  /**
   * The fresh weights of {@link #config()} with every matrix scaled ×15 (std 0.3 instead of 0.02), so that the
   * next-token distributions are far from uniform and log-probs, entropies and gradients differ between positions.
   */
  static Map<String, float[]> sharpWeights(ModelConfig c) {
    try (PolicyModel m = new PolicyModel(c)) {
      Map<String, float[]> w = m.weights();
      for (Map.Entry<String, float[]> e : w.entrySet()) {
        if (e.getKey().endsWith(".w") || e.getKey().endsWith("_emb")) {
          float[] a = e.getValue();
          for (int i = 0; i < a.length; i++) {
            a[i] *= 15f;
          }
        }
      }
      return w;
    }
  }

  static PolicyModel sharpModel() {
    return new PolicyModel(config(), sharpWeights(config()));
  }

  /**
   * Plain SGD on every parameter that has a gradient (p -= lr * grad), then zeroes the gradients; with grad mode off
   * (an in-place update of a leaf must not be recorded). Independent of AdamW on purpose.
   */
  static void sgd(PolicyModel m, float lr) {
    try (Grad off = Grad.disabled()) {
      for (ai.djl.ndarray.NDArray p : m.parameters().values()) {
        try (ai.djl.ndarray.NDArray g = p.getGradient(); ai.djl.ndarray.NDArray step = g.mul(lr)) {
          p.subi(step);
          g.subi(g);
        }
      }
    }
  }

  /** Rows of the given lengths, tokens in 3..V-1 (0 is the pad token). */
  static List<int[]> rows(long seed, int... lengths) {
    Random r = new Random(seed);
    List<int[]> rows = new ArrayList<>();
    for (int n : lengths) {
      int[] a = new int[n];
      for (int i = 0; i < n; i++) {
        a[i] = 3 + r.nextInt(V - 3);
      }
      rows.add(a);
    }
    return rows;
  }
}
