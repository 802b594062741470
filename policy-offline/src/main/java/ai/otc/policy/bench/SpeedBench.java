package ai.otc.policy.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.otc.policy.model.KvCache;
import ai.otc.policy.model.LmTrainer;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.DjlRuntime;
import ai.otc.policy.model.OwnedArrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The DJL half of the DJL-vs-PyTorch benchmark ({@code bench/policy-bench.sh} runs the Python half on the same model
 * configuration): training tokens/s (forward + backward + AdamW on random tokens, batch B, length L) and batched
 * KV-cached generation tokens/s (every row sampled at temperature 1 on the host, one position per step, the rollout
 * engine's inner loop). Both sides do the same work per step.
 */
public final class SpeedBench {
  private SpeedBench() {}

  /** Benchmark settings (the prototype's model by default). */
  public record Settings(int vocab, int dModel, int layers, int heads, int ff, int context, int trainBatch, int trainLength,
      int trainSteps, int[] genBatches, int genTokens, int warmup) {
    public static Settings defaults() {
      return new Settings(92, 128, 4, 4, 512, 96, 128, 48, 30, new int[] {64, 256}, 64, 3);
    }
  }

  /** Runs both measurements; returns name -> value (tokens/s), printing progress to stderr. */
  public static Map<String, Double> run(Settings s) {
    DjlRuntime.engine();
    Map<String, Double> out = new LinkedHashMap<>();
    ModelConfig cfg = new ModelConfig(s.vocab(), s.dModel(), s.layers(), s.heads(), s.ff(), s.context(), false, "cpu", 0);
    Random rng = new Random(0);
    try (PolicyModel m = new PolicyModel(cfg)) {
      LmTrainer tr = new LmTrainer(m, 0.01f);
      int[][] toks = new int[s.trainBatch()][s.trainLength() + 1];
      float[][] mask = new float[s.trainBatch()][s.trainLength() + 1];
      for (int i = 0; i < toks.length; i++) {
        for (int j = 0; j < toks[i].length; j++) {
          toks[i][j] = rng.nextInt(s.vocab());
          mask[i][j] = 1;
        }
      }
      for (int i = 0; i < s.warmup(); i++) {
        tr.step(toks, mask, s.trainLength() + 1, 1e-3f);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < s.trainSteps(); i++) {
        tr.step(toks, mask, s.trainLength() + 1, 1e-3f);
      }
      double sec = (System.nanoTime() - t0) / 1e9;
      double trainTps = (double) s.trainBatch() * s.trainLength() * s.trainSteps() / sec;
      out.put("train_tok_s", trainTps);
      System.err.printf(Locale.ROOT, "djl train B=%d L=%d: %.1f ms/step, %.0f tok/s%n", s.trainBatch(), s.trainLength(),
          sec * 1000 / s.trainSteps(), trainTps);
      for (int b : s.genBatches()) {
        generate(m, b, s.genTokens(), rng); // warm-up
        long g0 = System.nanoTime();
        int reps = 2;
        for (int r = 0; r < reps; r++) {
          generate(m, b, s.genTokens(), rng);
        }
        double gs = (System.nanoTime() - g0) / 1e9;
        double tps = (double) b * s.genTokens() * reps / gs;
        out.put("gen_b" + b + "_tok_s", tps);
        System.err.printf(Locale.ROOT, "djl generate B=%d: %.0f tok/s%n", b, tps);
      }
    }
    return out;
  }

  /** KV-cached sampling of {@code n} tokens per row from a one-token prompt. */
  static void generate(PolicyModel m, int b, int n, Random rng) {
    int v = m.config().vocabSize();
    long[] feed = new long[b];
    for (int i = 0; i < b; i++) {
      feed[i] = rng.nextInt(v);
    }
    boolean prev = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    double[] p = new double[v];
    try (KvCache cache = m.newCache(b, n + 1)) {
      for (int pos = 0; pos < n; pos++) {
        float[] logits;
        try (NDScope sc = new NDScope()) {
          sc.suppressNotUsedWarning();
          NDArray ids = OwnedArrays.of(m.manager(), feed, new Shape(b));
          logits = m.step(ids, pos, cache).toFloatArray();
        }
        for (int i = 0; i < b; i++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < v; j++) {
            max = Math.max(max, logits[i * v + j]);
          }
          double sum = 0;
          for (int j = 0; j < v; j++) {
            p[j] = Math.exp(logits[i * v + j] - max);
            sum += p[j];
          }
          double r = rng.nextDouble() * sum;
          int pick = v - 1;
          for (int j = 0; j < v; j++) {
            r -= p[j];
            if (r <= 0) {
              pick = j;
              break;
            }
          }
          feed[i] = pick;
        }
      }
    } finally {
      JniUtils.setGradMode(prev);
    }
  }

  /** Prints one JSON object with the measurements (for the benchmark script). */
  public static void main(String[] args) {
    Map<String, Double> r = run(Settings.defaults());
    StringBuilder sb = new StringBuilder("{\"engine\": \"djl\", \"threads\": ").append(JniUtils.getNumThreads());
    r.forEach((k, v) -> sb.append(String.format(Locale.ROOT, ", \"%s\": %.1f", k, v)));
    System.out.println(sb.append('}'));
  }
}
