package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecisionCurriculumTest {

  private static List<Question> trainSearch(World w) {
    return w.split(Split.TRAIN).stream().filter(q -> q.kind().task() == QuestionKind.Task.SEARCH).toList();
  }

  private static Question about(String subject) {
    return new Question("q-" + subject, "what is the city of " + subject + " ?", List.of("x"), "world_1hop", QuestionKind.N1, 1,
        "train", subject, "city", null);
  }

  @Test
  void weightsArePPlusTheMeanScaledToMeanOneOverTheQuestions() {
    // a: 2 questions at p 0, b: 1 question at p 0.3; mean over questions 0.1; raw a 0.1, b 0.4; total 0.6, scale 3 / 0.6 = 5
    Map<String, Double> w = DecisionCurriculum.weights(Map.of("a", 0.0, "b", 0.3), List.of(about("a"), about("a"), about("b")));
    assertThat(w.get("a")).isCloseTo(0.5, within(1e-12));
    assertThat(w.get("b")).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void oneSubjectTakesAtMostEightTimesTheMean() {
    // x at p 1, twenty at 0: mean 1/21; raw x 22/21, others 1/21; total 42/21 = 2; scale 21 / 2 = 10.5 -> x 11, capped 8
    Map<String, Double> p = new java.util.LinkedHashMap<>();
    List<Question> qs = new java.util.ArrayList<>();
    p.put("x", 1.0);
    qs.add(about("x"));
    for (int i = 0; i < 20; i++) {
      p.put("s" + i, 0.0);
      qs.add(about("s" + i));
    }
    Map<String, Double> w = DecisionCurriculum.weights(p, qs);
    assertThat(w.get("x")).isEqualTo(DecisionCurriculum.MAX_WEIGHT);
    assertThat(w.get("s3")).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void withNoDirectAnswerLeftEverySubjectKeepsWeightOne() {
    assertThat(DecisionCurriculum.weights(Map.of("a", 0.0, "b", 0.0), List.of(about("a"), about("b"))))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 1.0, "b", 1.0));
  }

  @Test
  void probesEveryTrainSearchQuestionAboutAnUnknownSubjectAndMeasuresTheFirstTokensSoftmax() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WordTokenizer tk = WorldTasks.tokenizer();
    TaskFormat format = new TaskFormat(tk, new InProcessTools(w.corpus()), 1);
    List<Question> trainSearch = trainSearch(w);
    DecisionCurriculum c = new DecisionCurriculum(w, trainSearch, format);
    List<Question> expected = trainSearch.stream().filter(q -> !w.entity(q.subject()).famous()).toList();
    assertThat(expected).isNotEmpty();
    assertThat(c.probed()).containsExactlyElementsOf(expected);

    try (PolicyModel m = new PolicyModel(new ModelConfig(tk.size(), 16, 1, 2, 32, 128, false, "cpu", 4))) {
      Map<String, Double> measured = c.measure(m);
      // reference: a plain forward of each prompt, softmax of the last position's logits in Java
      Map<String, Double> ref = directFirstReference(m, tk, format, expected);
      assertThat(measured.keySet()).containsExactlyInAnyOrderElementsOf(ref.keySet());
      ref.forEach((s, p) -> assertThat(measured.get(s)).as(s).isCloseTo(p, within(1e-4)));
    }
  }

  private static Question twoHop(String subject, String friend) {
    return new Question("q-" + subject + "-" + friend, "what is the city of the friend of " + subject + " ?", List.of("x"),
        "world_2hop", QuestionKind.H2_1, 2, "train", subject, "city", friend);
  }

  @Test
  void friendWeightsAreKeyedByTheQuestionsFriendWithTheSameFormula() {
    // friend f at p 0.3 on one question, g at 0 on two: the subjects' formula with the friend as the key
    Map<String, Double> w = DecisionCurriculum.weights(Map.of("g", 0.0, "f", 0.3),
        List.of(twoHop("s1", "g"), twoHop("s2", "g"), twoHop("s3", "f")), Question::via);
    assertThat(w.get("g")).isCloseTo(0.5, within(1e-12));
    assertThat(w.get("f")).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void aQuestionIsDrawnWithTheLargerOfItsSubjectsAndItsFriendsWeight() {
    DecisionCurriculum.Weights w = new DecisionCurriculum.Weights(Map.of("s", 0.5, "t", 3.0), Map.of("f", 2.0, "g", 0.25));
    assertThat(w.of(twoHop("s", "f"))).isEqualTo(2.0);
    assertThat(w.of(twoHop("t", "f"))).isEqualTo(3.0);
    assertThat(w.of(twoHop("s", "g"))).isEqualTo(0.5);
    assertThat(w.of(twoHop("famous", "g"))).as("friend only").isEqualTo(0.25);
    assertThat(w.of(about("s"))).as("one hop: subject only").isEqualTo(0.5);
    assertThat(w.of(twoHop("famous", "known"))).as("neither probed").isEqualTo(1.0);
    assertThat(DecisionCurriculum.Weights.NONE.of(about("s"))).isEqualTo(1.0);
  }

  @Test
  void friendProbesMeasureTheProbabilityOfNotSearchingTheFriendAfterTheRecallAndAfterTheSubjectsObservation() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WordTokenizer tk = WorldTasks.tokenizer();
    TaskFormat format = new TaskFormat(tk, new InProcessTools(w.corpus()), 1);
    List<Question> trainSearch = trainSearch(w);
    DecisionCurriculum c = new DecisionCurriculum(w, trainSearch, format, false, true);
    List<Question> expected = trainSearch.stream().filter(q -> q.via() != null && !w.entity(q.via()).famous()).toList();
    assertThat(expected).anyMatch(q -> w.entity(q.subject()).famous()).anyMatch(q -> !w.entity(q.subject()).famous());
    assertThat(c.friendProbed()).containsExactlyElementsOf(expected);
    assertThat(c.probed()).as("no subject probes without the flag").isEmpty();

    try (PolicyModel m = new PolicyModel(new ModelConfig(tk.size(), 16, 1, 2, 32, 128, false, "cpu", 4))) {
      Map<String, Double> measured = c.measureFriends(m);
      Map<String, double[]> ref = new java.util.HashMap<>();
      for (Question q : expected) {
        String prompt = WorldTasks.prompt(format, q);
        // after the subject's observation: 1 - p(<search>); after the recall (famous subject): 1 - p(</think>) p(<search>)
        String observed = prompt + " <search> " + q.subject() + " </search>" + format.searchObservation(q.subject());
        double p = 1 - nextTokenP(m, tk, tk.encode(observed), WordTokenizer.SEARCH);
        if (w.entity(q.subject()).famous()) {
          String recalled = prompt + " <think> the friend of " + q.subject() + " is " + q.via();
          double stop = nextTokenP(m, tk, tk.encode(recalled), WordTokenizer.THINK_END);
          double then = nextTokenP(m, tk, tk.encode(recalled + " </think>"), WordTokenizer.SEARCH);
          p = Math.max(p, 1 - stop * then);
        }
        double[] a = ref.computeIfAbsent(q.via(), k -> new double[2]);
        a[0] += p;
        a[1]++;
      }
      assertThat(measured.keySet()).containsExactlyInAnyOrderElementsOf(ref.keySet());
      ref.forEach((f, a) -> assertThat(measured.get(f)).as(f).isCloseTo(a[0] / a[1], within(1e-4)));
      assertThat(measured.values()).as("an untrained model does not search on cue").allSatisfy(v -> assertThat(v).isGreaterThan(0.5));
    }
  }

  @Test
  void famousSubjectsAreWeightedByHowFarTheirRecallIsBelowTheTarget() {
    // target 0.3: a at p 0 (shortfall 0.3), b at 0.5 (0), c at 0.2 (0.1 rounded); one question each
    Map<String, Double> shortfall = DecisionCurriculum.shortfalls(Map.of("a", 0.0, "b", 0.5, "c", 0.2), 0.3);
    assertThat(shortfall.get("a")).isCloseTo(0.3, within(1e-12));
    assertThat(shortfall.get("b")).isEqualTo(0.0);
    assertThat(shortfall.get("c")).isCloseTo(0.1, within(1e-12));
    // then the subjects' formula: mean shortfall 0.4 / 3; raw a 0.3 + 0.4/3, b 0.4/3, c 0.1 + 0.4/3; total 0.8;
    // scale 3 / 0.8 = 3.75 -> a 1.625, b 0.5, c 0.875
    Map<String, Double> w = DecisionCurriculum.weights(shortfall, List.of(about("a"), about("b"), about("c")));
    assertThat(w.get("a")).isCloseTo(1.625, within(1e-12));
    assertThat(w.get("b")).isCloseTo(0.5, within(1e-12));
    assertThat(w.get("c")).isCloseTo(0.875, within(1e-12));
    assertThat(DecisionCurriculum.weights(DecisionCurriculum.shortfalls(Map.of("a", 0.4, "b", 0.9), 0.3),
        List.of(about("a"), about("b")))).as("every subject at or above the target").containsExactlyInAnyOrderEntriesOf(
            Map.of("a", 1.0, "b", 1.0));
  }

  @Test
  void famousProbesMeasureTheFirstTokensSoftmaxOnEveryQuestionAboutAFamousSubjectAndWeightTheShortfall() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WordTokenizer tk = WorldTasks.tokenizer();
    TaskFormat format = new TaskFormat(tk, new InProcessTools(w.corpus()), 1);
    List<Question> trainSearch = trainSearch(w);
    DecisionCurriculum c = new DecisionCurriculum(w, trainSearch, format, true, false, true, 0.3);
    List<Question> expected = trainSearch.stream().filter(q -> w.entity(q.subject()).famous()).toList();
    assertThat(expected).isNotEmpty();
    assertThat(c.famousProbed()).containsExactlyElementsOf(expected);
    assertThat(c.probed()).as("the unknown subjects apart").containsExactlyElementsOf(
        trainSearch.stream().filter(q -> !w.entity(q.subject()).famous()).toList());
    assertThat(new DecisionCurriculum(w, trainSearch, format, true, true).famousProbed()).as("off by default").isEmpty();

    try (PolicyModel m = new PolicyModel(new ModelConfig(tk.size(), 16, 1, 2, 32, 128, false, "cpu", 4))) {
      Map<String, Double> measured = c.measureFamous(m);
      Map<String, Double> ref = directFirstReference(m, tk, format, expected);
      assertThat(measured.keySet()).containsExactlyInAnyOrderElementsOf(ref.keySet());
      ref.forEach((s, p) -> assertThat(measured.get(s)).as(s).isCloseTo(p, within(1e-4)));

      // an untrained model's direct first action is far below 0.3 (two tokens of a large vocabulary): every famous
      // subject has a shortfall, and update() weights them with the unknown subjects in one map
      assertThat(measured.values()).allSatisfy(v -> assertThat(v).isLessThan(0.3));
      DecisionCurriculum.Weights weights = c.update(m);
      Map<String, Double> famousWeights = DecisionCurriculum.weights(DecisionCurriculum.shortfalls(measured, 0.3), expected);
      famousWeights.forEach((s, x) -> assertThat(weights.subjects().get(s)).as(s).isCloseTo(x, within(1e-9)));
      assertThat(weights.subjects().keySet()).containsAll(c.measure(m).keySet());
      assertThat(c.describe()).contains("famous subjects recalled, p per subject: mean ").contains("lowest");
    }
  }

  /** The softmax probability of {@code token} after {@code context} ({@link NextTokenReference}). */
  private static double nextTokenP(PolicyModel m, WordTokenizer tk, int[] context, String token) {
    return Math.exp(NextTokenReference.logP(m, context, tk.id(token)));
  }

  /**
   * Per subject of {@code questions}, the mean over its questions of p({@code <think>}) + p({@code <answer>}) right after
   * the prompt, each from a plain forward.
   */
  private static Map<String, Double> directFirstReference(PolicyModel m, WordTokenizer tk, TaskFormat format,
      List<Question> questions) {
    Map<String, double[]> acc = new java.util.HashMap<>();
    for (Question q : questions) {
      int[] prompt = tk.encode(WorldTasks.prompt(format, q));
      double p = nextTokenP(m, tk, prompt, WordTokenizer.THINK) + nextTokenP(m, tk, prompt, WordTokenizer.ANSWER);
      double[] a = acc.computeIfAbsent(q.subject(), k -> new double[2]);
      a[0] += p;
      a[1]++;
    }
    Map<String, Double> out = new java.util.HashMap<>();
    acc.forEach((s, a) -> out.put(s, a[0] / a[1]));
    return out;
  }

  @Test
  void aFriendsWeightScalesHowOftenItsQuestionsAreDrawnForDecisionRows() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    WordTokenizer tk = WorldTasks.tokenizer();
    WarmStart ws = new WarmStart(w, new TaskFormat(tk, new InProcessTools(w.corpus()), 1), WarmStartConfig.defaults());
    java.util.Set<String> familiar = w.famous().stream().map(ai.otc.world.Entity::friend)
        .filter(n -> !w.entity(n).famous()).collect(java.util.stream.Collectors.toSet());
    Question first = w.split(Split.TRAIN).stream().filter(q -> q.kind() == QuestionKind.H2_1 && w.entity(q.subject()).famous())
        .findFirst().orElseThrow();
    String friend = first.via();
    // the friend's questions, by their text (a question's friend is its subject's, so the text names it)
    Map<String, String> viaByQuestion = new java.util.HashMap<>();
    double targetWeight = 0;
    double allWeight = 0;
    for (Question q : w.split(Split.TRAIN)) {
      if (q.kind().task() == QuestionKind.Task.SEARCH) {
        double wt = familiar.contains(q.subject()) ? 3 : 1;
        allWeight += wt;
        targetWeight += friend.equals(q.via()) ? wt : 0;
        if (q.via() != null) {
          viaByQuestion.put(q.question(), q.via());
        }
      }
    }
    // subjects probed at weight 1 so that only the friend moves: its questions at 8, every other at 1
    ws.decisionWeights(new DecisionCurriculum.Weights(Map.of(), Map.of(friend, 8.0)));
    assertThat(ws.friendWeights()).containsExactlyEntriesOf(Map.of(friend, 8.0));
    Random rng = new Random(5);
    int decisions = 0;
    int hits = 0;
    while (decisions < 6000) {
      Example ex = ws.draw(rng);
      if (ex.tag().endsWith("/decision")) {
        decisions++;
        String text = tk.decode(ex.tokens());
        hits += friend.equals(viaByQuestion.get(text.substring(text.indexOf(' ') + 1, text.indexOf(" ?") + 2))) ? 1 : 0;
      }
    }
    assertThat(hits / (double) decisions).isCloseTo(8 * targetWeight / (allWeight + 7 * targetWeight), within(0.012));
  }

  @Test
  void aSubjectsWeightScalesHowOftenItsQuestionsAreDrawnForDecisionRows() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    WordTokenizer tk = WorldTasks.tokenizer();
    WarmStartConfig d = WarmStartConfig.defaults();
    WarmStart ws = new WarmStart(w, new TaskFormat(tk, new InProcessTools(w.corpus()), 1), d);
    java.util.Set<String> familiar = w.famous().stream().map(ai.otc.world.Entity::friend)
        .filter(n -> !w.entity(n).famous()).collect(java.util.stream.Collectors.toSet());
    String target = w.split(Split.TRAIN).stream().filter(q -> q.kind() == QuestionKind.N1).findFirst().orElseThrow().subject();
    // expected shares from the train split: base weight 3 for a familiar unknown, else 1; the target's times 8
    double targetWeight = 0;
    double allWeight = 0;
    for (Question q : w.split(Split.TRAIN)) {
      if (q.kind().task() == QuestionKind.Task.SEARCH) {
        double wt = familiar.contains(q.subject()) ? 3 : 1;
        allWeight += wt;
        targetWeight += q.subject().equals(target) ? wt : 0;
      }
    }
    assertThat(targetWeight).isPositive();
    assertThat(share(ws, tk, target)).isCloseTo(targetWeight / allWeight, within(0.004));
    ws.decisionWeights(new DecisionCurriculum.Weights(Map.of(target, 8.0), Map.of()));
    assertThat(share(ws, tk, target)).isCloseTo(8 * targetWeight / (allWeight + 7 * targetWeight), within(0.01));
  }

  /** The share of decision rows whose subject is {@code subject}. */
  private static double share(WarmStart ws, WordTokenizer tk, String subject) {
    Random rng = new Random(4);
    int decisions = 0;
    int hits = 0;
    while (decisions < 6000) {
      Example ex = ws.draw(rng);
      if (!ex.tag().endsWith("/decision")) {
        continue;
      }
      decisions++;
      String question = tk.decode(ex.tokens()).split(" \\? ")[0];
      hits += question.endsWith(" " + subject) ? 1 : 0;
    }
    return hits / (double) decisions;
  }
}
