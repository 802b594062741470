package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
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
    List<Question> trainSearch = w.split(Split.TRAIN).stream().filter(q -> q.kind().task() == QuestionKind.Task.SEARCH).toList();
    DecisionCurriculum c = new DecisionCurriculum(w, trainSearch, format);
    List<Question> expected = trainSearch.stream().filter(q -> !w.entity(q.subject()).famous()).toList();
    assertThat(expected).isNotEmpty();
    assertThat(c.probed()).containsExactlyElementsOf(expected);

    try (PolicyModel m = new PolicyModel(new ModelConfig(tk.size(), 16, 1, 2, 32, 128, false, "cpu", 4))) {
      Map<String, Double> measured = c.measure(m);
      // reference: a plain forward of each prompt, softmax of the last position's logits in Java
      Map<String, double[]> ref = new java.util.HashMap<>();
      for (Question q : expected) {
        int[] prompt = tk.encode(WorldTasks.prompt(format, q));
        double p;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray logits = m.forward(PolicyModel.ids(m.manager(), new int[][] {prompt}, prompt.length)).logits();
          float[] all = logits.toFloatArray();
          int v = tk.size();
          int at = (prompt.length - 1) * v;
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < v; k++) {
            max = Math.max(max, all[at + k]);
          }
          double z = 0;
          for (int k = 0; k < v; k++) {
            z += Math.exp(all[at + k] - max);
          }
          p = (Math.exp(all[at + tk.id(WordTokenizer.THINK)] - max) + Math.exp(all[at + tk.id(WordTokenizer.ANSWER)] - max)) / z;
        }
        double[] a = ref.computeIfAbsent(q.subject(), k -> new double[2]);
        a[0] += p;
        a[1]++;
      }
      assertThat(measured.keySet()).containsExactlyInAnyOrderElementsOf(ref.keySet());
      ref.forEach((s, a) -> assertThat(measured.get(s)).as(s).isCloseTo(a[0] / a[1], within(1e-4)));
    }
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
    ws.decisionWeights(Map.of(target, 8.0));
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
