package ai.otc.reward.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.InMemoryOptimalCallState;
import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.proto.v1.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ScoredGroupWriter#maxSize} bounds the written size from above, tightly (within the scalar fields' room),
 * for 2,000 seeded random groups of every reward kind; and {@link Rejection} bounds its detail.
 */
class ScoredGroupSizeTest {

  @Test
  void maxSizeIsAnUpperBoundOfTheWrittenGroup() throws Exception {
    Random rnd = new Random(15);
    for (RewardKind kind : RewardKind.values()) {
      ScoredGroupWriter writer = new ScoredGroupWriter(new GroupScorer(RewardConfig.paper(kind)), new OutcomeMapper(CorrectnessSource.RECOMPUTE));
      InMemoryOptimalCallState state = new InMemoryOptimalCallState();
      for (int g = 0; g < 700; g++) {
        int size = 1 + rnd.nextInt(16);
        String group = "g" + rnd.nextInt(1_000_000) + "x".repeat(rnd.nextInt(40));
        String question = "q" + rnd.nextInt(5);
        List<TrajectoryView> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          Trajectory t = Trajectory.newBuilder().setTrajectoryId(group + "-t" + i).setGroupId(group).setQuestionId(question)
              .setGroupSize(size).setToolCallCount(rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(Integer.MAX_VALUE))
              .addGoldenAnswers("Paris").setExtractedAnswer(rnd.nextBoolean() ? "Paris" : "London").setHasAnswer(rnd.nextBoolean())
              .setPolicyVersion(rnd.nextBoolean() ? 0 : rnd.nextLong()).setRunId("run-" + "r".repeat(rnd.nextInt(30)))
              .setResponseText("y".repeat(rnd.nextInt(3000))).build();
          members.add(TrajectoryView.parse(t.toByteArray()));
        }
        long bound = writer.maxSize(group, question, members);
        byte[] written = writer.write(group, question, size, members, rnd.nextBoolean(), (rnd.nextLong() >>> 1) % 253_402_300_799_000L, state).bytes();
        assertThat(bound).as("group %d of %s", g, kind).isGreaterThanOrEqualTo(written.length);
        assertThat(bound - written.length).as("tight").isLessThanOrEqualTo(100 + 62L * size);
      }
    }
  }

  @Test
  void aRejectionDetailIsBounded() {
    assertThat(new Rejection(RejectReason.UNDECODABLE, "short").detail()).isEqualTo("short");
    String d = new Rejection(RejectReason.KEY_MISMATCH, "k".repeat(5000)).detail();
    assertThat(d).hasSizeLessThanOrEqualTo(Rejection.MAX_DETAIL_CHARS).isEqualTo("k".repeat(975) + "\u2026 [4025 more chars]");
    // A cut never splits a surrogate pair.
    String emoji = "\uD83D\uDE00".repeat(3000);
    String cut = new Rejection(RejectReason.KEY_MISMATCH, emoji).detail();
    assertThat(cut.length()).isLessThanOrEqualTo(Rejection.MAX_DETAIL_CHARS);
    int end = cut.indexOf('\u2026');
    assertThat(Character.isHighSurrogate(cut.charAt(end - 1))).isFalse();
  }
}
