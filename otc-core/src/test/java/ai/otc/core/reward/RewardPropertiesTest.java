package ai.otc.core.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the reward family (jqwik, with its fixed seed per run recorded in .jqwik-database). */
class RewardPropertiesTest {

  @Property
  void grpoRewardsLieInZeroToAlpha(
      @ForAll @IntRange(min = 0, max = 50) int m,
      @ForAll @IntRange(min = 0, max = 20) int n,
      @ForAll boolean correct,
      @ForAll @DoubleRange(min = 0.5, max = 10) double c,
      @ForAll @DoubleRange(min = 0.1, max = 5) double alpha) {
    RewardConfig cfg = RewardConfig.paper(RewardKind.OTC_GRPO).withC(c).withAlpha(alpha);
    double r = new RewardCalculator(cfg).score(Outcome.of(m, correct), OptionalInt.of(n)).reward();
    assertThat(r).isBetween(0.0, alpha + 1e-12);
  }

  @Property
  void ppoRewardsLieInZeroToAlpha(
      @ForAll @IntRange(min = 0, max = 1000) int m,
      @ForAll boolean correct,
      @ForAll @DoubleRange(min = 0.5, max = 10) double c,
      @ForAll @DoubleRange(min = 0.1, max = 5) double alpha) {
    RewardConfig cfg = RewardConfig.paper(RewardKind.OTC_PPO).withC(c).withAlpha(alpha);
    double r = new RewardCalculator(cfg).score(Outcome.of(m, correct), OptionalInt.empty()).reward();
    assertThat(r).isBetween(0.0, alpha + 1e-12);
  }

  @Property
  void toolRewardIsExactlyOneAtMEqualsN(@ForAll @IntRange(min = 0, max = 1000) int n, @ForAll @DoubleRange(min = 0.5, max = 10) double c) {
    assertThat(OtcReward.toolRewardGrpo(n, n, c)).isCloseTo(1.0, within(1e-15));
  }

  @Property
  void positiveNBranchIsSymmetricUnderSwappingMAndN(
      @ForAll @IntRange(min = 1, max = 200) int m, @ForAll @IntRange(min = 1, max = 200) int n) {
    assertThat(OtcReward.toolRewardGrpo(m, n, 4)).isCloseTo(OtcReward.toolRewardGrpo(n, m, 4), within(1e-12));
    assertThat(OtcReward.toolRewardGrpo(m, n, 4)).isCloseTo(Math.sin(Math.PI * m / (m + (double) n)), within(1e-12));
  }

  @Property
  void cosineBranchDecreasesStrictlyInM(@ForAll @IntRange(min = 0, max = 500) int m, @ForAll @DoubleRange(min = 0.5, max = 10) double c) {
    assertThat(OtcReward.toolRewardPpo(m + 1, c)).isLessThan(OtcReward.toolRewardPpo(m, c));
    assertThat(OtcReward.toolRewardGrpo(m + 1, 0, c)).isLessThan(OtcReward.toolRewardGrpo(m, 0, c));
    assertThat(OtcReward.toolRewardPpo(m, c)).isPositive();
  }

  @Property
  void aboveNTheRewardDecreasesAndBelowItIncreases(@ForAll @IntRange(min = 1, max = 50) int n, @ForAll @IntRange(min = 0, max = 100) int k) {
    int m = n + k;
    assertThat(OtcReward.toolRewardGrpo(m + 1, n, 4)).isLessThan(OtcReward.toolRewardGrpo(m, n, 4));
    if (k < n) {
      int below = n - k - 1;
      assertThat(OtcReward.toolRewardGrpo(below, n, 4)).isLessThan(OtcReward.toolRewardGrpo(below + 1, n, 4));
    }
  }

  @Property
  void advantagesSumToZero(@ForAll @Size(min = 2, max = 32) List<@DoubleRange(min = -3, max = 3) Double> rewards) {
    double[] r = rewards.stream().mapToDouble(Double::doubleValue).toArray();
    double sum = 0;
    for (double a : GrpoAdvantage.compute(r)) {
      sum += a;
    }
    assertThat(sum).isCloseTo(0.0, within(1e-6));
  }

  @Property
  void storedNEqualsBruteForceMinimumOverRandomHistories(
      @ForAll @Size(min = 1, max = 40) List<@Size(min = 1, max = 8) List<@IntRange(min = 0, max = 9) Integer>> groups,
      @ForAll @Size(min = 1, max = 320) List<Boolean> correctness) {
    InMemoryOptimalCallState state = new InMemoryOptimalCallState();
    GroupScorer scorer = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO));
    Integer bruteMin = null;
    int k = 0;
    for (List<Integer> g : groups) {
      List<Outcome> members = new ArrayList<>();
      for (int m : g) {
        boolean ok = correctness.get(k++ % correctness.size());
        members.add(Outcome.of(m, ok));
        if (ok && (bruteMin == null || m < bruteMin)) {
          bruteMin = m;
        }
      }
      OptionalInt used = scorer.score("q", members, state).n();
      assertThat(used).isEqualTo(bruteMin == null ? OptionalInt.empty() : OptionalInt.of(bruteMin));
    }
  }
}
