package ai.otc.policy.warmstart;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.SequenceScorer;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.world.Question;
import ai.otc.world.World;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Spends the decision rows about unknown subjects on the entities whose "search first" has not formed yet
 * ({@code --decision-curriculum}).
 *
 * <p>Whether the model answers from memory or searches is decided per entity, and it forms unevenly: after the default
 * warm start the mean probability of a direct first action (a {@code <think>} or {@code <answer>}) on train questions
 * about unknown subjects was 0.02, but 0.22-0.33 on every question about four of the 80 unknown entities, train and test
 * alike. OTC's RL amplifies exactly those: after it, the same entities were answered from memory with probability
 * 0.6-0.99, and they were most of the OTC run's lost EM (issue 13). Every {@link #INTERVAL} steps this measures that
 * probability on every train search question with an unknown subject (one forward, no sampling, so a run stays
 * bit-reproducible), averages it per subject, and sets each subject's weight among those decision rows to
 * {@code p_e + mean p}, scaled to mean 1 over the questions and capped at {@link #MAX_WEIGHT}: an entity whose
 * decision has formed keeps a share, one that has not gets several times it. Only train questions are measured and
 * weighted; decision rows of famous subjects keep their weight.
 */
final class DecisionCurriculum {
  /** Steps between measurements (the copy curriculum's). */
  static final int INTERVAL = CopyCurriculum.INTERVAL;
  /** The largest weight of one subject, relative to the mean. */
  static final double MAX_WEIGHT = 8.0;
  /** Rows per forward of a measurement (the copy curriculum's, for the same reason). */
  static final int MEASURE_ROWS = CopyCurriculum.MEASURE_ROWS;

  /** The probed questions (train search questions with an unknown subject), in order. */
  private final List<Question> probed = new ArrayList<>();
  /** Two rows per probed question: its prompt followed by {@code <think>}, then by {@code <answer>}. */
  private final List<int[]> rows = new ArrayList<>();
  private Map<String, Double> last = Map.of();

  /** Probes the questions of {@code trainSearch} whose subject is not famous in {@code world}. */
  DecisionCurriculum(World world, List<Question> trainSearch, TaskFormat format) {
    WordTokenizer tk = format.tokenizer();
    int think = tk.id(WordTokenizer.THINK);
    int answer = tk.id(WordTokenizer.ANSWER);
    for (Question q : trainSearch) {
      if (world.entity(q.subject()).famous()) {
        continue;
      }
      int[] prompt = tk.encode(WorldTasks.prompt(format, q));
      for (int direct : new int[] {think, answer}) {
        int[] row = Arrays.copyOf(prompt, prompt.length + 1);
        row[prompt.length] = direct;
        rows.add(row);
      }
      probed.add(q);
    }
  }

  /** The questions measured, in the order of the rows {@link #measure} scores (two per question). */
  List<Question> probed() {
    return probed;
  }

  /** Measures {@code model}: the mean probability of a direct first action per unknown subject, in first-seen order. */
  Map<String, Double> measure(PolicyModel model) {
    if (probed.isEmpty()) {
      return Map.of();
    }
    Map<String, double[]> acc = new LinkedHashMap<>();
    float[][] lp = SequenceScorer.logProbs(model, rows, 1f, MEASURE_ROWS);
    for (int i = 0; i < probed.size(); i++) {
      float[] viaThink = lp[2 * i];
      float[] viaAnswer = lp[2 * i + 1];
      double p = Math.exp(viaThink[viaThink.length - 1]) + Math.exp(viaAnswer[viaAnswer.length - 1]);
      double[] a = acc.computeIfAbsent(probed.get(i).subject(), k -> new double[2]);
      a[0] += p;
      a[1]++;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    acc.forEach((s, a) -> out.put(s, a[0] / a[1]));
    return out;
  }

  /** Measures {@code model} and returns the new weight of each probed question's subject ({@link #weights}). */
  Map<String, Double> update(PolicyModel model) {
    last = measure(model);
    return weights(last, probed);
  }

  /**
   * Per subject, {@code p_e + mean p} (the mean over the questions), scaled so that the weights average 1 over
   * {@code questions} and then capped at {@link #MAX_WEIGHT}; all 1 when no subject has a direct answer left.
   */
  static Map<String, Double> weights(Map<String, Double> directProbability, List<Question> questions) {
    Map<String, Double> w = new LinkedHashMap<>();
    if (questions.isEmpty()) {
      return w;
    }
    double mean = 0;
    for (Question q : questions) {
      mean += directProbability.getOrDefault(q.subject(), 0.0);
    }
    mean /= questions.size();
    if (!(mean > 1e-9)) {
      directProbability.keySet().forEach(s -> w.put(s, 1.0));
      return w;
    }
    double total = 0;
    for (Question q : questions) {
      total += directProbability.getOrDefault(q.subject(), 0.0) + mean;
    }
    double scale = questions.size() / total;
    for (Map.Entry<String, Double> e : directProbability.entrySet()) {
      w.put(e.getKey(), Math.min(MAX_WEIGHT, (e.getValue() + mean) * scale));
    }
    return w;
  }

  /** The last measurement as a short line: the mean over subjects and the subjects most often answered from memory. */
  String describe() {
    if (last.isEmpty()) {
      return "no unknown subjects";
    }
    double mean = last.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "mean %.3f, highest", mean));
    last.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())).limit(4)
        .forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), e.getValue())));
    return sb.toString();
  }
}
