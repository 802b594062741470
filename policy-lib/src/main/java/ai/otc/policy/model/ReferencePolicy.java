package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.Map;

/**
 * The frozen reference policy of the KL term (verl's {@code ref}: a frozen copy of the initial model, LEARNER.md §3
 * and §5.1). Its own copy of the weights, so later updates of the live policy never reach it; its parameters do not
 * require gradients, every forward runs with grad mode off on the calling thread, and no training API is exposed.
 *
 * <p>Precision: float32 like the policy (verl loads its reference in bf16; with a model this small there is no
 * memory reason to, and bf16 would add an error of ~1e-2 to every log-prob).
 */
public final class ReferencePolicy implements AutoCloseable {
  private final PolicyModel model;

  private ReferencePolicy(PolicyModel model) {
    this.model = model;
    for (NDArray p : model.parameters().values()) {
      p.setRequiresGradient(false);
    }
  }

  /** A frozen copy of the live model's current weights, on the same device. */
  public static ReferencePolicy copyOf(PolicyModel live) {
    return new ReferencePolicy(new PolicyModel(live.config(), live.weights()));
  }

  /** A frozen model built from weights, e.g. a warm-start artifact's ({@code artifact.modelConfig(), artifact.weights()}). */
  public static ReferencePolicy of(ModelConfig config, Map<String, float[]> weights) {
    return new ReferencePolicy(new PolicyModel(config, weights));
  }

  /** The model's configuration. */
  public ModelConfig config() {
    return model.config();
  }

  /**
   * Per-token reference log-probs (B, T − 1) of right-padded ids (B, T), without a graph; layout as
   * {@link SequenceScorer#score}. The result lives in the caller's scope / the manager of {@code ids}.
   */
  public NDArray logProbs(NDArray ids, int[] lengths, float temperature) {
    return SequenceScorer.score(model, ids, lengths, temperature, false, false).logProbs();
  }

  /** Per-token reference log-probs as Java arrays (layout of {@link SequenceScorer#logProbs}). */
  public float[][] logProbs(List<int[]> rows, float temperature) {
    return SequenceScorer.logProbs(model, rows, temperature);
  }

  /**
   * Whether any parameter requires a gradient, asked of libtorch (not DJL's cached flag): never, unless someone
   * reached in. For tests and health checks.
   */
  public boolean requiresGradient() {
    return model.parameters().values().stream().anyMatch(p -> JniUtils.requiresGrad((PtNDArray) p));
  }

  /** Frees the reference's parameters. */
  @Override
  public void close() {
    model.close();
  }
}
