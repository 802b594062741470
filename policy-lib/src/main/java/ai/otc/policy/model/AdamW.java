package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW over a model's parameters using the engine's fused update (one native call per parameter, which also zeroes
 * the gradient). Moment buffers are allocated once, outside any scope, so they survive step scopes.
 */
public final class AdamW {
  private final Map<String, NDArray[]> state = new LinkedHashMap<>();
  private final Map<String, NDArray> params;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final float weightDecay;
  private final float clip;
  private int t;

  /**
   * @param weightDecay decoupled weight decay
   * @param clip        element-wise gradient clip (&lt;= 0: none)
   */
  public AdamW(PolicyModel model, float beta1, float beta2, float eps, float weightDecay, float clip) {
    this.params = model.parameters();
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.clip = clip;
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray m = e.getValue().zerosLike();
      NDArray v = e.getValue().zerosLike();
      NDScope.unregister(m, v);
      state.put(e.getKey(), new NDArray[] {m, v});
    }
  }

  /** Updates every parameter with learning rate {@code lr} from its current gradient, then zeroes the gradients. */
  public void step(float lr) {
    t++;
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    float corrected = (float) (lr * Math.sqrt(c2) / c1);
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray w = e.getValue();
      NDArray[] mv = state.get(e.getKey());
      try (NDArray g = w.getGradient()) {
        w.getNDArrayInternal().adamUpdate(new NDList(w, g, mv[0], mv[1]), new NDList(w), corrected, lr, weightDecay, 1f,
            clip > 0 ? clip : -1f, beta1, beta2, eps, true, true);
      }
    }
  }

  /** Number of updates done. */
  public int steps() {
    return t;
  }
}
