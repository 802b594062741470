package ai.otc.reward.support;

import ai.otc.proto.v1.Trajectory;
import java.util.List;

/** Test data: trajectories whose correctness is decided by EM of the extracted answer against the gold. */
public final class Trajectories {

  public static final String GOLD = "Paris";

  private Trajectories() {}

  /** A trajectory with m tool calls whose answer is right (EM 1) or wrong (EM 0). */
  public static Trajectory of(String group, String id, String question, int groupSize, int m, boolean correct) {
    return Trajectory.newBuilder()
        .setTrajectoryId(id)
        .setGroupId(group)
        .setQuestionId(question)
        .setGroupSize(groupSize)
        .setToolCallCount(m)
        .addAllGoldenAnswers(List.of(GOLD, "paris, france"))
        .setExtractedAnswer(correct ? " the Paris! " : "London")
        .setHasAnswer(true)
        // The rollout's own verdict is deliberately the opposite: the service must recompute EM.
        .setCorrect(!correct)
        .setPolicyVersion(7)
        .setRunId("run-test")
        .setResponseText("<answer>x</answer>")
        .build();
  }
}
