package ai.otc.learner.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.learner.batch.StalenessGate.Decision;
import ai.otc.proto.v1.ScoredGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The staleness rule: accept version ≥ v − K; older dropped or importance-corrected; every decision counted. */
class StalenessGateTest {
  @Test
  void ruleAtTheBoundary() {
    StalenessGate k1 = new StalenessGate(1, StalenessGate.Policy.DROP);
    assertThat(k1.decide(5, 5)).isEqualTo(Decision.ACCEPT);
    assertThat(k1.decide(4, 5)).isEqualTo(Decision.ACCEPT);
    assertThat(k1.decide(3, 5)).isEqualTo(Decision.DROP);
    assertThat(k1.decide(6, 5)).as("newer than the learner: not stale").isEqualTo(Decision.ACCEPT);
    StalenessGate k0 = new StalenessGate(0, StalenessGate.Policy.IMPORTANCE_CORRECT);
    assertThat(k0.decide(5, 5)).isEqualTo(Decision.ACCEPT);
    assertThat(k0.decide(4, 5)).isEqualTo(Decision.CORRECT);
    assertThat(new StalenessGate(2, StalenessGate.Policy.DROP).decide(0, 2)).isEqualTo(Decision.ACCEPT);
    assertThatThrownBy(() -> new StalenessGate(-1, StalenessGate.Policy.DROP)).hasMessageContaining("K must be >= 0");
  }

  @Test
  void dropPolicyLeavesOldGroupsOutAndCountsEveryDecision() {
    StalenessGate gate = new StalenessGate(1, StalenessGate.Policy.DROP);
    List<ScoredGroup> in = List.of(Groups.group("a", 5), Groups.group("b", 4), Groups.group("c", 3),
        Groups.group("d", 1));
    TrainingBatch b = TrainingBatch.of(in, 32, gate, 5);
    assertThat(b.groupIds()).containsExactly("a@otc_grpo:v1", "b@otc_grpo:v1");
    assertThat(b.droppedGroupIds()).containsExactly("c@otc_grpo:v1", "d@otc_grpo:v1");
    assertThat(b.staleness()).isEqualTo(new StalenessGate.Counts(2, 2, 0));
    assertThat(b.samples()).noneMatch(Sample::importanceCorrected);
    TrainingBatch.of(List.of(Groups.group("e", 2)), 32, gate, 5);
    assertThat(gate.totals()).isEqualTo(new StalenessGate.Counts(2, 3, 0));
    assertThat(gate.totals().total()).isEqualTo(5);
  }

  @Test
  void importanceCorrectKeepsOldGroupsMarked() {
    StalenessGate gate = new StalenessGate(1, StalenessGate.Policy.IMPORTANCE_CORRECT);
    TrainingBatch b = TrainingBatch.of(List.of(Groups.group("a", 5), Groups.group("c", 2)), 32, gate, 5);
    assertThat(b.groupIds()).hasSize(2);
    assertThat(b.staleness()).isEqualTo(new StalenessGate.Counts(1, 0, 1));
    assertThat(b.groups().get(0)).noneMatch(Sample::importanceCorrected);
    assertThat(b.groups().get(1)).allMatch(Sample::importanceCorrected);
  }

  @Test
  void aGroupIsAsOldAsItsOldestMember() {
    ScoredGroup g = Groups.group("a", 5);
    ScoredGroup mixed = g.toBuilder().setMembers(1, g.getMembers(1).toBuilder().setTrajectory(
        g.getMembers(1).getTrajectory().toBuilder().setPolicyVersion(3))).build();
    assertThat(StalenessGate.groupVersion(mixed)).isEqualTo(3);
    assertThat(new StalenessGate(1, StalenessGate.Policy.DROP).apply(List.of(mixed), 5).kept()).isEmpty();
  }

  @Test
  void parsesConfigValues() {
    assertThat(StalenessGate.Policy.parse("drop")).isEqualTo(StalenessGate.Policy.DROP);
    assertThat(StalenessGate.Policy.parse("importance-correct")).isEqualTo(StalenessGate.Policy.IMPORTANCE_CORRECT);
    assertThat(StalenessGate.Policy.parse("IMPORTANCE_CORRECT")).isEqualTo(StalenessGate.Policy.IMPORTANCE_CORRECT);
    assertThatThrownBy(() -> StalenessGate.Policy.parse("keep")).hasMessageContaining("drop or importance-correct");
  }
}
