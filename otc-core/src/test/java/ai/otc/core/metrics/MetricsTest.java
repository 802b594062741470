package ai.otc.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** EM / TC / TP and the paper's relative changes (OTC.md §4, numbers from §5). */
class MetricsTest {

  @Test
  void tpIsSumOfEmOverSumOfToolCalls() {
    ToolMetrics m = new ToolMetrics().add(1, 0).add(1, 2).add(0, 1).add(1, 1);
    assertThat(m.em()).isEqualTo(0.75);
    assertThat(m.tc()).isEqualTo(1.0);
    assertThat(m.tp()).hasValue(0.75);
    assertThat(new ToolMetrics().add(1, 0).tp()).isEmpty();
    assertThat(new ToolMetrics().em()).isNaN();
    ToolMetrics all = new ToolMetrics().addAll(m).addAll(new ToolMetrics().add(1, 4));
    assertThat(all.tp()).hasValue(4.0 / 8);
  }

  @Test
  void tpMayExceedOne() {
    ToolMetrics m = new ToolMetrics().add(1, 0).add(1, 0).add(1, 1);
    assertThat(m.tp().getAsDouble()).isEqualTo(3.0);
  }

  @Test
  void reproducesThePapersHeadlineChanges() {
    // v1: 73.1 % fewer calls (7B HotpotQA, OTC-GRPO vs Search-R1-PPO)
    assertThat(RelativeChange.toolCallReduction(3.741, 1.005)).isCloseTo(0.731, within(5e-4));
    // v2: 215.4 % TP from the rounded table values, 213.5 % from raw EM/TC
    assertThat(RelativeChange.productivityIncrease(0.136, 0.429, true)).isCloseTo(2.154, within(5e-4));
    assertThat(RelativeChange.productivityIncrease(0.449 / 3.282, 0.446 / 1.040, false)).isCloseTo(2.135, within(5e-4));
    // v2 Table 2 printed ▼41.2 % where the numbers give 52.2 %
    assertThat(RelativeChange.toolCallReduction(2.3, 1.1)).isCloseTo(0.522, within(5e-4));
    assertThat(RelativeChange.round3(0.4285)).isEqualTo(0.429);
    assertThat(RelativeChange.toolCallReduction(0, 1)).isNaN();
  }

  @Test
  void behaviourTableComparesPerQuestion() {
    List<QuestionResult> otc = List.of(
        new QuestionResult("q1", "paris", true, 0),   // same answer, fewer calls: ME
        new QuestionResult("q2", "rome", true, 2),    // same answer, more calls: LE
        new QuestionResult("q3", "oslo", true, 0),    // OTC right, base wrong, fewer calls: MA + AE
        new QuestionResult("q4", "bern", false, 1),   // base right, OTC wrong: LA
        new QuestionResult("q5", "x", true, 1));      // not in the baseline run
    List<QuestionResult> base = List.of(
        new QuestionResult("q1", "paris", true, 1),
        new QuestionResult("q2", "rome", true, 1),
        new QuestionResult("q3", "lima", false, 1),
        new QuestionResult("q4", "vaduz", true, 1));
    BehaviourTable t = BehaviourTable.compare(otc, base);
    assertThat(t.questions()).isEqualTo(4);
    assertThat(t.me()).isEqualTo(0.25);
    assertThat(t.le()).isEqualTo(0.25);
    assertThat(t.ma()).isEqualTo(0.25);
    assertThat(t.la()).isEqualTo(0.25);
    assertThat(t.ae()).isEqualTo(0.25);
    assertThat(BehaviourTable.compare(otc, List.of()).me()).isNaN();
  }
}
