package ai.otc.reward.pipeline;

import ai.otc.core.reward.OptimalCallState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.ObjIntConsumer;

/**
 * The per-question global optimal tool-call count n (OTC.md §2) as this instance knows it: read and
 * lowered by the scoring thread, read by the RewardState gRPC service, and backed by the compacted
 * changelog topic {@code <application-id>-optimal-calls}, which every instance reads in full (the
 * table is replicated, not sharded).
 *
 * <p>n only ever goes down, and {@code min} is commutative, associative and idempotent, so merging
 * the changelog's records in any order, any number of times, converges to the same table on every
 * instance. A write made by the scoring thread is reported to the {@code onLowered} listener, which
 * puts it into the running transaction.
 */
public final class OptimalCallTable {

  /** Sorted, so that a listing page is a range read rather than a sort of every question. */
  private final ConcurrentSkipListMap<String, Integer> table = new ConcurrentSkipListMap<>();

  /** The current n, empty when no correct trajectory was ever seen for the question. */
  public OptionalInt get(String questionId) {
    Integer n = table.get(questionId);
    return n == null ? OptionalInt.empty() : OptionalInt.of(n);
  }

  /** Lowers n to {@code n} if it is lower (or absent); returns whether the table changed. */
  public boolean mergeMin(String questionId, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n + " for question " + questionId);
    }
    Integer before = table.get(questionId);
    if (before != null && before <= n) {
      return false;
    }
    // Only the scoring thread and the changelog reader (the same thread) write: get-then-merge cannot lose a lower value.
    table.merge(questionId, n, Math::min);
    return true;
  }

  public int size() {
    return table.size();
  }

  /** Empties the table (before a full restore from the changelog). */
  public void clear() {
    table.clear();
  }

  /** A copy of the table, for tests and listings. */
  public Map<String, Integer> snapshot() {
    return Map.copyOf(table);
  }

  /**
   * One page of entries in question-id order, starting after {@code afterExclusive} (null: from the
   * start), at most {@code limit}; the order is UTF-16 {@link String#compareTo}, which the page
   * token carries over between calls.
   */
  public List<Map.Entry<String, Integer>> page(String afterExclusive, int limit) {
    Map<String, Integer> rest = afterExclusive == null ? table : table.tailMap(afterExclusive, false);
    List<Map.Entry<String, Integer>> out = new ArrayList<>(Math.min(limit, 1024));
    for (Map.Entry<String, Integer> e : rest.entrySet()) {
      if (out.size() == limit) {
        break;
      }
      out.add(Map.entry(e.getKey(), e.getValue()));
    }
    return out;
  }

  /**
   * The {@link OptimalCallState} the OTC core scores with: reads this table and reports every
   * lowering to {@code onLowered} (question id, new n) besides applying it.
   */
  public OptimalCallState writingTo(ObjIntConsumer<String> onLowered) {
    return new OptimalCallState() {
      @Override
      public OptionalInt get(String questionId) {
        return OptimalCallTable.this.get(questionId);
      }

      @Override
      public void put(String questionId, int n) {
        if (mergeMin(questionId, n)) {
          onLowered.accept(questionId, n);
        }
      }
    };
  }
}
