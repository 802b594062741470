package ai.otc.learner.update;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training step ({@link PolicyUpdater#update}) did. Per-token metrics (entropy, KL, clip fractions, ppo_kl)
 * are means over every trained loss token of every micro-batch and epoch; {@code loss}/{@code pgLoss}/{@code valueLoss}
 * are means of the per-optimizer-step objectives; grad norms are means over optimizer steps (pre-clip). Fields that do
 * not apply (value loss under GRPO, …) are 0.
 *
 * @param step                training step this was (1-based)
 * @param stepped             whether any optimizer step ran (false when nothing was left to train)
 * @param loss                actor objective pg − c_ent·ent + c_kl·kl
 * @param pgLoss              clipped-surrogate term
 * @param kl                  KL-loss estimator value to the reference ({@code klEstimator}; reported even when its coefficient is 0)
 * @param entropy             mean token entropy
 * @param clipFraction        fraction of tokens whose clipped branch was taken (pg_clipfrac)
 * @param clipFractionLower   fraction taken by the dual clip (0 without it)
 * @param ppoKl               mean of logπold − logπθ (ppo_kl)
 * @param initialRatioMean    mean ratio of the first micro-batch before any optimizer step (1 when old log-probs are
 *                            the current policy's)
 * @param initialRatioMaxDev  max |ratio − 1| over that micro-batch
 * @param gradNorm            actor gradient norm before clipping
 * @param valueLoss           critic loss (PPO)
 * @param valueClipFraction   vf_clipfrac (PPO)
 * @param criticGradNorm      critic gradient norm before clipping (PPO)
 * @param rewardKl            the KL-in-reward metric critic/kl (PPO)
 * @param lr                  actor learning rate of this step
 * @param criticLr            critic learning rate of this step (PPO)
 * @param trajectories        trajectories trained
 * @param tokens              loss tokens trained (per epoch)
 * @param groupsSkipped       zero-advantage groups left out (GRPO)
 * @param trajectoriesSkipped their trajectories
 * @param importanceCorrected trajectories trained with importance weights
 * @param importanceWeightMean mean importance weight over their loss tokens (0 when none)
 * @param optimizerSteps      actor optimizer steps applied
 * @param nonFiniteSkips      optimizer steps (actor + critic) skipped for a non-finite gradient norm
 * @param seconds             wall time of the update
 */
public record UpdateStats(long step, boolean stepped, double loss, double pgLoss, double kl, double entropy,
    double clipFraction, double clipFractionLower, double ppoKl, double initialRatioMean, double initialRatioMaxDev,
    double gradNorm, double valueLoss, double valueClipFraction, double criticGradNorm, double rewardKl, double lr,
    double criticLr, int trajectories, long tokens, int groupsSkipped, int trajectoriesSkipped, int importanceCorrected,
    double importanceWeightMean, int optimizerSteps, int nonFiniteSkips, double seconds) {

  /** The stats of a step that trained nothing (weights and optimizer untouched). */
  public static UpdateStats notStepped(long step, double lr, double criticLr, int groupsSkipped,
      int trajectoriesSkipped, double seconds) {
    return new UpdateStats(step, false, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, lr, criticLr, 0, 0, groupsSkipped,
        trajectoriesSkipped, 0, 0, 0, 0, seconds);
  }

  /**
   * The numbers that have no field of their own in {@code StepMetrics}, for its {@code extra} map: {@code pg_loss},
   * {@code ppo_kl}, {@code clipfrac_lower}, {@code ratio0_mean}, {@code ratio0_maxdev}, {@code value_loss},
   * {@code value_clipfrac}, {@code critic_grad_norm}, {@code reward_kl}, {@code lr}, {@code critic_lr},
   * {@code tokens}, {@code groups_skipped}, {@code trajectories_skipped}, {@code importance_corrected},
   * {@code importance_weight_mean}, {@code optimizer_steps}, {@code nonfinite_skips}, {@code stepped} (0/1).
   */
  public Map<String, Double> toExtra() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("pg_loss", pgLoss);
    m.put("ppo_kl", ppoKl);
    m.put("clipfrac_lower", clipFractionLower);
    m.put("ratio0_mean", initialRatioMean);
    m.put("ratio0_maxdev", initialRatioMaxDev);
    m.put("value_loss", valueLoss);
    m.put("value_clipfrac", valueClipFraction);
    m.put("critic_grad_norm", criticGradNorm);
    m.put("reward_kl", rewardKl);
    m.put("lr", lr);
    m.put("critic_lr", criticLr);
    m.put("tokens", (double) tokens);
    m.put("groups_skipped", (double) groupsSkipped);
    m.put("trajectories_skipped", (double) trajectoriesSkipped);
    m.put("importance_corrected", (double) importanceCorrected);
    m.put("importance_weight_mean", importanceWeightMean);
    m.put("optimizer_steps", (double) optimizerSteps);
    m.put("nonfinite_skips", (double) nonFiniteSkips);
    m.put("stepped", stepped ? 1.0 : 0.0);
    return m;
  }
}
