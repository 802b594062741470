package ai.otc.learner.batch;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.Trajectory;

/** Builders of ScoredGroups for the batch tests. */
final class Groups {
  private Groups() {}

  /**
   * A group {@code id} at {@code version} with one member per entry of {@code correct}; member k has m = calls[k],
   * prompt [1,2,3], response [4,5,6,7] with token 2 masked, old log-probs −0.5, and advantage ±1 by verdict (0 when all
   * verdicts agree).
   */
  static ScoredGroup group(String id, long version, String kind, boolean[] correct, int[] calls) {
    boolean mixed = false;
    for (boolean c : correct) {
      mixed |= c != correct[0];
    }
    ScoredGroup.Builder g = ScoredGroup.newBuilder().setId(id + "@otc_grpo:v1").setGroupId(id).setQuestionId("q-" + id)
        .setGroupSize(correct.length).setPolicyVersion(version).setRunId("R");
    for (int k = 0; k < correct.length; k++) {
      Trajectory t = Trajectory.newBuilder().setTrajectoryId(id + "/" + k).setGroupId(id).setPolicyVersion(version)
          .addAllPromptTokenIds(java.util.List.of(1, 2, 3)).addAllResponseTokenIds(java.util.List.of(4, 5, 6, 7))
          .addAllLossMask(java.util.List.of(1, 1, 0, 1)).addAllOldLogProbs(java.util.List.of(-0.5f, -0.5f, 0f, -0.5f))
          .setQuestionKind(kind).setMinCalls(kind.equals("1p") ? 0 : 1).setToolCallCount(calls[k]).build();
      double adv = mixed ? (correct[k] ? 1 : -1) : 0;
      g.addMembers(ScoredTrajectory.newBuilder().setTrajectory(t).setCorrect(correct[k]).setToolCalls(calls[k])
          .setReward(correct[k] ? 1 : 0).setAdvantage(adv));
    }
    return g.build();
  }

  static ScoredGroup group(String id, long version) {
    return group(id, version, "1p", new boolean[] {true, false}, new int[] {0, 1});
  }
}
