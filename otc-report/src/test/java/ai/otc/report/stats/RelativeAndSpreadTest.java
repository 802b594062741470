package ai.otc.report.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Relative changes against the paper's own numbers, and means and spreads over seeds by hand. */
class RelativeAndSpreadTest {

  private static EvalStats stats(double em, double tc, Double tp, Double excess) {
    return new EvalStats(100, em, tc, tp, 0.5, excess, 0.5);
  }

  @Test
  void relativeChangesAsThePaperPrintsThem() {
    // OTC.md §5.1, 7B NQ: Search-R1-PPO TC 3.282 TP 0.136, OTC-PPO TC 1.040 TP 0.429 -> ▼68.3 %, ▲215.4 %.
    // The raw TPs 0.13649 and 0.42851 round to the printed ones; ▲TP is computed from the rounded values.
    Relative r = Relative.of(stats(0.449, 3.282, 0.13649, 1.2), stats(0.446, 1.040, 0.42851, 0.3));
    assertThat(r.tcReduction()).isCloseTo(0.683, within(5e-4));
    assertThat(r.tpIncrease()).isCloseTo(0.429 / 0.136 - 1, within(1e-12));
    assertThat(r.tpIncrease()).isCloseTo(2.154, within(5e-4));
    assertThat(r.excessRemoved()).isCloseTo(0.75, within(1e-12)); // (1.2 − 0.3) / 1.2
    assertThat(r.emDelta()).isCloseTo(-0.003, within(1e-12));
  }

  @Test
  void undefinedBaselinesGiveNull() {
    Relative r = Relative.of(stats(0.5, 0.0, null, 0.0), stats(0.5, 1.0, 0.5, 0.1));
    assertThat(r.tcReduction()).isNull();
    assertThat(r.tpIncrease()).isNull();
    assertThat(r.excessRemoved()).isNull();
    assertThat(r.emDelta()).isEqualTo(0.0);
  }

  @Test
  void meansSkipUndefinedValuesAndSpreadsAreSampleStandardDeviations() {
    assertThat(Spread.mean(Arrays.asList(1.0, 2.0, null, 3.0))).isEqualTo(2.0);
    assertThat(Spread.mean(Arrays.asList(null, null))).isNull();
    assertThat(Spread.std(List.of(1.0, 2.0, 3.0))).isCloseTo(1.0, within(1e-12));
    // 2,4,4,4,5,5,7,9: mean 5, Σ(x − 5)² = 32, sample variance 32 / 7
    assertThat(Spread.std(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0))).isCloseTo(Math.sqrt(32.0 / 7.0), within(1e-12));
    assertThat(Spread.std(List.of(0.7))).isNull();
  }

  @Test
  void meanOfSeedsIsFieldWise() {
    EvalStats m = Spread.meanOf(List.of(new EvalStats(4, 1.0, 0.75, 4.0 / 3.0, 0.75, 0.0, 1.0),
        new EvalStats(3, 0.5, 0.5, null, 0.75, -0.25, 0.5)));
    assertThat(m.questions()).isEqualTo(3);
    assertThat(m.em()).isCloseTo(0.75, within(1e-12));
    assertThat(m.tc()).isCloseTo(0.625, within(1e-12));
    assertThat(m.tp()).isCloseTo(4.0 / 3.0, within(1e-12)); // the seed without a TP is skipped
    assertThat(m.excessCalls()).isCloseTo(-0.125, within(1e-12));
    assertThat(m.optimalCallRate()).isCloseTo(0.75, within(1e-12));
  }
}
