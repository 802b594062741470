package ai.otc.reward.core;

import java.util.Locale;

/**
 * Where r_phi's correctness comes from. The Trajectory contract says "the reward stage recomputes
 * it"; the rollout's own verdict is the fallback when there are no golden answers to compare with.
 */
public enum CorrectnessSource {
  /** Search-R1 EM of {@code extracted_answer} against {@code golden_answers} (OTC.md §3.1); the rollout's {@code correct} when no gold is given. */
  RECOMPUTE,
  /** Trust the rollout's {@code correct} flag (e.g. a code task whose verifier ran in the rollout). */
  ROLLOUT;

  /** Parses {@code recompute} or {@code rollout}. */
  public static CorrectnessSource parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown correctness source '" + s + "' (expected recompute or rollout)", e);
    }
  }

  /** The command-line spelling. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
