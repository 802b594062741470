package ai.otc.report.stats;

import java.util.List;

/**
 * A run's training curves: per learner step the values of {@code otc.metrics.v1}, and per rollout batch the calls
 * above the optimum, mean(tool_call_count − min_calls) over the batch's trajectories of {@code otc.rollouts.v1} whose
 * minimum is known (batch b is the data of step b + 1).
 *
 * @param runId the run
 * @param reward its reward
 * @param seed its seed
 * @param step learner steps
 * @param em EM per step
 * @param tc TC per step
 * @param tp TP per step (null where no call was made)
 * @param meanReward mean reward per step
 * @param kl KL per step
 * @param batch rollout batches
 * @param callsAboveOptimum mean calls above the minimum per batch
 */
public record Curve(String runId, String reward, long seed, List<Long> step, List<Double> em, List<Double> tc,
    List<Double> tp, List<Double> meanReward, List<Double> kl, List<Long> batch, List<Double> callsAboveOptimum) {}
