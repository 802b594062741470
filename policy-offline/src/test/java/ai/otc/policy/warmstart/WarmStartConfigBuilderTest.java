package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link WarmStartConfig.Builder}: every setter reaches its own component, and nothing else changes. */
class WarmStartConfigBuilderTest {

  @Test
  void aBuilderWithNothingChangedGivesTheSameConfiguration() {
    WarmStartConfig d = WarmStartConfig.defaults();
    assertThat(d.toBuilder().build()).isEqualTo(d);
    assertThat(WarmStartConfig.builder().build()).isEqualTo(d);
    WarmStartConfig scaled = d.forWorld(280, true, 126, true);
    assertThat(scaled.toBuilder().build()).isEqualTo(scaled);
  }

  @Test
  void everySetterSetsItsOwnComponent() {
    // values that differ from the defaults and from each other, so a setter writing the wrong field shows
    WarmStartConfig c = WarmStartConfig.builder().steps(11).batchSize(12).learningRate(0.013f).warmupSteps(14)
        .minimalShare(0.15).factShare(0.16).drillShare(0.17).drillRealShare(0.18).drillShuffleShare(0.19).copyCurriculum(false)
        .copyFloor(0.21).copyUntil(0.22).mixedDrills(false).decisionShare(0.24).decisionWeight(25).recallDecisions(false)
        .decisionCurriculum(false).friendCurriculum(false).friendQuestions(false).famousCurriculum(false).arithmeticFacts(true)
        .trainReadValues(true).p1Oversample(3.3).topK(34).observationTag("information").seed(36).build();
    assertThat(c).isEqualTo(new WarmStartConfig(11, 12, 0.013f, 14, 0.15, 0.16, 0.17, 0.18, 0.19, false, 0.21, 0.22, false,
        0.24, 25, false, false, false, false, false, true, true, 3.3, 34, "information", 36));
  }

  @Test
  void basicTurnsOffEveryLaterSettingAndKeepsTheRest() {
    WarmStartConfig d = WarmStartConfig.defaults();
    WarmStartConfig b = d.toBuilder().arithmeticFacts(true).basic().build();
    assertThat(b).isEqualTo(new WarmStartConfig(d.steps(), d.batchSize(), d.learningRate(), d.warmupSteps(), d.minimalShare(),
        d.factShare(), d.drillShare(), 0.0, 0.0, false, WarmStartConfig.UNDAMPED_COPY_FLOOR, 0.0, false, d.decisionShare(),
        d.decisionWeight(), false, false, false, false, false, false, d.trainReadValues(), d.p1Oversample(), d.topK(),
        d.observationTag(), d.seed()));
    assertThat(b.canonical()).doesNotContain("curriculum", "copy", "mixed", "recall", "friend", "arithmetic", "realdrill",
        "shuffledrill");
  }
}
