package ai.otc.rollout.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.proto.v1.Trajectory;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.rollout.support.Parity;
import ai.otc.rollout.support.TinyPolicy;
import ai.otc.world.Question;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The final evaluation: greedy, one trajectory per question, ids apart from training, independent of chunking. */
class GreedyEvaluationTest {

  @Test
  void oneGreedyTrajectoryPerQuestionEqualToTheSamplersInOneBatchWhateverTheChunk() {
    PolicyArtifact policy = TinyPolicy.artifact();
    List<Question> qs = TinyPolicy.WORLD.questions().subList(0, 13);
    try (PolicyModel model = policy.newModel("cpu")) {
      Parity.Run reference = Parity.sampler(model, policy.tokenizer(), new InProcessTools(TinyPolicy.WORLD.corpus()), qs);
      List<Integer> progress = new ArrayList<>();
      List<Trajectory> ts = new GreedyEvaluation(model, policy.tokenizer(), new InProcessTools(TinyPolicy.WORLD.corpus()),
          SamplerConfig.defaults(), 5).run("demo-x.em.s1", 7, qs, progress::add);
      assertThat(progress).containsExactly(5, 10, 13);
      assertThat(ts).hasSize(qs.size());
      for (int i = 0; i < qs.size(); i++) {
        Trajectory t = ts.get(i);
        assertThat(t.getQuestionId()).isEqualTo(qs.get(i).id());
        assertThat(t.getRunId()).isEqualTo("demo-x.em.s1");
        assertThat(t.getRolloutBatch()).isEqualTo(GreedyEvaluation.EVAL_BATCH);
        assertThat(t.getPolicyVersion()).isEqualTo(7);
        assertThat(t.getGroupSize()).isEqualTo(1);
        assertThat(t.getTrajectoryId()).startsWith("demo-x.em.s1/eval/b" + (i / 5) + "/").endsWith("/" + qs.get(i).id() + "/0");
        // greedy: the same response as the sampler at temperature 0 with every question in one batch
        assertThat(t.getResponseText()).isEqualTo(reference.responses().get(i));
        assertThat(t.getCorrect()).isEqualTo(reference.correct()[i]);
        assertThat(t.getToolCallCount()).isEqualTo(reference.calls()[i]);
      }
    }
  }

  @Test
  void aChunkBelowOneIsRefused() {
    PolicyArtifact policy = TinyPolicy.artifact();
    try (PolicyModel model = policy.newModel("cpu")) {
      assertThatThrownBy(() -> new GreedyEvaluation(model, policy.tokenizer(), new InProcessTools(TinyPolicy.WORLD.corpus()),
          SamplerConfig.defaults(), 0)).hasMessageContaining("chunk");
    }
  }
}
