package ai.otc.policy.tools;

/**
 * The answer to one {@link CodeCall}.
 *
 * @param execution the raw result (null when the call failed: {@code info.delivered()} is false)
 * @param info      status, latency, cache hit
 */
public record CodeOutcome(ToolBackend.Execution execution, CallInfo info) {
  public CodeOutcome {
    if (info.delivered() && execution == null) {
      throw new IllegalArgumentException("a delivered code outcome needs its execution");
    }
  }
}
