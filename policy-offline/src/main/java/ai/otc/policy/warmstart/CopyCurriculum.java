package ai.otc.policy.warmstart;

import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.SequenceScorer;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.world.WorldGenerator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Spends the reading drills on the relations whose copy has not formed yet ({@code --copy-curriculum}).
 *
 * <p>Copying a value out of an observation is learned as a separate skill per relation: during a warm start each
 * relation's copy forms abruptly, at its own time, or not within the step budget (issue 11: year and friend at ~1.0
 * while color or job stayed at ~0.5, which relation differing with the seed, the world and the head count). Every
 * {@link #INTERVAL} steps this measures, on a fixed set of held-out reading drills (invented people), the probability the
 * model gives the value tokens after {@code <answer>} per relation, and sets the weight of each relation in the next
 * reading drills to {@code FLOOR + (1 - p)}: a formed copy keeps a small share, one that has not gets most of them.
 * The measurement is deterministic (a fixed drill set, no sampling), so a run stays bit-reproducible.
 */
final class CopyCurriculum {
  /** Steps between measurements. */
  static final int INTERVAL = 100;
  /** The weight a relation keeps once its copy has formed. */
  static final double FLOOR = 0.1;
  private static final int PER_RELATION = 24;

  private final Map<String, List<int[]>> probes = new LinkedHashMap<>();
  private final int answerId;
  private Map<String, Double> last = Map.of();

  CopyCurriculum(Demonstrations demos, WordTokenizer tk, long seed) {
    this.answerId = tk.id(WordTokenizer.ANSWER);
    Random rng = new Random(seed ^ 0x5EED_C0B1L);
    for (String rel : WorldGenerator.RELATIONS) {
      List<int[]> rows = new ArrayList<>();
      for (int i = 0; i < PER_RELATION; i++) {
        rows.add(demos.readDrill(rel, rng).tokens());
      }
      probes.put(rel, rows);
    }
  }

  /** Measures the model and returns the new reading-drill weights per relation (mean 1). */
  Map<String, Double> update(PolicyModel model) {
    List<int[]> all = new ArrayList<>();
    probes.values().forEach(all::addAll);
    float[][] lps = SequenceScorer.logProbs(model, all, 1f);
    Map<String, Double> p = new LinkedHashMap<>();
    int r = 0;
    for (Map.Entry<String, List<int[]>> e : probes.entrySet()) {
      double sum = 0;
      for (int[] row : e.getValue()) {
        sum += valueProbability(row, lps[r++]);
      }
      p.put(e.getKey(), sum / e.getValue().size());
    }
    last = p;
    return weights(p);
  }

  /** The weights {@code FLOOR + (1 - p)} per relation, scaled to mean 1. */
  static Map<String, Double> weights(Map<String, Double> copyProbability) {
    Map<String, Double> w = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<String, Double> e : copyProbability.entrySet()) {
      double v = FLOOR + (1 - Math.max(0, Math.min(1, e.getValue())));
      w.put(e.getKey(), v);
      total += v;
    }
    double mean = total / Math.max(1, w.size());
    w.replaceAll((k, v) -> v / mean);
    return w;
  }

  /** The product of the probabilities of the value tokens between the last {@code <answer>} and the closing tag. */
  double valueProbability(int[] row, float[] logProbs) {
    int at = -1;
    for (int i = row.length - 1; i >= 0; i--) {
      if (row[i] == answerId) {
        at = i;
        break;
      }
    }
    double lp = 0;
    for (int j = at + 1; j < row.length - 1; j++) {
      lp += logProbs[j];
    }
    return Math.exp(lp);
  }

  /** The last measurement as a short line ({@code city 0.98 year 1.00 ...}). */
  String describe() {
    StringBuilder sb = new StringBuilder();
    last.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%s %.2f", k, v)));
    return sb.toString();
  }
}
