package ai.otc.reward.pipeline;

import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.OptimalCallState;
import ai.otc.core.reward.RewardKind;
import ai.otc.reward.core.GroupAssembler;
import ai.otc.reward.core.GroupRules;
import ai.otc.reward.core.OutcomeMapper;
import ai.otc.reward.core.RejectReason;
import ai.otc.reward.core.Rejection;
import ai.otc.reward.core.ScoredGroupWriter;
import ai.otc.reward.core.TimeoutPolicy;
import ai.otc.reward.core.TrajectoryView;
import ai.otc.reward.domain.RewardLimits;
import ai.otc.reward.domain.RewardMetrics;
import ai.otc.reward.domain.RewardSettings;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * The reward stage's logic, record by record, without any Kafka I/O (the {@link RewardStream} loop
 * feeds it and turns what it emits into one transaction per commit interval; tests drive it
 * directly): validates each rollout ({@link GroupRules}; refused ones become dead letters),
 * assembles GRPO groups ({@link GroupAssembler}), refreshes the question's n from the group and
 * scores it ({@link ScoredGroupWriter}, which splices the members' bytes into the output without
 * re-encoding them), applies the timeout policy and expires finished-group markers on
 * {@link #punctuate}. Not thread-safe: one instance per stream thread.
 *
 * <p>Durability comes from the caller: it commits source offsets no further than
 * {@link #oldestNeededOffset} (so members of pending groups are read again after a restart), and
 * writes every {@link Sink#groupMarker} and {@link Sink#optimalCalls} to changelog topics in the
 * same transaction as the outputs.
 */
public final class RewardPipeline {

  /** The configuration key of the group-size cap, named in rejections. */
  public static final String MAX_GROUP_SIZE_KEY = "otc.reward.limits.max-group-size";
  /** The configuration key of the record-size limit, named in rejections. */
  public static final String MAX_RECORD_BYTES_KEY = "otc.reward.limits.max-record-bytes";

  /** Where the pipeline's outputs go; the loop writes them in its transaction, tests collect them. */
  public interface Sink {
    /** A scored group for otc.rewarded.v1, key = group id, record timestamp = the group's latest member's. */
    void rewarded(String groupId, byte[] scoredGroup, long timestampMs);

    /** A refused rollout record for the dead-letter topic: the record being processed. */
    void deadLetter(Rejection rejection);

    /**
     * A member of a group refused as a whole ({@code group-too-large}) for the dead-letter topic: its bytes as they
     * arrived, key = its group id, with where it was read.
     */
    void deadLetterMember(Rejection rejection, String groupId, byte[] value, GroupAssembler.MemberSource source);

    /** A group marker ({@link GroupMarkers}) for partition {@code partition} of the group changelog; null = tombstone. */
    void groupMarker(String groupId, int partition, byte[] value);

    /** A lowered n for the optimal-calls changelog. */
    void optimalCalls(String questionId, int n);
  }

  private final RewardSettings settings;
  private final RewardMetrics metrics;
  private final GroupAssembler assembler;
  private final ScoredGroupWriter writer;
  private final OptimalCallTable table;
  private final boolean otcGrpo;
  private final GroupRules.Limits recordLimits;
  /** The largest otc.rewarded.v1 record this life may write (the configured limit, or the topic's lower one). */
  private final int rewardedRecordLimit;
  /** Set for the duration of one call, so that the state adapter below can report lowered n values. */
  private Sink current;
  private final OptimalCallState state;

  public RewardPipeline(RewardSettings settings, RewardMetrics metrics, OptimalCallTable table) {
    this(settings, metrics, table, settings.limits().maxRecordBytes());
  }

  /**
   * @param rewardedRecordLimit the largest otc.rewarded.v1 record to write, in bytes as Kafka counts them (a group
   *     whose record could be larger goes to the dead-letter topic, member by member)
   */
  public RewardPipeline(RewardSettings settings, RewardMetrics metrics, OptimalCallTable table, int rewardedRecordLimit) {
    this.settings = settings;
    this.rewardedRecordLimit = rewardedRecordLimit;
    this.recordLimits = new GroupRules.Limits(settings.limits().maxGroupSize(), RewardLimits.MAX_ID_CHARS);
    this.metrics = metrics;
    this.table = table;
    this.assembler = new GroupAssembler(settings.groupTimeout().toMillis(), settings.completedRetention().toMillis());
    this.writer = new ScoredGroupWriter(new GroupScorer(settings.reward()), new OutcomeMapper(settings.correctness()));
    this.otcGrpo = settings.reward().kind() == RewardKind.OTC_GRPO;
    this.state = table.writingTo((q, n) -> current.optimalCalls(q, n));
  }

  /**
   * Processes one rollout record.
   *
   * @param key the record key (may be null)
   * @param value the record value (may be null)
   * @param nowMs the wall clock
   * @param replay true while re-reading records that a committed transaction already processed
   *     (between the committed offset and the processed high-water mark): they rebuild pending
   *     groups but produce no dead letters and count no metrics a second time
   */
  public void process(int partition, long offset, long timestampMs, String key, byte[] value, long nowMs, boolean replay, Sink sink) {
    GroupRules.Decoded decoded = GroupRules.decode(key, value, recordLimits, MAX_GROUP_SIZE_KEY);
    if (decoded instanceof GroupRules.Refused refused) {
      if (!replay) {
        metrics.deadLettered(refused.rejection().reason());
        sink.deadLetter(refused.rejection());
      }
      return;
    }
    TrajectoryView t = ((GroupRules.Accepted) decoded).trajectory();
    if (!settings.scores(t.runId())) {
      if (!replay) {
        metrics.otherRunSkipped();
      }
      return;
    }
    switch (assembler.add(t, partition, offset, timestampMs, nowMs)) {
      case GroupAssembler.Pending p -> { }
      case GroupAssembler.Completed c -> {
        if (!replay) {
          metrics.groupCompleted(c.group().members().size());
        }
        // A completion during replay means its marker expired before the source offset moved past
        // it (retention shorter than the replay window): scoring again is the safe side, the output
        // id is deterministic.
        score(c.group(), nowMs, replay, sink);
      }
      case GroupAssembler.Duplicate d -> {
        if (!replay) {
          metrics.duplicateIgnored();
        }
      }
      case GroupAssembler.LateMember l -> {
        if (!replay) {
          metrics.lateMemberIgnored();
        }
      }
      case GroupAssembler.Refused r -> {
        if (!replay) {
          metrics.deadLettered(r.rejection().reason());
          sink.deadLetter(r.rejection());
        }
      }
    }
  }

  /** Applies due timeouts (score partially, or drop and count) and deletes expired finished markers. */
  public void punctuate(long nowMs, Sink sink) {
    for (GroupAssembler.AssembledGroup g : assembler.timedOut(nowMs)) {
      metrics.groupTimedOut(settings.timeoutPolicy(), g.members().size(), g.expectedSize());
      if (settings.timeoutPolicy() == TimeoutPolicy.SCORE_PARTIAL) {
        score(g, nowMs, false, sink);
      } else {
        sink.groupMarker(g.groupId(), g.homePartition(), GroupMarkers.finished(finishedUntil(g.groupId(), nowMs)));
      }
    }
    for (GroupAssembler.ExpiredMarker m : assembler.expireFinished(nowMs)) {
      sink.groupMarker(m.groupId(), m.homePartition(), null);
    }
  }

  /** Persists the deadlines of groups that became pending since the last commit; call before each commit. */
  public void beforeCommit(Sink sink) {
    for (GroupAssembler.OpenGroup g : assembler.takeUnpersistedDeadlines()) {
      sink.groupMarker(g.groupId(), g.homePartition(), GroupMarkers.open(g.deadlineMs()));
    }
  }

  /** The lowest source offset of {@code partition} a pending group still needs. */
  public OptionalLong oldestNeededOffset(int partition) {
    return assembler.oldestNeededOffset(partition);
  }

  /** Applies one record of the group changelog read back at assignment (null value: tombstone). */
  public void restoreMarker(String groupId, int partition, byte[] value) {
    if (value == null) {
      assembler.forget(groupId);
    } else if (GroupMarkers.type(value) == GroupMarkers.OPEN) {
      assembler.restoreDeadline(groupId, partition, GroupMarkers.timeMs(value));
    } else {
      assembler.restoreFinished(groupId, partition, GroupMarkers.timeMs(value));
    }
  }

  /** Forgets the pending groups and markers of revoked partitions. */
  public void dropPartitions(Collection<Integer> partitions) {
    assembler.dropPartitions(partitions);
  }

  public int pendingGroups() {
    return assembler.pendingCount();
  }

  public int finishedMarkers() {
    return assembler.finishedCount();
  }

  public OptimalCallTable table() {
    return table;
  }

  private void score(GroupAssembler.AssembledGroup g, long nowMs, boolean replay, Sink sink) {
    long size = writer.maxSize(g.groupId(), g.questionId(), g.members()) + RecordSizes.overhead(g.groupId());
    if (size > rewardedRecordLimit) {
      refuseTooLarge(g, size, nowMs, replay, sink);
      return;
    }
    current = sink;
    ScoredGroupWriter.Result r;
    try {
      r = writer.write(g.groupId(), g.questionId(), g.expectedSize(), g.members(), g.partial(), g.latestRecordTimestampMs(), state);
    } finally {
      current = null;
    }
    sink.rewarded(g.groupId(), r.bytes(), g.latestRecordTimestampMs());
    sink.groupMarker(g.groupId(), g.homePartition(), GroupMarkers.finished(finishedUntil(g.groupId(), nowMs)));
    if (!replay) {
      metrics.groupScored(r, g.partial(), otcGrpo);
    }
  }

  /**
   * A group whose scored record could exceed the output limit: every member goes to the dead-letter topic (a record
   * the broker refuses would abort the transaction, and the restarted service would meet the same group again), the
   * group is marked finished, n is left alone (the group is not scored).
   */
  private void refuseTooLarge(GroupAssembler.AssembledGroup g, long size, long nowMs, boolean replay, Sink sink) {
    if (!replay) {
      Rejection r = new Rejection(RejectReason.GROUP_TOO_LARGE, "group " + g.groupId() + " of " + g.members().size()
          + " members: its scored record would be up to " + size + " bytes, over the " + rewardedRecordLimit + "-byte limit of "
          + settings.rewardedTopic() + " (" + MAX_RECORD_BYTES_KEY + " or the topic's max.message.bytes); every member is here");
      for (int i = 0; i < g.members().size(); i++) {
        metrics.deadLettered(RejectReason.GROUP_TOO_LARGE);
        sink.deadLetterMember(r, g.groupId(), g.members().get(i).bytes(), g.sources().get(i));
      }
    }
    sink.groupMarker(g.groupId(), g.homePartition(), GroupMarkers.finished(finishedUntil(g.groupId(), nowMs)));
  }

  /** The wire bytes the pending groups hold. */
  public long pendingBytes() {
    return assembler.pendingBytes();
  }

  /** Whether the pending groups reached a cap ({@code max-pending-groups} or {@code max-pending-bytes}): time to pause. */
  public boolean atPendingCap() {
    return assembler.pendingCount() >= settings.limits().maxPendingGroups()
        || assembler.pendingBytes() >= settings.limits().maxPendingBytes();
  }

  /** Whether the pending groups are back under 90 % of both caps: time to resume after a pause. */
  public boolean belowResumeMark() {
    return assembler.pendingCount() <= settings.limits().maxPendingGroups() * 0.9
        && assembler.pendingBytes() <= settings.limits().maxPendingBytes() * 0.9;
  }

  private long finishedUntil(String groupId, long nowMs) {
    return assembler.finishedUntil(groupId).orElse(nowMs + settings.completedRetention().toMillis());
  }

  /** The ids of the groups still pending, in arrival order. */
  public List<String> pendingGroupIds() {
    return assembler.pendingGroupIds();
  }
}
