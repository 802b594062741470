package ai.otc.core.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The configurable handling of ToRL's −1 for wrong answers (OTC.md §1.5), and the additive ablation. */
class WrongAnswerPolicyTest {

  private static TrajectoryReward score(WrongAnswerPolicy p, int m, int n, boolean correct, double rPhi) {
    RewardConfig cfg = RewardConfig.paper(RewardKind.OTC_GRPO).withC(3).withWrongAnswerPolicy(p);
    return new RewardCalculator(cfg).score(new Outcome(m, correct, rPhi), OptionalInt.of(n));
  }

  @Test
  void literalMultipliesTheNegativeReward() {
    assertThat(score(WrongAnswerPolicy.LITERAL, 2, 1, false, -1).reward()).isCloseTo(-Math.sqrt(3) / 2, within(1e-12));
    // more calls, smaller r_tool: a wrong answer is punished LESS, the ambiguity the spec warns about
    assertThat(score(WrongAnswerPolicy.LITERAL, 5, 1, false, -1).reward())
        .isGreaterThan(score(WrongAnswerPolicy.LITERAL, 2, 1, false, -1).reward());
  }

  @Test
  void zeroWhenWrongZeroesEveryWrongAnswer() {
    assertThat(score(WrongAnswerPolicy.ZERO_WHEN_WRONG, 2, 1, false, -1).reward()).isZero();
    assertThat(score(WrongAnswerPolicy.ZERO_WHEN_WRONG, 2, 1, false, 0.2).reward()).isZero();
    assertThat(score(WrongAnswerPolicy.ZERO_WHEN_WRONG, 1, 1, true, 1).reward()).isEqualTo(1.0);
  }

  @Test
  void toolOnlyWhenCorrectKeepsTheRawNegativeReward() {
    assertThat(score(WrongAnswerPolicy.TOOL_ONLY_WHEN_CORRECT, 2, 1, false, -1).reward()).isEqualTo(-1.0);
    assertThat(score(WrongAnswerPolicy.TOOL_ONLY_WHEN_CORRECT, 5, 1, false, -1).reward()).isEqualTo(-1.0);
    assertThat(score(WrongAnswerPolicy.TOOL_ONLY_WHEN_CORRECT, 2, 1, true, 1).reward())
        .isCloseTo(Math.sqrt(3) / 2, within(1e-12));
  }

  @Test
  void undefinedNUnderToolOnlyWhenCorrectKeepsRawRPhi() {
    RewardConfig cfg = RewardConfig.paper(RewardKind.OTC_GRPO).withWrongAnswerPolicy(WrongAnswerPolicy.TOOL_ONLY_WHEN_CORRECT);
    TrajectoryReward r = new RewardCalculator(cfg).score(new Outcome(1, false, -1), OptionalInt.empty());
    assertThat(r.reward()).isEqualTo(-1.0);
    RewardConfig lit = RewardConfig.paper(RewardKind.OTC_GRPO);
    assertThat(new RewardCalculator(lit).score(new Outcome(1, false, -1), OptionalInt.empty()).reward()).isZero();
  }

  @Test
  void additiveAblationAddsInsteadOfMultiplying() {
    RewardConfig cfg = RewardConfig.paper(RewardKind.OTC_PPO).withAdditive(true);
    TrajectoryReward wrong = new RewardCalculator(cfg).score(Outcome.of(0, false), OptionalInt.empty());
    // the failure mode the paper reports: fewer calls and a wrong answer still earns reward
    assertThat(wrong.reward()).isEqualTo(1.0);
    TrajectoryReward right = new RewardCalculator(cfg).score(Outcome.of(1, true), OptionalInt.empty());
    assertThat(right.reward()).isCloseTo(Math.cos(Math.PI / 6) + 1, within(1e-12));
  }

  @Test
  void parsingIsStrictAndNamesTheValue() {
    assertThat(WrongAnswerPolicy.parse("zero-when-wrong")).isEqualTo(WrongAnswerPolicy.ZERO_WHEN_WRONG);
    assertThat(RewardKind.parse("OTC-GRPO")).isEqualTo(RewardKind.OTC_GRPO);
    assertThat(RewardKind.parse("em")).isEqualTo(RewardKind.EM);
    assertThatThrownBy(() -> RewardKind.parse("otc")).hasMessageContaining("'otc'");
    assertThatThrownBy(() -> WrongAnswerPolicy.parse("never")).hasMessageContaining("'never'");
    assertThatThrownBy(() -> RewardConfig.paper(RewardKind.EM).withC(0)).hasMessageContaining("c must be");
    assertThatThrownBy(() -> RewardConfig.paper(RewardKind.EM).withAlpha(Double.NaN)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> Outcome.of(-1, true)).hasMessageContaining(">= 0");
  }
}
