package ai.otc.learner.update;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.learner.batch.Sample;
import ai.otc.learner.batch.TrainingBatch;
import ai.otc.policy.model.NativeArrays;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.ValueModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Many updates leave no native arrays behind: the engine's live-array count is flat after warm-up. */
class NativeMemoryTest {
  @Test
  void liveArraysStayFlatAcrossManyGrpoAndPpoUpdates() {
    int start = NativeArrays.live();
    try (PolicyModel actor = new PolicyModel(Tiny.config()); ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        ValueModel critic = ValueModel.fromWarmStart(Tiny.config(), actor.weights(), 5);
        PolicyUpdater grpo = new PolicyUpdater(actor, ref, null,
            UpdateConfig.grpoDefaults().toBuilder().microBatchSize(3).oldLogProbs(OldLogProbs.RECOMPUTE).build());
        PolicyModel actor2 = new PolicyModel(Tiny.config());
        PolicyUpdater ppo = new PolicyUpdater(actor2, ref, critic, UpdateConfig.ppoDefaults())) {
      List<Sample> mixed = new ArrayList<>(Tiny.samples(actor, 1, 2, 4, false, 0, false));
      mixed.addAll(Tiny.samples(actor, 2, 2, 4, false, 0, true)); // importance-corrected
      mixed.addAll(Tiny.samples(actor, 3, 1, 4, true, 0, false)); // skipped
      TrainingBatch a = Tiny.batch(mixed);
      TrainingBatch zero = Tiny.batch(Tiny.samples(actor, 4, 2, 3, true, 0, false));
      for (int i = 0; i < 3; i++) {
        grpo.update(a);
        ppo.update(a);
      }
      int warm = NativeArrays.live();
      for (int i = 0; i < 25; i++) {
        grpo.update(a);
        grpo.update(zero);
        ppo.update(a);
      }
      int after = NativeArrays.live();
      System.out.printf("live arrays: start %d, after warm-up %d, after 75 more updates %d%n", start, warm, after);
      assertThat(after).isEqualTo(warm);
    }
    assertThat(NativeArrays.live()).as("everything freed with the models").isEqualTo(start);
  }
}
