package ai.otc.core.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** verl's GRPO normalisation (LEARNER.md §4), and the unscaled variant (Dr. GRPO). */
class GrpoAdvantageTest {

  @Test
  void unbiasedStdPlusEpsilon() {
    double[] a = GrpoAdvantage.compute(new double[] {0, 1});
    double std = Math.sqrt(0.5);
    assertThat(a[0]).isCloseTo(-0.5 / (std + 1e-6), within(1e-15));
    assertThat(a[1]).isCloseTo(0.5 / (std + 1e-6), within(1e-15));
  }

  @Test
  void equalRewardsGiveZero() {
    assertThat(GrpoAdvantage.compute(new double[] {1, 1, 1})).containsOnly(0.0);
    assertThat(GrpoAdvantage.compute(new double[] {})).isEmpty();
  }

  @Test
  void computeIntoUsesOnlyThePrefix() {
    double[] out = new double[4];
    GrpoAdvantage.computeInto(new double[] {2, 0, 99, 99}, 2, out);
    assertThat(out[0]).isCloseTo(1 / (Math.sqrt(2) + 1e-6), within(1e-15));
    assertThat(out[2]).isZero();
  }

  @Test
  void withoutTheStdScaleAdvantagesAreTheCentredRewards() {
    // Case A of OTC.md (n = 1): rewards 0, 1, cos-branch values, 0; mean 0.5146264
    double[] r = {0, 1, 0.8660254037844387, 0.7071067811865476, 0};
    double mean = (1 + 0.8660254037844387 + 0.7071067811865476) / 5;
    double[] a = GrpoAdvantage.compute(r, AdvantageScale.NONE);
    for (int i = 0; i < r.length; i++) {
      assertThat(a[i]).as("member %d", i).isCloseTo(r[i] - mean, within(1e-15));
    }
    assertThat(GrpoAdvantage.compute(new double[] {0.7}, AdvantageScale.NONE)).as("a group of one: mean 0")
        .containsExactly(0.7);
    assertThat(GrpoAdvantage.compute(new double[] {0.9, 0.9}, AdvantageScale.NONE)).containsOnly(0.0);
    assertThat(GrpoAdvantage.compute(r, AdvantageScale.STD)).as("std is the default of the one-argument form")
        .containsExactly(GrpoAdvantage.compute(r));
  }

  @Test
  void anEfficiencyGroupIsNotBlownUpToTheScaleOfAWrongGuess() {
    // all correct, half with one call too many (r_tool 1 vs cos(pi/6)): std-scaled to about +-1, unscaled +-0.067
    double[] efficiency = {1, 1, 1, 1, 0.8660254037844387, 0.8660254037844387, 0.8660254037844387, 0.8660254037844387};
    // seven right, one wrong guess
    double[] guess = {1, 1, 1, 1, 1, 1, 1, 0};
    double effStd = GrpoAdvantage.compute(efficiency, AdvantageScale.STD)[0];
    double guessStd = GrpoAdvantage.compute(guess, AdvantageScale.STD)[7];
    double effNone = GrpoAdvantage.compute(efficiency, AdvantageScale.NONE)[0];
    double guessNone = GrpoAdvantage.compute(guess, AdvantageScale.NONE)[7];
    assertThat(effStd).isCloseTo(0.935, within(1e-3));
    assertThat(guessStd).isCloseTo(-2.475, within(1e-3));
    assertThat(effNone).isCloseTo(0.067, within(1e-3));
    assertThat(guessNone).isCloseTo(-0.875, within(1e-12));
    assertThat(Math.abs(guessNone / effNone)).as("the guess's weight against efficiency, unscaled")
        .isGreaterThan(4 * Math.abs(guessStd / effStd));
  }

  @Test
  void scalesParseByTheirConfigNames() {
    assertThat(AdvantageScale.parse("none")).isEqualTo(AdvantageScale.NONE);
    assertThat(AdvantageScale.parse(" STD ")).isEqualTo(AdvantageScale.STD);
    assertThat(AdvantageScale.NONE.cliName()).isEqualTo("none");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdvantageScale.parse("z-score"))
        .hasMessageContaining("'z-score'").hasMessageContaining("std or none");
  }
}
