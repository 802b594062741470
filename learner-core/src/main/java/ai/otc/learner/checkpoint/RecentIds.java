package ai.otc.learner.checkpoint;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A bounded, insertion-ordered set of recently trained group ids (the learner's dedupe memory across restarts): adding
 * beyond the capacity forgets the oldest id. Not thread-safe.
 */
public final class RecentIds {
  private final int capacity;
  private final LinkedHashSet<String> ids = new LinkedHashSet<>();

  /** An empty set holding at most {@code capacity} (≥ 1) ids. */
  public RecentIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** A set of {@code ids} (oldest first), keeping the newest {@code capacity}. */
  public static RecentIds of(List<String> ids, int capacity) {
    RecentIds r = new RecentIds(capacity);
    ids.forEach(r::add);
    return r;
  }

  /** Adds {@code id} as the newest; returns false when it was already present (its position is kept). */
  public boolean add(String id) {
    if (!ids.add(id)) {
      return false;
    }
    if (ids.size() > capacity) {
      Iterator<String> it = ids.iterator();
      it.next();
      it.remove();
    }
    return true;
  }

  public boolean contains(String id) {
    return ids.contains(id);
  }

  public int size() {
    return ids.size();
  }

  public int capacity() {
    return capacity;
  }

  /** The ids, oldest first. */
  public List<String> toList() {
    return new ArrayList<>(ids);
  }
}
