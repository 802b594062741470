package ai.otc.policy.tools;

/**
 * What the caller learned about one tool call besides its result.
 *
 * @param status     outcome
 * @param delivered  true when the tool answered and the result is an observation the policy may see (also for a
 *                   program that failed: its error is the observation); false when the call failed for good (no
 *                   observation exists; the row ends and the trajectory carries {@code status})
 * @param latencyMs  wall time of the call as the caller measured it, retries and back-off included
 * @param cacheHit   the answer came from the tool's cache
 * @param attempts   number of attempts made (1 = no retry)
 * @param detail     why the call failed (empty when delivered)
 */
public record CallInfo(CallStatus status, boolean delivered, double latencyMs, boolean cacheHit, int attempts,
    String detail) {
  public CallInfo {
    if (status == null) {
      throw new IllegalArgumentException("status must not be null");
    }
    detail = detail == null ? "" : detail;
  }

  /** A delivered answer. */
  public static CallInfo delivered(CallStatus status, double latencyMs, boolean cacheHit) {
    return new CallInfo(status, true, latencyMs, cacheHit, 1, "");
  }

  /** A call that failed for good. */
  public static CallInfo failed(CallStatus status, double latencyMs, int attempts, String detail) {
    return new CallInfo(status, false, latencyMs, false, attempts, detail);
  }
}
