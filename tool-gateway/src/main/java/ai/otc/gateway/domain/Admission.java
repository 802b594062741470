package ai.otc.gateway.domain;

/**
 * The limit check's answer for one call of the {@code Search}, {@code BatchSearch} or
 * {@code ExecuteCode} RPC.
 *
 * @param allowed true when the call may run (always true in shadow mode)
 * @param refusal the limit that refused, or would have refused in shadow mode; null when none
 * @param retryAfterNanos when the refused call may succeed, sent as {@code retry-after-ms}
 * @param shadowRefused true when shadow mode let a call through that enforce mode would refuse
 * @param permit releases the concurrency slot when the call ends (a no-op when none was taken)
 */
public record Admission(boolean allowed, Refusal refusal, long retryAfterNanos, boolean shadowRefused, Runnable permit) {

  /** Releases the concurrency slot; call exactly once, when the call has finished. */
  public void release() {
    permit.run();
  }
}
