package ai.otc.reward.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * GRPO group assembly with the {@link GroupRules}, shared by the live reward service and
 * {@code ./otc rescore} so both assemble exactly the same groups. Pure and single-threaded: the
 * caller feeds trajectories with their source partition, offset and record timestamp plus a clock
 * reading, and persists what it needs from the results.
 *
 * <p>What it keeps:
 * <ul>
 *   <li><b>pending groups</b>, with the members received so far (their wire bytes, via
 *       {@link TrajectoryView}), the first offset they occupy in each source partition (so the
 *       service never commits past a member it still needs: a restart re-reads it) and a wall-clock
 *       deadline ({@code first member + timeout}, or a restored one);</li>
 *   <li><b>finished markers</b> (group id, home partition, expiry): members of a completed, timed-out
 *       or dropped group that arrive later are ignored until the marker expires.</li>
 * </ul>
 * Nothing here touches Kafka; the service writes markers to a changelog topic and restores them
 * with {@link #restoreFinished} and {@link #restoreDeadline}.
 */
public final class GroupAssembler {

  /** What {@link #add} did with a trajectory. */
  public sealed interface AddResult permits Pending, Completed, Duplicate, LateMember, Refused {}

  /** Added; the group still waits for members. */
  public record Pending() implements AddResult {}

  /** Added and the group is now complete: here it is, assembled (not scored). It is marked finished. */
  public record Completed(AssembledGroup group) implements AddResult {}

  /** A trajectory id already seen in its (pending) group: ignored. */
  public record Duplicate() implements AddResult {}

  /** A member of a group that was already finished (completed, timed out or dropped): ignored. */
  public record LateMember() implements AddResult {}

  /** Refused: inconsistent with the group's first member. */
  public record Refused(Rejection rejection) implements AddResult {}

  /**
   * A group ready to be scored (or dropped).
   *
   * @param members in arrival order (the writer sorts them by trajectory id)
   * @param partial fewer members than expected (timed out, or drained at the end of a range)
   * @param latestRecordTimestampMs the latest member record's timestamp: the output's {@code scored_at}
   * @param homePartition the source partition of its first member (where its marker lives)
   * @param sources where each member came from, in the order of {@code members}
   */
  public record AssembledGroup(String groupId, String questionId, int expectedSize, List<TrajectoryView> members,
      boolean partial, long latestRecordTimestampMs, int homePartition, List<MemberSource> sources) {}

  /** Where a member's record was read: its source partition, offset and record timestamp. */
  public record MemberSource(int partition, long offset, long timestampMs) {}

  /** A pending group whose deadline has not been persisted yet (see {@link #takeUnpersistedDeadlines}). */
  public record OpenGroup(String groupId, int homePartition, long deadlineMs) {}

  /** A finished marker that expired (see {@link #expireFinished}). */
  public record ExpiredMarker(String groupId, int homePartition) {}

  private static final Pending PENDING = new Pending();
  private static final Duplicate DUPLICATE = new Duplicate();
  private static final LateMember LATE = new LateMember();
  /** No deadline: groups wait until drained. */
  private static final long NEVER = Long.MAX_VALUE;

  private static final class Group {
    final String groupId;
    final String questionId;
    final int expectedSize;
    final int homePartition;
    final long firstOffset;
    final List<TrajectoryView> members;
    final List<MemberSource> sources;
    /** The members' wire bytes, summed. */
    long bytes;
    /** Ids of members once the group is too large for a linear scan; null before. */
    Set<String> memberIds;
    /** Min offset per other partition, for groups whose members span partitions (records without keys). */
    Map<Integer, Long> otherPartitions;
    long latestTimestamp = Long.MIN_VALUE;
    final long deadlineMs;
    boolean deadlinePersisted;

    Group(String groupId, String questionId, int expectedSize, int homePartition, long firstOffset, long deadlineMs,
        boolean deadlinePersisted) {
      this.groupId = groupId;
      this.questionId = questionId;
      this.expectedSize = expectedSize;
      this.homePartition = homePartition;
      this.firstOffset = firstOffset;
      this.deadlineMs = deadlineMs;
      this.deadlinePersisted = deadlinePersisted;
      this.members = new ArrayList<>(Math.min(expectedSize, 64));
      this.sources = new ArrayList<>(Math.min(expectedSize, 64));
    }

    boolean contains(String trajectoryId) {
      if (memberIds != null) {
        return memberIds.contains(trajectoryId);
      }
      for (int i = 0; i < members.size(); i++) {
        if (members.get(i).trajectoryId().equals(trajectoryId)) {
          return true;
        }
      }
      return false;
    }

    void add(TrajectoryView t, int partition, long offset, long timestamp) {
      members.add(t);
      sources.add(new MemberSource(partition, offset, timestamp));
      bytes += t.bytes().length;
      if (memberIds != null) {
        memberIds.add(t.trajectoryId());
      } else if (members.size() > 16) {
        memberIds = new HashSet<>();
        for (TrajectoryView m : members) {
          memberIds.add(m.trajectoryId());
        }
      }
      if (partition != homePartition) {
        if (otherPartitions == null) {
          otherPartitions = new HashMap<>(2);
        }
        otherPartitions.merge(partition, offset, Math::min);
      }
      latestTimestamp = Math.max(latestTimestamp, timestamp);
    }

    AssembledGroup assembled(boolean partial) {
      return new AssembledGroup(groupId, questionId, expectedSize, members, partial, latestTimestamp, homePartition, sources);
    }
  }

  /** A finished marker (expireAtMs = its expiry) or a restored deadline (expireAtMs = the deadline). */
  private record Marker(int homePartition, long expireAtMs) {}

  private record Due(long atMs, String groupId) {}

  private final long timeoutMs;
  private final long retentionMs;
  private final Map<String, Group> pending = new LinkedHashMap<>();
  /** The wire bytes of every pending group's members, summed. */
  private long pendingBytes;
  private final PriorityQueue<Due> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.atMs, b.atMs));
  private final Map<String, Marker> finished = new HashMap<>();
  /**
   * Expiry order of the markers this assembler set: {@code now + retention} only grows, so a deque
   * is in order. Entries whose marker changed or went are skipped lazily.
   */
  private final ArrayDeque<Due> expiries = new ArrayDeque<>();
  /** Expiry order of restored markers, which arrive in any order relative to the live ones. */
  private final PriorityQueue<Due> restoredExpiries = new PriorityQueue<>((a, b) -> Long.compare(a.atMs, b.atMs));
  /** Deadlines restored from the changelog, applied when the group's first member is read again. */
  private final Map<String, Marker> restoredDeadlines = new HashMap<>();

  /**
   * @param timeoutMs how long a group may stay incomplete after its first member (wall clock);
   *     {@code <= 0}: never times out (rescore drains the rest at the end instead)
   * @param retentionMs how long a finished group's marker is kept; {@code <= 0}: forever
   */
  public GroupAssembler(long timeoutMs, long retentionMs) {
    this.timeoutMs = timeoutMs;
    this.retentionMs = retentionMs;
  }

  /** An assembler without timeouts whose markers never expire: for a bounded range ({@code ./otc rescore}). */
  public GroupAssembler() {
    this(0, 0);
  }

  /**
   * Adds a validated trajectory.
   *
   * @param partition its source partition, and {@code offset} its offset there
   * @param timestampMs its record timestamp
   * @param nowMs the wall clock, which starts the group's timeout when it is the first member
   */
  public AddResult add(TrajectoryView t, int partition, long offset, long timestampMs, long nowMs) {
    String groupId = t.groupId();
    Group g = pending.get(groupId);
    if (g == null) {
      if (finished.containsKey(groupId)) {
        return LATE;
      }
      Marker restored = restoredDeadlines.remove(groupId);
      long deadline = restored != null ? restored.expireAtMs : timeoutMs > 0 ? nowMs + timeoutMs : NEVER;
      g = new Group(groupId, t.questionId(), t.groupSize(), partition, offset, deadline, restored != null);
      pending.put(groupId, g);
      if (deadline != NEVER) {
        deadlines.add(new Due(deadline, groupId));
      }
    } else {
      Optional<Rejection> conflict = GroupRules.checkConsistent(g.questionId, g.expectedSize, t);
      if (conflict.isPresent()) {
        return new Refused(conflict.get());
      }
      if (g.contains(t.trajectoryId())) {
        return DUPLICATE;
      }
    }
    g.add(t, partition, offset, timestampMs);
    pendingBytes += t.bytes().length;
    if (g.members.size() >= g.expectedSize) {
      remove(g);
      markFinished(g, nowMs);
      return new Completed(g.assembled(false));
    }
    return PENDING;
  }

  /**
   * Removes the pending groups whose deadline has passed and marks them finished; the caller scores
   * them partially or drops them, per its timeout policy. Ordered by deadline.
   */
  public List<AssembledGroup> timedOut(long nowMs) {
    List<AssembledGroup> out = List.of();
    while (!deadlines.isEmpty() && deadlines.peek().atMs <= nowMs) {
      Due d = deadlines.poll();
      Group g = pending.get(d.groupId);
      if (g == null || g.deadlineMs != d.atMs) {
        continue;
      }
      remove(g);
      markFinished(g, nowMs);
      if (out.isEmpty()) {
        out = new ArrayList<>();
      }
      out.add(g.assembled(true));
    }
    return out;
  }

  /** Forgets the finished markers whose retention has passed and returns them (the caller deletes them from its changelog). */
  public List<ExpiredMarker> expireFinished(long nowMs) {
    List<ExpiredMarker> out = new ArrayList<>(0);
    while (!expiries.isEmpty() && expiries.peekFirst().atMs <= nowMs) {
      expire(expiries.pollFirst(), out);
    }
    while (!restoredExpiries.isEmpty() && restoredExpiries.peek().atMs <= nowMs) {
      expire(restoredExpiries.poll(), out);
    }
    return out;
  }

  private void expire(Due d, List<ExpiredMarker> out) {
    Marker m = finished.get(d.groupId);
    if (m != null && m.expireAtMs == d.atMs) {
      finished.remove(d.groupId);
      out.add(new ExpiredMarker(d.groupId, m.homePartition));
    }
  }

  /** The expiry of a finished group's marker, if it is remembered. */
  public OptionalLong finishedUntil(String groupId) {
    Marker m = finished.get(groupId);
    return m == null ? OptionalLong.empty() : OptionalLong.of(m.expireAtMs);
  }

  /**
   * The pending groups whose deadline was never handed out, marking them handed out: the service
   * persists them at each commit so a restart keeps the original timeout rather than restarting it.
   * Groups that open and finish between two commits never appear here.
   */
  public List<OpenGroup> takeUnpersistedDeadlines() {
    List<OpenGroup> out = List.of();
    for (Group g : pending.values()) {
      if (!g.deadlinePersisted && g.deadlineMs != NEVER) {
        g.deadlinePersisted = true;
        if (out.isEmpty()) {
          out = new ArrayList<>();
        }
        out.add(new OpenGroup(g.groupId, g.homePartition, g.deadlineMs));
      }
    }
    return out;
  }

  /**
   * The lowest offset in {@code partition} that a pending group still needs, if any: a consumer must
   * not commit beyond it, so that the members are read again after a restart.
   */
  public OptionalLong oldestNeededOffset(int partition) {
    long min = Long.MAX_VALUE;
    for (Group g : pending.values()) {
      if (g.homePartition == partition) {
        min = Math.min(min, g.firstOffset);
      } else if (g.otherPartitions != null) {
        Long o = g.otherPartitions.get(partition);
        if (o != null) {
          min = Math.min(min, o);
        }
      }
    }
    return min == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(min);
  }

  /** Restores a finished marker read back from the changelog (it expires at {@code expireAtMs}). */
  public void restoreFinished(String groupId, int homePartition, long expireAtMs) {
    restoredDeadlines.remove(groupId);
    finished.put(groupId, new Marker(homePartition, expireAtMs));
    restoredExpiries.add(new Due(expireAtMs, groupId));
  }

  /** Restores a pending group's persisted deadline; it applies when the group's first member is read again. */
  public void restoreDeadline(String groupId, int homePartition, long deadlineMs) {
    if (!finished.containsKey(groupId)) {
      restoredDeadlines.put(groupId, new Marker(homePartition, deadlineMs));
    }
  }

  /** Removes a restored marker or deadline (a tombstone read back from the changelog). */
  public void forget(String groupId) {
    finished.remove(groupId);
    restoredDeadlines.remove(groupId);
  }

  /**
   * Forgets everything homed on the given partitions (pending groups, markers, restored deadlines):
   * they were revoked, and their new owner rebuilds them from the source topic and the changelog.
   */
  public void dropPartitions(Collection<Integer> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Set<Integer> set = new HashSet<>(partitions);
    pending.values().removeIf(g -> {
      if (set.contains(g.homePartition)) {
        pendingBytes -= g.bytes;
        return true;
      }
      return false;
    });
    finished.values().removeIf(m -> set.contains(m.homePartition));
    restoredDeadlines.values().removeIf(m -> set.contains(m.homePartition));
  }

  /** Marks finished and hands out the groups still incomplete, sorted by group id, as partial groups. */
  public List<AssembledGroup> drainIncomplete(long nowMs) {
    List<String> ids = new ArrayList<>(pending.keySet());
    ids.sort(null);
    List<AssembledGroup> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      Group g = pending.get(id);
      remove(g);
      markFinished(g, nowMs);
      out.add(g.assembled(true));
    }
    return out;
  }

  public int pendingCount() {
    return pending.size();
  }

  /** The wire bytes of the members the pending groups hold, summed (what a cap on their memory counts). */
  public long pendingBytes() {
    return pendingBytes;
  }

  private void remove(Group g) {
    pending.remove(g.groupId);
    pendingBytes -= g.bytes;
  }

  public int finishedCount() {
    return finished.size();
  }

  private void markFinished(Group g, long nowMs) {
    long expireAt = retentionMs > 0 ? nowMs + retentionMs : NEVER;
    finished.put(g.groupId, new Marker(g.homePartition, expireAt));
    if (expireAt != NEVER) {
      expiries.addLast(new Due(expireAt, g.groupId));
    }
  }

  /** The ids of the pending groups, in arrival order (a copy). */
  public List<String> pendingGroupIds() {
    List<String> out = new ArrayList<>(pending.size());
    for (Iterator<String> it = pending.keySet().iterator(); it.hasNext();) {
      out.add(it.next());
    }
    return out;
  }
}
