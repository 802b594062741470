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
 * reading drills to {@code floor + (1 - p)} ({@code --copy-floor}, default 0.5): a formed copy keeps a share of them, one
 * that has not gets up to three times as many. The floor damps the curriculum: at 0.1 a formed copy kept an eleventh of
 * the drills of one that had not, and on world-3 that unlearned it within 100 steps, so two relations swapped places at
 * every measurement and the run ended with whichever was behind last.
 * The drill kinds are weighted the same way ({@code floor + (1 - p)} over the non-code kinds, scaled to mean 1): reading
 * kinds by the probability of the answer's value, recall kinds ({@code <think> the R of N is}) by the probability of
 * everything they train, so a recall whose copy of a name into the next statement has not formed (a held-out 2h0
 * recall writing {@code the color of zi is} for {@code zi mi}) gets more of its drills.
 * The measurement is deterministic (a fixed drill set, no sampling), so a run stays bit-reproducible.
 *
 * <p>It also measures the copy of a program's output into {@code \boxed{}} ({@link #programOutput}), on the over-use
 * demonstrations of the world's train easy questions ({@code print ( 4 + 4 )}, {@code 8}, {@code \boxed{ 8 }}), for the
 * copy gate only ({@link #weakestCopy}): it sets no weight, so where that copy has formed a run is what it was without
 * the measurement. World-2's warm start at cache format 11 ended its schedule with every relation's copy formed and
 * boxed {@code 3} or {@code 6} after most one-digit outputs (greedy {@code easy} EM 0.38), and every RL run kept it
 * (baseline {@code easy} 0.65).
 */
final class CopyCurriculum {
  /** Steps between measurements. */
  static final int INTERVAL = 100;
  /** The weight a relation (or drill kind) keeps once its copy has formed, before scaling to mean 1. */
  private final double floor;
  private static final int PER_RELATION = 24;
  /**
   * Rows per forward of a measurement ({@link SequenceScorer#logProbs(ai.otc.policy.model.PolicyModel, List, float, int)}):
   * the 360 probes in one forward cost 2-30 s per measurement here, in forwards of 96 about 0.3-1.7 s, with the same bits.
   */
  static final int MEASURE_ROWS = 96;

  /** New weights: of the relations in reading drills, and of the drill kinds (code drills keep their base share). */
  record Weights(Map<String, Double> relations, Map<Demonstrations.Drill, Double> kinds) {}

  /** Fixed one-hop reading drills per relation. */
  private final Map<String, List<int[]>> probes = new LinkedHashMap<>();
  /** Fixed drills of the other non-code kinds, with their loss masks (what they train). */
  private final Map<Demonstrations.Drill, List<Example>> kindProbes = new LinkedHashMap<>();
  private final int answerId;
  private final int boxedId;
  /** Over-use demonstrations of train easy questions: the program output's copy ({@link #programOutput}). */
  private final List<int[]> codeProbes;
  private double lastProgramOutput = Double.NaN;
  private Map<String, Double> last = Map.of();
  private Map<Demonstrations.Drill, Double> lastKinds = Map.of();

  /**
   * With {@code mixedDrills}, the two mixed two-hop drill kinds are measured and weighted too (probes drawn last);
   * {@code floor} is the weight a formed copy keeps ({@link WarmStartConfig#copyFloor()}).
   */
  CopyCurriculum(Demonstrations demos, WordTokenizer tk, long seed, boolean mixedDrills, double floor) {
    this(demos, tk, seed, mixedDrills, floor, List.of());
  }

  /**
   * As {@link #CopyCurriculum(Demonstrations, WordTokenizer, long, boolean, double)}, also measuring the copy of a
   * program's output on {@code codeProbes} (demonstrations that end {@code \boxed{ V }}; none: not measured).
   */
  CopyCurriculum(Demonstrations demos, WordTokenizer tk, long seed, boolean mixedDrills, double floor, List<int[]> codeProbes) {
    this.codeProbes = List.copyOf(codeProbes);
    this.boxedId = tk.id(WordTokenizer.BOXED);
    if (!(floor > 0)) {
      throw new IllegalArgumentException("copy floor must be > 0: " + floor);
    }
    this.floor = floor;
    this.answerId = tk.id(WordTokenizer.ANSWER);
    Random rng = new Random(seed ^ 0x5EED_C0B1L);
    for (String rel : WorldGenerator.RELATIONS) {
      List<int[]> rows = new ArrayList<>();
      for (int i = 0; i < PER_RELATION; i++) {
        rows.add(demos.readDrill(rel, rng).tokens());
      }
      probes.put(rel, rows);
    }
    for (Demonstrations.Drill kind : List.of(Demonstrations.Drill.READ_TWO_HOP, Demonstrations.Drill.THINK_ONE_HOP,
        Demonstrations.Drill.THINK_TWO_HOP)) {
      List<Example> rows = new ArrayList<>();
      for (int i = 0; i < PER_RELATION * 2; i++) {
        rows.add(demos.drill(kind, rng));
      }
      kindProbes.put(kind, rows);
    }
    if (mixedDrills) {
      for (Demonstrations.Drill kind : List.of(Demonstrations.Drill.READ_AFTER_THINK, Demonstrations.Drill.THINK_AFTER_READ)) {
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < PER_RELATION * 2; i++) {
          rows.add(demos.drill(kind, rng));
        }
        kindProbes.put(kind, rows);
      }
    }
  }

  /** Measures the model and returns the new weights (relations of reading drills, drill kinds; each mean 1). */
  Weights update(PolicyModel model) {
    List<int[]> all = new ArrayList<>();
    probes.values().forEach(all::addAll);
    kindProbes.values().forEach(l -> l.forEach(x -> all.add(x.tokens())));
    float[][] lps = SequenceScorer.logProbs(model, all, 1f, MEASURE_ROWS);
    Map<String, Double> p = new LinkedHashMap<>();
    int r = 0;
    for (Map.Entry<String, List<int[]>> e : probes.entrySet()) {
      double sum = 0;
      for (int[] row : e.getValue()) {
        sum += valueProbability(row, lps[r++]);
      }
      p.put(e.getKey(), sum / e.getValue().size());
    }
    Map<Demonstrations.Drill, Double> pk = new LinkedHashMap<>();
    pk.put(Demonstrations.Drill.READ_ONE_HOP, p.values().stream().mapToDouble(Double::doubleValue).average().orElse(1));
    for (Map.Entry<Demonstrations.Drill, List<Example>> e : kindProbes.entrySet()) {
      double sum = 0;
      for (Example x : e.getValue()) {
        float[] lp = lps[r++];
        sum += e.getKey() == Demonstrations.Drill.READ_TWO_HOP ? valueProbability(x.tokens(), lp) : trainedProbability(x, lp);
      }
      pk.put(e.getKey(), sum / e.getValue().size());
    }
    last = p;
    lastKinds = pk;
    if (!codeProbes.isEmpty()) {
      // a forward of its own: the other probes' batches, and so their bits, stay what they were without it
      float[][] code = SequenceScorer.logProbs(model, codeProbes, 1f, MEASURE_ROWS);
      double sum = 0;
      for (int i = 0; i < codeProbes.size(); i++) {
        sum += boxedValueProbability(codeProbes.get(i), code[i]);
      }
      lastProgramOutput = sum / codeProbes.size();
    }
    return new Weights(weights(p, floor), weights(pk, floor));
  }

  /**
   * The mean probability, at the last measurement, of copying a program's output into {@code \boxed{}} on the code
   * probes; NaN before the first measurement or without code probes.
   */
  double programOutput() {
    return lastProgramOutput;
  }

  /**
   * The copy gate's measure: the lowest of {@link #weakestRelation} and {@link #programOutput} (the latter only where
   * measured); NaN before the first measurement.
   */
  double weakestCopy() {
    double r = weakestRelation();
    return Double.isNaN(lastProgramOutput) ? r : Math.min(r, lastProgramOutput);
  }

  /** The product of the probabilities of the value tokens between the last {@code \boxed{} and the closing brace. */
  double boxedValueProbability(int[] row, float[] logProbs) {
    if (lastIndexOf(boxedId, row) < 0) {
      throw new IllegalArgumentException("a code probe must end \\boxed{ V }");
    }
    return probabilityAfterLast(boxedId, row, logProbs);
  }

  /**
   * The lowest copy probability over the relations at the last measurement ({@link #update}); NaN before the first.
   * The copy gate ({@link WarmStartConfig#copyUntil()}) compares it with its threshold.
   */
  double weakestRelation() {
    return last.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  /** The product of the probabilities of every trained token (loss mask above 0) of a drill. */
  static double trainedProbability(Example x, float[] logProbs) {
    double lp = 0;
    for (int j = 1; j < x.tokens().length; j++) {
      if (x.lossMask()[j] > 0) {
        lp += logProbs[j];
      }
    }
    return Math.exp(lp);
  }

  /** The weights {@code floor + (1 - p)} per key ({@code p} clamped to [0, 1]), scaled to mean 1. */
  static <K> Map<K, Double> weights(Map<K, Double> copyProbability, double floor) {
    Map<K, Double> w = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<K, Double> e : copyProbability.entrySet()) {
      double v = floor + (1 - Math.max(0, Math.min(1, e.getValue())));
      w.put(e.getKey(), v);
      total += v;
    }
    double mean = total / Math.max(1, w.size());
    w.replaceAll((k, v) -> v / mean);
    return w;
  }

  /** The product of the probabilities of the value tokens between the last {@code <answer>} and the closing tag. */
  double valueProbability(int[] row, float[] logProbs) {
    return probabilityAfterLast(answerId, row, logProbs);
  }

  /** The product of the probabilities of the tokens after the last {@code marker} of {@code row}, but its final one. */
  private static double probabilityAfterLast(int marker, int[] row, float[] logProbs) {
    double lp = 0;
    for (int j = lastIndexOf(marker, row) + 1; j < row.length - 1; j++) {
      lp += logProbs[j];
    }
    return Math.exp(lp);
  }

  private static int lastIndexOf(int token, int[] row) {
    for (int i = row.length - 1; i >= 0; i--) {
      if (row[i] == token) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The last measurement as a short line ({@code city 0.98 year 1.00 ...; drill kinds read_one_hop 0.97 ...; floor 0.50}).
   */
  String describe() {
    StringBuilder sb = new StringBuilder();
    last.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%s %.2f", k, v)));
    sb.append("; drill kinds");
    lastKinds.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.2f", k.name().toLowerCase(Locale.ROOT), v)));
    if (!Double.isNaN(lastProgramOutput)) {
      sb.append(String.format(Locale.ROOT, "; program output %.2f", lastProgramOutput));
    }
    return sb.append(String.format(Locale.ROOT, "; floor %.2f", floor)).toString();
  }
}
