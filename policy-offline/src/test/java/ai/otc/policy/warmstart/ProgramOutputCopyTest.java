package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.world.QuestionKind;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The copy gate's measure of a program output's copy into {@code \boxed{}} ({@link CopyCurriculum#programOutput}). */
class ProgramOutputCopyTest {
  private final World world = WorldGenerator.generate(WorldConfig.defaults());
  private final WordTokenizer tk = WorldTasks.tokenizer();
  private final TaskFormat format = new TaskFormat(tk, new InProcessTools(world.corpus()), 1);
  private final Demonstrations demos = new Demonstrations(world, format);

  @Test
  void measuresTheMeanProbabilityOfTheBoxedValueAfterTheOutputAndTheGateTakesTheLowerOfItAndTheRelations() {
    List<int[]> code = world.split(Split.TRAIN).stream().filter(q -> q.kind() == QuestionKind.EASY).limit(6)
        .map(q -> demos.demo(q, false).tokens()).toList();
    assertThat(code).hasSize(6);
    CopyCurriculum c = new CopyCurriculum(demos, tk, 0, true, 0.5, code);
    assertThat(c.programOutput()).as("before the first measurement").isNaN();
    try (PolicyModel m = new PolicyModel(new ModelConfig(tk.size(), 16, 1, 2, 32, 160, false, "cpu", 4))) {
      c.update(m);
      // reference: a plain forward of each row, log-softmax in Java, the value tokens between \boxed{ and } summed
      double ref = 0;
      for (int[] row : code) {
        int boxed = -1;
        for (int j = 0; j < row.length; j++) {
          boxed = row[j] == tk.id(WordTokenizer.BOXED) ? j : boxed;
        }
        assertThat(tk.token(row[row.length - 1])).isEqualTo(WordTokenizer.BRACE_END);
        double lp = 0;
        for (int j = boxed + 1; j < row.length - 1; j++) {
          lp += logSoftmax(m, row, j);
        }
        ref += Math.exp(lp);
      }
      ref /= code.size();
      assertThat(c.programOutput()).isCloseTo(ref, within(1e-5));
      assertThat(c.weakestCopy()).isEqualTo(Math.min(c.weakestRelation(), c.programOutput()));
      assertThat(c.describe()).contains(String.format(java.util.Locale.ROOT, "; program output %.2f; floor 0.50", ref));

      CopyCurriculum without = new CopyCurriculum(demos, tk, 0, true, 0.5);
      without.update(m);
      assertThat(without.programOutput()).isNaN();
      assertThat(without.weakestCopy()).isEqualTo(without.weakestRelation());
      assertThat(without.describe()).doesNotContain("program output");
    }
  }

  @Test
  void aCodeProbeWithoutABoxedValueIsRejected() {
    CopyCurriculum c = new CopyCurriculum(demos, tk, 0, true, 0.5, List.of(tk.encode("<math> what is 1 + 1 ?")));
    try (PolicyModel m = new PolicyModel(new ModelConfig(tk.size(), 16, 1, 2, 32, 160, false, "cpu", 4))) {
      assertThatThrownBy(() -> c.update(m)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boxed");
    }
  }

  /** log p(row[j] | row[0..j-1]) from a plain forward ({@link NextTokenReference}). */
  private static double logSoftmax(PolicyModel m, int[] row, int j) {
    return NextTokenReference.logP(m, java.util.Arrays.copyOf(row, j), row[j]);
  }
}
