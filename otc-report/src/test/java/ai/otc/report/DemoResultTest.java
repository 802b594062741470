package ai.otc.report;

import ai.otc.report.support.SyntheticDemo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.core.metrics.BehaviourTable;
import ai.otc.report.stats.CallCheck;
import ai.otc.report.stats.Curve;
import ai.otc.report.stats.DemoResult;
import ai.otc.report.stats.EvalStats;
import ai.otc.report.stats.RewardStats;
import ai.otc.report.stats.ResultBuilder;
import ai.otc.report.stats.RunStats;
import ai.otc.report.stats.Targets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The synthetic demo's result against the numbers worked out by hand in {@link SyntheticDemo}'s records. */
class DemoResultTest {

  private static final double E = 1e-12;
  private final DemoResult r = ResultBuilder.build(SyntheticDemo.config(), SyntheticDemo.records());

  @Test
  void perSeedNumbers() {
    RewardStats em = r.rewards().get("em");
    // em.s1: qa 1✓, qb 1✓, qc 3✓, qd 2✗ (minimums 0, 1, 2, 0)
    EvalStats s1 = em.seeds().get(0).all();
    assertThat(s1.em()).isCloseTo(0.75, within(E));
    assertThat(s1.tc()).isCloseTo(1.75, within(E));
    assertThat(s1.tp()).isCloseTo(3.0 / 7.0, within(E));
    assertThat(s1.optimalTc()).isCloseTo(0.75, within(E));
    assertThat(s1.excessCalls()).isCloseTo(1.0, within(E));
    assertThat(s1.optimalCallRate()).isCloseTo(0.25, within(E)); // only qb
    // otc-grpo.s2: qa 0✓, qb 0✗, qc 2✓, qd 0✗
    EvalStats o2 = r.rewards().get("otc-grpo").seeds().get(1).all();
    assertThat(o2.em()).isCloseTo(0.5, within(E));
    assertThat(o2.tc()).isCloseTo(0.5, within(E));
    assertThat(o2.tp()).isCloseTo(1.0, within(E));
    assertThat(o2.excessCalls()).isCloseTo(-0.25, within(E));
    assertThat(o2.optimalCallRate()).isCloseTo(0.5, within(E)); // qa and qc
  }

  @Test
  void meansOverSeedsSpreadsAndTheBaseline() {
    RewardStats em = r.rewards().get("em");
    RewardStats otc = r.rewards().get("otc-grpo");
    assertThat(r.baseline()).isEqualTo("em");
    assertThat(em.mean().tc()).isCloseTo(1.625, within(E));
    assertThat(em.mean().tp()).isCloseTo((3.0 / 7.0 + 0.5) / 2, within(E));
    assertThat(em.mean().excessCalls()).isCloseTo(0.875, within(E));
    assertThat(em.mean().optimalCallRate()).isCloseTo(0.375, within(E));
    assertThat(em.std().em()).isCloseTo(0.0, within(E));
    assertThat(em.std().tc()).isCloseTo(0.25 / Math.sqrt(2), within(E));
    assertThat(otc.mean().em()).isCloseTo(0.75, within(E));
    assertThat(otc.mean().tc()).isCloseTo(0.625, within(E));
    assertThat(otc.mean().tp()).isCloseTo(7.0 / 6.0, within(E));
    assertThat(otc.mean().optimalCallRate()).isCloseTo(0.75, within(E));
    assertThat(otc.std().em()).isCloseTo(0.5 / Math.sqrt(2), within(E));
    assertThat(em.vsBaseline()).isNull();
    assertThat(otc.vsBaseline().tcReduction()).isCloseTo(1.0 / 1.625, within(E));
    assertThat(otc.vsBaseline().tpIncrease()).isCloseTo(1.167 / 0.464 - 1, within(E)); // rounded TPs, as the paper
    assertThat(otc.vsBaseline().excessRemoved()).isCloseTo(1.0 / 0.875, within(E));   // (0.875 − (−0.125)) / 0.875
    assertThat(otc.vsBaseline().emDelta()).isCloseTo(0.0, within(E));
  }

  @Test
  void perKindAndPerSource() {
    EvalStats em1p = r.rewards().get("em").byKind().get("1p");
    assertThat(em1p.tc()).isCloseTo(1.5, within(E));
    assertThat(em1p.tp()).isCloseTo(0.75, within(E));
    assertThat(em1p.excessCalls()).isCloseTo(1.5, within(E));
    assertThat(em1p.optimalCallRate()).isCloseTo(0.0, within(E));
    EvalStats otc1p = r.rewards().get("otc-grpo").byKind().get("1p");
    assertThat(otc1p.tc()).isCloseTo(0.0, within(E));
    assertThat(otc1p.tp()).isNull();
    assertThat(otc1p.optimalCallRate()).isCloseTo(1.0, within(E));
    assertThat(r.rewards().get("otc-grpo").byKind()).containsOnlyKeys("1p", "1n", "2h0", "2h2");
    RewardStats otc = r.rewards().get("otc-grpo");
    assertThat(r.rewards().get("em").bySource().get("world_1hop").tp()).isCloseTo((1.0 + 2.0 / 3.0) / 2, within(E));
    assertThat(otc.bySource().get("world_1hop").tp()).isCloseTo(2.0, within(E)); // seed 2 made no call there
    assertThat(otc.bySourceVsBaseline().get("world_1hop").tcReduction()).isCloseTo(0.8, within(E));
    assertThat(otc.bySourceVsBaseline().get("world_1hop").tpIncrease()).isCloseTo(2.0 / 0.833 - 1, within(E));
    assertThat(otc.bySourceVsBaseline().get("world_2hop").tpIncrease()).isCloseTo(0.75 / 0.267 - 1, within(E));
  }

  @Test
  void behaviourPairsSeedWithSeedByQuestion() {
    RewardStats otc = r.rewards().get("otc-grpo");
    // seed 1: qa same answer fewer calls (ME), qc ME, qd OTC right with fewer calls, baseline wrong (MA, AE)
    assertThat(otc.behaviourBySeed().get(0)).isEqualTo(new BehaviourTable(4, 0.5, 0.0, 0.25, 0.0, 0.25));
    // seed 2: qa ME, qb baseline right and OTC wrong (LA), qd same wrong answer with fewer calls (ME)
    assertThat(otc.behaviourBySeed().get(1)).isEqualTo(new BehaviourTable(4, 0.5, 0.0, 0.0, 0.25, 0.0));
    BehaviourTable mean = otc.behaviour();
    assertThat(mean.me()).isCloseTo(0.5, within(E));
    assertThat(mean.ma()).isCloseTo(0.125, within(E));
    assertThat(mean.la()).isCloseTo(0.125, within(E));
    assertThat(mean.ae()).isCloseTo(0.125, within(E));
  }

  @Test
  void meteredAgainstCountedCalls() {
    RunStats em1 = r.rewards().get("em").seeds().get(0);
    // rollouts 2+1+2+3 (one never executed; the repeated record ignored) + evaluations 1+1+3+2
    assertThat(em1.calls()).isEqualTo(new CallCheck(15, 1, 14, 1));
    assertThat(em1.calls().agree()).isTrue();
    assertThat(em1.toolSeconds()).isCloseTo(0.07, within(E));      // 7 executed rollout calls of 10 ms
    assertThat(em1.evalToolSeconds()).isCloseTo(0.07, within(E));
    assertThat(em1.meteredSeconds()).isCloseTo(0.056, within(E));  // 14 distinct events of 4 ms, the refusal 0
    assertThat(em1.wallSeconds()).isEqualTo(10.5);
    RunStats o2 = r.rewards().get("otc-grpo").seeds().get(1);
    assertThat(o2.calls()).isEqualTo(new CallCheck(3, 0, 2, 0));
    assertThat(o2.calls().agree()).isFalse();
    assertThat(r.rewards().get("em").calls()).isEqualTo(new CallCheck(22, 1, 21, 1));
    assertThat(r.initial().calls()).isEqualTo(new CallCheck(5, 0, 5, 0));
    assertThat(r.initial().all().tp()).isCloseTo(0.4, within(E));
  }

  @Test
  void curvesKeepTheLastRecordOfAStepAndAverageCallsAboveTheMinimumPerBatch() {
    Curve c = r.curves().get("T.em.s1");
    assertThat(c.step()).containsExactly(1L, 2L);
    assertThat(c.em()).containsExactly(0.5, 0.6);
    assertThat(c.batch()).containsExactly(0L, 1L);
    assertThat(c.callsAboveOptimum()).containsExactly(1.0, 0.0); // b0: (2 − 0 + 1 − 1) / 2; b1: qc 2 − 2, qx unknown
    assertThat(r.curves().get("T.otc-grpo.s2").step()).isEmpty();
    assertThat(r.curves()).doesNotContainKey("U.em.s1");
    assertThat(r.rewards().get("em").seeds().get(1).steps()).isEqualTo(1);
  }

  @Test
  void recordsOfOtherDemosAreIgnoredAndDuplicatesCountedOnce() {
    assertThat(r.recordsKept()).containsEntry("otc.metrics.v1", 5L).containsEntry("otc.rollouts.v1", 7L)
        .containsEntry("otc.evaluations.v1", 20L).containsEntry("otc.tool-usage.v1", 32L);
  }

  @Test
  void targets() {
    List<Targets.Check> checks = Targets.of(r);
    assertThat(checks).extracting(Targets.Check::met).containsExactly(true, true, true, false);
    assertThat(checks.get(2).value()).isCloseTo((7.0 / 6.0) / ((3.0 / 7.0 + 0.5) / 2), within(E));
  }
}
