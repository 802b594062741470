package ai.otc.policy.store;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which versions of a run a {@link PolicyStore} keeps: the last {@code keepLast} versions, version 0 (the warm start,
 * the reference policy of a KL term) and every pinned version (e.g. a checkpoint a report or an evaluation refers to).
 * Everything else is deleted after each successful put.
 *
 * @param keepLast how many of the newest versions to keep (>= 1)
 * @param pinned   versions never deleted
 */
public record Retention(int keepLast, Set<Long> pinned) {
  public Retention {
    if (keepLast < 1) {
      throw new IllegalArgumentException("retention keep-last must be >= 1, got " + keepLast);
    }
    pinned = Set.copyOf(pinned);
    for (long v : pinned) {
      if (v < 0) {
        throw new IllegalArgumentException("retention pinned versions must be >= 0, got " + v);
      }
    }
  }

  /** Keep every version (the default: deleting is an explicit choice). */
  public static Retention keepAll() {
    return new Retention(Integer.MAX_VALUE, Set.of());
  }

  /** Keep the last {@code k} versions, version 0 and the given pinned versions. */
  public static Retention keepLast(int k, Long... pinned) {
    return new Retention(k, Set.of(pinned));
  }

  /** The versions among {@code existing} this rule keeps, ascending. */
  public Set<Long> keep(List<Long> existing) {
    TreeSet<Long> all = new TreeSet<>(existing);
    TreeSet<Long> keep = new TreeSet<>();
    for (Long v : all.descendingSet()) {
      if (keep.size() >= keepLast) {
        break;
      }
      keep.add(v);
    }
    if (all.contains(0L)) {
      keep.add(0L);
    }
    for (long v : pinned) {
      if (all.contains(v)) {
        keep.add(v);
      }
    }
    return keep;
  }
}
