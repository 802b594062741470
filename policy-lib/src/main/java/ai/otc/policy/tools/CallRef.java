package ai.otc.policy.tools;

/**
 * Who makes a tool call: the trajectory and the call's index in it, plus the run and policy version the gateway meters
 * it under. The call id {@code <trajectoryId>:<callIndex>} is the idempotency key of the call (the contract's rule), so
 * a retried call is executed and charged once.
 *
 * @param runId         training run (empty when not part of a run)
 * @param policyVersion policy version that generated the trajectory
 * @param trajectoryId  the trajectory's id
 * @param callIndex     0-based index of the tool call within the trajectory
 */
public record CallRef(String runId, long policyVersion, String trajectoryId, int callIndex) {
  public CallRef {
    if (trajectoryId == null || trajectoryId.isEmpty()) {
      throw new IllegalArgumentException("trajectory id must not be empty");
    }
    if (callIndex < 0) {
      throw new IllegalArgumentException("call index must be >= 0, got " + callIndex);
    }
    runId = runId == null ? "" : runId;
  }

  /** The contract's call id: {@code <trajectoryId>:<callIndex>}. */
  public String callId() {
    return trajectoryId + ":" + callIndex;
  }
}
