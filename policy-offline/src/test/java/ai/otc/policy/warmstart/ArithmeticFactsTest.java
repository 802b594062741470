package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code --arithmetic-facts}: the addition table of the easy questions taught as parametric knowledge. */
class ArithmeticFactsTest {
  private final World world = WorldGenerator.generate(WorldConfig.defaults());
  private final WordTokenizer tk = WorldTasks.tokenizer();
  private final TaskFormat format = new TaskFormat(tk, new InProcessTools(world.corpus()), 1);
  private static final Pattern STATEMENT = Pattern.compile("([0-9]+) \\+ ([0-9]+) is ([0-9]+)");

  private static WarmStartConfig withArithmeticFacts(boolean on) {
    return WarmStartConfig.builder().arithmeticFacts(on).build();
  }

  @Test
  void aSumRowStatesSumsAfterTheOptionalPrefixAndTrainsOnlyTheValuesAndTheClose() {
    Demonstrations demos = new Demonstrations(world, format, true, true);
    Example ex = demos.sums(null, List.of(new int[] {3, 4}, new int[] {8, 2}));
    assertThat(tk.decode(ex.tokens())).isEqualTo("<think> 3 + 4 is 7 . 8 + 2 is 10 </think>");
    List<String> trained = trainedTokens(ex);
    List<String> expected = new ArrayList<>();
    for (String v : List.of("7", "10")) {
      for (int id : tk.encode(v)) {
        expected.add(tk.token(id));
      }
    }
    expected.add(WordTokenizer.THINK_END);
    assertThat(trained).containsExactlyElementsOf(expected);
    assertThat(ex.tag()).isEqualTo("fact/sum");

    Question easy = world.split(Split.TRAIN).stream().filter(q -> q.kind() == QuestionKind.EASY).findFirst().orElseThrow();
    String prompt = WorldTasks.prompt(format, easy);
    Example after = demos.sums(prompt, List.<int[]>of(new int[] {1, 9}));
    assertThat(tk.decode(after.tokens())).isEqualTo(tk.decode(tk.encode(prompt)) + " <think> 1 + 9 is 10 </think>");
  }

  @Test
  void theMinimalEasyDemonstrationRecallsTheSumFirstOnlyWithTheFlag() {
    Question easy = world.split(Split.TRAIN).stream().filter(q -> q.kind() == QuestionKind.EASY).findFirst().orElseThrow();
    String prompt = tk.decode(tk.encode(WorldTasks.prompt(format, easy)));
    String with = tk.decode(new Demonstrations(world, format, true, true).demo(easy, true).tokens());
    String without = tk.decode(new Demonstrations(world, format, true).demo(easy, true).tokens());
    // the question's own operands and sum, written out from its metadata
    assertThat(with).isEqualTo(prompt + " <think> " + easy.subject() + " is " + easy.answer() + " </think> \\boxed{ "
        + easy.answer() + " }");
    assertThat(without).isEqualTo(prompt + " \\boxed{ " + easy.answer() + " }");
    assertThat(tk.decode(new Demonstrations(world, format, true, true).demo(easy, false).tokens()))
        .as("the over-use style still calls the program").contains(WordTokenizer.PYTHON).doesNotContain("<think>");
  }

  @Test
  void sumRowsCoverTheWholeTableAtTwiceAFamousFactsChancePerSumAndShowNoHeldOutQuestion() {
    WarmStart ws = new WarmStart(world, format, withArithmeticFacts(true));
    Set<String> trainEasyPrompts = new HashSet<>();
    world.split(Split.TRAIN).stream().filter(q -> q.kind() == QuestionKind.EASY)
        .forEach(q -> trainEasyPrompts.add(tk.decode(tk.encode(WorldTasks.prompt(format, q)))));
    Set<String> heldOut = new HashSet<>();
    for (Split s : List.of(Split.DEV, Split.TEST)) {
      world.split(s).stream().filter(q -> q.kind() == QuestionKind.EASY).forEach(q -> heldOut.add(q.question()));
    }
    assertThat(heldOut).isNotEmpty();
    Random rng = new Random(3);
    int facts = 0;
    int sums = 0;
    int prefixed = 0;
    Set<String> pairsSeen = new HashSet<>();
    while (facts < 20_000) {
      Example ex = ws.draw(rng);
      if (!ex.tag().startsWith("fact")) {
        continue;
      }
      facts++;
      if (!ex.tag().equals("fact/sum")) {
        continue;
      }
      sums++;
      String text = tk.decode(ex.tokens());
      int think = text.indexOf("<think>");
      if (think > 0) {
        prefixed++;
        assertThat(trainEasyPrompts).contains(text.substring(0, think - 1));
      }
      heldOut.forEach(h -> assertThat(text).doesNotContain(h));
      Matcher m = STATEMENT.matcher(text);
      int n = 0;
      while (m.find()) {
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        assertThat(a).isBetween(1, WorldGenerator.EASY_OPERAND_MAX);
        assertThat(b).isBetween(1, WorldGenerator.EASY_OPERAND_MAX);
        assertThat(Integer.parseInt(m.group(3))).isEqualTo(a + b);
        pairsSeen.add(a + "+" + b);
        n++;
      }
      assertThat(n).isBetween(1, 6);
    }
    // by hand: the default world's 80 famous entities hold 5 facts each; the table's 81 sums count twice (SUM_WEIGHT):
    // 162 / (162 + 400) of fact rows
    assertThat(world.famous()).hasSize(80);
    assertThat(sums / (double) facts).isCloseTo(162 / 562.0, within(0.01));
    assertThat(prefixed / (double) sums).isCloseTo(0.5, within(0.03));
    assertThat(pairsSeen).hasSize(81);
  }

  @Test
  void easyDecisionRowsTrainTheFirstActionAndTheStopAfterTheRecall() {
    Demonstrations demos = new Demonstrations(world, format, true, true);
    Question easy = world.split(Split.TRAIN).stream().filter(q -> q.kind() == QuestionKind.EASY).findFirst().orElseThrow();
    assertThat(trainedTokens(demos.decision(easy, true, 16f, true)))
        .containsExactly(WordTokenizer.THINK, WordTokenizer.THINK_END, WordTokenizer.BOXED);
    assertThat(trainedTokens(demos.decision(easy, true, 16f, false))).containsExactly(WordTokenizer.THINK, WordTokenizer.BOXED);
    assertThat(trainedTokens(demos.decision(easy, false, 16f, true))).containsExactly(WordTokenizer.PYTHON);
    Example row = demos.decision(easy, true, 16f, false);
    assertThat(row.tokens()).isEqualTo(demos.demo(easy, true).tokens());
    for (float m : row.lossMask()) {
      assertThat(m).isIn(0f, 16f);
    }
    assertThatThrownBy(() -> new Demonstrations(world, format, true).decision(easy, true, 16f, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("easy");
  }

  @Test
  void eachEasyQuestionGetsAsManyDecisionRowsAsASearchQuestion() {
    WarmStartConfig c = withArithmeticFacts(true);
    WarmStart ws = new WarmStart(world, format, c);
    // by hand: the decision questions are the train search questions and the unasked friend questions
    long easy = world.split(Split.TRAIN).stream().filter(q -> q.kind() == QuestionKind.EASY).count();
    long search = world.split(Split.TRAIN).stream().filter(q -> q.kind().task() == QuestionKind.Task.SEARCH).count()
        + UnaskedFriendQuestions.of(world).size();
    Random rng = new Random(4);
    int decisions = 0;
    int easyRows = 0;
    while (decisions < 20_000) {
      Example ex = ws.draw(rng);
      if (ex.tag().endsWith("/decision")) {
        decisions++;
        easyRows += ex.tag().startsWith("easy/") ? 1 : 0;
      }
    }
    assertThat(easyRows / (double) decisions).isCloseTo(easy / (double) (easy + search), within(0.005));
    WarmStart off = new WarmStart(world, format, withArithmeticFacts(false));
    for (int i = 0; i < 5000; i++) {
      assertThat(off.draw(rng).tag()).doesNotStartWith("easy/min/decision").doesNotStartWith("easy/over/decision");
    }
  }

  @Test
  void theFactRowsGrowSoThatEachFamousFactKeepsItsRows() {
    WarmStartConfig on = withArithmeticFacts(true).forWorld(world.entities().size(), true, world.famous().size(), true);
    WarmStartConfig off = withArithmeticFacts(false).forWorld(world.entities().size(), true, world.famous().size(), true);
    assertThat(off).isEqualTo(WarmStartConfig.defaults());
    // by hand: sums 162 of 562 fact draws, so the fact rows grow by 562/400 = 1.405: 2000 x (1 + 0.3 x 0.405) = 2243
    // steps, of which 0.3 x 1.405 x 2000 = 843 steps' worth of fact rows
    assertThat(on.steps()).isEqualTo(2243);
    assertThat(on.factShare() * on.steps()).isCloseTo(843.0, within(1e-6));
    assertThat(on.factShare() * on.steps() * (1 - 162 / 562.0)).isCloseTo(off.factShare() * off.steps(), within(1e-6));
    assertThat(on.drillShare() * on.steps()).isCloseTo(off.drillShare() * off.steps(), within(1e-6));
    assertThat(on.decisionShare() * on.steps()).isCloseTo(off.decisionShare() * off.steps(), within(1e-6));
  }

  @Test
  void aThirdOfTheCodeDrillsCopyARecalledSumOfNoWorldQuestion() {
    Demonstrations with = new Demonstrations(world, format, true, true);
    Demonstrations without = new Demonstrations(world, format, true, false);
    Set<String> asked = new HashSet<>();
    world.questions().stream().filter(q -> q.kind().task() == QuestionKind.Task.CODE).forEach(q -> asked.add(q.subject()));
    Pattern drill = Pattern.compile("<math> what is ([0-9]+) \\+ ([0-9]+) \\? <think> ([0-9]+) \\+ ([0-9]+) is ([0-9]+) </think>"
        + " \\\\boxed\\{ ([0-9]+) \\}");
    Random rng = new Random(6);
    int recalled = 0;
    int n = 6000;
    for (int i = 0; i < n; i++) {
      Example ex = with.drill(Demonstrations.Drill.CODE, rng);
      if (!ex.tag().equals("drill/code-recall")) {
        assertThat(ex.tag()).isEqualTo("drill/code");
        continue;
      }
      recalled++;
      String text = tk.decode(ex.tokens());
      Matcher m = drill.matcher(text);
      assertThat(m.matches()).as(text).isTrue();
      int a = Integer.parseInt(m.group(1));
      int b = Integer.parseInt(m.group(2));
      assertThat(Math.min(a, b)).isBetween(0, 9);
      assertThat(Math.max(a, b)).isBetween(0, 99);
      assertThat(m.group(3) + "+" + m.group(4)).isEqualTo(a + "+" + b);
      assertThat(Integer.parseInt(m.group(5))).isEqualTo(a + b);
      assertThat(m.group(6)).isEqualTo(m.group(5));
      assertThat(asked).doesNotContain(a + " + " + b);
      // trained: the copied operands and the box, never the recalled value nor the first action
      List<String> expected = new ArrayList<>();
      for (String piece : List.of(a + " + " + b + " is", "</think> \\boxed{ " + (a + b) + " }")) {
        for (int id : tk.encode(piece)) {
          expected.add(tk.token(id));
        }
      }
      assertThat(trainedTokens(ex)).containsExactlyElementsOf(expected);
    }
    assertThat(recalled / (double) n).isCloseTo(1.0 / 3, within(0.02));
    for (int i = 0; i < 2000; i++) {
      assertThat(without.drill(Demonstrations.Drill.CODE, rng).tag()).isEqualTo("drill/code");
    }
  }

  private List<String> trainedTokens(Example ex) {
    List<String> out = new ArrayList<>();
    for (int j = 0; j < ex.tokens().length; j++) {
      if (ex.lossMask()[j] > 0) {
        out.add(tk.token(ex.tokens()[j]));
      }
    }
    return out;
  }

  @Test
  void withoutTheFlagNoSumRowIsDrawnAndTheMixtureIsUnchanged() {
    assertThat(withArithmeticFacts(false)).isEqualTo(WarmStartConfig.defaults());
    WarmStart off = new WarmStart(world, format, withArithmeticFacts(false));
    WarmStart defaults = new WarmStart(world, format, WarmStartConfig.defaults());
    Random a = new Random(9);
    Random b = new Random(9);
    for (int i = 0; i < 3000; i++) {
      Example x = off.draw(a);
      Example y = defaults.draw(b);
      assertThat(x.tag()).isNotEqualTo("fact/sum");
      assertThat(x.tokens()).as("row %d", i).isEqualTo(y.tokens());
    }
    assertThat(WarmStartConfig.defaults().arithmeticFacts()).isFalse();
    assertThat(withArithmeticFacts(true).canonical()).endsWith(" famouscurriculum arithmeticfacts3");
    assertThat(withArithmeticFacts(false).canonical()).isEqualTo(WarmStartConfig.defaults().canonical());
  }
}
