package ai.otc.learner.training;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which {@code ScoredGroup} ids the learner has decided, step by step: the ids trained in each step and the ids dropped
 * as stale while its batch was assembled, for the last {@code window} steps, plus the ids taken into the batch being
 * assembled. It is the dedupe set (an id seen again is a duplicate: a re-generated batch, a re-scored group) and, saved
 * in every checkpoint, the record of what each step trained: across any number of crashes, every trained id appears in
 * exactly one step.
 */
public final class GroupLedger {

  /**
   * The ids one step decided.
   *
   * @param step the training step (1-based)
   * @param trained the {@code ScoredGroup} ids in the step's batch, in batch order
   * @param dropped the ids dropped as stale while the batch was assembled
   */
  public record Entry(long step, List<String> trained, List<String> dropped) {
    public Entry {
      trained = List.copyOf(trained);
      dropped = List.copyOf(dropped);
    }
  }

  private final int window;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private final Set<String> known = new HashSet<>();
  private final Set<String> pending = new LinkedHashSet<>();

  /** @param window how many steps' ids are remembered (≥ 1) */
  public GroupLedger(int window, List<Entry> restored) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    this.window = window;
    for (Entry e : restored) {
      append(e);
    }
  }

  /** Whether {@code id} was decided in a remembered step or is already in the batch being assembled. */
  public boolean seen(String id) {
    return known.contains(id) || pending.contains(id);
  }

  /** Marks {@code id} as decided for the batch being assembled (trained or dropped). */
  void hold(String id) {
    pending.add(id);
  }

  /** Closes a step: its ids become remembered and the oldest step beyond the window is forgotten. */
  public Entry close(long step, List<String> trained, List<String> dropped) {
    Entry e = new Entry(step, trained, dropped);
    pending.clear();
    append(e);
    return e;
  }

  private void append(Entry e) {
    entries.addLast(e);
    known.addAll(e.trained());
    known.addAll(e.dropped());
    while (entries.size() > window) {
      Entry old = entries.removeFirst();
      known.removeAll(old.trained());
      known.removeAll(old.dropped());
    }
  }

  /** The remembered steps, oldest first (what a checkpoint saves). */
  public List<Entry> entries() {
    return new ArrayList<>(entries);
  }

  /** How many ids are remembered (for the heap's sake: about 100 bytes each). */
  public int size() {
    return known.size();
  }
}
