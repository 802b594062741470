package ai.otc.policy.tools;

import java.util.List;

/**
 * The answer to one {@link SearchCall}.
 *
 * @param hits passages, best first (empty when the call failed)
 * @param info status, latency, cache hit
 */
public record SearchOutcome(List<ToolBackend.Hit> hits, CallInfo info) {
  public SearchOutcome {
    hits = List.copyOf(hits);
  }
}
