package ai.otc.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.warmstart.Demonstrations;
import ai.otc.world.Passage;
import ai.otc.world.Question;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
  private final WordTokenizer tk = WordTokenizer.forWorld();

  @Test
  void everyWorldTextAndDemonstrationRoundTrips() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    TaskFormat f = new TaskFormat(tk, new InProcessTools(w.corpus()), 1);
    Demonstrations d = new Demonstrations(w, f);
    for (Passage p : w.corpus()) {
      assertRoundTrip(p.text());
    }
    for (Question q : w.questions()) {
      assertRoundTrip(f.prompt(q));
      for (boolean minimal : new boolean[] {true, false}) {
        int[] ids = d.demo(q, minimal).tokens();
        assertThat(tk.encode(tk.decode(ids))).isEqualTo(ids);
        assertThat(ids).doesNotContain(tk.id(WordTokenizer.UNK));
      }
    }
  }

  private void assertRoundTrip(String s) {
    int[] ids = tk.encode(s);
    assertThat(tk.decode(ids)).isEqualTo(s);
    assertThat(ids).doesNotContain(tk.id(WordTokenizer.UNK));
  }

  @Test
  void numbersAreSpelledDigitByDigit() {
    int[] ids = tk.encode("year 1873");
    assertThat(ids).containsExactly(tk.id("year"), tk.id("1"), tk.id("##8"), tk.id("##7"), tk.id("##3"));
    assertThat(tk.decode(ids)).isEqualTo("year 1873");
    assertThat(tk.decode(tk.encode("7 + 8"))).isEqualTo("7 + 8");
  }

  @Test
  void codeBlocksKeepTheirNewlines() {
    String s = "```python\nprint ( 37 * 58 )\n```\n```output\n2146\n```\n\\boxed{ 2146 }";
    assertThat(tk.decode(tk.encode(s))).isEqualTo(s);
  }

  @Test
  void protocolTagsAreSingleTokensAndTheObservationTagIsConfigurable() {
    assertThat(tk.encode("<think> </think> <search> </search> <observation> </observation> <answer> </answer>")).hasSize(8);
    WordTokenizer info = WordTokenizer.forWorld("information");
    assertThat(info.encode("<information> x </information>")[0]).isEqualTo(info.id("<information>"));
    assertThat(info.contains("<observation>")).isFalse();
  }

  @Test
  void unknownWordsBecomeUnk() {
    assertThat(tk.encode("what is zebra ?")).containsExactly(tk.id("what"), tk.id("is"), tk.id(WordTokenizer.UNK), tk.id("?"));
  }

  @Test
  void savedTokenListRebuildsTheSameTokenizer() {
    WordTokenizer copy = new WordTokenizer(tk.tokens(), tk.observationTag());
    assertThat(copy.encode("what is the city of ka mi ?")).isEqualTo(tk.encode("what is the city of ka mi ?"));
  }
}
