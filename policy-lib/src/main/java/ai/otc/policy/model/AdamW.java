package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy's optimizer: {@code torch.optim.AdamW} (decoupled weight decay, bias-corrected moments) preceded by
 * verl's {@code grad_clip} (global-norm clipping as {@code torch.nn.utils.clip_grad_norm_}), with verl's rule that a
 * step whose gradient norm is not finite is skipped. Its state (moments, step count, skip count, settings) is saved
 * and loaded bit for bit by {@link AdamWState}.
 *
 * <p>One step, as torch does it for every parameter {@code p} with gradient {@code g} at step {@code t}:
 * {@code p -= lr·wd·p; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
 * p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + ε)}, after {@code g *= min(1, maxNorm/(‖g‖ + 1e-6))} with
 * {@code ‖g‖} the L2 norm over all parameters' gradients together. A parameter whose gradient is undefined (not
 * reached by the backward pass) is left alone, as torch skips parameters whose {@code grad} is {@code None}; the step
 * count is one for the whole optimizer, where torch keeps one per parameter (they differ only for a parameter that has
 * a gradient on some steps and none on others).
 *
 * <p>The update uses DJL's fused native op (one JNI call per parameter; it also zeroes the gradient). Verified against
 * DJL 0.36.0's source ({@code deepjavalibrary/djl} tag {@code v0.36.0}):
 * <ul>
 *   <li>{@code NDArrayEx.adamUpdate(inputs, weights, learningRate, learningRateBiasCorrection, weightDecay,
 *       rescaleGrad, clipGrad, beta1, beta2, epsilon, lazyUpdate, adamw)}; {@code PtNDArrayEx.adamUpdate} passes the
 *       arguments in this order through {@code JniUtils.adamUpdate} to the JNI function in
 *       {@code pytorch-native/src/main/native/ai_djl_pytorch_jni_PyTorchLibrary_optim.cc}, then zeroes the gradient.
 *   <li>The native code: {@code g = clone(grad); if (rescale != 1) g *= rescale; if (clip >= 0) g.clamp_max_(clip)}
 *       (one-sided: negative gradients are never clipped, so this class never uses it and passes -1);
 *       with {@code adamw}: {@code w -= w·learningRate·weightDecay}; then {@code m, v} as above and
 *       {@code w -= m·learningRateBiasCorrection / (sqrt(v) + epsilon)}. So the <b>first</b> rate is the plain rate
 *       (it decays the weights) and the <b>second</b> is the bias-corrected step rate; DJL's own
 *       {@code ai.djl.training.optimizer.AdamW.update} passes {@code (lr, lr·sqrt(1-β2^t)/(1-β1^t))} in that order.
 *       This class's earlier version swapped them (no bias correction; decay with the corrected rate).
 *   <li>The native op adds ε to {@code sqrt(v)} before the bias correction, torch after it. Since
 *       {@code lr/(1-β1^t) · m/(sqrt(v)/sqrt(c2) + ε) = (lr·sqrt(c2)/(1-β1^t)) · m/(sqrt(v) + ε·sqrt(c2))} with
 *       {@code c2 = 1-β2^t}, passing {@code ε·sqrt(c2)} as the op's epsilon gives torch's update exactly (up to float
 *       rounding). With ε passed unscaled, the reference's tensor with gradients near 1e-4 was off by up to 1.8e-5 after the
 *       first step (the swapped rates: 4e-3).
 *   <li>Global-norm clipping goes through {@code rescaleGrad} (the op multiplies the cloned gradient by it).
 * </ul>
 * The test {@code AdamWTest} checks 20-step trajectories against {@code torch.optim.AdamW} (β2 0.98 and 0.999, with and
 * without weight decay, clipped, with non-finite steps), produced by {@code bench/adamw_reference.py}.
 *
 * <p>Moment buffers are allocated outside any {@link NDScope}, in each parameter's manager, so they live as long as the
 * model. Not thread-safe: one training thread.
 */
public final class AdamW {
  /** The sum torch adds to the total norm before dividing ({@code clip_grad_norm_}). */
  private static final float CLIP_EPS = 1e-6f;

  /**
   * Hyper-parameters.
   *
   * @param beta1       first-moment decay, in [0, 1)
   * @param beta2       second-moment decay, in [0, 1)
   * @param eps         added to the bias-corrected sqrt(v) (torch's placement), &gt; 0
   * @param weightDecay decoupled weight decay (multiplied by the step's learning rate), &gt;= 0
   * @param maxGradNorm global L2 norm the gradients are clipped to (verl's {@code grad_clip}); 0 = no clipping
   */
  public record Settings(float beta1, float beta2, float eps, float weightDecay, float maxGradNorm) {
    /** Throws naming the bad setting. */
    public Settings {
      if (!(beta1 >= 0 && beta1 < 1)) {
        throw new IllegalArgumentException("AdamW beta1 must be in [0, 1): " + beta1);
      }
      if (!(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException("AdamW beta2 must be in [0, 1): " + beta2);
      }
      if (!(eps > 0) || Float.isInfinite(eps)) {
        throw new IllegalArgumentException("AdamW eps must be > 0 and finite: " + eps);
      }
      if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
        throw new IllegalArgumentException("AdamW weight decay must be >= 0 and finite: " + weightDecay);
      }
      if (!(maxGradNorm >= 0) || Float.isInfinite(maxGradNorm)) {
        throw new IllegalArgumentException("AdamW max grad norm must be >= 0 (0 = no clipping) and finite: " + maxGradNorm);
      }
    }
  }

  /**
   * What one {@link #step} did.
   *
   * @param gradNorm the global L2 norm of the gradients before clipping (NaN or infinite when the step was skipped)
   * @param applied  false when the step was skipped because {@code gradNorm} was not finite
   */
  public record StepResult(float gradNorm, boolean applied) {}

  private final Map<String, NDArray> params;
  private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
  private final Settings settings;
  private int t;
  private int skipped;

  /** A fresh optimizer (zero moments, step 0) over the model's parameters. */
  public AdamW(PolicyModel model, Settings settings) {
    this(model.parameters(), settings);
  }

  /** A fresh optimizer over {@code params} (name to parameter; every one must require a gradient). */
  public AdamW(Map<String, NDArray> params, Settings settings) {
    this.params = new LinkedHashMap<>(params);
    this.settings = settings;
    if (this.params.isEmpty()) {
      throw new IllegalArgumentException("AdamW needs at least one parameter");
    }
    for (Map.Entry<String, NDArray> e : this.params.entrySet()) {
      if (!e.getValue().hasGradient()) {
        throw new IllegalArgumentException("parameter " + e.getKey() + " does not require a gradient");
      }
      NDArray m = e.getValue().zerosLike();
      NDArray v = e.getValue().zerosLike();
      NDScope.unregister(m, v);
      moments.put(e.getKey(), new NDArray[] {m, v});
    }
  }

  /**
   * One update with learning rate {@code lr} from the parameters' current gradients: measures the global gradient
   * norm; if it is not finite, zeroes the gradients and changes nothing else (the step counter does not advance, the
   * skip counter does); otherwise clips, updates every parameter that has a gradient and zeroes the gradients.
   */
  public StepResult step(float lr) {
    if (!(lr >= 0) || Float.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be >= 0 and finite: " + lr);
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Map<String, NDArray> grads = gradients();
      float norm = globalNorm(grads);
      if (!Float.isFinite(norm)) {
        for (String name : grads.keySet()) {
          JniUtils.zeroGrad((PtNDArray) params.get(name));
        }
        skipped++;
        return new StepResult(norm, false);
      }
      float rescale = 1f;
      if (settings.maxGradNorm() > 0) {
        // torch: clip_coef = max_norm / (total + 1e-6), computed as reciprocal() * max_norm; clamped to 1.
        float coef = (1f / (norm + CLIP_EPS)) * settings.maxGradNorm();
        rescale = Math.min(coef, 1f);
      }
      t++;
      double c1 = 1 - Math.pow(settings.beta1(), t);
      double c2 = 1 - Math.pow(settings.beta2(), t);
      float stepRate = (float) (lr * Math.sqrt(c2) / c1);
      float eps = (float) (settings.eps() * Math.sqrt(c2));
      for (Map.Entry<String, NDArray> e : grads.entrySet()) {
        NDArray w = params.get(e.getKey());
        NDArray[] mv = moments.get(e.getKey());
        // Argument order verified against DJL 0.36.0 (class Javadoc): plain rate first, then the step rate; no
        // native clip (-1: its clamp_max is one-sided); eps scaled so that it lands where torch adds it.
        w.getNDArrayInternal().adamUpdate(new NDList(w, e.getValue(), mv[0], mv[1]), new NDList(w), lr, stepRate,
            settings.weightDecay(), rescale, -1f, settings.beta1(), settings.beta2(), eps, true, true);
      }
      return new StepResult(norm, true);
    }
  }

  /** Defined gradients by parameter name (registered in the caller's scope); parameters without one are absent. */
  private Map<String, NDArray> gradients() {
    Map<String, NDArray> g = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      // JniUtils.getGradient answers null for an undefined gradient, where NDArray.getGradient invents zeros.
      NDArray grad = JniUtils.getGradient((PtNDArray) e.getValue());
      if (grad != null) {
        g.put(e.getKey(), grad);
      }
    }
    return g;
  }

  /** torch's {@code norm(stack([norm(g) for g in grads]))}; 0 when no parameter has a gradient. */
  private static float globalNorm(Map<String, NDArray> grads) {
    if (grads.isEmpty()) {
      return 0f;
    }
    List<NDArray> norms = new ArrayList<>(grads.size());
    for (NDArray g : grads.values()) {
      norms.add(g.norm());
    }
    return NDArrays.stack(new NDList(norms)).norm().getFloat();
  }

  /** Writes the state for a checkpoint ({@link AdamWState#save}); does not close {@code out}. */
  public void save(java.io.OutputStream out) throws java.io.IOException {
    AdamWState.save(this, out);
  }

  /** An optimizer over {@code params} with a saved state ({@link AdamWState#load}). */
  public static AdamW load(Map<String, NDArray> params, java.io.InputStream in) throws java.io.IOException {
    return AdamWState.load(params, in);
  }

  /** Updates applied so far (torch's {@code state['step']}; skipped steps do not count). */
  public int steps() {
    return t;
  }

  /** Steps skipped because the gradient norm was not finite. */
  public int skipped() {
    return skipped;
  }

  public Settings settings() {
    return settings;
  }

  /** The parameters this optimizer updates, by name, in order. */
  Map<String, NDArray> parameters() {
    return params;
  }

  /** The (m, v) buffers by parameter name, in parameter order; the optimizer's own arrays, not copies. */
  Map<String, NDArray[]> moments() {
    return moments;
  }

  /** Restores counters (used by {@link AdamWState#load}). */
  void restoreCounters(int steps, int skippedSteps) {
    this.t = steps;
    this.skipped = skippedSteps;
  }
}
