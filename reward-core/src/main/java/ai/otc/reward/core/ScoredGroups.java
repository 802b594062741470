package ai.otc.reward.core;

import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.OptimalCallState;
import ai.otc.core.reward.Outcome;
import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.TrajectoryReward;
import ai.otc.proto.v1.RewardName;
import ai.otc.proto.v1.RewardSpec;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.Trajectory;
import com.google.protobuf.util.Timestamps;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds the {@code ScoredGroup}s of otc.rewarded.v1 from assembled groups, with the OTC core's
 * {@link GroupScorer} doing all the math. Everything here is deterministic so that the live
 * service and {@code ./otc rescore} produce byte-identical records for the same input and state:
 * <ul>
 *   <li>id = {@code <group_id>@<reward kind>:<version>} ({@link RewardConfig#label()});</li>
 *   <li>members are ordered by trajectory id, whatever order they arrived in;</li>
 *   <li>{@code scored_at} is the latest member's record timestamp, not the wall clock;</li>
 *   <li>{@code policy_version} is the oldest member's (the conservative value for staleness bounds).</li>
 * </ul>
 * An <em>assembled</em> group is carried between the service's two stages as a {@code ScoredGroup}
 * with members but no rewards ({@link #assembled}); {@link #score} fills the rewards in.
 */
public final class ScoredGroups {

  private static final Comparator<Trajectory> BY_ID = Comparator.comparing(Trajectory::getTrajectoryId);

  private ScoredGroups() {}

  /** The deterministic output id, e.g. {@code g-17@otc-grpo:v1}. */
  public static String id(String groupId, RewardConfig config) {
    return groupId + "@" + config.label();
  }

  /** The proto view of a reward configuration. */
  public static RewardSpec spec(RewardConfig config) {
    RewardName name = switch (config.kind()) {
      case EM -> RewardName.REWARD_NAME_EM;
      case OTC_PPO -> RewardName.REWARD_NAME_OTC_PPO;
      case OTC_GRPO -> RewardName.REWARD_NAME_OTC_GRPO;
    };
    return RewardSpec.newBuilder()
        .setName(name)
        .setVersion(config.version())
        .setAlpha(config.alpha())
        .setC(config.c())
        .setWrongAnswerPolicy(config.wrongAnswerPolicy().cliName())
        .setAdditive(config.additive())
        .build();
  }

  /**
   * An assembled, not yet scored group: members (sorted by trajectory id) without rewards.
   *
   * @param expectedSize the group size the members announced
   * @param partial true when fewer members than expected are present (timeout policy score-partial)
   * @param latestRecordTimestampMs the latest member record's Kafka timestamp, used as {@code scored_at}
   */
  public static ScoredGroup assembled(
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
  public static ScoredGroup score(ScoredGroup assembled, GroupScorer scorer, OptimalCallState state, OutcomeMapper mapper) {
    int size = assembled.getMembersCount();
    List<Outcome> outcomes = new ArrayList<>(size);
    for (ScoredTrajectory m : assembled.getMembersList()) {
      outcomes.add(mapper.outcome(m.getTrajectory()));
    }
    GroupScorer.GroupResult result = scorer.score(assembled.getQuestionId(), outcomes, state);
    RewardConfig config = scorer.config();
    ScoredGroup.Builder b = assembled.toBuilder()
        .setId(id(assembled.getGroupId(), config))
        .setReward(spec(config))
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
