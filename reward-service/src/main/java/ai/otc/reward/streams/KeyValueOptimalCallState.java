package ai.otc.reward.streams;

import ai.otc.core.reward.OptimalCallState;
import java.util.OptionalInt;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The OTC core's {@link OptimalCallState} (the per-question global n, OTC.md §2) backed by the
 * service's changelog-backed {@code optimal-calls} store, so n survives restarts and moves with
 * its partition on a rebalance. The core only ever lowers it.
 */
final class KeyValueOptimalCallState implements OptimalCallState {

  private final KeyValueStore<String, Integer> store;

  KeyValueOptimalCallState(KeyValueStore<String, Integer> store) {
    this.store = store;
  }

  @Override
  public OptionalInt get(String questionId) {
    Integer n = store.get(questionId);
    return n == null ? OptionalInt.empty() : OptionalInt.of(n);
  }

  @Override
  public void put(String questionId, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n + " for question " + questionId);
    }
    store.put(questionId, n);
  }
}
