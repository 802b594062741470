package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;
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
    List<String> trained = new ArrayList<>();
    for (int j = 0; j < ex.tokens().length; j++) {
      if (ex.lossMask()[j] > 0) {
        trained.add(tk.token(ex.tokens()[j]));
      }
    }
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
  void sumRowsCoverTheWholeTableAtOneFactRowsChancePerSumAndShowNoHeldOutQuestion() {
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
    // by hand: the default world's 80 famous entities hold 5 facts each; the table 81 sums: 81 / (81 + 400) of fact rows
    assertThat(world.famous()).hasSize(80);
    assertThat(sums / (double) facts).isCloseTo(81 / 481.0, within(0.01));
    assertThat(prefixed / (double) sums).isCloseTo(0.5, within(0.03));
    assertThat(pairsSeen).hasSize(81);
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
    assertThat(withArithmeticFacts(true).canonical()).endsWith(" famouscurriculum arithmeticfacts");
    assertThat(withArithmeticFacts(false).canonical()).isEqualTo(WarmStartConfig.defaults().canonical());
  }
}
