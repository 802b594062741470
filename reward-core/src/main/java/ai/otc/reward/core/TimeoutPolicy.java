package ai.otc.reward.core;

import java.util.Locale;

/**
 * What happens to a group still incomplete after the timeout (reward-service) or at the end of the
 * range ({@code ./otc rescore}).
 */
public enum TimeoutPolicy {
  /** Score the members present; the ScoredGroup is flagged {@code partial}. */
  SCORE_PARTIAL,
  /** Produce nothing for the group and count it (metric {@code otc_reward_groups_dropped_total}). */
  DROP_AND_COUNT;

  /** Parses {@code score-partial} or {@code drop-and-count}. */
  public static TimeoutPolicy parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown timeout policy '" + s + "' (expected score-partial or drop-and-count)", e);
    }
  }

  /** The command-line spelling. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
