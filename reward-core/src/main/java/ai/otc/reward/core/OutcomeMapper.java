package ai.otc.reward.core;

import ai.otc.core.em.ExactMatch;
import ai.otc.core.reward.Outcome;

/**
 * Maps a trajectory of otc.rollouts.v1 (its {@link TrajectoryView}) to the {@link Outcome} the OTC core scores: m is
 * {@code tool_call_count} (already counted by the rollout per OTC.md §3.2), correctness per the
 * {@link CorrectnessSource}, and r_phi = 1/0 (Search-R1's EM with format_score 0).
 */
public final class OutcomeMapper {

  private final CorrectnessSource source;

  public OutcomeMapper(CorrectnessSource source) {
    this.source = source;
  }

  public CorrectnessSource source() {
    return source;
  }

  /** Whether the trajectory's answer counts as correct. */
  public boolean correct(TrajectoryView t) {
    if (source == CorrectnessSource.ROLLOUT || t.goldenAnswers().isEmpty()) {
      return t.correct();
    }
    // compute_score_em: no extracted answer scores 0 whatever the gold.
    return t.hasAnswer() && ExactMatch.isMatch(t.extractedAnswer(), t.goldenAnswers());
  }

  /** The core's view of one trajectory. */
  public Outcome outcome(TrajectoryView t) {
    return Outcome.of(t.toolCallCount(), correct(t));
  }
}
