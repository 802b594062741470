package ai.otc.report.data;

import ai.otc.proto.v1.Trajectory;

/**
 * One training trajectory of a run ({@code otc.rollouts.v1}), reduced to what the report needs.
 *
 * @param runId the run ({@code D.<reward>.s<seed>})
 * @param trajectoryId the trajectory's id (the dedupe key)
 * @param batch the rollout batch (0-based; batch b is the data of learner step b + 1)
 * @param minCalls the world's minimal number of tool calls for the question, -1 when unknown
 * @param toolCalls m, the trajectory's tool-call count
 * @param notExecuted calls counted in m that never reached the gateway
 * @param toolLatencyMs the sum of the calls' latencies as the caller measured them
 */
public record RolloutFact(String runId, String trajectoryId, long batch, int minCalls, int toolCalls, int notExecuted,
    double toolLatencyMs) {

  /** The fact of one rollout trajectory. */
  public static RolloutFact of(Trajectory t) {
    CallTally calls = CallTally.of(t);
    return new RolloutFact(t.getRunId(), t.getTrajectoryId(), t.getRolloutBatch(), t.getMinCalls(), t.getToolCallCount(),
        calls.notExecuted(), calls.latencyMs());
  }
}
