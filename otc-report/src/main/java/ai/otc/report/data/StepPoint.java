package ai.otc.report.data;

import ai.otc.proto.v1.StepMetrics;

/**
 * One learner step of a run ({@code otc.metrics.v1}), the values the report plots.
 *
 * @param runId the run
 * @param step the learner step (as the learner numbers it)
 * @param policyVersion the policy version the step produced
 * @param em mean EM of the step's trajectories
 * @param tc mean tool calls of the step's trajectories
 * @param tp ΣEM / Σtc of the step, null when no call was made
 * @param meanReward mean reward of the step's trajectories
 * @param kl the KL estimate to the reference policy
 * @param seconds the step's duration
 */
public record StepPoint(String runId, long step, long policyVersion, double em, double tc, Double tp, double meanReward,
    double kl, double seconds) {

  /** The point of one metrics record. */
  public static StepPoint of(StepMetrics m) {
    return new StepPoint(m.getRunId(), m.getStep(), m.getPolicyVersion(), m.getEm(), m.getTc(),
        m.hasTp() ? m.getTp() : null, m.getMeanReward(), m.getKl(), m.getSeconds());
  }
}
