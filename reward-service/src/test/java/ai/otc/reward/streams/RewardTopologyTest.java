package ai.otc.reward.streams;

import static ai.otc.reward.support.Trajectories.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.proto.v1.RewardName;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.Trajectory;
import ai.otc.reward.core.CorrectnessSource;
import ai.otc.reward.core.TimeoutPolicy;
import ai.otc.reward.domain.RewardMetrics;
import ai.otc.reward.domain.RewardSettings;
import ai.otc.reward.messaging.Topics;
import ai.otc.reward.support.Expected;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reward topology without a broker (TopologyTestDriver): group assembly, n history, scoring, timeouts, dead letters. */
class RewardTopologyTest {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path stateDir;
  TopologyTestDriver driver;
  TestInputTopic<String, byte[]> in;
  TestOutputTopic<String, byte[]> out;
  TestOutputTopic<String, byte[]> dlq;

  void start(RewardKind kind, TimeoutPolicy policy) {
    RewardSettings s = new RewardSettings(Topics.ROLLOUTS, Topics.REWARDED, Topics.ROLLOUTS_DLQ,
        RewardConfig.paper(kind), CorrectnessSource.RECOMPUTE, TIMEOUT, policy, Duration.ofSeconds(1), Duration.ofMinutes(10));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "reward-topology-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(RewardTopology.build(s, RewardMetrics.NOOP), p, Instant.parse("2026-01-01T00:00:00Z"));
    in = driver.createInputTopic(Topics.ROLLOUTS, new StringSerializer(), new ByteArraySerializer());
    out = driver.createOutputTopic(Topics.REWARDED, new StringDeserializer(), new ByteArrayDeserializer());
    dlq = driver.createOutputTopic(Topics.ROLLOUTS_DLQ, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  void send(Trajectory t) {
    in.pipeInput(t.getGroupId(), t.toByteArray());
  }

  List<ScoredGroup> scored() {
    List<ScoredGroup> list = new ArrayList<>();
    for (TestRecord<String, byte[]> r : out.readRecordsToList()) {
      try {
        ScoredGroup g = ScoredGroup.parseFrom(r.value());
        assertThat(r.key()).isEqualTo(g.getGroupId());
        list.add(g);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return list;
  }

  Integer storedN(String question) {
    KeyValueStore<String, Integer> store = driver.getKeyValueStore(RewardTopology.OPTIMAL_CALLS_STORE);
    return store.get(question);
  }

  @Test
  void outOfOrderMembersAreScoredOnceInTrajectoryIdOrderWithTheGroupsMinimum() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(of("g1", "t3", "q1", 3, 4, true));
    send(of("g1", "t1", "q1", 3, 2, true));
    assertThat(out.isEmpty()).isTrue();
    send(of("g1", "t2", "q1", 3, 0, false));

    List<ScoredGroup> groups = scored();
    assertThat(groups).hasSize(1);
    ScoredGroup g = groups.get(0);
    assertThat(g.getId()).isEqualTo("g1@otc-grpo:v1");
    assertThat(g.getReward().getName()).isEqualTo(RewardName.REWARD_NAME_OTC_GRPO);
    assertThat(g.getMembersList()).extracting(m -> m.getTrajectory().getTrajectoryId()).containsExactly("t1", "t2", "t3");
    assertThat(g.getN()).isEqualTo(2);
    double[] r = {Expected.rToolGrpo(2, 2, 4), 0.0, Expected.rToolGrpo(4, 2, 4)};
    double[] adv = Expected.advantages(r);
    for (int i = 0; i < 3; i++) {
      ScoredTrajectory m = g.getMembers(i);
      assertThat(m.getReward()).as("reward of %s", m.getTrajectory().getTrajectoryId()).isCloseTo(r[i], within(1e-12));
      assertThat(m.getAdvantage()).isCloseTo(adv[i], within(1e-9));
    }
    assertThat(g.getMembers(1).getCorrect()).isFalse();
    assertThat(g.getPartial()).isFalse();
    assertThat(storedN("q1")).isEqualTo(2);
  }

  @Test
  void aDuplicateTrajectoryIdIsIgnoredAndDoesNotCompleteTheGroup() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(of("g1", "t1", "q1", 2, 1, true));
    send(of("g1", "t1", "q1", 2, 1, true));
    assertThat(out.isEmpty()).as("a duplicate is not a second member").isTrue();
    send(of("g1", "t2", "q1", 2, 3, true));
    List<ScoredGroup> groups = scored();
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).getMembersCount()).isEqualTo(2);
    // A late copy of a member of the finished group starts nothing.
    send(of("g1", "t2", "q1", 2, 3, true));
    send(of("g1", "t9", "q1", 2, 3, true));
    driver.advanceWallClockTime(TIMEOUT.plusSeconds(5));
    assertThat(out.isEmpty()).isTrue();
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void aGroupMissingAMemberIsScoredPartiallyAfterTheTimeout() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(of("g1", "t1", "q1", 3, 1, true));
    send(of("g1", "t2", "q1", 3, 2, false));
    driver.advanceWallClockTime(TIMEOUT.minusSeconds(2));
    assertThat(out.isEmpty()).as("not yet timed out").isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(3));
    List<ScoredGroup> groups = scored();
    assertThat(groups).hasSize(1);
    ScoredGroup g = groups.get(0);
    assertThat(g.getPartial()).isTrue();
    assertThat(g.getGroupSize()).isEqualTo(3);
    assertThat(g.getMembersCount()).isEqualTo(2);
    assertThat(g.getN()).isEqualTo(1);
    // The straggler arriving afterwards is ignored: the group was scored once.
    send(of("g1", "t3", "q1", 3, 0, true));
    driver.advanceWallClockTime(TIMEOUT.plusSeconds(5));
    assertThat(out.isEmpty()).isTrue();
    assertThat(storedN("q1")).as("the straggler's m = 0 never counted").isEqualTo(1);
  }

  @Test
  void dropAndCountProducesNothingForATimedOutGroup() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.DROP_AND_COUNT);
    send(of("g1", "t1", "q1", 2, 1, true));
    send(of("g2", "u1", "q2", 1, 1, true));
    assertThat(scored()).extracting(ScoredGroup::getGroupId).containsExactly("g2");
    driver.advanceWallClockTime(TIMEOUT.plusSeconds(2));
    assertThat(out.isEmpty()).isTrue();
    send(of("g1", "t2", "q1", 2, 1, true));
    driver.advanceWallClockTime(TIMEOUT.plusSeconds(2));
    assertThat(out.isEmpty()).as("a dropped group is not restarted by its late member").isTrue();
    assertThat(storedN("q1")).isNull();
  }

  @Test
  void interleavedGroupsOfSeveralQuestionsKeepTheirOwnN() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(of("a", "a1", "qa", 2, 3, true));
    send(of("b", "b1", "qb", 2, 1, true));
    send(of("c", "c1", "qa", 2, 2, true));
    send(of("b", "b2", "qb", 2, 0, false));
    send(of("a", "a2", "qa", 2, 5, true));
    send(of("c", "c2", "qa", 2, 4, false));
    List<ScoredGroup> groups = scored();
    assertThat(groups).extracting(ScoredGroup::getGroupId).containsExactly("b", "a", "c");
    assertThat(groups).extracting(ScoredGroup::getQuestionId).containsExactly("qb", "qa", "qa");
    assertThat(groups).extracting(ScoredGroup::getN).containsExactly(1, 3, 2);
    assertThat(storedN("qa")).isEqualTo(2);
    assertThat(storedN("qb")).isEqualTo(1);
  }

  @Test
  void historyWinsOverTheLocalMinimumAndIsLoweredByIt() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(of("g1", "t1", "q", 2, 1, true));
    send(of("g1", "t2", "q", 2, 2, false));
    send(of("g2", "u1", "q", 2, 3, true));
    send(of("g2", "u2", "q", 2, 4, true));
    send(of("g3", "v1", "q", 2, 0, true));
    send(of("g3", "v2", "q", 2, 2, true));
    List<ScoredGroup> groups = scored();
    assertThat(groups).extracting(ScoredGroup::getN).containsExactly(1, 1, 0);
    // g2: history n = 1 beats the group's own minimum 3, so m = 3 is scored against n = 1.
    assertThat(groups.get(1).getMembers(0).getRTool()).isCloseTo(Expected.rToolGrpo(3, 1, 4), within(1e-12));
    // g3 lowered n to 0 before being scored: m = 0 gets the full reward.
    assertThat(groups.get(2).getMembers(0).getReward()).isCloseTo(1.0, within(1e-12));
    assertThat(groups.get(2).getMembers(1).getReward()).isCloseTo(Expected.rToolGrpo(2, 0, 4), within(1e-12));
    assertThat(storedN("q")).isEqualTo(0);
  }

  @Test
  void anAllWrongGroupHasRewardZeroAndLeavesNUndefinedOrUnchanged() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(of("g1", "t1", "q", 2, 1, false));
    send(of("g1", "t2", "q", 2, 3, false));
    ScoredGroup g = scored().get(0);
    assertThat(g.hasN()).isFalse();
    assertThat(g.getMembersList()).allSatisfy(m -> {
      assertThat(m.getReward()).isZero();
      assertThat(m.getAdvantage()).isZero();
      assertThat(Double.isNaN(m.getRTool())).as("r_tool not evaluated with n undefined").isTrue();
    });
    assertThat(storedN("q")).isNull();
    send(of("g2", "u1", "q", 1, 2, true));
    send(of("g3", "v1", "q", 2, 0, false));
    send(of("g3", "v2", "q", 2, 1, false));
    List<ScoredGroup> later = scored();
    assertThat(later.get(1).getN()).as("history is used for an all-wrong group").isEqualTo(2);
    assertThat(later.get(1).getMembersList()).allSatisfy(m -> assertThat(m.getReward()).isZero());
    assertThat(storedN("q")).isEqualTo(2);
  }

  @Test
  void aGroupOfOneIsScoredAtOnceWithMeanZeroStdOne() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(of("solo", "s1", "q", 1, 2, true));
    ScoredGroup g = scored().get(0);
    assertThat(g.getN()).isEqualTo(2);
    assertThat(g.getMembers(0).getReward()).isCloseTo(1.0, within(1e-12));
    assertThat(g.getMembers(0).getAdvantage()).isCloseTo(Expected.advantages(new double[] {1.0})[0], within(1e-12));
  }

  @Test
  void theEmBaselineAndOtcPpoDoNotTouchN() {
    start(RewardKind.EM, TimeoutPolicy.SCORE_PARTIAL);
    send(of("g", "t1", "q", 2, 3, true));
    send(of("g", "t2", "q", 2, 0, false));
    ScoredGroup g = scored().get(0);
    assertThat(g.getId()).isEqualTo("g@em:v1");
    assertThat(g.hasN()).isFalse();
    assertThat(g.getMembersList()).extracting(ScoredTrajectory::getReward).containsExactly(1.0, 0.0);
    assertThat(storedN("q")).isNull();
  }

  @Test
  void poisonRecordsGoToTheDeadLetterTopicWithHeadersAndTheStreamGoesOn() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(of("g", "t1", "q", 2, 1, true));
    in.pipeInput("g", "not a protobuf \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
    in.pipeInput("other-key", of("g", "t3", "q", 2, 1, true).toByteArray());
    send(of("g", "t4", "q", 3, 1, true));
    send(of("g", "t2", "q", 2, 2, true));

    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(3);
    assertThat(dead).extracting(r -> header(r.headers(), Topics.DLQ_REASON))
        .containsExactly("undecodable", "key-mismatch", "inconsistent-group");
    assertThat(dead).extracting(r -> header(r.headers(), Topics.DLQ_SOURCE_OFFSET)).containsExactly("1", "2", "3");
    assertThat(dead).allSatisfy(r -> {
      assertThat(header(r.headers(), Topics.DLQ_SOURCE_TOPIC)).isEqualTo(Topics.ROLLOUTS);
      assertThat(header(r.headers(), Topics.DLQ_SOURCE_PARTITION)).isEqualTo("0");
    });
    assertThat(dead.get(0).value()).isEqualTo("not a protobuf \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(scored()).hasSize(1);
  }

  static String header(Headers h, String name) {
    return h.lastHeader(name) == null ? null : new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void stateDirectoryIsUsed() throws Exception {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(of("g", "t1", "q", 1, 1, true));
    assertThat(scored()).hasSize(1);
    try (var files = Files.walk(stateDir)) {
      assertThat(files.anyMatch(f -> f.toString().contains(RewardTopology.OPTIMAL_CALLS_STORE))).as("persistent store on disk").isTrue();
    }
  }
}
