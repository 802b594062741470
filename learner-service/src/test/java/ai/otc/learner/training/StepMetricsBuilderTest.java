package ai.otc.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.learner.batch.StalenessGate;
import ai.otc.learner.batch.TrainingBatch;
import ai.otc.learner.domain.GroupDecision;
import ai.otc.learner.support.Groups;
import ai.otc.learner.update.UpdateStats;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.StepMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The step's metrics against a hand computation over the batch's members (EM, TC, TP, mean reward, excess calls per
 * kind), the update's figures in their fields, the decisions and staleness of the batch, and the time split.
 */
class StepMetricsBuilderTest {

  private static final int V = 20;

  @Test
  void fieldsAndExtrasFromTheBatchAndTheUpdate() {
    BatchAssembler a = new BatchAssembler("r", 2, new StalenessGate(1, StalenessGate.Policy.DROP),
        new BatchAssembler.Limits(V, 64), new GroupLedger(5, List.of()), Map.of());
    ScoredGroup g1 = Groups.group("r", 2, 0, 4, 2, V, 1);   // kind 1p, min calls 0, fresh
    ScoredGroup g2 = Groups.group("r", 2, 1, 3, 1, V, 2);   // kind 2h0, min calls 2, one version behind
    ScoredGroup old = Groups.group("r", 0, 3, 3, 0, V, 3);  // two versions behind: dropped
    a.add(new BatchAssembler.Polled(0, 0, "k", g1.toByteArray(), null));
    a.add(new BatchAssembler.Polled(0, 1, "k", old.toByteArray(), null));
    a.add(new BatchAssembler.Polled(0, 2, "k", g2.toByteArray(), null));
    a.fill(2, new BatchAssembler.Sink() {
      @Override
      public void decided(GroupDecision d) {}

      @Override
      public void deadLetter(BatchAssembler.Polled r, String reason, String detail) {}
    });
    BatchAssembler.Batch b = a.take();
    TrainingBatch tb = TrainingBatch.ofSamples(b.samples(), 64);
    UpdateStats u = new UpdateStats(3, true, 0.5, 0.4, 0.02, 1.7, 0.1, 0, -0.01, 1, 0, 0.9, 0, 0, 0, 0, 1e-4, 0, 7, 30, 0, 0, 0, 0,
        2, 0, 0.3);
    StepMetrics m = StepMetricsBuilder.build("r", 3, "otc-grpo", b, tb, u, new StepMetricsBuilder.Times(1.5, 0.25),
        Instant.ofEpochSecond(1_764_000_000L));

    // Reference: straight from the members.
    double correct = 0;
    double calls = 0;
    double reward = 0;
    double excess1p = 0;
    double excess2h0 = 0;
    for (ScoredGroup g : List.of(g1, g2)) {
      for (ScoredTrajectory t : g.getMembersList()) {
        correct += t.getCorrect() ? 1 : 0;
        calls += t.getToolCalls();
        reward += t.getReward();
        if (g == g1) {
          excess1p += t.getToolCalls();
        } else {
          excess2h0 += t.getToolCalls() - 2;
        }
      }
    }
    assertThat(m.getRunId()).isEqualTo("r");
    assertThat(m.getStep()).isEqualTo(3);
    assertThat(m.getPolicyVersion()).isEqualTo(3);
    assertThat(m.getReward()).isEqualTo("otc-grpo");
    assertThat(m.getTrajectories()).isEqualTo(7);
    assertThat(m.getEm()).isCloseTo(correct / 7, within(1e-12));
    assertThat(m.getTc()).isCloseTo(calls / 7, within(1e-12));
    assertThat(m.getTp()).isCloseTo(correct / calls, within(1e-12));
    assertThat(m.getMeanReward()).isCloseTo(reward / 7, within(1e-12));
    assertThat(m.getLoss()).isEqualTo(0.5);
    assertThat(m.getKl()).isEqualTo(0.02);
    assertThat(m.getEntropy()).isEqualTo(1.7);
    assertThat(m.getClipFraction()).isEqualTo(0.1);
    assertThat(m.getGradNorm()).isEqualTo(0.9);
    assertThat(m.getSeconds()).isEqualTo(1.75);
    assertThat(m.getTime().getSeconds()).isEqualTo(1_764_000_000L);
    Map<String, Double> x = m.getExtraMap();
    assertThat(x.get("excess_calls/1p")).isCloseTo(excess1p / 4, within(1e-12));
    assertThat(x.get("excess_calls/2h0")).isCloseTo(excess2h0 / 3, within(1e-12));
    assertThat(x.get("excess_calls")).isCloseTo((excess1p + excess2h0) / 7, within(1e-12));
    assertThat(x).containsKeys("em/1p", "tc/1p", "n/2h0", "reward_std", "adv_mean", "pg_loss", "lr", "groups_skipped");
    assertThat(x.get("n/1p")).isEqualTo(4.0);
    assertThat(x.get("groups")).isEqualTo(2.0);
    assertThat(x.get("groups_fresh")).isEqualTo(2.0);
    assertThat(x.get("groups_stale_dropped")).isEqualTo(1.0);
    assertThat(x.get("groups_stale_corrected")).isEqualTo(0.0);
    assertThat(x.get("groups_duplicate")).isEqualTo(0.0);
    assertThat(x.get("staleness_mean")).isEqualTo(0.5);
    assertThat(x.get("staleness_max")).isEqualTo(1.0);
    assertThat(x.get("wait_seconds")).isEqualTo(1.5);
    assertThat(x.get("update_seconds")).isEqualTo(0.25);

    StepMetrics t = StepMetricsBuilder.withTimes(m, 0.5, 0.125);
    assertThat(t.getExtraMap()).containsEntry("checkpoint_seconds", 0.5).containsEntry("store_seconds", 0.125);
    assertThat(t.getSeconds()).isEqualTo(2.375);
  }

  @Test
  void tpIsAbsentWithoutToolCallsAndTheStateRoundTrips() {
    ServiceState s = new ServiceState("r", 2, 123, java.util.Optional.of(StepMetrics.newBuilder().setStep(2).setEm(0.5).build()),
        List.of(new GroupLedger.Entry(1, List.of("a", "b"), List.of()), new GroupLedger.Entry(2, List.of("c"), List.of("d"))));
    assertThat(ServiceState.fromJson(s.toJson())).isEqualTo(s);
    ServiceState none = new ServiceState("r", 0, 5, java.util.Optional.empty(), List.of());
    assertThat(ServiceState.fromJson(none.toJson())).isEqualTo(none);
    assertThat(StepMetrics.newBuilder().build().hasTp()).isFalse();
  }
}
