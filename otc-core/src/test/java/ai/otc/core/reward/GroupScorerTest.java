package ai.otc.core.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The group cases of OTC.md §6.1 and the global-n rules of §2. */
class GroupScorerTest {

  static Stream<Arguments> groups() {
    return ReferenceCsv.rows("/reference/otc_groups.csv").stream().map(r -> Arguments.of((Object) r));
  }

  @ParameterizedTest(name = "group {index}")
  @MethodSource("groups")
  void referenceGroups(String[] row) {
    List<Outcome> members = new ArrayList<>();
    for (String mc : row[1].split(" ")) {
      String[] p = mc.split(":");
      members.add(Outcome.of(Integer.parseInt(p[0]), p[1].equals("1")));
    }
    boolean baseline = row[0].equals("A'");
    InMemoryOptimalCallState state = new InMemoryOptimalCallState();
    if (!row[2].isEmpty()) {
      state.put("q", Integer.parseInt(row[2]));
    }
    GroupScorer scorer = new GroupScorer(RewardConfig.paper(baseline ? RewardKind.EM : RewardKind.OTC_GRPO));
    GroupScorer.GroupResult result = scorer.score("q", members, state);

    OptionalInt expectedN = row[3].isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(row[3]));
    assertThat(result.n()).as("n used, group %s", row[0]).isEqualTo(expectedN);
    OptionalInt expectedAfter = row[4].isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(row[4]));
    if (!baseline) {
      assertThat(state.get("q")).as("n stored after group %s", row[0]).isEqualTo(expectedAfter);
    }
    double[] rewards = ReferenceCsv.doubles(row[5]);
    double[] advantages = ReferenceCsv.doubles(row[6]);
    for (int i = 0; i < members.size(); i++) {
      assertThat(result.members().get(i).reward()).as("reward %d of %s", i, row[0]).isCloseTo(rewards[i], within(1e-12));
      assertThat(result.members().get(i).advantage()).as("advantage %d of %s", i, row[0])
          .isCloseTo(advantages[i], within(1e-12));
    }
  }

  @Test
  void nIsRefreshedBeforeScoringSoACorrectTrajectoryAtItsOwnMinimumGetsFullReward() {
    InMemoryOptimalCallState state = new InMemoryOptimalCallState();
    state.put("q", 3);
    GroupScorer.GroupResult r = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO))
        .score("q", List.of(Outcome.of(0, true), Outcome.of(3, true)), state);
    assertThat(r.n()).hasValue(0);
    assertThat(r.members().get(0).reward()).isEqualTo(1.0);
    assertThat(state.get("q")).hasValue(0);
  }

  @Test
  void theConfigsAdvantageScaleDecidesTheAdvantagesNotTheRewards() {
    List<Outcome> group = List.of(Outcome.of(1, true), Outcome.of(2, true), Outcome.of(0, false), Outcome.of(1, true));
    GroupScorer.GroupResult std = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO))
        .score("q", group, new InMemoryOptimalCallState());
    GroupScorer.GroupResult none = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO)
        .withAdvantageScale(AdvantageScale.NONE)).score("q", group, new InMemoryOptimalCallState());
    double[] r = {1, Math.sin(Math.PI * 2 / 3.0), 0, 1}; // n = 1: m = 2 gives sin(pi * 2/3)
    double mean = (r[0] + r[1] + r[2] + r[3]) / 4;
    for (int i = 0; i < r.length; i++) {
      assertThat(none.members().get(i).reward()).isCloseTo(r[i], within(1e-12));
      assertThat(std.members().get(i).reward()).isEqualTo(none.members().get(i).reward());
      assertThat(none.members().get(i).advantage()).as("unscaled %d", i).isCloseTo(r[i] - mean, within(1e-12));
    }
    assertThat(std.members().get(2).advantage()).as("std-scaled: larger than the centred reward")
        .isLessThan(none.members().get(2).advantage() - 0.5);
    assertThat(RewardConfig.defaults(RewardKind.OTC_GRPO).advantageScale()).isEqualTo(RewardConfig.DEFAULT_ADVANTAGE_SCALE);
    assertThat(RewardConfig.paper(RewardKind.OTC_GRPO).advantageScale()).isEqualTo(AdvantageScale.STD);
  }

  @Test
  void historyPersistsAcrossGroupsAndIsNeverRaised() {
    InMemoryOptimalCallState state = new InMemoryOptimalCallState();
    GroupScorer scorer = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO));
    scorer.score("q", List.of(Outcome.of(1, true), Outcome.of(2, true)), state);
    assertThat(state.get("q")).hasValue(1);
    GroupScorer.GroupResult later = scorer.score("q", List.of(Outcome.of(3, true), Outcome.of(2, true)), state);
    assertThat(later.n()).hasValue(1);
    assertThat(state.get("q")).hasValue(1);
    assertThat(later.members().get(0).reward()).isCloseTo(Math.sin(Math.PI * 3 / 4.0), within(1e-12));
    assertThat(state.get("other")).isEmpty();
  }

  @Test
  void allWrongWithoutHistoryLeavesNUndefinedAndRToolUnevaluated() {
    InMemoryOptimalCallState state = new InMemoryOptimalCallState();
    GroupScorer.GroupResult r = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO))
        .score("q", List.of(Outcome.of(1, false), Outcome.of(0, false)), state);
    assertThat(r.n()).isEmpty();
    assertThat(r.members()).allSatisfy(t -> {
      assertThat(t.hasToolReward()).isFalse();
      assertThat(t.reward()).isZero();
      assertThat(t.advantage()).isZero();
    });
    assertThat(state.size()).isZero();
  }

  @Test
  void allWrongWithHistoryUsesTheHistory() {
    InMemoryOptimalCallState state = new InMemoryOptimalCallState();
    state.put("q", 2);
    GroupScorer.GroupResult r = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO))
        .score("q", List.of(Outcome.of(1, false)), state);
    assertThat(r.n()).hasValue(2);
    assertThat(r.members().get(0).rTool()).isCloseTo(Math.sin(Math.PI / 3), within(1e-12));
  }

  @Test
  void groupOfOneUsesMeanZeroStdOne() {
    GroupScorer.GroupResult r = new GroupScorer(RewardConfig.paper(RewardKind.OTC_PPO))
        .score("q", List.of(Outcome.of(1, true)), new InMemoryOptimalCallState());
    double reward = Math.cos(Math.PI / 6);
    assertThat(r.members().get(0).reward()).isCloseTo(reward, within(1e-12));
    assertThat(r.members().get(0).advantage()).isCloseTo(reward / (1 + 1e-6), within(1e-12));
  }

  @Test
  void otherRewardsNeitherReadNorWriteTheState() {
    InMemoryOptimalCallState state = new InMemoryOptimalCallState();
    state.put("q", 0);
    for (RewardKind k : List.of(RewardKind.EM, RewardKind.OTC_PPO)) {
      GroupScorer.GroupResult r = new GroupScorer(RewardConfig.paper(k)).score("q", List.of(Outcome.of(2, true)), state);
      assertThat(r.n()).isEmpty();
    }
    assertThat(state.get("q")).hasValue(0);
  }

  @Test
  void alphaLeavesGrpoAdvantagesUnchangedApartFromEpsilon() {
    List<Outcome> g = List.of(Outcome.of(0, false), Outcome.of(1, true), Outcome.of(2, true), Outcome.of(3, true));
    var a1 = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO)).score("q", g, new InMemoryOptimalCallState());
    var a3 = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO).withAlpha(3))
        .score("q", g, new InMemoryOptimalCallState());
    for (int i = 0; i < g.size(); i++) {
      assertThat(a3.members().get(i).reward()).isCloseTo(3 * a1.members().get(i).reward(), within(1e-12));
      assertThat(a3.members().get(i).advantage()).isCloseTo(a1.members().get(i).advantage(), within(1e-5));
    }
  }
}
