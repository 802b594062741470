package ai.otc.learner.batch;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One training step's input: the samples of the groups the staleness gate kept, in group order (members in their
 * order), with the gate's counts and the rollout statistics ({@link #stats()}).
 *
 * <p>Built from {@code ScoredGroup}s with {@link #of(List, int)} (every group accepted) or
 * {@link #of(List, int, StalenessGate, long)}. Validation throws {@link IllegalArgumentException} naming the group or
 * trajectory: a group without members, a duplicate group id, lengths that disagree, a row longer than the model's
 * context. Zero-advantage groups stay in the batch (they count in the statistics); the GRPO updater leaves them out of
 * the update ({@link #isZeroAdvantage}).
 */
public final class TrainingBatch {
  /** A group is zero-advantage when every member's |advantage| is at most this (reward-service float noise). */
  public static final double ZERO_ADVANTAGE_TOLERANCE = 1e-6;

  private final List<Sample> samples;
  private final List<String> groupIds;
  private final StalenessGate.Counts staleness;
  private final List<String> droppedGroupIds;
  private final int zeroAdvantageGroups;

  private TrainingBatch(List<Sample> samples, List<String> groupIds, StalenessGate.Counts staleness,
      List<String> droppedGroupIds) {
    this.samples = List.copyOf(samples);
    this.groupIds = List.copyOf(groupIds);
    this.staleness = staleness;
    this.droppedGroupIds = List.copyOf(droppedGroupIds);
    int z = 0;
    for (List<Sample> g : groups()) {
      if (isZeroAdvantage(g)) {
        z++;
      }
    }
    this.zeroAdvantageGroups = z;
  }

  /** A batch of every group (all accepted), each row at most {@code context} tokens. */
  public static TrainingBatch of(List<ScoredGroup> groups, int context) {
    List<StalenessGate.Decision> all = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      all.add(StalenessGate.Decision.ACCEPT);
    }
    return build(groups, all, context, new StalenessGate.Counts(groups.size(), 0, 0), List.of());
  }

  /** A batch of the groups {@code gate} keeps for a learner at {@code learnerVersion} (the gate counts them). */
  public static TrainingBatch of(List<ScoredGroup> groups, int context, StalenessGate gate, long learnerVersion) {
    StalenessGate.Result r = gate.apply(groups, learnerVersion);
    return build(r.kept(), r.decisions(), context, r.counts(), r.droppedIds());
  }

  /** A batch of ready-made samples (tests, benchmarks); groups are runs of equal {@code scoredGroupId}. */
  public static TrainingBatch ofSamples(List<Sample> samples, int context) {
    List<String> ids = new ArrayList<>();
    for (Sample s : samples) {
      checkContext(s, context);
      if (ids.isEmpty() || !ids.get(ids.size() - 1).equals(s.scoredGroupId())) {
        ids.add(s.scoredGroupId());
      }
    }
    return new TrainingBatch(samples, ids, new StalenessGate.Counts(ids.size(), 0, 0), List.of());
  }

  private static TrainingBatch build(List<ScoredGroup> groups, List<StalenessGate.Decision> decisions, int context,
      StalenessGate.Counts counts, List<String> dropped) {
    if (context < 2) {
      throw new IllegalArgumentException("context must be >= 2, got " + context);
    }
    List<Sample> samples = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int g = 0; g < groups.size(); g++) {
      ScoredGroup group = groups.get(g);
      if (!seen.add(group.getId())) {
        throw new IllegalArgumentException("group " + group.getId() + " appears twice in the batch");
      }
      if (group.getMembersCount() == 0) {
        throw new IllegalArgumentException("group " + group.getId() + " has no members");
      }
      boolean corrected = decisions.get(g) == StalenessGate.Decision.CORRECT;
      for (ScoredTrajectory m : group.getMembersList()) {
        Sample s;
        try {
          s = Sample.of(group, m, corrected);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("group " + group.getId() + ": " + e.getMessage(), e);
        }
        checkContext(s, context);
        samples.add(s);
      }
      ids.add(group.getId());
    }
    return new TrainingBatch(samples, ids, counts, dropped);
  }

  private static void checkContext(Sample s, int context) {
    if (s.tokens().length > context) {
      throw new IllegalArgumentException("trajectory " + s.trajectoryId() + " has " + s.tokens().length
          + " tokens, more than the model's context " + context);
    }
  }

  /** Whether every member's |advantage| is at most {@link #ZERO_ADVANTAGE_TOLERANCE}. */
  public static boolean isZeroAdvantage(List<Sample> group) {
    for (Sample s : group) {
      if (Math.abs(s.advantage()) > ZERO_ADVANTAGE_TOLERANCE) {
        return false;
      }
    }
    return true;
  }

  /** All samples, group by group. */
  public List<Sample> samples() {
    return samples;
  }

  /** The kept groups' {@code ScoredGroup.id}s, in order. */
  public List<String> groupIds() {
    return groupIds;
  }

  /** The samples grouped by {@code scoredGroupId}, in order. */
  public List<List<Sample>> groups() {
    List<List<Sample>> out = new ArrayList<>();
    String current = null;
    for (Sample s : samples) {
      if (!s.scoredGroupId().equals(current)) {
        out.add(new ArrayList<>());
        current = s.scoredGroupId();
      }
      out.get(out.size() - 1).add(s);
    }
    return out;
  }

  /** The gate's counts for this batch (accepted + corrected are in it, dropped are not). */
  public StalenessGate.Counts staleness() {
    return staleness;
  }

  /** Ids of the groups the gate dropped (consumed but not trained). */
  public List<String> droppedGroupIds() {
    return droppedGroupIds;
  }

  /** Groups in the batch whose advantages are all zero. */
  public int zeroAdvantageGroups() {
    return zeroAdvantageGroups;
  }

  /** Whether the batch has no sample. */
  public boolean isEmpty() {
    return samples.isEmpty();
  }

  /** Rollout statistics of every sample in the batch. */
  public BatchStats stats() {
    return BatchStats.of(samples, groupIds.size(), zeroAdvantageGroups);
  }
}
