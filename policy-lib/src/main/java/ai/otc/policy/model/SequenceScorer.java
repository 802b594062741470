package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Per-token log-probabilities and entropies of given right-padded sequences in one batched forward: the learner's
 * {@code log π(y_t | y_<t)} for old, reference and current log-probs (LEARNER.md §3).
 *
 * <p>Layout: for ids (B, T) and row lengths {@code L_i}, output column {@code j} (0 ≤ j &lt; T − 1) scores token
 * {@code j + 1} from the logits at position {@code j} (verl's {@code [:, -T-1:-1]} slice over a whole sequence). It is
 * valid when {@code j + 1 < L_i}; invalid (padded) entries are exactly 0, also in the gradient. Because attention is
 * causal and padding is on the right, padding never changes a valid entry (tested).
 *
 * <p>Formulas at temperature τ, with {@code z = logits / τ}: {@code logp = log_softmax(z)[y]} and
 * {@code H = -Σ softmax(z)·log_softmax(z)}, which equals verl's {@code entropy_from_logits}
 * ({@code logsumexp(z) - Σ softmax(z)·z}). No top-p/top-k (the learner scores under the full softmax).
 *
 * <p>Grad mode is set explicitly for the forward (see {@link Grad}), so the result records a graph iff
 * {@code withGrad}, on whatever thread calls. Results are attached to the manager of {@code ids} and are registered in
 * the caller's {@code NDScope}: call inside a scope (or a sub-manager) and keep only what you need.
 */
public final class SequenceScorer {
  private SequenceScorer() {}

  /**
   * Scores of a batch, all (B, T − 1) float32.
   *
   * @param logProbs log π(token j+1 | tokens ≤ j), 0 where invalid
   * @param entropy  entropy of the tempered next-token distribution at position j, 0 where invalid; null when not asked
   * @param mask     1 where valid ({@code j + 1 < L_i}), else 0
   */
  public record Scores(NDArray logProbs, NDArray entropy, NDArray mask) {}

  /**
   * Scores ids (B, T) int64, right-padded, with per-row lengths.
   *
   * @param withEntropy also compute the entropy (one more pass over the (B, T−1, V) tensor)
   * @param withGrad    record an autograd graph (the loss path) or not (rollout / old / reference log-probs)
   * @throws IllegalArgumentException on a bad shape, a length outside 1..T, T &lt; 2 or &gt; context, or a
   *     temperature that is not a positive finite number
   */
  public static Scores score(PolicyModel model, NDArray ids, int[] lengths, float temperature, boolean withEntropy,
      boolean withGrad) {
    Shape s = ids.getShape();
    if (s.dimension() != 2) {
      throw new IllegalArgumentException("ids must be (B, T), got " + s);
    }
    if (ids.getDataType() != DataType.INT64) {
      throw new IllegalArgumentException("ids must be int64, got " + ids.getDataType());
    }
    int b = (int) s.get(0);
    int t = (int) s.get(1);
    if (lengths.length != b) {
      throw new IllegalArgumentException("lengths has " + lengths.length + " rows, ids " + b);
    }
    if (t < 2 || t > model.config().context()) {
      throw new IllegalArgumentException("sequence length T must be in 2.." + model.config().context() + ", got " + t);
    }
    if (!(temperature > 0) || Float.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a positive finite number, got " + temperature);
    }
    float[] m = new float[b * (t - 1)];
    for (int i = 0; i < b; i++) {
      if (lengths[i] < 1 || lengths[i] > t) {
        throw new IllegalArgumentException("length of row " + i + " is " + lengths[i] + ", must be in 1.." + t);
      }
      for (int j = 0; j + 1 < lengths[i]; j++) {
        m[i * (t - 1) + j] = 1f;
      }
    }
    NDManager mg = ids.getManager();
    NDArray mask = OwnedArrays.of(mg, m, new Shape(b, t - 1));
    try (Grad g = withGrad ? Grad.enabled() : Grad.disabled()) {
      // The last position predicts nothing that is scored: feed only the first T - 1 tokens.
      NDArray z = model.forward(ids.get(new NDIndex(":, 0:{}", t - 1))).logits();
      if (temperature != 1f) {
        z = z.div(OwnedArrays.scalar(z, temperature));
      }
      NDArray lsm = z.logSoftmax(-1);
      NDArray target = ids.get(new NDIndex(":, 1:")).expandDims(2);
      NDArray logProbs = lsm.gather(target, 2).squeeze(2).mul(mask);
      NDArray entropy = withEntropy ? lsm.exp().mul(lsm).sum(new int[] {2}).neg().mul(mask) : null;
      return new Scores(logProbs, entropy, mask);
    }
  }

  /** Int64 ids (B, T) in {@code mgr} from rows right-padded with 0 to the longest row (T = longest length). */
  public static NDArray ids(NDManager mgr, List<int[]> rows) {
    int t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    return PolicyModel.ids(mgr, rows.toArray(new int[0][]), t);
  }

  /** Row lengths of {@code rows}. */
  public static int[] lengths(List<int[]> rows) {
    return rows.stream().mapToInt(r -> r.length).toArray();
  }

  /**
   * {@link #logProbs(PolicyModel, List, float)} in forwards of at most {@code maxRows} rows, the rows sorted by length
   * first (so each forward pads to its own longest row), results in the input order. For measurements over hundreds of
   * rows: one forward of 360 drills of ~40-60 tokens took 2-30 s here where four of at most 96 took 0.2-1.7 s in all
   * (the cost of one forward grows far faster than its rows). Each row's log-probs do not depend on the other rows of
   * its forward. At the warm start's sizes (forwards of tens of rows of 20-60 tokens) they are also the same bits as in
   * one forward, on this project's machines with one thread and with two (tested), so its curriculum measurements, and
   * its weights, did not change when they were chunked; a forward of a few rows may take another kernel (1 ulp apart).
   */
  public static float[][] logProbs(PolicyModel model, List<int[]> rows, float temperature, int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
    }
    int n = rows.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> rows.get(i).length));
    float[][] out = new float[n][];
    for (int start = 0; start < n; start += maxRows) {
      int end = Math.min(n, start + maxRows);
      List<int[]> chunk = new java.util.ArrayList<>(end - start);
      for (int k = start; k < end; k++) {
        chunk.add(rows.get(order[k]));
      }
      float[][] lp = logProbs(model, chunk, temperature);
      for (int k = start; k < end; k++) {
        out[order[k]] = lp[k - start];
      }
    }
    return out;
  }

  /**
   * No-grad per-token log-probs as Java arrays, one per row of its own length, entry 0 = 0 and entry j ≥ 1 =
   * log π(row[j] | row[&lt;j]) (the layout of {@link ai.otc.policy.generation.Rollout}'s log-probs). Frees everything
   * it allocates.
   */
  public static float[][] logProbs(PolicyModel model, List<int[]> rows, float temperature) {
    int b = rows.size();
    float[][] out = new float[b][];
    int t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    if (t < 2) {
      for (int i = 0; i < b; i++) {
        out[i] = new float[rows.get(i).length];
      }
      return out;
    }
    float[] flat;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      flat = score(model, ids(model.manager(), rows), lengths(rows), temperature, false, false).logProbs().toFloatArray();
    }
    for (int i = 0; i < b; i++) {
      int n = rows.get(i).length;
      out[i] = new float[n];
      System.arraycopy(flat, i * (t - 1), out[i], 1, n - 1);
    }
    return out;
  }
}
