package ai.otc.core.reward;

import java.util.OptionalInt;

/**
 * Scores single trajectories with a {@link RewardConfig}: the per-trajectory part of every reward
 * (no group statistics). For OTC-GRPO the caller supplies the n to use.
 */
public final class RewardCalculator {

  private final RewardConfig config;

  public RewardCalculator(RewardConfig config) {
    this.config = config;
  }

  public RewardConfig config() {
    return config;
  }

  /**
   * r_tool for a trajectory: the cosine schedule for OTC-PPO, the n-dependent formula for OTC-GRPO;
   * NaN (not evaluated) for the EM baseline, which has no tool term, and for OTC-GRPO when n is undefined.
   */
  public double toolReward(int m, OptionalInt n) {
    return switch (config.kind()) {
      case EM -> Double.NaN;
      case OTC_PPO -> OtcReward.toolRewardPpo(m, config.c());
      case OTC_GRPO -> n.isPresent() ? OtcReward.toolRewardGrpo(m, n.getAsInt(), config.c()) : Double.NaN;
    };
  }

  /** Final reward of one trajectory (advantage not computed: NaN). */
  public TrajectoryReward score(Outcome o, OptionalInt n) {
    double rTool = toolReward(o.toolCalls(), n);
    return new TrajectoryReward(o.rPhi(), rTool, finalReward(o, rTool), Double.NaN);
  }

  /**
   * The final reward: r_phi for the baseline; α·r_tool·r_phi (or the additive ablation) for OTC,
   * with the wrong-answer policy. An undefined n (no correct trajectory ever, OTC.md §2) means
   * r_tool is not evaluated: the result is 0, or the raw r_phi under tool-only-when-correct.
   */
  public double finalReward(Outcome o, double rTool) {
    if (config.kind() == RewardKind.EM) {
      return o.rPhi();
    }
    if (Double.isNaN(rTool)) {
      return !o.correct() && config.wrongAnswerPolicy() == WrongAnswerPolicy.TOOL_ONLY_WHEN_CORRECT ? o.rPhi() : 0.0;
    }
    return OtcReward.combine(rTool, o.rPhi(), o.correct(), config);
  }
}
