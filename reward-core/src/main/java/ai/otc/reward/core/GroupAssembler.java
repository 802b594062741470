package ai.otc.reward.core;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * In-memory group assembly with the {@link GroupRules}: used by {@code ./otc rescore} over a
 * bounded range (the live service keeps the same rules in changelog-backed stores instead).
 * Not thread-safe.
 */
public final class GroupAssembler {

  /** What {@link #add} did with a trajectory. */
  public sealed interface AddResult permits Pending, Completed, Duplicate, LateMember, Refused {}

  /** Added; the group still waits for members. */
  public record Pending() implements AddResult {}

  /** Added and the group is now complete: here it is, assembled (not scored). */
  public record Completed(ScoredGroup assembled) implements AddResult {}

  /** A trajectory id already seen in its (pending) group: ignored. */
  public record Duplicate() implements AddResult {}

  /** A member of a group that was already completed: ignored. */
  public record LateMember() implements AddResult {}

  /** Refused: inconsistent with the group's first member. */
  public record Refused(Rejection rejection) implements AddResult {}

  private static final class Group {
    final String questionId;
    final int expectedSize;
    final Map<String, Trajectory> members = new LinkedHashMap<>();
    long latestTimestamp = Long.MIN_VALUE;

    Group(String questionId, int expectedSize) {
      this.questionId = questionId;
      this.expectedSize = expectedSize;
    }
  }

  private final Map<String, Group> pending = new LinkedHashMap<>();
  private final Set<String> completed = new HashSet<>();

  /** Adds a validated trajectory read with the given record timestamp. */
  public AddResult add(Trajectory t, long recordTimestampMs) {
    String groupId = t.getGroupId();
    if (completed.contains(groupId)) {
      return new LateMember();
    }
    Group g = pending.get(groupId);
    if (g == null) {
      g = new Group(t.getQuestionId(), t.getGroupSize());
      pending.put(groupId, g);
    } else {
      Optional<Rejection> conflict = GroupRules.checkConsistent(g.questionId, g.expectedSize, t);
      if (conflict.isPresent()) {
        return new Refused(conflict.get());
      }
      if (g.members.containsKey(t.getTrajectoryId())) {
        return new Duplicate();
      }
    }
    g.members.put(t.getTrajectoryId(), t);
    g.latestTimestamp = Math.max(g.latestTimestamp, recordTimestampMs);
    if (g.members.size() >= g.expectedSize) {
      pending.remove(groupId);
      completed.add(groupId);
      return new Completed(ScoredGroups.assembled(
          groupId, g.questionId, g.expectedSize, new ArrayList<>(g.members.values()), false, g.latestTimestamp));
    }
    return new Pending();
  }

  /** The groups still incomplete, sorted by group id, assembled as partial groups; clears them. */
  public List<ScoredGroup> drainIncomplete() {
    List<String> ids = new ArrayList<>(pending.keySet());
    ids.sort(null);
    List<ScoredGroup> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      Group g = pending.get(id);
      out.add(ScoredGroups.assembled(id, g.questionId, g.expectedSize, new ArrayList<>(g.members.values()), true, g.latestTimestamp));
    }
    pending.clear();
    return out;
  }

  public int pendingCount() {
    return pending.size();
  }
}
