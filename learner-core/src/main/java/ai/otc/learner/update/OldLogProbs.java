package ai.otc.learner.update;

import java.util.Locale;

/** Where {@code log πold} of the clipped ratio comes from. */
public enum OldLogProbs {
  /**
   * The rollout's recorded log-probs ({@code Trajectory.old_log_probs}: the exact log-probs of the sampled tokens under
   * the behaviour policy at the sampling temperature). No extra forward pass; for a group made by an older version the
   * ratio is then taken against that version.
   */
  ROLLOUT,
  /**
   * Recomputed with the learner's weights at the start of the step, without a graph (SR1's {@code compute_log_prob});
   * one more forward pass over the batch.
   */
  RECOMPUTE;

  /** Parses {@code rollout} / {@code recompute} (case-insensitive). */
  public static OldLogProbs parse(String s) {
    String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "rollout" -> ROLLOUT;
      case "recompute" -> RECOMPUTE;
      default -> throw new IllegalArgumentException("unknown old-log-probs source '" + s + "': expected rollout or recompute");
    };
  }
}
