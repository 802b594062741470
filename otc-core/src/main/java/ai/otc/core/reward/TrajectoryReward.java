package ai.otc.core.reward;

/**
 * One trajectory's scored reward.
 *
 * @param rPhi the correctness reward
 * @param rTool the tool-use reward; {@code NaN} where it is not evaluated (the EM baseline, OTC-GRPO with n undefined)
 * @param reward the final reward
 * @param advantage the GRPO advantage within its group (NaN when scored alone)
 */
public record TrajectoryReward(double rPhi, double rTool, double reward, double advantage) {

  /** True when r_tool was evaluated. */
  public boolean hasToolReward() {
    return !Double.isNaN(rTool);
  }
}
