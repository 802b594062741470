package ai.otc.core.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** verl's GRPO normalisation (LEARNER.md §4). */
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
}
