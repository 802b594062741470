package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The PPO critic (LEARNER.md §5.2): a {@link PolicyModel} with a scalar value head on its final hidden state,
 * initialised from a warm start's trunk with a <b>fresh</b> head, as verl builds its critic from the base LLM
 * ({@code AutoModelForTokenClassification(num_labels=1)}).
 *
 * <p>Head initialisation (documented contract, tested): {@code value.w} (1, dModel) ~ normal(0, 0.02) drawn with
 * {@code java.util.Random(headSeed).nextGaussian()} in row-major order, {@code value.b} = 0. That is the HF
 * {@code _init_weights} rule for a new {@code Linear} in a pretrained model (std = initializer_range 0.02, zero bias)
 * and the rule {@link PolicyModel} uses for its own fresh heads. Any head already present in the weights is replaced.
 *
 * <p>The critic owns its copy of the weights: training it never touches the policy or the reference.
 */
public final class ValueModel implements AutoCloseable {
  /** Standard deviation of the fresh head's weights. */
  public static final double HEAD_STD = 0.02;

  private final PolicyModel model;

  private ValueModel(PolicyModel model) {
    this.model = model;
  }

  /**
   * A critic from a warm start's config and weights (e.g. {@code artifact.modelConfig(), artifact.weights()}), which
   * may or may not contain a value head; the head is always fresh (see class doc).
   */
  public static ValueModel fromWarmStart(ModelConfig config, Map<String, float[]> weights, long headSeed) {
    return new ValueModel(new PolicyModel(config.withValueHead(true), withFreshHead(config, weights, headSeed)));
  }

  /**
   * A critic with exactly these weights, value head included (a learner checkpoint's: resuming must not draw a fresh
   * head). Throws when the weights lack {@code value.w} / {@code value.b} or a weight has the wrong size.
   */
  public static ValueModel restore(ModelConfig config, Map<String, float[]> weights) {
    if (!weights.containsKey("value.w") || !weights.containsKey("value.b")) {
      throw new IllegalArgumentException("critic weights lack the value head (value.w, value.b)");
    }
    return new ValueModel(new PolicyModel(config.withValueHead(true), weights));
  }

  /** The weight map of {@code weights} plus a fresh value head drawn from {@code headSeed} (see class doc). */
  public static Map<String, float[]> withFreshHead(ModelConfig config, Map<String, float[]> weights, long headSeed) {
    Map<String, float[]> w = new LinkedHashMap<>(weights);
    float[] head = new float[config.dModel()];
    Random rng = new Random(headSeed);
    for (int i = 0; i < head.length; i++) {
      head[i] = (float) (rng.nextGaussian() * HEAD_STD);
    }
    w.put("value.w", head);
    w.put("value.b", new float[1]);
    return w;
  }

  /** The underlying model: its {@code parameters()} are what the critic's optimizer updates. */
  public PolicyModel model() {
    return model;
  }

  /**
   * Values (B, T) of int64 ids (B, T), multiplied by the attention mask (position &lt; length: verl's
   * {@code values * attention_mask}, so entries at padded positions are exactly 0). Records a graph iff
   * {@code withGrad}, on whatever thread calls (see {@link Grad}). Skips the (B, T, V) logits.
   */
  public NDArray values(NDArray ids, int[] lengths, boolean withGrad) {
    long b = ids.getShape().get(0);
    int t = (int) ids.getShape().get(1);
    if (lengths.length != b) {
      throw new IllegalArgumentException("lengths has " + lengths.length + " rows, ids " + b);
    }
    float[] m = new float[(int) b * t];
    for (int i = 0; i < b; i++) {
      if (lengths[i] < 1 || lengths[i] > t) {
        throw new IllegalArgumentException("length of row " + i + " is " + lengths[i] + ", must be in 1.." + t);
      }
      java.util.Arrays.fill(m, i * t, i * t + lengths[i], 1f);
    }
    NDArray mask = OwnedArrays.of(ids.getManager(), m, new ai.djl.ndarray.types.Shape(b, t));
    try (Grad g = withGrad ? Grad.enabled() : Grad.disabled()) {
      return model.values(model.hidden(ids)).mul(mask);
    }
  }

  /** Copies the critic's weights (for checkpoints). */
  public Map<String, float[]> weights() {
    return model.weights();
  }

  @Override
  public void close() {
    model.close();
  }
}
