package ai.otc.policy.tools;

/**
 * Outcome of one tool call as the caller saw it. The names match the contract's {@code otc.v1.ToolStatus} values
 * ({@code TOOL_STATUS_<NAME>}), so a trajectory builder maps them by name.
 */
public enum CallStatus {
  /** The tool answered normally. */
  OK,
  /** The program raised or exited non-zero (its error text is the observation). */
  ERROR,
  /** Wall-clock or CPU limit reached (for a program: ToRL's timeout observation), or every attempt ran past its deadline. */
  TIMEOUT,
  /** The program hit its address-space limit. */
  OOM,
  /** The program was killed by a signal. */
  KILLED,
  /** Refused by a rate limit, concurrency cap or budget, and no retry was left. */
  RATE_LIMITED,
  /** The tool could not be reached (or its sandbox cannot be set up) and no retry was left. */
  UNAVAILABLE,
  /**
   * Counted but never sent (a search in the final turn, a program beyond the call limit, a blank search query, which a
   * gateway client answers itself with no passages).
   */
  NOT_EXECUTED
}
