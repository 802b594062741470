package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@link WarmStartConfig#forEntities} and {@link WarmStartConfig#forWorld}: more decision rows on a world of more
 * entities, more fact rows on a world of more famous ones, every other kind of row as many.
 */
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
    WarmStartConfig none = WarmStartConfig.builder().basic().steps(1000).batchSize(96).learningRate(3e-3f).warmupSteps(60)
        .minimalShare(0.3).factShare(0.3).drillShare(0.4).copyCurriculum(true).mixedDrills(true).decisionShare(0.0)
        .decisionWeight(16.0).recallDecisions(true).trainReadValues(true).p1Oversample(2.0).topK(1).observationTag("observation")
        .seed(0).build();
    assertThat(none.forEntities(400)).isSameAs(none);
  }

  @Test
  void growsTheFactRowsWithTheFamousEntities() {
    // world-3: 280 entities (kd = 1.75), 126 famous (kf = 1.575); by hand: decision rows 0.2 x 2,000 x 1.75 = 700,
    // fact rows 0.3 x 2,000 x 1.575 = 945, drills 800, demonstrations 200: 2,645 steps
    WarmStartConfig w = d.forWorld(280, true, 126, true);
    assertThat(w.steps()).isEqualTo(2645);
    assertThat(w.factShare() * w.steps()).isCloseTo(945, within(1e-9));
    assertThat(w.decisionShare() * w.steps()).isCloseTo(700, within(1e-9));
    assertThat(w.drillShare() * w.steps()).isCloseTo(800, within(1e-9));
    assertThat((1 - w.drillShare() - w.factShare() - w.decisionShare()) * w.steps()).isCloseTo(200, within(1e-9));
    // facts alone: 120 famous of 160 entities, kf = 1.5: 2,000 + 300 steps
    WarmStartConfig facts = d.forWorld(160, true, 120, true);
    assertThat(facts.steps()).isEqualTo(2300);
    assertThat(facts.factShare() * facts.steps()).isCloseTo(900, within(1e-9));
    assertThat(facts.decisionShare() * facts.steps()).isCloseTo(400, within(1e-9));
  }

  @Test
  void eachScalingFollowsItsSwitchAndTheDefaultWorldIsLeftAlone() {
    assertThat(d.forWorld(160, true, 80, true)).isSameAs(d);
    assertThat(d.forWorld(280, false, 126, false)).isSameAs(d);
    assertThat(d.forWorld(280, true, 126, false)).isEqualTo(d.forEntities(280));
    assertThat(d.forWorld(280, false, 126, true).decisionShare() * d.forWorld(280, false, 126, true).steps())
        .isCloseTo(400, within(1e-9));
    // without fact scaling the decision-only scaling is bit-identical to the formula it had (cache keys unchanged)
    WarmStartConfig w = d.forWorld(240, true, 96, false);
    assertThat(w.steps()).isEqualTo(2200);
    assertThat(w.factShare()).isEqualTo(0.3 * (2000.0 / 2200));
    assertThat(w.decisionShare()).isEqualTo(0.2 * 1.5 * (2000.0 / 2200));
  }
}
