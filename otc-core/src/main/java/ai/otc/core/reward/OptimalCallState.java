package ai.otc.core.reward;

import java.util.OptionalInt;

/**
 * The per-question history of the global optimal tool-call estimate n (OTC.md §2): the minimum
 * tool-call count among correct trajectories ever seen for a question. The reward service backs
 * it with a changelog-backed store, {@code ./otc score} with a map (optionally saved to a file).
 */
public interface OptimalCallState {

  /** The current n for a question, empty when no correct trajectory was ever seen. */
  OptionalInt get(String questionId);

  /** Records a new n for a question (callers only ever lower it). */
  void put(String questionId, int n);
}
