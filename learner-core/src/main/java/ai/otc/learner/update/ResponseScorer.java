package ai.otc.learner.update;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.otc.learner.batch.Sample;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.SequenceScorer;
import java.util.List;

/**
 * No-grad per-response-token log-probs of samples under a model, chunked: what the updater uses for recomputed old
 * log-probs ({@link OldLogProbs#RECOMPUTE}), the proximal policy of importance correction, and (through the reference's
 * model) the KL reference. Entry {@code t} of a sample's result is {@code log π(response[t] | row before it)}; every
 * response token is scored (masked or not). Frees every array it creates.
 */
public final class ResponseScorer {
  private ResponseScorer() {}

  /**
   * Scores {@code samples} under {@code model} at temperature {@code temperature}, {@code chunk} rows per forward
   * (0 = all at once).
   */
  public static float[][] logProbs(PolicyModel model, List<Sample> samples, float temperature, int chunk) {
    float[][] out = new float[samples.size()][];
    int step = chunk <= 0 ? Math.max(1, samples.size()) : chunk;
    for (int from = 0; from < samples.size(); from += step) {
      List<Sample> part = samples.subList(from, Math.min(samples.size(), from + step));
      List<int[]> rows = part.stream().map(Sample::tokens).toList();
      int t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
      float[] flat;
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray ids = SequenceScorer.ids(model.manager(), rows);
        flat = SequenceScorer.score(model, ids, SequenceScorer.lengths(rows), temperature, false, false).logProbs()
            .toFloatArray();
      }
      for (int i = 0; i < part.size(); i++) {
        Sample s = part.get(i);
        float[] r = new float[s.responseLength()];
        // response token t sits at row position P + t and is scored in column P + t − 1
        System.arraycopy(flat, i * (t - 1) + s.promptLength() - 1, r, 0, r.length);
        out[from + i] = r;
      }
    }
    return out;
  }
}
