package ai.otc.reward.core;

import ai.otc.core.em.ExactMatch;
import ai.otc.core.reward.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a trajectory of otc.rollouts.v1 (its {@link TrajectoryView}) to the {@link Outcome} the OTC
 * core scores: m is {@code tool_call_count} (already counted by the rollout per OTC.md §3.2),
 * correctness per the {@link CorrectnessSource}, and r_phi = 1/0 (Search-R1's EM with format_score 0).
 *
 * <p>Not thread-safe (one per pipeline or re-scoring): it remembers the last golden answers it
 * normalised, because the members of a group, scored one after the other, share their question's.
 */
public final class OutcomeMapper {

  private final CorrectnessSource source;
  private List<String> lastGolds = List.of();
  private List<String> lastNormalizedGolds = List.of();

  public OutcomeMapper(CorrectnessSource source) {
    this.source = source;
  }

  public CorrectnessSource source() {
    return source;
  }

  /** Whether the trajectory's answer counts as correct: {@link ExactMatch#isMatch}, with the golds normalised once per run of equal lists. */
  public boolean correct(TrajectoryView t) {
    List<String> golds = t.goldenAnswers();
    if (source == CorrectnessSource.ROLLOUT || golds.isEmpty()) {
      return t.correct();
    }
    // compute_score_em: no extracted answer scores 0 whatever the gold.
    if (!t.hasAnswer()) {
      return false;
    }
    if (!golds.equals(lastGolds)) {
      List<String> normalized = new ArrayList<>(golds.size());
      for (String g : golds) {
        normalized.add(ExactMatch.normalize(g));
      }
      lastGolds = golds;
      lastNormalizedGolds = normalized;
    }
    return lastNormalizedGolds.contains(ExactMatch.normalize(t.extractedAnswer()));
  }

  /** The core's view of one trajectory. */
  public Outcome outcome(TrajectoryView t) {
    return Outcome.of(t.toolCallCount(), correct(t));
  }
}
