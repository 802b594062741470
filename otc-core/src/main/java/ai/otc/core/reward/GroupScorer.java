package ai.otc.core.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Scores one GRPO group: for OTC-GRPO it first refreshes the question's global n from the group's
 * correct trajectories (n ← min(history, local minimum), OTC.md §2, before scoring), then scores
 * every member and computes the group's GRPO advantages (scaled as the config's {@link AdvantageScale}
 * says). Not thread-safe per question: callers serialise groups of the same question (the reward
 * service partitions by key).
 */
public final class GroupScorer {

  private final RewardCalculator calculator;

  public GroupScorer(RewardConfig config) {
    this.calculator = new RewardCalculator(config);
  }

  public RewardConfig config() {
    return calculator.config();
  }

  /** The result of scoring a group: the n used (empty when undefined or not applicable) and one reward per member, in order. */
  public record GroupResult(OptionalInt n, List<TrajectoryReward> members) {}

  /**
   * Scores a group of one question. For OTC-GRPO the state is read and, when the group lowers n,
   * updated; other rewards neither read nor write it.
   */
  public GroupResult score(String questionId, List<Outcome> members, OptimalCallState state) {
    OptionalInt n = OptionalInt.empty();
    if (calculator.config().kind() == RewardKind.OTC_GRPO) {
      n = refreshOptimalCalls(questionId, members, state);
    }
    int size = members.size();
    double[] rewards = new double[size];
    double[] tool = new double[size];
    for (int i = 0; i < size; i++) {
      Outcome o = members.get(i);
      tool[i] = calculator.toolReward(o.toolCalls(), n);
      rewards[i] = calculator.finalReward(o, tool[i]);
    }
    double[] adv = GrpoAdvantage.compute(rewards, calculator.config().advantageScale());
    List<TrajectoryReward> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(new TrajectoryReward(members.get(i).rPhi(), tool[i], rewards[i], adv[i]));
    }
    return new GroupResult(n, out);
  }

  /**
   * n ← min(history, min m over correct members); writes the state only when it changes.
   * Returns the n to score this group with.
   */
  public static OptionalInt refreshOptimalCalls(String questionId, List<Outcome> members, OptimalCallState state) {
    int local = Integer.MAX_VALUE;
    for (Outcome o : members) {
      if (o.correct() && o.toolCalls() < local) {
        local = o.toolCalls();
      }
    }
    OptionalInt history = state.get(questionId);
    if (local == Integer.MAX_VALUE) {
      return history;
    }
    if (history.isEmpty() || local < history.getAsInt()) {
      state.put(questionId, local);
      return OptionalInt.of(local);
    }
    return history;
  }
}
