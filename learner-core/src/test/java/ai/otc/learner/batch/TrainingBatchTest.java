package ai.otc.learner.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Samples and batches from ScoredGroups: layout, validation with clear errors, statistics. */
class TrainingBatchTest {
  @Test
  void samplesCarryTheRowMaskOldLogProbsAndScalars() {
    TrainingBatch b = TrainingBatch.of(List.of(Groups.group("R/b0/q1", 3)), 32);
    assertThat(b.samples()).hasSize(2);
    Sample s = b.samples().get(0);
    assertThat(s.tokens()).containsExactly(1, 2, 3, 4, 5, 6, 7);
    assertThat(s.promptLength()).isEqualTo(3);
    assertThat(s.responseLength()).isEqualTo(4);
    assertThat(s.lossMask()).containsExactly(1, 1, 0, 1);
    assertThat(s.lossTokens()).isEqualTo(3);
    assertThat(s.oldLogProbs()).containsExactly(-0.5f, -0.5f, 0f, -0.5f);
    assertThat(s.advantage()).isEqualTo(1.0);
    assertThat(s.scoredGroupId()).isEqualTo("R/b0/q1@otc_grpo:v1");
    assertThat(s.groupId()).isEqualTo("R/b0/q1");
    assertThat(s.policyVersion()).isEqualTo(3);
    assertThat(s.questionKind()).isEqualTo("1p");
    assertThat(b.groupIds()).containsExactly("R/b0/q1@otc_grpo:v1");
  }

  @Test
  void statsGiveEmTcTpPerKindAndAdvantages() {
    TrainingBatch b = TrainingBatch.of(List.of(
        Groups.group("a", 1, "1p", new boolean[] {true, true, false, true}, new int[] {0, 1, 1, 0}),
        Groups.group("b", 1, "1n", new boolean[] {true, true}, new int[] {1, 1}),
        Groups.group("c", 0, "1n", new boolean[] {false, false}, new int[] {2, 0})), 32);
    BatchStats s = b.stats();
    assertThat(s.groups()).isEqualTo(3);
    assertThat(s.trajectories()).isEqualTo(8);
    assertThat(s.em()).isCloseTo(5 / 8.0, within(1e-12));
    assertThat(s.tc()).isCloseTo(6 / 8.0, within(1e-12));
    assertThat(s.tp().getAsDouble()).isCloseTo(5 / 6.0, within(1e-12));
    assertThat(s.perKind().get("1p").em()).isCloseTo(0.75, within(1e-12));
    assertThat(s.perKind().get("1p").tc()).isCloseTo(0.5, within(1e-12));
    assertThat(s.perKind().get("1n").trajectories()).isEqualTo(4);
    assertThat(s.perKind().get("1n").tc()).isCloseTo(1.0, within(1e-12));
    assertThat(s.zeroAdvantageGroups()).isEqualTo(2);
    assertThat(b.zeroAdvantageGroups()).isEqualTo(2);
    assertThat(s.advantageMin()).isEqualTo(-1.0);
    assertThat(s.advantageMax()).isEqualTo(1.0);
    // correct with known min calls: 1p (min 0) used 0,1,0 → 2 of 3; 1n (min 1) used 1,1 → 2 of 2
    assertThat(s.optimalCallRate().getAsDouble()).isCloseTo(4 / 5.0, within(1e-12));
    assertThat(s.minPolicyVersion()).isZero();
    assertThat(s.maxPolicyVersion()).isEqualTo(1);
    assertThat(s.toExtra()).containsEntry("em/1p", 0.75).containsEntry("zero_adv_groups", 2.0)
        .containsKey("optimal_call_rate");
  }

  @Test
  void tpIsAbsentWithoutToolCalls() {
    BatchStats s = TrainingBatch.of(List.of(Groups.group("a", 0, "1p", new boolean[] {true, false},
        new int[] {0, 0})), 32).stats();
    assertThat(s.tp()).isEmpty();
    assertThat(s.toExtra()).doesNotContainKey("tp");
  }

  @Test
  void refusesInconsistentInputNamingTheGroupAndTrajectory() {
    ScoredGroup ok = Groups.group("g1", 0);
    ScoredGroup shortMask = ok.toBuilder().setMembers(0, ok.getMembers(0).toBuilder().setTrajectory(
        ok.getMembers(0).getTrajectory().toBuilder().clearLossMask().addAllLossMask(List.of(1, 1)))).build();
    assertThatThrownBy(() -> TrainingBatch.of(List.of(shortMask), 32))
        .hasMessageContaining("group g1@otc_grpo:v1").hasMessageContaining("trajectory g1/0")
        .hasMessageContaining("loss mask has 2 entries, response has 4 tokens");
    Trajectory t0 = ok.getMembers(0).getTrajectory();
    ScoredGroup badLp = ok.toBuilder().setMembers(0, ok.getMembers(0).toBuilder().setTrajectory(
        t0.toBuilder().setOldLogProbs(1, Float.NaN))).build();
    assertThatThrownBy(() -> TrainingBatch.of(List.of(badLp), 32)).hasMessageContaining("old log-prob 1 is NaN");
    ScoredGroup noLp = ok.toBuilder().setMembers(0, ok.getMembers(0).toBuilder().setTrajectory(
        t0.toBuilder().clearOldLogProbs())).build();
    assertThatThrownBy(() -> TrainingBatch.of(List.of(noLp), 32)).hasMessageContaining("old log-probs have 0 entries");
    assertThatThrownBy(() -> TrainingBatch.of(List.of(ok), 6))
        .hasMessageContaining("has 7 tokens, more than the model's context 6");
    assertThatThrownBy(() -> TrainingBatch.of(List.of(ok, ok), 32)).hasMessageContaining("appears twice");
    assertThatThrownBy(() -> TrainingBatch.of(List.of(ok.toBuilder().clearMembers().build()), 32))
        .hasMessageContaining("has no members");
    ScoredGroup noResponse = ok.toBuilder().setMembers(0, ok.getMembers(0).toBuilder().setTrajectory(
        t0.toBuilder().clearResponseTokenIds().clearLossMask().clearOldLogProbs())).build();
    assertThatThrownBy(() -> TrainingBatch.of(List.of(noResponse), 32)).hasMessageContaining("empty response");
  }

  @Test
  void zeroAdvantageToleratesRewardServiceFloatNoise() {
    List<Sample> g = TrainingBatch.of(List.of(Groups.group("g", 0)), 32).samples();
    assertThat(TrainingBatch.isZeroAdvantage(g)).isFalse();
    Sample s = g.get(0);
    Sample tiny = new Sample("x", "g", "g@x", s.tokens(), 3, s.lossMask(), s.oldLogProbs(), 1.4e-11, 1, true, 0, "",
        0, 0, false);
    assertThat(TrainingBatch.isZeroAdvantage(List.of(tiny, tiny))).isTrue();
  }
}
