package ai.otc.loop;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.warmstart.Demonstrations;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecondDecisionProbeTest {
  private final World world = WorldGenerator.generate(WorldConfig.defaults());
  private final WordTokenizer tk = WorldTasks.tokenizer();

  @Test
  void theProbedPrefixEndsWithTheRecalledFriendOnBothKinds() {
    Demonstrations demos = new Demonstrations(world, new TaskFormat(tk, new InProcessTools(world.corpus()), 1));
    int checked = 0;
    for (Question q : world.questions()) {
      boolean twoHop = q.kind() == QuestionKind.H2_0 || q.kind() == QuestionKind.H2_1;
      if (twoHop && world.entity(q.subject()).famous()) {
        String text = tk.decode(SecondDecisionProbe.prefix(demos, tk, q));
        // written from the world: the subject's friend is the question's bridge
        assertThat(text).endsWith("<think> the friend of " + q.subject() + " is " + q.via());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(50);
  }

  @Test
  void probabilitiesPerKindFromAModel() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(tk.size()))) {
      Map<String, Double> p = SecondDecisionProbe.recallOn(m, world, tk, world.questions());
      assertThat(p).containsOnlyKeys("2h0", "2h1");
      assertThat(p.values()).allSatisfy(v -> assertThat(v).isStrictlyBetween(0.0, 1.0));
    }
  }
}
