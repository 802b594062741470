package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * Masked next-token cross-entropy training of a {@link PolicyModel} with {@link AdamW}: the supervised step of the
 * warm start and of the speed benchmark. One step = one forward, one backward, one fused AdamW update per parameter,
 * all intermediates freed by an {@link NDScope}.
 */
public final class LmTrainer {
  private final PolicyModel model;
  private final AdamW optimizer;
  private int skipped;

  /** AdamW(β1 0.9, β2 0.98, ε 1e-8, weight decay {@code weightDecay}, element clip 1). */
  public LmTrainer(PolicyModel model, float weightDecay) {
    this.model = model;
    this.optimizer = new AdamW(model, 0.9f, 0.98f, 1e-8f, weightDecay, 1f);
  }

  public PolicyModel model() {
    return model;
  }

  /**
   * One update on a batch. {@code tokens[i]} is a whole sequence and {@code lossMask[i][j]} says whether token j is
   * trained (predicted from tokens &lt; j); rows are right-padded to {@code length} (≤ context).
   *
   * @return the mean loss over trained tokens (before the update); NaN or infinite when the step was skipped because
   *     the loss was not finite (the gradients are then discarded and the parameters and optimizer state are unchanged)
   */
  public float step(int[][] tokens, float[][] lossMask, int length, float lr) {
    int b = tokens.length;
    int t = length - 1;
    long[] in = new long[b * t];
    long[] tgt = new long[b * t];
    float[] m = new float[b * t];
    float count = 0;
    for (int i = 0; i < b; i++) {
      int[] s = tokens[i];
      for (int j = 0; j < t; j++) {
        if (j < s.length) {
          in[i * t + j] = s[j];
        }
        if (j + 1 < s.length) {
          tgt[i * t + j] = s[j + 1];
          m[i * t + j] = lossMask[i][j + 1];
          count += m[i * t + j];
        }
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException("batch has no trained token");
    }
    float loss;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDManager mg = model.manager();
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        NDArray ids = mg.create(in, new Shape(b, t));
        NDArray target = mg.create(tgt, new Shape(b, t, 1));
        NDArray mask = mg.create(m, new Shape(b, t));
        NDArray logits = model.forward(ids).logits();
        NDArray nll = logits.logSoftmax(-1).gather(target, 2).reshape(b, t).mul(mask).sum().neg().div(count);
        loss = nll.getFloat();
        if (!Float.isFinite(loss)) {
          skipped++;
          return loss;
        }
        gc.backward(nll);
      }
      optimizer.step(lr);
    }
    return loss;
  }

  /** Steps skipped because their loss was not finite. */
  public int skipped() {
    return skipped;
  }

  /** Updates done so far. */
  public int steps() {
    return optimizer.steps();
  }
}
