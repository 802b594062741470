package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * Masked next-token cross-entropy training of a {@link PolicyModel} with {@link AdamW}: the supervised step of the
 * warm start and of the speed benchmark. One step = one forward, one backward, the global gradient norm, one fused
 * AdamW update per parameter, all intermediates freed by an {@link NDScope}.
 */
public final class LmTrainer {
  /** Global gradient-norm clip of the warm start: verl's default {@code grad_clip}. */
  public static final float MAX_GRAD_NORM = 1f;

  private final PolicyModel model;
  private final AdamW optimizer;
  private int skippedLoss;
  private float lastGradNorm = Float.NaN;

  /**
   * AdamW(β1 0.9, β2 0.98, ε 1e-8, weight decay {@code weightDecay}), gradients clipped to global L2 norm
   * {@link #MAX_GRAD_NORM} (an element-wise clip is not offered: DJL's native one is one-sided, and verl clips by norm).
   */
  public LmTrainer(PolicyModel model, float weightDecay) {
    this(model, new AdamW(model, new AdamW.Settings(0.9f, 0.98f, 1e-8f, weightDecay, MAX_GRAD_NORM)));
  }

  /** A trainer with a given optimizer over {@code model}'s parameters (e.g. one restored from a checkpoint). */
  public LmTrainer(PolicyModel model, AdamW optimizer) {
    this.model = model;
    this.optimizer = optimizer;
  }

  public PolicyModel model() {
    return model;
  }

  public AdamW optimizer() {
    return optimizer;
  }

  /**
   * One update on a batch. {@code tokens[i]} is a whole sequence and {@code lossMask[i][j]} says whether token j is
   * trained (predicted from tokens &lt; j); rows are right-padded to {@code length} (≤ context).
   *
   * @return the mean loss over trained tokens (before the update). The step is skipped (parameters and optimizer state
   *     unchanged, gradients discarded, {@link #skipped} counts it) when the loss is not finite, then NaN or infinite is
   *     returned, or when the gradient norm is not finite, then NaN is returned ({@link #lastGradNorm} says which)
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
        NDArray ids = OwnedArrays.of(mg, in, new Shape(b, t));
        NDArray target = OwnedArrays.of(mg, tgt, new Shape(b, t, 1));
        NDArray mask = OwnedArrays.of(mg, m, new Shape(b, t));
        NDArray logits = model.forward(ids).logits();
        NDArray nll = logits.logSoftmax(-1).gather(target, 2).reshape(b, t).mul(mask).sum().neg().div(OwnedArrays.scalar(mg, count));
        loss = nll.getFloat();
        if (!Float.isFinite(loss)) {
          skippedLoss++;
          lastGradNorm = Float.NaN;
          return loss;
        }
        gc.backward(nll);
      }
      AdamW.StepResult r = optimizer.step(lr);
      lastGradNorm = r.gradNorm();
      if (!r.applied()) {
        return Float.NaN;
      }
    }
    return loss;
  }

  /** Steps skipped because their loss or their gradient norm was not finite. */
  public int skipped() {
    return skippedLoss + optimizer.skipped();
  }

  /** Steps skipped because their loss was not finite (the rest of {@link #skipped} had a non-finite gradient). */
  public int skippedForLoss() {
    return skippedLoss;
  }

  /** Global gradient norm before clipping of the last step (NaN when its loss was not finite). */
  public float lastGradNorm() {
    return lastGradNorm;
  }

  /** Updates done so far. */
  public int steps() {
    return optimizer.steps();
  }
}
