package ai.otc.reward.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.Topics;
import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import ai.otc.reward.core.CorrectnessSource;
import ai.otc.reward.core.RejectReason;
import ai.otc.reward.core.Rejection;
import ai.otc.reward.core.TimeoutPolicy;
import ai.otc.reward.domain.RewardLimits;
import ai.otc.reward.domain.RewardMetrics;
import ai.otc.reward.domain.RewardSettings;
import ai.otc.reward.pipeline.RewardPipelineTest.Collecting;
import ai.otc.reward.support.Trajectories;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's limits without a broker: a group whose scored record would exceed the output limit goes to the
 * dead-letter topic member by member (n untouched, marked finished, later members ignored), the group-size cap and
 * the id-length cap refuse a record, the pending caps say when to pause and when to resume, and a member that
 * disagrees with the first member of its group (question or size, in either order) is refused.
 */
class PipelineLimitsTest {

  static final long T0 = 1_800_000_000_000L;
  static final int KIB = 1024;

  Collecting sink = new Collecting();
  OptimalCallTable table = new OptimalCallTable();
  long offset;

  RewardPipeline pipeline(RewardLimits limits) {
    RewardSettings s = new RewardSettings(Topics.ROLLOUTS, Topics.REWARDED, Topics.ROLLOUTS_DLQ, RewardConfig.paper(RewardKind.OTC_GRPO),
        CorrectnessSource.RECOMPUTE, Duration.ofMinutes(5), TimeoutPolicy.SCORE_PARTIAL, Duration.ofSeconds(1), Duration.ofHours(1), limits);
    return new RewardPipeline(s, RewardMetrics.NOOP, table);
  }

  /** A member padded with {@code padBytes} of response text. */
  static Trajectory padded(String group, String id, String question, int size, int m, int padBytes) {
    return Trajectories.of(group, id, question, size, m, true).toBuilder().setResponseText("x".repeat(padBytes)).build();
  }

  void send(RewardPipeline p, Trajectory t) {
    p.process(0, offset++, T0 + offset, t.getGroupId(), t.toByteArray(), T0, false, sink);
  }

  @Test
  void aGroupOf16x96KiBOverA1MiBLimitGoesToTheDlqMemberByMemberAndNIsNotLowered() throws Exception {
    RewardPipeline p = pipeline(RewardLimits.DEFAULTS);
    for (int i = 0; i < 16; i++) {
      send(p, padded("big", "big-t" + String.format("%02d", i), "q", 16, 1, 96 * KIB));
    }
    assertThat(sink.rewarded()).isEmpty();
    var letters = sink.of(Collecting.MemberLetter.class);
    assertThat(letters).hasSize(16);
    assertThat(letters).allSatisfy(l -> {
      assertThat(l.rejection().reason()).isEqualTo(RejectReason.GROUP_TOO_LARGE);
      assertThat(l.rejection().detail()).contains("group big of 16 members").contains("1048576-byte limit")
          .contains("otc.reward.limits.max-record-bytes");
      assertThat(l.groupId()).isEqualTo("big");
      assertThat(Trajectory.parseFrom(l.value()).getGroupId()).isEqualTo("big");
    });
    assertThat(letters.stream().map(l -> l.source().offset()).toList()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L,
        12L, 13L, 14L, 15L);
    assertThat(table.get("q")).as("a refused group does not lower n").isEmpty();
    assertThat(sink.markers()).singleElement().asString().startsWith("big@0 FINISHED");
    assertThat(p.pendingBytes()).isZero();

    // A late copy of a member is ignored like any late member; the next group (10 x 96 KiB, under the limit) is scored.
    sink.clear();
    send(p, padded("big", "big-t03", "q", 16, 1, 96 * KIB));
    for (int i = 0; i < 10; i++) {
      send(p, padded("ok", "ok-t" + i, "q", 10, 2, 96 * KIB));
    }
    assertThat(sink.of(Collecting.MemberLetter.class)).isEmpty();
    assertThat(sink.rewarded()).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("ok");
      // What the pipeline writes stays under the limit as Kafka counts it.
      assertThat(RecordSizes.exact(RecordSizes.utf8(r.key()), r.bytes(), new org.apache.kafka.common.header.Header[0]) + 64)
          .isLessThanOrEqualTo(1 << 20);
    });
    assertThat(ScoredGroup.parseFrom(sink.rewarded().get(0).bytes()).getMembersCount()).isEqualTo(10);
    assertThat(table.get("q")).hasValue(2);
  }

  @Test
  void aSingle2MiBTrajectoryIsRefusedAsAGroupTooLarge() {
    RewardPipeline p = pipeline(RewardLimits.DEFAULTS);
    send(p, padded("huge", "huge-t0", "q", 1, 0, 2 << 20));
    assertThat(sink.of(Collecting.MemberLetter.class)).singleElement()
        .satisfies(l -> assertThat(l.value().length).isGreaterThan(2 << 20));
    assertThat(sink.rewarded()).isEmpty();
  }

  @Test
  void theLimitIsTheEffectiveOneOfTheTopic() {
    RewardSettings s = new RewardSettings(Topics.ROLLOUTS, Topics.REWARDED, Topics.ROLLOUTS_DLQ, RewardConfig.paper(RewardKind.EM),
        CorrectnessSource.RECOMPUTE, Duration.ofMinutes(5), TimeoutPolicy.SCORE_PARTIAL, Duration.ofSeconds(1), Duration.ofHours(1));
    RewardPipeline p = new RewardPipeline(s, RewardMetrics.NOOP, table, 100 * KIB);
    send(p, padded("g", "g-t0", "q", 1, 0, 101 * KIB));
    send(p, padded("h", "h-t0", "q", 1, 0, 90 * KIB));
    assertThat(sink.of(Collecting.MemberLetter.class)).singleElement().satisfies(l -> assertThat(l.groupId()).isEqualTo("g"));
    assertThat(sink.rewardedGroupIds()).containsExactly("h");
  }

  @Test
  void aDeclaredGroupSizeAboveTheCapAndOverlongIdsAreRefused() {
    RewardPipeline p = pipeline(new RewardLimits(1 << 20, 64, 100, 64L << 20));
    send(p, Trajectories.of("g", "t0", "q", 65, 1, true));
    send(p, Trajectories.of("g2", "t0", "q", 64, 1, true));
    String longId = "x".repeat(RewardLimits.MAX_ID_CHARS + 1);
    send(p, Trajectories.of("g3", "t0", longId, 2, 1, true));
    assertThat(sink.deadLetters()).hasSize(2);
    Rejection cap = sink.deadLetters().get(0);
    assertThat(cap.reason()).isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(cap.detail()).contains("group_size 65 is above the cap 64 (otc.reward.limits.max-group-size)");
    assertThat(sink.deadLetters().get(1).detail()).contains("longer than 1024 chars").contains("question 1025");
    assertThat(p.pendingGroups()).isEqualTo(1);
  }

  @Test
  void thePendingCapsSayWhenToPauseAndWhenToResume() {
    RewardPipeline p = pipeline(new RewardLimits(1 << 20, 256, 10, 2L << 20));
    for (int g = 0; g < 9; g++) {
      send(p, Trajectories.of("g" + g, "t0", "q", 2, 1, true));
      assertThat(p.atPendingCap()).isFalse();
    }
    send(p, Trajectories.of("g9", "t0", "q", 2, 1, true));
    assertThat(p.atPendingCap()).as("10 pending groups").isTrue();
    assertThat(p.belowResumeMark()).isFalse();
    send(p, Trajectories.of("g9", "t1", "q", 2, 1, true));
    assertThat(p.atPendingCap()).isFalse();
    assertThat(p.belowResumeMark()).as("9 = 90 %% of 10").isTrue();

    // Bytes: two pending members of 1 MiB reach the 2 MiB cap.
    RewardPipeline b = pipeline(new RewardLimits(1 << 20, 256, 100, 2L << 20));
    send(b, padded("big", "a", "q", 3, 1, 1 << 20));
    assertThat(b.atPendingCap()).isFalse();
    assertThat(b.pendingBytes()).isGreaterThan(1 << 20);
    send(b, padded("big", "b", "q", 3, 1, 1 << 20));
    assertThat(b.atPendingCap()).isTrue();
    send(b, padded("big", "c", "q", 3, 1, 1 << 20));
    assertThat(b.pendingBytes()).as("the group completed (and was too large)").isZero();
    assertThat(b.belowResumeMark()).isTrue();
  }

  @Test
  void aMemberThatDisagreesWithTheFirstMemberIsRefusedWhicheverArrivesFirst() {
    RewardPipeline p = pipeline(RewardLimits.DEFAULTS);
    // The honest member first: the liar (size 5, then another question) is refused.
    send(p, Trajectories.of("a", "a0", "q", 2, 1, true));
    send(p, Trajectories.of("a", "a1", "q", 5, 1, true));
    send(p, Trajectories.of("a", "a2", "other", 2, 1, true));
    send(p, Trajectories.of("a", "a3", "q", 2, 1, true));
    // The liar first: it fixes the group, and the honest members are refused until one agrees with it.
    send(p, Trajectories.of("b", "b0", "q", 5, 1, true));
    send(p, Trajectories.of("b", "b1", "q", 2, 1, true));
    send(p, Trajectories.of("b", "b2", "q", 2, 1, true));
    assertThat(sink.deadLetters()).extracting(Rejection::reason).containsOnly(RejectReason.INCONSISTENT_GROUP).hasSize(4);
    assertThat(sink.deadLetters().get(0).detail()).contains("expects 2 members but trajectory a1 says group_size 5");
    assertThat(sink.deadLetters().get(1).detail()).contains("is for question 'q' but trajectory a2 says 'other'");
    assertThat(sink.deadLetters().get(2).detail()).contains("expects 5 members but trajectory b1 says group_size 2");
    assertThat(sink.rewardedGroupIds()).containsExactly("a");
    assertThat(p.pendingGroupIds()).containsExactly("b");
  }
}
