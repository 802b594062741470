package ai.otc.core.reward;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/** A {@link OptimalCallState} in a plain map: for offline scoring, tests and single-threaded use. */
public final class InMemoryOptimalCallState implements OptimalCallState {

  private final Map<String, Integer> n = new HashMap<>();

  @Override
  public OptionalInt get(String questionId) {
    Integer v = n.get(questionId);
    return v == null ? OptionalInt.empty() : OptionalInt.of(v);
  }

  @Override
  public void put(String questionId, int value) {
    if (value < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + value + " for question " + questionId);
    }
    n.put(questionId, value);
  }

  /** A read-only view of every entry, for saving and listing. */
  public Map<String, Integer> asMap() {
    return Collections.unmodifiableMap(n);
  }

  public int size() {
    return n.size();
  }
}
