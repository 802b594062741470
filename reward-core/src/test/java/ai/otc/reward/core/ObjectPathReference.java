package ai.otc.reward.core;

import ai.otc.core.em.ExactMatch;
import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.OptimalCallState;
import ai.otc.core.reward.Outcome;
import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.TrajectoryReward;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.Trajectory;
import com.google.protobuf.util.Timestamps;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The test oracle of {@link ScoredGroupWriter}: the output record built the plain way, with the
 * generated protobuf objects (decode every member, build, serialise), and correctness restated from
 * Search-R1's rule on decoded trajectories. The writer must produce the same bytes.
 */
final class ObjectPathReference {

  private static final Comparator<Trajectory> BY_ID = Comparator.comparing(Trajectory::getTrajectoryId);

  private ObjectPathReference() {}

  /** Whether the trajectory counts as correct: the rollout's flag, or EM against the golden answers when there are any. */
  static boolean correct(CorrectnessSource source, Trajectory t) {
    if (source == CorrectnessSource.ROLLOUT || t.getGoldenAnswersCount() == 0) {
      return t.getCorrect();
    }
    return t.getHasAnswer() && ExactMatch.isMatch(t.getExtractedAnswer(), t.getGoldenAnswersList());
  }

  /**
   * An assembled, not yet scored group: members (sorted by trajectory id) without rewards.
   *
   * @param expectedSize the group size the members announced
   * @param partial true when fewer members than expected are present (timeout policy score-partial)
   * @param latestRecordTimestampMs the latest member record's Kafka timestamp, used as {@code scored_at}
   */
  static ScoredGroup assembled(
      String groupId, String questionId, int expectedSize, List<Trajectory> members, boolean partial, long latestRecordTimestampMs) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("group " + groupId + " has no members");
    }
    List<Trajectory> sorted = new ArrayList<>(members);
    sorted.sort(BY_ID);
    ScoredGroup.Builder b = ScoredGroup.newBuilder()
        .setGroupId(groupId)
        .setQuestionId(questionId)
        .setGroupSize(expectedSize)
        .setPartial(partial)
        .setScoredAt(Timestamps.fromMillis(latestRecordTimestampMs))
        .setRunId(sorted.get(0).getRunId());
    long policyVersion = Long.MAX_VALUE;
    for (Trajectory t : sorted) {
      b.addMembers(ScoredTrajectory.newBuilder().setTrajectory(t));
      policyVersion = Math.min(policyVersion, t.getPolicyVersion());
    }
    return b.setPolicyVersion(policyVersion).build();
  }

  /**
   * Scores an assembled group: maps members to outcomes, lets {@link GroupScorer} refresh n from
   * the group (OTC-GRPO) and compute rewards and GRPO advantages, and returns the output record.
   * r_tool is NaN where it is not evaluated (OTC-GRPO with n undefined), as the core reports it.
   */
  static ScoredGroup score(ScoredGroup assembled, GroupScorer scorer, OptimalCallState state, CorrectnessSource source) {
    int size = assembled.getMembersCount();
    List<Outcome> outcomes = new ArrayList<>(size);
    for (ScoredTrajectory m : assembled.getMembersList()) {
      outcomes.add(Outcome.of(m.getTrajectory().getToolCallCount(), correct(source, m.getTrajectory())));
    }
    GroupScorer.GroupResult result = scorer.score(assembled.getQuestionId(), outcomes, state);
    RewardConfig config = scorer.config();
    ScoredGroup.Builder b = assembled.toBuilder()
        .setId(ScoredGroups.id(assembled.getGroupId(), config))
        .setReward(ScoredGroups.spec(config))
        .clearMembers();
    if (result.n().isPresent()) {
      b.setN(result.n().getAsInt());
    } else {
      b.clearN();
    }
    for (int i = 0; i < size; i++) {
      Trajectory t = assembled.getMembers(i).getTrajectory();
      Outcome o = outcomes.get(i);
      TrajectoryReward r = result.members().get(i);
      b.addMembers(ScoredTrajectory.newBuilder()
          .setTrajectory(t)
          .setRPhi(r.rPhi())
          .setRTool(r.rTool())
          .setReward(r.reward())
          .setAdvantage(r.advantage())
          .setCorrect(o.correct())
          .setToolCalls(o.toolCalls()));
    }
    return b.build();
  }
}
