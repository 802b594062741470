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
import java.util.function.Function;

/**
 * Spends the decision rows on the unknown entities whose "search it" has not formed yet: the subjects of questions
 * ({@code --decision-curriculum}) and the friends of two-hop questions ({@code --friend-curriculum}); and on the famous
 * subjects whose "recall it" the model rarely tries ({@code --famous-curriculum}).
 *
 * <p>Whether the model answers from memory or searches is decided per entity, and it forms unevenly: after the default
 * warm start the mean probability of a direct first action (a {@code <think>} or {@code <answer>}) on train questions
 * about unknown subjects was 0.02, but 0.22-0.33 on every question about four of the 80 unknown entities, train and test
 * alike. OTC's RL amplifies exactly those: after it, the same entities were answered from memory with probability
 * 0.6-0.99, and they were most of the OTC run's lost EM (issue 13). Every {@link #INTERVAL} steps this measures that
 * probability on every train search question with an unknown subject (one forward, no sampling, so a run stays
 * bit-reproducible), averages it per subject, and sets each subject's weight among those decision rows to
 * {@code p_e + mean p}, scaled to mean 1 over the questions and capped at {@link #MAX_WEIGHT}: an entity whose
 * decision has formed keeps a share, one that has not gets several times it.
 *
 * <p>The second decision of a two-hop question, whether to search its friend, forms the same uneven way: on world-1
 * the mean probability of not searching an unknown friend after recalling it was 0.03 on train questions, but 0.66-0.83
 * on the questions about two friends, train and test alike, and those were most of OTC's lost {@code 2h1} EM. With
 * {@code friends} the curriculum also probes every train two-hop question whose friend is not famous, at the two
 * places where that decision is taken: after {@code <think> the friend of S is F} when S is famous (the minimal path),
 * and after the observation of a search of S (every such question). The probability is that of not searching F
 * next: {@code 1 - p(</think>) p(<search>)} after the recall, {@code 1 - p(<search>)} after the observation; a question
 * counts with the larger of its two, is averaged per friend, and the friends are weighted as the subjects are. A
 * decision row's question is drawn with the larger of its subject's and its friend's weight (1 where neither is
 * probed). Only train questions are measured and weighted.
 *
 * <p>The famous subjects mirror the unknown ones. Their decision rows demonstrate the recall in a share
 * {@code recallTarget} of them (the minimal style) and the search in the others, so the probability of a direct first
 * action should approach that share on each; it did on average (0.40 on world-3's test questions at t=1) but ranged from
 * 0 to 1 between subjects, and OTC's RL cannot reinforce a recall it never samples: the {@code 2h0} questions of
 * {@code tu ni} (0 of 12 samples recalled) were searched after RL on every seed. With {@code famous} the curriculum
 * probes every train search question about a famous subject the same way (the probability of {@code <think>} or
 * {@code <answer>} right after the prompt), averages it per subject, and weights each subject by its shortfall
 * {@code max(0, recallTarget - p_e)} as the unknown subjects are weighted by theirs ({@link #weights}): a subject below
 * the target gets several times the rows of one at or above it, which keeps a share. The famous subjects' weights
 * average 1 over their own questions, so the famous subjects' decision rows as a whole keep their share.
 */
final class DecisionCurriculum {
  /** Steps between measurements (the copy curriculum's). */
  static final int INTERVAL = CopyCurriculum.INTERVAL;
  /** The largest weight of one entity, relative to the mean. */
  static final double MAX_WEIGHT = 8.0;
  /** Rows per forward of a measurement (the copy curriculum's, for the same reason). */
  static final int MEASURE_ROWS = CopyCurriculum.MEASURE_ROWS;

  /**
   * The weights a measurement sets: per unknown subject and per unknown friend (each empty when not measured).
   *
   * @param subjects weight per probed subject, mean 1 over the probed questions
   * @param friends  weight per probed friend, mean 1 over the probed two-hop questions
   */
  record Weights(Map<String, Double> subjects, Map<String, Double> friends) {
    static final Weights NONE = new Weights(Map.of(), Map.of());

    Weights {
      subjects = Map.copyOf(subjects);
      friends = Map.copyOf(friends);
    }

    /** The weight of {@code q}'s decision rows: the larger of its subject's and its friend's weight, 1 when neither. */
    double of(Question q) {
      Double s = subjects.get(q.subject());
      Double f = q.via() == null ? null : friends.get(q.via());
      return s == null && f == null ? 1.0 : Math.max(s == null ? 0 : s, f == null ? 0 : f);
    }
  }

  /** The probed questions (train search questions with an unknown subject), in order. */
  private final List<Question> probed = new ArrayList<>();
  /** Two rows per probed question: its prompt followed by {@code <think>}, then by {@code <answer>}. */
  private final List<int[]> rows = new ArrayList<>();
  /** The probed two-hop questions (train, friend not famous), in order. */
  private final List<Question> friendProbed = new ArrayList<>();
  /** Per probed two-hop question: the index of its first row in {@link #friendRows}, and whether it has a recall row. */
  private final List<int[]> friendRowAt = new ArrayList<>();
  /** Rows of the friend probes: after the recalled friend ({@code </think> <search>}), after the subject's observation ({@code <search>}). */
  private final List<int[]> friendRows = new ArrayList<>();
  /** The probed questions about famous subjects (train search questions), in order. */
  private final List<Question> famousProbed = new ArrayList<>();
  /** Two rows per famous probed question, as {@link #rows}. */
  private final List<int[]> famousRows = new ArrayList<>();
  private final boolean subjects;
  private final boolean friends;
  private final boolean famous;
  private final double recallTarget;
  private Map<String, Double> last = Map.of();
  private Map<String, Double> lastFriends = Map.of();
  private Map<String, Double> lastFamous = Map.of();

  /** Probes the questions of {@code trainSearch} whose subject is not famous in {@code world} (no friend probes). */
  DecisionCurriculum(World world, List<Question> trainSearch, TaskFormat format) {
    this(world, trainSearch, format, true, false);
  }

  /**
   * Probes, with {@code subjects}, the questions of {@code trainSearch} whose subject is not famous in {@code world},
   * and with {@code friends} its two-hop questions whose friend is not famous.
   */
  DecisionCurriculum(World world, List<Question> trainSearch, TaskFormat format, boolean subjects, boolean friends) {
    this(world, trainSearch, format, subjects, friends, false, 0);
  }

  /**
   * As {@link #DecisionCurriculum(World, List, TaskFormat, boolean, boolean)}, and with {@code famous} also the
   * questions of {@code trainSearch} whose subject is famous, weighted by their shortfall below {@code recallTarget}.
   */
  DecisionCurriculum(World world, List<Question> trainSearch, TaskFormat format, boolean subjects, boolean friends,
      boolean famous, double recallTarget) {
    this.subjects = subjects;
    this.friends = friends;
    this.famous = famous;
    this.recallTarget = recallTarget;
    WordTokenizer tk = format.tokenizer();
    int think = tk.id(WordTokenizer.THINK);
    int answer = tk.id(WordTokenizer.ANSWER);
    int thinkEnd = tk.id(WordTokenizer.THINK_END);
    int search = tk.id(WordTokenizer.SEARCH);
    for (Question q : trainSearch) {
      String prompt = WorldTasks.prompt(format, q);
      boolean known = world.entity(q.subject()).famous();
      if (subjects && !known || famous && known) {
        int[] p = tk.encode(prompt);
        for (int direct : new int[] {think, answer}) {
          (known ? famousRows : rows).add(append(p, direct));
        }
        (known ? famousProbed : probed).add(q);
      }
      if (friends && q.via() != null && !world.entity(q.via()).famous()) {
        boolean recall = world.entity(q.subject()).famous();
        friendRowAt.add(new int[] {friendRows.size(), recall ? 1 : 0});
        if (recall) {
          String recalled = WordTokenizer.THINK + " the friend of " + q.subject() + " is " + q.via();
          friendRows.add(append(tk.encode(prompt + " " + recalled), thinkEnd, search));
        }
        String searched = WordTokenizer.SEARCH + " " + q.subject() + " " + WordTokenizer.SEARCH_END + " "
            + format.searchObservation(q.subject());
        friendRows.add(append(tk.encode(prompt + " " + searched), search));
        friendProbed.add(q);
      }
    }
  }

  private static int[] append(int[] row, int... tokens) {
    int[] out = Arrays.copyOf(row, row.length + tokens.length);
    System.arraycopy(tokens, 0, out, row.length, tokens.length);
    return out;
  }

  /** The questions measured, in the order of the rows {@link #measure} scores (two per question). */
  List<Question> probed() {
    return probed;
  }

  /** The questions about famous subjects measured, in the order of the rows {@link #measureFamous} scores. */
  List<Question> famousProbed() {
    return famousProbed;
  }

  /** The two-hop questions whose friend decision is measured, in order. */
  List<Question> friendProbed() {
    return friendProbed;
  }

  /** Measures {@code model}: the mean probability of a direct first action per unknown subject, in first-seen order. */
  Map<String, Double> measure(PolicyModel model) {
    return direct(model, probed, rows);
  }

  /** Measures {@code model}: the mean probability of a direct first action per famous subject, in first-seen order. */
  Map<String, Double> measureFamous(PolicyModel model) {
    return direct(model, famousProbed, famousRows);
  }

  private static Map<String, Double> direct(PolicyModel model, List<Question> questions, List<int[]> directRows) {
    if (questions.isEmpty()) {
      return Map.of();
    }
    Map<String, double[]> acc = new LinkedHashMap<>();
    float[][] lp = SequenceScorer.logProbs(model, directRows, 1f, MEASURE_ROWS);
    for (int i = 0; i < questions.size(); i++) {
      double p = Math.exp(last(lp[2 * i])) + Math.exp(last(lp[2 * i + 1]));
      add(acc, questions.get(i).subject(), p);
    }
    return means(acc);
  }

  /**
   * Measures {@code model}: per unknown friend, in first-seen order, the mean over its questions of the probability of
   * not searching it next (the larger of the two probes where a question has both).
   */
  Map<String, Double> measureFriends(PolicyModel model) {
    if (friendProbed.isEmpty()) {
      return Map.of();
    }
    Map<String, double[]> acc = new LinkedHashMap<>();
    float[][] lp = SequenceScorer.logProbs(model, friendRows, 1f, MEASURE_ROWS);
    for (int i = 0; i < friendProbed.size(); i++) {
      int at = friendRowAt.get(i)[0];
      double p = 0;
      if (friendRowAt.get(i)[1] == 1) {
        float[] r = lp[at++];
        p = 1 - Math.exp(r[r.length - 2] + r[r.length - 1]);
      }
      p = Math.max(p, 1 - Math.exp(last(lp[at])));
      add(acc, friendProbed.get(i).via(), p);
    }
    return means(acc);
  }

  private static float last(float[] x) {
    return x[x.length - 1];
  }

  private static void add(Map<String, double[]> acc, String key, double p) {
    double[] a = acc.computeIfAbsent(key, k -> new double[2]);
    a[0] += p;
    a[1]++;
  }

  private static Map<String, Double> means(Map<String, double[]> acc) {
    Map<String, Double> out = new LinkedHashMap<>();
    acc.forEach((s, a) -> out.put(s, a[0] / a[1]));
    return out;
  }

  /**
   * Measures {@code model} and returns the new weights of the probed subjects (unknown and famous; their names are
   * distinct) and friends ({@link #weights}, {@link #shortfalls}).
   */
  Weights update(PolicyModel model) {
    last = subjects ? measure(model) : Map.of();
    lastFriends = friends ? measureFriends(model) : Map.of();
    lastFamous = famous ? measureFamous(model) : Map.of();
    Map<String, Double> s = new LinkedHashMap<>(weights(last, probed, Question::subject));
    s.putAll(weights(shortfalls(lastFamous, recallTarget), famousProbed, Question::subject));
    return new Weights(s, weights(lastFriends, friendProbed, Question::via));
  }

  /** Per entity, how far its probability of a direct answer is below {@code target}: {@code max(0, target - p)}. */
  static Map<String, Double> shortfalls(Map<String, Double> directProbability, double target) {
    Map<String, Double> out = new LinkedHashMap<>();
    directProbability.forEach((e, p) -> out.put(e, Math.max(0, target - p)));
    return out;
  }

  /** {@link #weights(Map, List, Function)} keyed by the questions' subjects. */
  static Map<String, Double> weights(Map<String, Double> directProbability, List<Question> questions) {
    return weights(directProbability, questions, Question::subject);
  }

  /**
   * Per entity, {@code p_e + mean p} (the mean over the questions, each counting its {@code key}'s p), scaled so that
   * the weights average 1 over {@code questions} and then capped at {@link #MAX_WEIGHT}; all 1 when no entity has a
   * direct answer left.
   */
  static Map<String, Double> weights(Map<String, Double> directProbability, List<Question> questions,
      Function<Question, String> key) {
    Map<String, Double> w = new LinkedHashMap<>();
    if (questions.isEmpty()) {
      return w;
    }
    double mean = 0;
    for (Question q : questions) {
      mean += directProbability.getOrDefault(key.apply(q), 0.0);
    }
    mean /= questions.size();
    if (!(mean > 1e-9)) {
      directProbability.keySet().forEach(s -> w.put(s, 1.0));
      return w;
    }
    double total = 0;
    for (Question q : questions) {
      total += directProbability.getOrDefault(key.apply(q), 0.0) + mean;
    }
    double scale = questions.size() / total;
    for (Map.Entry<String, Double> e : directProbability.entrySet()) {
      w.put(e.getKey(), Math.min(MAX_WEIGHT, (e.getValue() + mean) * scale));
    }
    return w;
  }

  /**
   * The last measurement as a short line: per kind of probe, the mean over entities and the entities most often
   * answered from memory.
   */
  String describe() {
    StringBuilder sb = new StringBuilder();
    if (subjects) {
      sb.append("unknown subjects answered from memory, p per subject: ").append(describe(last, "no unknown subjects"));
    }
    if (friends) {
      sb.append(subjects ? "; " : "").append("unknown friends not searched, p per friend: ")
          .append(describe(lastFriends, "no unknown friends"));
    }
    if (famous) {
      sb.append(subjects || friends ? "; " : "").append("famous subjects recalled, p per subject: ")
          .append(describe(lastFamous, "no famous subjects", false));
    }
    return sb.toString();
  }

  private static String describe(Map<String, Double> p, String none) {
    return describe(p, none, true);
  }

  /** The mean over entities and the four with the {@code highest} (else the lowest) p. */
  private static String describe(Map<String, Double> p, String none, boolean highest) {
    if (p.isEmpty()) {
      return none;
    }
    double mean = p.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "mean %.3f, %s", mean, highest ? "highest" : "lowest"));
    Comparator<Map.Entry<String, Double>> order = Map.Entry.comparingByValue();
    p.entrySet().stream().sorted(highest ? order.reversed() : order).limit(4)
        .forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), e.getValue())));
    return sb.toString();
  }
}
