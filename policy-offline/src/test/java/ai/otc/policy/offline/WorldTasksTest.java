package ai.otc.policy.offline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.generation.ToolProtocol;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.warmstart.Demonstrations;
import ai.otc.world.Passage;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import org.junit.jupiter.api.Test;

class WorldTasksTest {
  private final WordTokenizer tk = WorldTasks.tokenizer();

  @Test
  void everyWorldTextAndDemonstrationRoundTrips() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    TaskFormat f = new TaskFormat(tk, new InProcessTools(w.corpus()), 1);
    Demonstrations d = new Demonstrations(w, f);
    for (Passage p : w.corpus()) {
      assertRoundTrip(p.text());
    }
    for (Question q : w.questions()) {
      assertRoundTrip(WorldTasks.prompt(f, q));
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
  void searchKindsUseTheSearchProtocolAndArithmeticTheCodeProtocol() {
    for (QuestionKind k : QuestionKind.values()) {
      ToolProtocol expected = k == QuestionKind.EASY || k == QuestionKind.HARD ? ToolProtocol.CODE : ToolProtocol.SEARCH;
      assertThat(WorldTasks.protocol(k)).as(k.label()).isEqualTo(expected);
    }
    TaskFormat f = new TaskFormat(tk, new InProcessTools(java.util.List.of()), 1);
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    Question search = w.questions().stream().filter(q -> q.kind() == QuestionKind.N1).findFirst().orElseThrow();
    Question code = w.questions().stream().filter(q -> q.kind() == QuestionKind.HARD).findFirst().orElseThrow();
    assertThat(WorldTasks.prompt(f, search)).isEqualTo("<qa> " + search.question());
    assertThat(WorldTasks.prompt(f, code)).isEqualTo("<math> " + code.question());
  }

  @Test
  void theWorldTokenizerHasTheVocabularyOfTheWarmStartsTrainedBeforeTheSplit() {
    // 831,360 parameters: the default model of the cached default warm start (otc-policy README, before the split)
    assertThat(ai.otc.policy.model.ModelConfig.defaults(tk.size()).parameterCount()).isEqualTo(831_360);
    assertThat(tk.tokens().subList(0, 3)).containsExactly("<pad>", "<unk>", "<eos>");
    assertThat(WorldTasks.tokenizer("information").contains("<information>")).isTrue();
  }
}
