package ai.otc.reward.core;

import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.OptimalCallState;
import ai.otc.core.reward.Outcome;
import ai.otc.core.reward.TrajectoryReward;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Writes the wire bytes of an {@code otc.v1.ScoredGroup} directly from {@link TrajectoryView}s,
 * splicing each member's original {@code Trajectory} bytes into {@code ScoredTrajectory.trajectory}
 * (field 1), so no trajectory is decoded or re-encoded on the service's hot path.
 *
 * <p>The output is byte-identical to building the {@code ScoredGroup} with the generated protobuf
 * objects and serialising it (the tests' {@code ObjectPathReference}), for members that are
 * canonical protobuf-java encodings (which re-serialise to themselves): same id
 * ({@code <group>@<label>}), reward spec, members sorted by trajectory id (stable), {@code scored_at}
 * = the latest record timestamp, {@code policy_version} = the minimum over members, {@code run_id} =
 * the first sorted member's, fields in ascending field number, and proto3 implicit presence (scalars
 * equal to their default are not written: doubles when their raw bits are 0, so -0.0 and NaN are;
 * bools only when true; the {@code optional} n whenever present, 0 included).
 */
public final class ScoredGroupWriter {

  private static final Comparator<TrajectoryView> BY_ID = Comparator.comparing(TrajectoryView::trajectoryId);

  // ScoredGroup field numbers.
  private static final int SG_ID = 1;
  private static final int SG_GROUP_ID = 2;
  private static final int SG_QUESTION_ID = 3;
  private static final int SG_REWARD = 4;
  private static final int SG_MEMBERS = 5;
  private static final int SG_N = 6;
  private static final int SG_GROUP_SIZE = 7;
  private static final int SG_PARTIAL = 8;
  private static final int SG_SCORED_AT = 9;
  private static final int SG_POLICY_VERSION = 10;
  private static final int SG_RUN_ID = 11;
  // ScoredTrajectory field numbers.
  private static final int ST_TRAJECTORY = 1;
  private static final int ST_R_PHI = 2;
  private static final int ST_R_TOOL = 3;
  private static final int ST_REWARD = 4;
  private static final int ST_ADVANTAGE = 5;
  private static final int ST_CORRECT = 6;
  private static final int ST_TOOL_CALLS = 7;
  // google.protobuf.Timestamp field numbers.
  private static final int TS_SECONDS = 1;
  private static final int TS_NANOS = 2;

  private final GroupScorer scorer;
  private final OutcomeMapper mapper;
  private final byte[] spec;
  private final int specFieldSize;
  private final String idSuffix;

  /** Precomputes the reward spec's bytes and the id suffix of the scorer's configuration. */
  public ScoredGroupWriter(GroupScorer scorer, OutcomeMapper mapper) {
    this.scorer = Objects.requireNonNull(scorer, "scorer");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.spec = ScoredGroups.spec(scorer.config()).toByteArray();
    this.specFieldSize = CodedOutputStream.computeByteArraySize(SG_REWARD, spec);
    this.idSuffix = ScoredGroups.id("", scorer.config());
  }

  /**
   * The written group and what metrics need, members in output (trajectory id) order.
   *
   * @param bytes the {@code ScoredGroup} wire bytes
   * @param n the per-question n the group was scored with (empty when undefined or not applicable)
   * @param members the number of members
   * @param rewards each member's final reward
   * @param toolCalls each member's tool-call count m
   * @param correct each member's correctness
   */
  public record Result(byte[] bytes, OptionalInt n, int members, double[] rewards, int[] toolCalls, boolean[] correct) {}

  /**
   * Scores the group (refreshing n in state first, as GroupScorer does) and returns the ScoredGroup
   * wire bytes plus what metrics need. members: any order; the writer sorts by trajectory id (the
   * caller's list is not mutated).
   *
   * @param expectedSize the group size the members announced
   * @param partial true when fewer members than expected are present (timeout policy score-partial)
   * @param latestRecordTimestampMs the latest member record's timestamp, written as {@code scored_at}
   * @throws IllegalArgumentException when there are no members
   */
  public Result write(String groupId, String questionId, int expectedSize, List<TrajectoryView> members, boolean partial,
      long latestRecordTimestampMs, OptimalCallState state) {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(questionId, "questionId");
    int size = members.size();
    if (size == 0) {
      throw new IllegalArgumentException("group " + groupId + " has no members");
    }
    TrajectoryView[] sorted = members.toArray(new TrajectoryView[0]);
    Arrays.sort(sorted, BY_ID); // stable: equal ids keep their arrival order
    Timestamp scoredAt = Timestamps.fromMillis(latestRecordTimestampMs);

    List<Outcome> outcomes = new ArrayList<>(size);
    long policyVersion = Long.MAX_VALUE;
    for (TrajectoryView t : sorted) {
      outcomes.add(mapper.outcome(t));
      policyVersion = Math.min(policyVersion, t.policyVersion());
    }
    GroupScorer.GroupResult result = scorer.score(questionId, outcomes, state);
    List<TrajectoryReward> scored = result.members();

    // Sizes first, so that the output is allocated once at its exact size.
    double[] rewards = new double[size];
    int[] toolCalls = new int[size];
    boolean[] correct = new boolean[size];
    int[] memberSizes = new int[size];
    String id = groupId + idSuffix;
    String runId = sorted[0].runId();
    int total = CodedOutputStream.computeStringSize(SG_ID, id);
    if (!groupId.isEmpty()) {
      total += CodedOutputStream.computeStringSize(SG_GROUP_ID, groupId);
    }
    if (!questionId.isEmpty()) {
      total += CodedOutputStream.computeStringSize(SG_QUESTION_ID, questionId);
    }
    total += specFieldSize;
    for (int i = 0; i < size; i++) {
      Outcome o = outcomes.get(i);
      TrajectoryReward r = scored.get(i);
      rewards[i] = r.reward();
      toolCalls[i] = o.toolCalls();
      correct[i] = o.correct();
      int s = memberSize(sorted[i].bytes().length, r, o);
      memberSizes[i] = s;
      total += CodedOutputStream.computeTagSize(SG_MEMBERS) + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
    }
    OptionalInt n = result.n();
    if (n.isPresent()) {
      total += CodedOutputStream.computeInt32Size(SG_N, n.getAsInt());
    }
    if (expectedSize != 0) {
      total += CodedOutputStream.computeInt32Size(SG_GROUP_SIZE, expectedSize);
    }
    if (partial) {
      total += CodedOutputStream.computeBoolSize(SG_PARTIAL, true);
    }
    long seconds = scoredAt.getSeconds();
    int nanos = scoredAt.getNanos();
    int timestampSize = (seconds != 0 ? CodedOutputStream.computeInt64Size(TS_SECONDS, seconds) : 0)
        + (nanos != 0 ? CodedOutputStream.computeInt32Size(TS_NANOS, nanos) : 0);
    total += CodedOutputStream.computeTagSize(SG_SCORED_AT) + CodedOutputStream.computeUInt32SizeNoTag(timestampSize) + timestampSize;
    if (policyVersion != 0) {
      total += CodedOutputStream.computeInt64Size(SG_POLICY_VERSION, policyVersion);
    }
    if (!runId.isEmpty()) {
      total += CodedOutputStream.computeStringSize(SG_RUN_ID, runId);
    }

    byte[] out = new byte[total];
    CodedOutputStream w = CodedOutputStream.newInstance(out);
    try {
      w.writeString(SG_ID, id);
      if (!groupId.isEmpty()) {
        w.writeString(SG_GROUP_ID, groupId);
      }
      if (!questionId.isEmpty()) {
        w.writeString(SG_QUESTION_ID, questionId);
      }
      w.writeByteArray(SG_REWARD, spec);
      for (int i = 0; i < size; i++) {
        TrajectoryReward r = scored.get(i);
        w.writeTag(SG_MEMBERS, 2);
        w.writeUInt32NoTag(memberSizes[i]);
        w.writeByteArray(ST_TRAJECTORY, sorted[i].bytes());
        writeDouble(w, ST_R_PHI, r.rPhi());
        writeDouble(w, ST_R_TOOL, r.rTool());
        writeDouble(w, ST_REWARD, r.reward());
        writeDouble(w, ST_ADVANTAGE, r.advantage());
        if (correct[i]) {
          w.writeBool(ST_CORRECT, true);
        }
        if (toolCalls[i] != 0) {
          w.writeInt32(ST_TOOL_CALLS, toolCalls[i]);
        }
      }
      if (n.isPresent()) {
        w.writeInt32(SG_N, n.getAsInt());
      }
      if (expectedSize != 0) {
        w.writeInt32(SG_GROUP_SIZE, expectedSize);
      }
      if (partial) {
        w.writeBool(SG_PARTIAL, true);
      }
      w.writeTag(SG_SCORED_AT, 2);
      w.writeUInt32NoTag(timestampSize);
      if (seconds != 0) {
        w.writeInt64(TS_SECONDS, seconds);
      }
      if (nanos != 0) {
        w.writeInt32(TS_NANOS, nanos);
      }
      if (policyVersion != 0) {
        w.writeInt64(SG_POLICY_VERSION, policyVersion);
      }
      if (!runId.isEmpty()) {
        w.writeString(SG_RUN_ID, runId);
      }
      w.checkNoSpaceLeft();
    } catch (IOException e) {
      // Only possible if a size above were wrong: a bug, not an input problem.
      throw new UncheckedIOException("ScoredGroup size mismatch for group " + groupId, e);
    }
    return new Result(out, n, size, rewards, toolCalls, correct);
  }

  /**
   * An upper bound of the size of the {@code ScoredGroup} that {@link #write} would produce for these members,
   * computed without scoring (so nothing, n included, changes): the exact sizes of the ids, the reward spec and the
   * spliced members, plus the most every scalar field can take. Lets a caller refuse a group too large for one
   * output record before its scoring lowers n.
   */
  public long maxSize(String groupId, String questionId, List<TrajectoryView> members) {
    long total = CodedOutputStream.computeStringSize(SG_ID, groupId + idSuffix)
        + CodedOutputStream.computeStringSize(SG_GROUP_ID, groupId)
        + CodedOutputStream.computeStringSize(SG_QUESTION_ID, questionId) + specFieldSize;
    int runId = 0;
    for (TrajectoryView t : members) {
      // trajectory field, four doubles (9 bytes each), correct (2), tool_calls (at most 11); then tag and length.
      long member = CodedOutputStream.computeByteArraySize(ST_TRAJECTORY, t.bytes()) + 4 * 9 + 2 + 11;
      total += 1 + 5 + member;
      runId = Math.max(runId, CodedOutputStream.computeStringSize(SG_RUN_ID, t.runId()));
    }
    // n, group_size, policy_version (11 each at most), partial (2), scored_at (tag, length, seconds 11, nanos 6).
    return total + 3 * 11 + 2 + 2 + 17 + runId;
  }

  private static int memberSize(int trajectoryLength, TrajectoryReward r, Outcome o) {
    int s = CodedOutputStream.computeTagSize(ST_TRAJECTORY) + CodedOutputStream.computeUInt32SizeNoTag(trajectoryLength)
        + trajectoryLength;
    s += doubleSize(ST_R_PHI, r.rPhi());
    s += doubleSize(ST_R_TOOL, r.rTool());
    s += doubleSize(ST_REWARD, r.reward());
    s += doubleSize(ST_ADVANTAGE, r.advantage());
    if (o.correct()) {
      s += CodedOutputStream.computeBoolSize(ST_CORRECT, true);
    }
    if (o.toolCalls() != 0) {
      s += CodedOutputStream.computeInt32Size(ST_TOOL_CALLS, o.toolCalls());
    }
    return s;
  }

  /** proto3 implicit presence of a double: written unless its raw bits are 0 (so -0.0 and NaN are written). */
  private static int doubleSize(int field, double v) {
    return Double.doubleToRawLongBits(v) != 0 ? CodedOutputStream.computeDoubleSize(field, v) : 0;
  }

  private static void writeDouble(CodedOutputStream w, int field, double v) throws IOException {
    if (Double.doubleToRawLongBits(v) != 0) {
      w.writeDouble(field, v);
    }
  }
}
