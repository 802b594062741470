package ai.otc.learner.batch;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The learner's staleness rule (loop protocol): a learner at policy version {@code v} (about to train step v + 1)
 * accepts a group whose policy version is ≥ {@code v − K}; an older group is dropped or admitted for importance
 * correction, as configured. Every decision is counted ({@link #totals()}, and per call in {@link Result}).
 *
 * <p>A group's version is the smallest of {@code ScoredGroup.policy_version} and its members'
 * {@code Trajectory.policy_version} (they agree when one rollout instance produced the group; the minimum is the
 * conservative reading if they do not). A version newer than the learner's is not stale and is accepted.
 *
 * <p><b>Importance correction</b> ({@link Policy#IMPORTANCE_CORRECT}) is applied by the updater to the samples of a
 * corrected group, as decoupled PPO does: the clipped ratio is taken against the <i>proximal</i> policy (the learner's
 * weights at the start of the step, recomputed without a graph) and each token's loss is multiplied by the truncated
 * importance weight {@code w = min(π_prox / π_behav, cap)} with {@code π_behav} the group's recorded log-probs
 * ({@code UpdateConfig.importanceCap}, default 1 as in V-trace). So the trust region is kept around the current policy
 * and the stale behaviour distribution is corrected for, with bounded variance. A fresh group has w = 1.
 *
 * <p>Thread-safe (counters are atomic; the rule is pure).
 */
public final class StalenessGate {
  /** What to do with a group older than the bound. */
  public enum Policy {
    /** Leave it out of the update. */
    DROP,
    /** Train on it with truncated importance weights (class doc). */
    IMPORTANCE_CORRECT;

    /** Parses {@code drop} / {@code importance-correct} (case-insensitive, {@code _} for {@code -}). */
    public static Policy parse(String s) {
      String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      return switch (v) {
        case "drop" -> DROP;
        case "importance-correct" -> IMPORTANCE_CORRECT;
        default -> throw new IllegalArgumentException("unknown stale policy '" + s + "': expected drop or importance-correct");
      };
    }
  }

  /** The gate's verdict on one group. */
  public enum Decision {
    /** Within the bound: trained as is. */
    ACCEPT,
    /** Too old, left out. */
    DROP,
    /** Too old, trained with importance correction. */
    CORRECT
  }

  /** Counts of decisions. */
  public record Counts(long accepted, long dropped, long corrected) {
    /** All decisions. */
    public long total() {
      return accepted + dropped + corrected;
    }
  }

  /**
   * The outcome of {@link #apply}: the groups to train (in input order) with their decisions, the ids of the dropped
   * ones, and this call's counts.
   */
  public record Result(List<ScoredGroup> kept, List<Decision> decisions, List<String> droppedIds, Counts counts) {}

  private final int k;
  private final Policy policy;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong corrected = new AtomicLong();

  /**
   * @param k      the staleness bound K (≥ 0; 0 = on-policy only)
   * @param policy what happens to older groups
   */
  public StalenessGate(int k, Policy policy) {
    if (k < 0) {
      throw new IllegalArgumentException("staleness bound K must be >= 0, got " + k);
    }
    if (policy == null) {
      throw new IllegalArgumentException("stale policy is required");
    }
    this.k = k;
    this.policy = policy;
  }

  public int bound() {
    return k;
  }

  public Policy policy() {
    return policy;
  }

  /** The rule alone (not counted): {@code groupVersion ≥ learnerVersion − K} is accepted, else dropped/corrected. */
  public Decision decide(long groupVersion, long learnerVersion) {
    if (groupVersion >= learnerVersion - k) {
      return Decision.ACCEPT;
    }
    return policy == Policy.DROP ? Decision.DROP : Decision.CORRECT;
  }

  /** The version the rule reads for a group (class doc). */
  public static long groupVersion(ScoredGroup g) {
    long v = g.getPolicyVersion();
    for (ScoredTrajectory m : g.getMembersList()) {
      v = Math.min(v, m.getTrajectory().getPolicyVersion());
    }
    return v;
  }

  /** Decides every group, counts the decisions (here and in {@link #totals()}) and returns the kept ones. */
  public Result apply(List<ScoredGroup> groups, long learnerVersion) {
    List<ScoredGroup> kept = new ArrayList<>();
    List<Decision> decisions = new ArrayList<>();
    List<String> droppedIds = new ArrayList<>();
    long a = 0;
    long d = 0;
    long c = 0;
    for (ScoredGroup g : groups) {
      Decision dec = decide(groupVersion(g), learnerVersion);
      switch (dec) {
        case ACCEPT -> a++;
        case DROP -> d++;
        case CORRECT -> c++;
      }
      if (dec == Decision.DROP) {
        droppedIds.add(g.getId());
      } else {
        kept.add(g);
        decisions.add(dec);
      }
    }
    accepted.addAndGet(a);
    dropped.addAndGet(d);
    corrected.addAndGet(c);
    return new Result(List.copyOf(kept), List.copyOf(decisions), List.copyOf(droppedIds), new Counts(a, d, c));
  }

  /** Decisions counted since this gate was built. */
  public Counts totals() {
    return new Counts(accepted.get(), dropped.get(), corrected.get());
  }
}
