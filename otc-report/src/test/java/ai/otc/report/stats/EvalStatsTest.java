package ai.otc.report.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.report.data.EvalFact;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test-split numbers of a handful of questions, worked out by hand. */
class EvalStatsTest {

  private static EvalFact q(String kind, int min, int calls, boolean correct) {
    return new EvalFact("T.em.s1", kind + min + calls, "src", kind, min, calls, correct, "a", 0, 0);
  }

  /** qa 1p min 0 / 0 calls ✓ (optimal), qb 1p min 0 / 1 ✓, qc 1n min 1 / 1 ✓ (optimal), qd 2h2 min 2 / 3 ✗, qe 2h2 min 2 / 2 ✗. */
  private static final List<EvalFact> FIVE = List.of(q("1p", 0, 0, true), q("1p", 0, 1, true), q("1n", 1, 1, true),
      q("2h2", 2, 3, false), q("2h2", 2, 2, false));

  @Test
  void paperMetricsAndOurs() {
    EvalStats s = EvalStats.of(FIVE);
    assertThat(s.questions()).isEqualTo(5);
    assertThat(s.em()).isCloseTo(0.6, within(1e-12));            // 3 / 5
    assertThat(s.tc()).isCloseTo(1.4, within(1e-12));            // (0+1+1+3+2) / 5
    assertThat(s.tp()).isCloseTo(3.0 / 7.0, within(1e-12));      // ΣEM / Σtc = 3 / 7
    assertThat(s.optimalTc()).isCloseTo(1.0, within(1e-12));     // (0+0+1+2+2) / 5
    assertThat(s.excessCalls()).isCloseTo(0.4, within(1e-12));   // 1.4 − 1.0
    assertThat(s.optimalCallRate()).isCloseTo(0.4, within(1e-12)); // qa and qc: 2 / 5; qe has min calls but is wrong
  }

  @Test
  void unknownMinimumCountsForTheMetricsButNotForOurs() {
    List<EvalFact> six = new ArrayList<>(FIVE);
    six.add(q("x", -1, 4, true));
    EvalStats s = EvalStats.of(six);
    assertThat(s.em()).isCloseTo(4.0 / 6.0, within(1e-12));
    assertThat(s.tc()).isCloseTo(11.0 / 6.0, within(1e-12));
    assertThat(s.tp()).isCloseTo(4.0 / 11.0, within(1e-12));
    assertThat(s.optimalTc()).isCloseTo(1.0, within(1e-12));
    assertThat(s.excessCalls()).isCloseTo(0.4, within(1e-12));
    assertThat(s.optimalCallRate()).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void noCallMeansNoProductivityAndEmptyMeansNothing() {
    EvalStats s = EvalStats.of(List.of(q("1p", 0, 0, true), q("1p", 0, 0, false)));
    assertThat(s.tp()).isNull();
    assertThat(s.tc()).isEqualTo(0.0);
    assertThat(s.excessCalls()).isEqualTo(0.0);
    assertThat(s.optimalCallRate()).isEqualTo(0.5);
    assertThat(EvalStats.of(List.of())).isEqualTo(EvalStats.EMPTY);
    assertThat(EvalStats.EMPTY.em()).isNull();
  }
}
