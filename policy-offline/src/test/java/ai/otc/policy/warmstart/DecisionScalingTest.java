package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** {@link WarmStartConfig#forEntities}: more decision rows on a larger world, every other kind of row as many. */
class DecisionScalingTest {
  private final WarmStartConfig d = WarmStartConfig.defaults();

  @Test
  void leavesTheDefaultWorldAndSmallerWorldsAlone() {
    assertThat(d.forEntities(160)).isSameAs(d);
    assertThat(d.forEntities(100)).isSameAs(d);
    assertThat(d.forEntities(160).canonical()).isEqualTo(d.canonical());
  }

  @Test
  void growsTheDecisionRowsInProportionAndKeepsEveryOtherRowCount() {
    // world-1: 240 entities, k = 1.5; by hand: 2,000 x (0.8 + 0.2 x 1.5) = 2,200 steps
    WarmStartConfig w = d.forEntities(240);
    assertThat(w.steps()).isEqualTo(2200);
    assertThat(w.drillShare() * w.steps()).isCloseTo(0.4 * 2000, within(1e-9));
    assertThat(w.factShare() * w.steps()).isCloseTo(0.3 * 2000, within(1e-9));
    assertThat(w.decisionShare() * w.steps()).isCloseTo(0.2 * 2000 * 1.5, within(1e-9));
    double demos = 1 - w.drillShare() - w.factShare() - w.decisionShare();
    assertThat(demos * w.steps()).isCloseTo(0.1 * 2000, within(1e-9));
    assertThat(w.decisionShare()).isCloseTo(600.0 / 2200, within(1e-12));
    // world-2: 200 entities, k = 1.25: 2,100 steps, 500 of them decision rows
    WarmStartConfig w2 = d.forEntities(200);
    assertThat(w2.steps()).isEqualTo(2100);
    assertThat(w2.decisionShare() * w2.steps()).isCloseTo(500, within(1e-9));
    assertThat(w2.drillShare() * w2.steps()).isCloseTo(800, within(1e-9));
  }

  @Test
  void changesNothingElse() {
    WarmStartConfig w = d.forEntities(320);
    assertThat(w.steps()).isEqualTo(2400);
    assertThat(w.withSteps(d.steps()).canonical().replaceAll(" (fact|drill|decision)=[0-9.]+", ""))
        .isEqualTo(d.canonical().replaceAll(" (fact|drill|decision)=[0-9.]+", ""));
    assertThat(w.forEntities(320).steps()).as("applied twice, it scales twice: callers apply it once").isEqualTo(3200);
  }

  @Test
  void withoutDecisionRowsThereIsNothingToScale() {
    WarmStartConfig none = new WarmStartConfig(1000, 96, 3e-3f, 60, 0.3, 0.3, 0.4, 0.0, 0.0, true, true, 0.0, 16.0, true,
        false, true, 2.0, 1, "observation", 0);
    assertThat(none.forEntities(400)).isSameAs(none);
  }
}
