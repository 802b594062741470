package ai.otc.reward.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.InMemoryOptimalCallState;
import ai.otc.core.reward.Outcome;
import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.core.reward.TrajectoryReward;
import ai.otc.proto.v1.RewardName;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.Trajectory;
import ai.otc.reward.core.CorrectnessSource;
import ai.otc.reward.core.RejectReason;
import ai.otc.reward.core.GroupAssembler;
import ai.otc.reward.core.Rejection;
import ai.otc.reward.core.ScoredGroupWriter;
import ai.otc.reward.core.TimeoutPolicy;
import ai.otc.reward.domain.RewardMetrics;
import ai.otc.reward.domain.RewardSettings;
import ai.otc.contract.Topics;
import ai.otc.reward.support.Expected;
import ai.otc.reward.support.Trajectories;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reward stage's logic without a broker: {@link RewardPipeline} driven record by record with an
 * explicit clock and a collecting {@link RewardPipeline.Sink}. Covers group assembly (order,
 * duplicates, late members, timeouts under both policies), n history, scoring (checked against
 * otc-core's {@link GroupScorer} with its own {@link InMemoryOptimalCallState}, and against the
 * closed forms of {@link Expected}), dead letters, replay, the offsets pending groups hold back, and
 * the group markers the pipeline writes and restores.
 */
class RewardPipelineTest {

  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final Duration RETENTION = Duration.ofMinutes(10);
  static final long T = TIMEOUT.toMillis();
  static final long R = RETENTION.toMillis();
  /** 2026-01-01T00:00:00Z: the wall clock at the start of every test. */
  static final long T0 = 1_767_225_600_000L;

  // ---------------------------------------------------------------------------------------------
  // Harness

  /** Everything the pipeline hands to its sink, in order. */
  static final class Collecting implements RewardPipeline.Sink {
    record Rewarded(String key, byte[] bytes, long timestampMs) {}

    record Marker(String groupId, int partition, byte[] value) {
      /** e.g. {@code g@0 OPEN 123}, {@code g@0 FINISHED 456}, {@code g@0 tombstone}. */
      String describe() {
        if (value == null) {
          return groupId + "@" + partition + " tombstone";
        }
        String type = GroupMarkers.type(value) == GroupMarkers.OPEN ? "OPEN" : "FINISHED";
        return groupId + "@" + partition + " " + type + " " + GroupMarkers.timeMs(value);
      }
    }

    record Lowered(String question, int n) {}

    final List<Object> events = new ArrayList<>();

    @Override
    public void rewarded(String groupId, byte[] scoredGroup, long timestampMs) {
      events.add(new Rewarded(groupId, scoredGroup, timestampMs));
    }

    record MemberLetter(Rejection rejection, String groupId, byte[] value, GroupAssembler.MemberSource source) {}

    @Override
    public void deadLetter(Rejection rejection) {
      events.add(rejection);
    }

    @Override
    public void deadLetterMember(Rejection rejection, String groupId, byte[] value, GroupAssembler.MemberSource source) {
      events.add(new MemberLetter(rejection, groupId, value, source));
    }

    @Override
    public void groupMarker(String groupId, int partition, byte[] value) {
      events.add(new Marker(groupId, partition, value));
    }

    @Override
    public void optimalCalls(String questionId, int n) {
      events.add(new Lowered(questionId, n));
    }

    <T> List<T> of(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<Rewarded> rewarded() {
      return of(Rewarded.class);
    }

    List<Rejection> deadLetters() {
      return of(Rejection.class);
    }

    List<String> markers() {
      return of(Marker.class).stream().map(Marker::describe).toList();
    }

    List<Lowered> lowered() {
      return of(Lowered.class);
    }

    List<String> rewardedGroupIds() {
      return rewarded().stream().map(Rewarded::key).toList();
    }

    void clear() {
      events.clear();
    }
  }

  /** Records every metrics event as a short string. */
  static final class RecordingMetrics implements RewardMetrics {
    final List<String> calls = new ArrayList<>();

    @Override public void groupCompleted(int size) {
      calls.add("completed " + size);
    }

    @Override public void groupTimedOut(TimeoutPolicy policy, int present, int expected) {
      calls.add("timed-out " + policy.cliName() + " " + present + "/" + expected);
    }

    @Override public void duplicateIgnored() {
      calls.add("duplicate");
    }

    @Override public void lateMemberIgnored() {
      calls.add("late");
    }

    @Override public void otherRunSkipped() {
      calls.add("other-run");
    }

    @Override public void deadLettered(RejectReason reason) {
      calls.add("dead " + reason.wireName());
    }

    @Override public void groupScored(ScoredGroupWriter.Result group, boolean partial, boolean otcGrpo) {
      calls.add("scored " + group.members() + (partial ? " partial" : "") + (otcGrpo ? " grpo" : ""));
    }
  }

  RewardConfig config;
  TimeoutPolicy policy;
  OptimalCallTable table;
  RecordingMetrics metrics;
  RewardPipeline pipeline;
  Collecting sink;
  /** The oracle's own n history, advanced by {@link #check} in the order groups are expected out. */
  InMemoryOptimalCallState oracleState;
  long now;
  long recordTime;
  final Map<Integer, Long> nextOffset = new HashMap<>();
  /** Record timestamp of each member's first accepted copy, by group/trajectory id. */
  final Map<String, Long> timestamps = new HashMap<>();
  /** The test's own verdict (EM of the answer it wrote), by group/trajectory id. */
  final Map<String, Boolean> verdicts = new HashMap<>();

  void start(RewardKind kind, TimeoutPolicy timeoutPolicy) {
    start(RewardConfig.paper(kind), timeoutPolicy);
  }

  void start(RewardConfig rewardConfig, TimeoutPolicy timeoutPolicy) {
    config = rewardConfig;
    policy = timeoutPolicy;
    RewardSettings s = new RewardSettings(Topics.ROLLOUTS, Topics.REWARDED, Topics.ROLLOUTS_DLQ, config,
        CorrectnessSource.RECOMPUTE, TIMEOUT, policy, Duration.ofSeconds(1), RETENTION);
    table = new OptimalCallTable();
    metrics = new RecordingMetrics();
    pipeline = new RewardPipeline(s, metrics, table);
    sink = new Collecting();
    oracleState = new InMemoryOptimalCallState();
    now = T0;
    recordTime = T0 - 3_600_000; // record timestamps are an hour older than the wall clock: scored_at must use them
    nextOffset.clear();
    timestamps.clear();
    verdicts.clear();
  }

  static String key(Trajectory t) {
    return t.getGroupId() + "/" + t.getTrajectoryId();
  }

  /** A trajectory whose correctness the test decides (EM of the answer); remembered for the oracle. */
  Trajectory t(String group, String id, String question, int size, int m, boolean correct) {
    Trajectory t = Trajectories.of(group, id, question, size, m, correct);
    verdicts.putIfAbsent(key(t), correct);
    return t;
  }

  long nextOffset(int partition) {
    long o = nextOffset.getOrDefault(partition, 0L);
    nextOffset.put(partition, o + 1);
    return o;
  }

  void send(Trajectory t) {
    send(0, t);
  }

  void send(int partition, Trajectory t) {
    recordTime += 10;
    send(partition, t, recordTime, false);
  }

  void send(int partition, Trajectory t, long timestampMs, boolean replay) {
    timestamps.putIfAbsent(key(t), timestampMs);
    pipeline.process(partition, nextOffset(partition), timestampMs, t.getGroupId(), t.toByteArray(), now, replay, sink);
  }

  void replay(Trajectory t) {
    recordTime += 10;
    send(0, t, recordTime, true);
  }

  void sendRaw(int partition, String key, byte[] value, boolean replay) {
    recordTime += 10;
    pipeline.process(partition, nextOffset(partition), recordTime, key, value, now, replay, sink);
  }

  static ScoredGroup decode(Collecting.Rewarded r) {
    try {
      return ScoredGroup.parseFrom(r.bytes());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("output of " + r.key() + " is not a ScoredGroup", e);
    }
  }

  /** The scored groups emitted since the last {@link Collecting#clear}, decoded. */
  List<ScoredGroup> scored() {
    return sink.rewarded().stream().map(RewardPipelineTest::decode).toList();
  }

  /**
   * Checks one output record against an independent computation: the expected members (sorted here
   * by trajectory id), scored by otc-core's GroupScorer with the oracle's own state, with the test's
   * own verdicts and record timestamps.
   */
  ScoredGroup check(Collecting.Rewarded out, boolean partial, Trajectory... expectedMembers) {
    List<Trajectory> members = new ArrayList<>(Arrays.asList(expectedMembers));
    members.sort(Comparator.comparing(Trajectory::getTrajectoryId));
    Trajectory first = members.get(0);
    String group = first.getGroupId();
    ScoredGroup g = decode(out);
    assertThat(out.key()).isEqualTo(group);
    assertThat(g.getId()).isEqualTo(group + "@" + config.label());
    assertThat(g.getGroupId()).isEqualTo(group);
    assertThat(g.getQuestionId()).isEqualTo(first.getQuestionId());
    assertThat(g.getGroupSize()).isEqualTo(first.getGroupSize());
    assertThat(g.getPartial()).isEqualTo(partial);
    assertThat(g.getReward().getName()).isEqualTo(switch (config.kind()) {
      case EM -> RewardName.REWARD_NAME_EM;
      case OTC_PPO -> RewardName.REWARD_NAME_OTC_PPO;
      case OTC_GRPO -> RewardName.REWARD_NAME_OTC_GRPO;
    });
    assertThat(g.getReward().getVersion()).isEqualTo(config.version());
    long latest = members.stream().mapToLong(m -> timestamps.get(key(m))).max().orElseThrow();
    assertThat(Timestamps.toMillis(g.getScoredAt())).as("scored_at = latest member record timestamp").isEqualTo(latest);
    assertThat(out.timestampMs()).as("record timestamp").isEqualTo(latest);
    assertThat(g.getPolicyVersion()).isEqualTo(7);
    assertThat(g.getRunId()).isEqualTo("run-test");
    assertThat(g.getMembersList()).extracting(m -> m.getTrajectory().getTrajectoryId())
        .containsExactlyElementsOf(members.stream().map(Trajectory::getTrajectoryId).toList());

    List<Outcome> outcomes = members.stream().map(m -> Outcome.of(m.getToolCallCount(), verdicts.get(key(m)))).toList();
    GroupScorer.GroupResult want = new GroupScorer(config).score(first.getQuestionId(), outcomes, oracleState);
    if (want.n().isPresent()) {
      assertThat(g.hasN()).as("n of %s", group).isTrue();
      assertThat(g.getN()).as("n of %s", group).isEqualTo(want.n().getAsInt());
    } else {
      assertThat(g.hasN()).as("n of %s", group).isFalse();
    }
    for (int i = 0; i < members.size(); i++) {
      ScoredTrajectory m = g.getMembers(i);
      TrajectoryReward w = want.members().get(i);
      String id = members.get(i).getTrajectoryId();
      assertThat(m.getTrajectory()).as("member %s unchanged", id).isEqualTo(members.get(i));
      assertThat(m.getRPhi()).as("r_phi of %s", id).isEqualTo(w.rPhi());
      if (Double.isNaN(w.rTool())) {
        assertThat(Double.isNaN(m.getRTool())).as("r_tool of %s is NaN", id).isTrue();
      } else {
        assertThat(m.getRTool()).as("r_tool of %s", id).isCloseTo(w.rTool(), within(1e-12));
      }
      assertThat(m.getReward()).as("reward of %s", id).isCloseTo(w.reward(), within(1e-12));
      assertThat(m.getAdvantage()).as("advantage of %s", id).isCloseTo(w.advantage(), within(1e-9));
      assertThat(m.getCorrect()).as("correct of %s", id).isEqualTo(verdicts.get(key(members.get(i))));
      assertThat(m.getToolCalls()).as("tool calls of %s", id).isEqualTo(members.get(i).getToolCallCount());
    }
    return g;
  }

  String finished(String group, int partition, long expireAt) {
    return group + "@" + partition + " FINISHED " + expireAt;
  }

  String open(String group, int partition, long deadline) {
    return group + "@" + partition + " OPEN " + deadline;
  }

  String tombstone(String group, int partition) {
    return group + "@" + partition + " tombstone";
  }

  // ---------------------------------------------------------------------------------------------
  // Group assembly and scoring

  @Test
  void outOfOrderMembersAreScoredOnceInTrajectoryIdOrderWithTheGroupsMinimum() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory t3 = t("g1", "t3", "q1", 3, 4, true);
    Trajectory t1 = t("g1", "t1", "q1", 3, 2, true);
    Trajectory t2 = t("g1", "t2", "q1", 3, 0, false);
    send(t3);
    send(t1);
    assertThat(sink.events).isEmpty();
    now += 5;
    send(t2);

    assertThat(sink.rewarded()).hasSize(1);
    ScoredGroup g = check(sink.rewarded().get(0), false, t1, t2, t3);
    assertThat(g.getId()).isEqualTo("g1@otc-grpo:v1");
    assertThat(g.getN()).isEqualTo(2);
    double[] r = {Expected.rToolGrpo(2, 2, 4), 0.0, Expected.rToolGrpo(4, 2, 4)};
    double[] adv = Expected.advantages(r);
    for (int i = 0; i < 3; i++) {
      ScoredTrajectory m = g.getMembers(i);
      assertThat(m.getReward()).as("reward of %s", m.getTrajectory().getTrajectoryId()).isCloseTo(r[i], within(1e-12));
      assertThat(m.getAdvantage()).isCloseTo(adv[i], within(1e-9));
    }
    assertThat(g.getMembers(0).getReward()).as("the minimum scores 1").isCloseTo(1.0, within(1e-12));
    assertThat(g.getMembers(1).getCorrect()).as("EM recomputed, not the rollout's flag").isFalse();
    assertThat(table.get("q1")).hasValue(2);
    assertThat(sink.lowered()).containsExactly(new Collecting.Lowered("q1", 2));
    assertThat(sink.markers()).containsExactly(finished("g1", 0, now + R));
    // n is lowered (and reported) before the group is written, and the marker follows the output.
    assertThat(sink.events.get(0)).isInstanceOf(Collecting.Lowered.class);
    assertThat(sink.events.get(1)).isInstanceOf(Collecting.Rewarded.class);
    assertThat(sink.events.get(2)).isInstanceOf(Collecting.Marker.class);
    assertThat(sink.deadLetters()).isEmpty();
    assertThat(metrics.calls).containsExactly("completed 3", "scored 3 grpo");
    assertThat(pipeline.pendingGroups()).isZero();
    assertThat(pipeline.finishedMarkers()).isEqualTo(1);
  }

  @Test
  void aServiceForOneRunSkipsOtherRunsAndKeepsTheirCallsOutOfN() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    pipeline = new RewardPipeline(new RewardSettings(Topics.ROLLOUTS, Topics.REWARDED, Topics.ROLLOUTS_DLQ, config,
        CorrectnessSource.RECOMPUTE, TIMEOUT, policy, Duration.ofSeconds(1), RETENTION, ai.otc.reward.domain.RewardLimits.DEFAULTS,
        java.util.Set.of("run-a")), metrics, table);
    // another run answers q1 correctly with 0 calls: it must not lower this run's n
    send(t("g0", "t1", "q1", 2, 0, true).toBuilder().setRunId("run-b").build());
    send(t("g0", "t2", "q1", 2, 0, true).toBuilder().setRunId("run-b").build());
    assertThat(sink.events).isEmpty();
    Trajectory a1 = t("g1", "t1", "q1", 2, 1, true).toBuilder().setRunId("run-a").build();
    Trajectory a2 = t("g1", "t2", "q1", 2, 2, true).toBuilder().setRunId("run-a").build();
    send(a1);
    send(a2);
    assertThat(sink.rewarded()).hasSize(1);
    assertThat(sink.rewarded().get(0).key()).isEqualTo("g1");
    assertThat(table.get("q1")).hasValue(1);
    assertThat(metrics.calls).containsExactly("other-run", "other-run", "completed 2", "scored 2 grpo");
  }

  @Test
  void aDuplicateTrajectoryIdIsIgnoredAndDoesNotCompleteTheGroup() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory t1 = t("g1", "t1", "q1", 2, 1, true);
    Trajectory t2 = t("g1", "t2", "q1", 2, 3, true);
    send(t1);
    send(t1);
    assertThat(sink.events).as("a duplicate is not a second member").isEmpty();
    assertThat(metrics.calls).containsExactly("duplicate");
    send(t2);
    assertThat(sink.rewarded()).hasSize(1);
    ScoredGroup g = check(sink.rewarded().get(0), false, t1, t2);
    assertThat(g.getMembersCount()).isEqualTo(2);
    sink.clear();
    // A late copy of a member of the finished group, or a new member, starts nothing.
    send(t2);
    send(t("g1", "t9", "q1", 2, 3, true));
    now += T + 5_000;
    pipeline.punctuate(now, sink);
    assertThat(sink.events).isEmpty();
    assertThat(pipeline.pendingGroups()).isZero();
    assertThat(metrics.calls).containsExactly("duplicate", "completed 2", "scored 2 grpo", "late", "late");
  }

  @Test
  void aGroupMissingAMemberIsScoredPartiallyAfterTheTimeout() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory t1 = t("g1", "t1", "q1", 3, 1, true);
    Trajectory t2 = t("g1", "t2", "q1", 3, 2, false);
    send(t1);
    now += 1_000;
    send(t2); // the deadline runs from the first member
    pipeline.punctuate(T0 + T - 1, sink);
    assertThat(sink.events).as("not yet timed out").isEmpty();
    pipeline.punctuate(T0 + T, sink);
    assertThat(sink.rewarded()).hasSize(1);
    ScoredGroup g = check(sink.rewarded().get(0), true, t1, t2);
    assertThat(g.getPartial()).isTrue();
    assertThat(g.getGroupSize()).as("the expected size").isEqualTo(3);
    assertThat(g.getMembersCount()).isEqualTo(2);
    assertThat(g.getN()).isEqualTo(1);
    assertThat(sink.markers()).containsExactly(finished("g1", 0, T0 + T + R));
    assertThat(metrics.calls).containsExactly("timed-out score-partial 2/3", "scored 2 partial grpo");
    sink.clear();
    // The straggler arriving afterwards is ignored: the group was scored once.
    now = T0 + T + 1;
    send(t("g1", "t3", "q1", 3, 0, true));
    pipeline.punctuate(now + T + 5_000, sink);
    assertThat(sink.events).isEmpty();
    assertThat(table.get("q1")).as("the straggler's m = 0 never counted").hasValue(1);
  }

  @Test
  void dropAndCountProducesNothingButAFinishedMarkerForATimedOutGroup() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.DROP_AND_COUNT);
    Trajectory u1 = t("g2", "u1", "q2", 1, 1, true);
    send(t("g1", "t1", "q1", 2, 1, true));
    send(u1);
    assertThat(sink.rewardedGroupIds()).containsExactly("g2");
    check(sink.rewarded().get(0), false, u1);
    sink.clear();
    now = T0 + T + 2_000;
    pipeline.punctuate(now, sink);
    assertThat(sink.rewarded()).isEmpty();
    assertThat(sink.lowered()).isEmpty();
    assertThat(sink.markers()).containsExactly(finished("g1", 0, now + R));
    assertThat(metrics.calls).endsWith("timed-out drop-and-count 1/2");
    assertThat(pipeline.oldestNeededOffset(0)).isEmpty();
    sink.clear();
    send(t("g1", "t2", "q1", 2, 1, true));
    pipeline.punctuate(now + T + 2_000, sink);
    assertThat(sink.events).as("a dropped group is not restarted by its late member").isEmpty();
    assertThat(metrics.calls).endsWith("late");
    assertThat(table.get("q1")).isEmpty();
  }

  @Test
  void interleavedGroupsOfSeveralQuestionsKeepTheirOwnN() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory a1 = t("a", "a1", "qa", 2, 3, true);
    Trajectory b1 = t("b", "b1", "qb", 2, 1, true);
    Trajectory c1 = t("c", "c1", "qa", 2, 2, true);
    Trajectory b2 = t("b", "b2", "qb", 2, 0, false);
    Trajectory a2 = t("a", "a2", "qa", 2, 5, true);
    Trajectory c2 = t("c", "c2", "qa", 2, 4, false);
    send(0, a1);
    send(1, b1);
    send(2, c1);
    send(1, b2);
    send(0, a2);
    send(2, c2);
    List<ScoredGroup> groups = scored();
    assertThat(groups).extracting(ScoredGroup::getGroupId).containsExactly("b", "a", "c");
    assertThat(groups).extracting(ScoredGroup::getQuestionId).containsExactly("qb", "qa", "qa");
    assertThat(groups).extracting(ScoredGroup::getN).containsExactly(1, 3, 2);
    check(sink.rewarded().get(0), false, b1, b2);
    check(sink.rewarded().get(1), false, a1, a2);
    check(sink.rewarded().get(2), false, c1, c2);
    assertThat(table.get("qa")).hasValue(2);
    assertThat(table.get("qb")).hasValue(1);
    assertThat(sink.lowered()).containsExactly(
        new Collecting.Lowered("qb", 1), new Collecting.Lowered("qa", 3), new Collecting.Lowered("qa", 2));
    assertThat(sink.markers()).containsExactly(finished("b", 1, now + R), finished("a", 0, now + R), finished("c", 2, now + R));
  }

  @Test
  void historyWinsOverTheLocalMinimumAndIsLoweredByIt() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory t1 = t("g1", "t1", "q", 2, 1, true);
    Trajectory t2 = t("g1", "t2", "q", 2, 2, false);
    Trajectory u1 = t("g2", "u1", "q", 2, 3, true);
    Trajectory u2 = t("g2", "u2", "q", 2, 4, true);
    Trajectory v1 = t("g3", "v1", "q", 2, 0, true);
    Trajectory v2 = t("g3", "v2", "q", 2, 2, true);
    for (Trajectory x : List.of(t1, t2, u1, u2, v1, v2)) {
      send(x);
    }
    List<ScoredGroup> groups = scored();
    assertThat(groups).extracting(ScoredGroup::getN).containsExactly(1, 1, 0);
    check(sink.rewarded().get(0), false, t1, t2);
    check(sink.rewarded().get(1), false, u1, u2);
    check(sink.rewarded().get(2), false, v1, v2);
    // g2: history n = 1 beats the group's own minimum 3, so m = 3 is scored against n = 1.
    assertThat(groups.get(1).getMembers(0).getRTool()).isCloseTo(Expected.rToolGrpo(3, 1, 4), within(1e-12));
    assertThat(groups.get(1).getMembers(1).getRTool()).isCloseTo(Expected.rToolGrpo(4, 1, 4), within(1e-12));
    // g3 lowered n to 0 before being scored: m = 0 gets the full reward.
    assertThat(groups.get(2).getMembers(0).getReward()).isCloseTo(1.0, within(1e-12));
    assertThat(groups.get(2).getMembers(1).getReward()).isCloseTo(Expected.rToolGrpo(2, 0, 4), within(1e-12));
    assertThat(table.get("q")).hasValue(0);
    assertThat(sink.lowered()).as("g2 did not lower n").containsExactly(new Collecting.Lowered("q", 1), new Collecting.Lowered("q", 0));
  }

  @Test
  void historyRestoredFromTheChangelogWinsToo() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    table.mergeMin("q", 2); // what the optimal-calls changelog said
    oracleState.put("q", 2);
    Trajectory a = t("g", "a", "q", 2, 5, true);
    Trajectory b = t("g", "b", "q", 2, 3, true);
    send(a);
    send(b);
    ScoredGroup g = check(sink.rewarded().get(0), false, a, b);
    assertThat(g.getN()).isEqualTo(2);
    assertThat(g.getMembers(0).getRTool()).isCloseTo(Expected.rToolGrpo(5, 2, 4), within(1e-12));
    assertThat(sink.lowered()).isEmpty();
    assertThat(table.get("q")).hasValue(2);
  }

  @Test
  void anAllWrongGroupHasRewardZeroAndLeavesNUndefinedOrUnchanged() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory t1 = t("g1", "t1", "q", 2, 1, false);
    Trajectory t2 = t("g1", "t2", "q", 2, 3, false);
    send(t1);
    send(t2);
    ScoredGroup g = check(sink.rewarded().get(0), false, t1, t2);
    assertThat(g.hasN()).isFalse();
    assertThat(g.getMembersList()).allSatisfy(m -> {
      assertThat(m.getReward()).isZero();
      assertThat(m.getAdvantage()).isZero();
      assertThat(Double.isNaN(m.getRTool())).as("r_tool not evaluated with n undefined").isTrue();
    });
    assertThat(table.get("q")).isEmpty();
    assertThat(sink.lowered()).isEmpty();
    assertThat(metrics.calls).containsExactly("completed 2", "scored 2 grpo");
    Trajectory u1 = t("g2", "u1", "q", 1, 2, true);
    Trajectory v1 = t("g3", "v1", "q", 2, 0, false);
    Trajectory v2 = t("g3", "v2", "q", 2, 1, false);
    send(u1);
    send(v1);
    send(v2);
    check(sink.rewarded().get(1), false, u1);
    ScoredGroup later = check(sink.rewarded().get(2), false, v1, v2);
    assertThat(later.getN()).as("history is used for an all-wrong group").isEqualTo(2);
    assertThat(later.getMembersList()).allSatisfy(m -> assertThat(m.getReward()).isZero());
    assertThat(table.get("q")).hasValue(2);
    assertThat(sink.lowered()).containsExactly(new Collecting.Lowered("q", 2));
  }

  @Test
  void aGroupOfOneIsScoredAtOnceWithMeanZeroStdOne() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory s1 = t("solo", "s1", "q", 1, 2, true);
    send(s1);
    ScoredGroup g = check(sink.rewarded().get(0), false, s1);
    assertThat(g.getN()).isEqualTo(2);
    assertThat(g.getMembers(0).getReward()).isCloseTo(1.0, within(1e-12));
    assertThat(g.getMembers(0).getAdvantage()).isCloseTo(Expected.advantages(new double[] {1.0})[0], within(1e-12));
    assertThat(pipeline.pendingGroups()).isZero();
    pipeline.beforeCommit(sink);
    assertThat(sink.markers()).as("never pending: no OPEN marker").containsExactly(finished("solo", 0, now + R));
  }

  @Test
  void theEmBaselineAndOtcPpoNeverTouchN() {
    for (RewardKind kind : List.of(RewardKind.EM, RewardKind.OTC_PPO)) {
      start(kind, TimeoutPolicy.SCORE_PARTIAL);
      table.mergeMin("q", 5);
      table.mergeMin("q-none", 7);
      Trajectory t1 = t("g", "t1", "q", 2, 3, true);
      Trajectory t2 = t("g", "t2", "q", 2, 0, false);
      send(t1);
      send(t2);
      // A partial group too, with a correct m = 0.
      Trajectory p1 = t("p", "p1", "q", 2, 0, true);
      send(p1);
      pipeline.punctuate(now + T, sink);
      ScoredGroup g = check(sink.rewarded().get(0), false, t1, t2);
      check(sink.rewarded().get(1), true, p1);
      assertThat(g.getId()).isEqualTo("g@" + kind.cliName() + ":v1");
      assertThat(g.hasN()).as("%s has no n", kind).isFalse();
      if (kind == RewardKind.EM) {
        assertThat(g.getMembersList()).extracting(ScoredTrajectory::getReward).containsExactly(1.0, 0.0);
      }
      assertThat(sink.lowered()).as("%s never writes n", kind).isEmpty();
      assertThat(table.snapshot()).isEqualTo(Map.of("q", 5, "q-none", 7));
      assertThat(metrics.calls).contains("scored 2", "scored 1 partial");
    }
  }

  @Test
  void theOutputIdCarriesTheRewardLabelAndScoredAtIsTheLatestRecordTimestamp() {
    start(RewardConfig.paper(RewardKind.OTC_GRPO).withVersion("v7"), TimeoutPolicy.SCORE_PARTIAL);
    Trajectory c = t("grp-17", "c", "q", 3, 2, true);
    Trajectory a = t("grp-17", "a", "q", 3, 1, false);
    Trajectory b = t("grp-17", "b", "q", 3, 4, true);
    send(0, c, 5_000, false);
    send(0, a, 9_000, false);
    now += 20_000;
    send(0, b, 7_000, false); // the last member read is not the latest record
    Collecting.Rewarded out = sink.rewarded().get(0);
    ScoredGroup g = check(out, false, a, b, c);
    assertThat(g.getId()).isEqualTo("grp-17@otc-grpo:v7");
    assertThat(Timestamps.toMillis(g.getScoredAt())).isEqualTo(9_000);
    assertThat(out.timestampMs()).isEqualTo(9_000);
    assertThat(g.getMembersList()).extracting(m -> m.getTrajectory().getTrajectoryId()).containsExactly("a", "b", "c");
    // The members are the input records, unchanged.
    assertThat(g.getMembers(2).getTrajectory().toByteArray()).isEqualTo(c.toByteArray());
  }

  // ---------------------------------------------------------------------------------------------
  // Dead letters

  @Test
  void poisonRecordsBecomeDeadLettersWithTheirReasonAndTheStreamGoesOn() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory t1 = t("g", "t1", "q", 2, 1, true);
    Trajectory t2 = t("g", "t2", "q", 2, 2, true);
    send(t1);
    sendRaw(0, "g", "not a protobuf \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1), false);
    sendRaw(0, "g", null, false);
    sendRaw(0, "other-key", t("g", "t3", "q", 2, 1, true).toByteArray(), false);
    sendRaw(0, "g", t("g", "", "q", 2, 1, true).toByteArray(), false);
    sendRaw(0, "", t("", "t5", "q", 2, 1, true).toByteArray(), false);
    sendRaw(0, "g", t("g", "t6", "", 2, 1, true).toByteArray(), false);
    sendRaw(0, "g", t("g", "t7", "q", 0, 1, true).toByteArray(), false);
    sendRaw(0, "g", t("g", "t8", "q", 2, 1, true).toBuilder().setToolCallCount(-1).build().toByteArray(), false);
    send(t("g", "t4", "q", 3, 1, true)); // size differs from the group's
    send(t("g", "t9", "other", 2, 1, true)); // question differs
    assertThat(sink.rewarded()).isEmpty();
    assertThat(pipeline.pendingGroupIds()).as("refused records start no group").containsExactly("g");
    send(t2);

    List<Rejection> dead = sink.deadLetters();
    assertThat(dead).extracting(Rejection::reason).containsExactly(
        RejectReason.UNDECODABLE, RejectReason.UNDECODABLE, RejectReason.KEY_MISMATCH,
        RejectReason.INVALID_FIELD, RejectReason.INVALID_FIELD, RejectReason.INVALID_FIELD, RejectReason.INVALID_FIELD,
        RejectReason.INVALID_FIELD, RejectReason.INCONSISTENT_GROUP, RejectReason.INCONSISTENT_GROUP);
    assertThat(dead.get(0).detail()).startsWith("not a otc.v1.Trajectory");
    assertThat(dead.get(1).detail()).contains("null value");
    assertThat(dead.get(2).detail()).contains("other-key");
    assertThat(dead.get(3).detail()).contains("trajectory_id is empty");
    assertThat(dead.get(4).detail()).contains("group_id is empty");
    assertThat(dead.get(5).detail()).contains("question_id is empty");
    assertThat(dead.get(6).detail()).contains("group_size");
    assertThat(dead.get(7).detail()).contains("tool_call_count");
    assertThat(dead.get(8).detail()).contains("expects 2 members");
    assertThat(dead.get(9).detail()).contains("'other'");
    assertThat(metrics.calls).filteredOn(c -> c.startsWith("dead")).containsExactly(
        "dead undecodable", "dead undecodable", "dead key-mismatch", "dead invalid-field", "dead invalid-field",
        "dead invalid-field", "dead invalid-field", "dead invalid-field", "dead inconsistent-group", "dead inconsistent-group");
    // The stream went on: the group completed with its two real members.
    assertThat(sink.rewarded()).hasSize(1);
    check(sink.rewarded().get(0), false, t1, t2);
  }

  @Test
  void aRecordWithoutKeyIsADeadLetter() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory a = t("g", "a", "q", 1, 0, true);
    sendRaw(0, null, a.toByteArray(), false);
    assertThat(sink.deadLetters()).extracting(r -> r.reason()).containsExactly(ai.otc.reward.core.RejectReason.KEY_MISMATCH);
    assertThat(sink.deadLetters().get(0).detail()).contains("no key");
    assertThat(sink.rewarded()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Replay (records a committed transaction already processed)

  @Test
  void replayRebuildsPendingGroupsButEmitsNoDeadLettersAndCountsNothing() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    pipeline.restoreMarker("old", 0, GroupMarkers.finished(now + R));
    pipeline.restoreMarker("g", 0, GroupMarkers.open(now + 30_000));
    Trajectory t1 = t("g", "t1", "q", 3, 2, true);
    replay(t1);
    replay(t1); // duplicate
    sendRaw(0, "g", "garbage".getBytes(StandardCharsets.UTF_8), true);
    sendRaw(0, "g", null, true);
    sendRaw(0, "x", t("g", "tx", "q", 3, 1, true).toByteArray(), true);
    replay(t("g", "t9", "other", 3, 1, true)); // inconsistent
    replay(t("old", "o1", "q", 2, 1, true)); // late
    Trajectory t2 = t("g", "t2", "q", 3, 1, false);
    replay(t2);
    assertThat(sink.events).isEmpty();
    assertThat(metrics.calls).isEmpty();
    assertThat(pipeline.pendingGroupIds()).containsExactly("g");
    assertThat(pipeline.oldestNeededOffset(0)).hasValue(0);
    pipeline.beforeCommit(sink);
    assertThat(sink.events).as("the restored deadline is already persisted").isEmpty();

    // Past the high-water mark: live again.
    Trajectory t3 = t("g", "t3", "q", 3, 3, true);
    send(t3);
    assertThat(sink.rewarded()).hasSize(1);
    check(sink.rewarded().get(0), false, t1, t2, t3);
    assertThat(metrics.calls).containsExactly("completed 3", "scored 3 grpo");
  }

  @Test
  void aPendingGroupRebuiltInReplayTimesOutAtItsRestoredDeadline() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    pipeline.restoreMarker("g", 0, GroupMarkers.open(T0 + 1_000));
    Trajectory t1 = t("g", "t1", "q", 2, 2, true);
    replay(t1);
    pipeline.punctuate(T0 + 999, sink);
    assertThat(sink.events).isEmpty();
    pipeline.punctuate(T0 + 1_000, sink);
    check(sink.rewarded().get(0), true, t1);
  }

  @Test
  void aGroupCompletingInReplayIsStillScored() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    // Its marker expired before the committed offset moved past it: scoring again is the safe side.
    Trajectory a = t("g", "a", "q", 2, 3, true);
    Trajectory b = t("g", "b", "q", 2, 1, true);
    replay(a);
    replay(b);
    assertThat(sink.rewarded()).hasSize(1);
    check(sink.rewarded().get(0), false, a, b);
    assertThat(sink.markers()).containsExactly(finished("g", 0, now + R));
    assertThat(sink.lowered()).as("the lowered n still goes to the changelog").containsExactly(new Collecting.Lowered("q", 1));
    assertThat(sink.deadLetters()).isEmpty();
    assertThat(metrics.calls).doesNotContain("completed 2");
    // A copy read again afterwards is late, not a second group.
    replay(a);
    assertThat(sink.rewarded()).hasSize(1);
  }

  @Test
  void aGroupCompletingInReplayCountsNoMetrics() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    replay(t("g", "a", "q", 2, 3, true));
    replay(t("g", "b", "q", 2, 1, true));
    assertThat(sink.rewarded()).hasSize(1);
    assertThat(metrics.calls).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets pending groups hold back

  @Test
  void oldestNeededOffsetIsTheFirstOffsetOfTheOldestPendingGroupInThePartition() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    assertThat(pipeline.oldestNeededOffset(0)).isEmpty();
    send(0, t("done", "d", "q", 1, 1, true)); // offset 0, complete at once
    assertThat(pipeline.oldestNeededOffset(0)).isEmpty();
    send(0, t("a", "a1", "q", 2, 1, true)); // offset 1
    send(0, t("b", "b1", "q", 2, 1, true)); // offset 2
    send(1, t("c", "c1", "q", 2, 1, true)); // p1 offset 0
    send(1, t("c", "c1", "q", 2, 1, true)); // p1 offset 1, duplicate
    assertThat(pipeline.oldestNeededOffset(0)).hasValue(1);
    assertThat(pipeline.oldestNeededOffset(1)).hasValue(0);
    assertThat(pipeline.oldestNeededOffset(2)).isEmpty();
    send(0, t("a", "a2", "q", 2, 1, true)); // offset 3
    assertThat(pipeline.oldestNeededOffset(0)).as("advances when a group completes").hasValue(2);
    // A group whose members came from two partitions holds both back.
    send(2, t("s", "s1", "q", 3, 1, true)); // p2 offset 0
    send(3, t("s", "s2", "q", 3, 1, true)); // p3 offset 0
    assertThat(pipeline.oldestNeededOffset(2)).hasValue(0);
    assertThat(pipeline.oldestNeededOffset(3)).hasValue(0);
    send(1, t("c", "c2", "q", 2, 1, true));
    assertThat(pipeline.oldestNeededOffset(1)).isEmpty();
    send(0, t("b", "b2", "q", 2, 1, true));
    assertThat(pipeline.oldestNeededOffset(0)).isEmpty();
    // Timing out releases them too.
    pipeline.punctuate(now + T, sink);
    assertThat(sink.rewardedGroupIds()).endsWith("s");
    assertThat(pipeline.oldestNeededOffset(2)).isEmpty();
    assertThat(pipeline.oldestNeededOffset(3)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Group markers: written before commits, restored at assignment, expired, dropped

  @Test
  void beforeCommitWritesAnOpenMarkerOncePerPendingGroup() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(0, t("g1", "a", "q", 2, 1, true));
    now += 500;
    send(1, t("g2", "a", "q", 3, 1, true));
    send(0, t("quick", "a", "q", 2, 1, true));
    send(0, t("quick", "b", "q", 2, 1, true)); // opened and completed between two commits
    sink.clear();
    pipeline.beforeCommit(sink);
    assertThat(sink.markers()).containsExactly(open("g1", 0, T0 + T), open("g2", 1, T0 + 500 + T));
    assertThat(GroupMarkers.type(sink.of(Collecting.Marker.class).get(0).value())).isEqualTo(GroupMarkers.OPEN);
    assertThat(sink.events).hasSize(2);
    sink.clear();
    pipeline.beforeCommit(sink);
    assertThat(sink.events).as("once per group").isEmpty();
    send(0, t("g1", "b", "q", 2, 1, true));
    assertThat(sink.markers()).containsExactly(finished("g1", 0, now + R));
    sink.clear();
    send(1, t("g2", "b", "q", 3, 1, true));
    now += 100;
    send(2, t("g3", "a", "q", 2, 1, true));
    pipeline.beforeCommit(sink);
    assertThat(sink.markers()).containsExactly(open("g3", 2, now + T));
    sink.clear();
    pipeline.punctuate(T0 + 500 + T, sink);
    assertThat(sink.markers()).as("a timed-out group's marker becomes FINISHED").containsExactly(finished("g2", 1, T0 + 500 + T + R));
    sink.clear();
    pipeline.beforeCommit(sink);
    assertThat(sink.events).isEmpty();
  }

  @Test
  void aRestoredFinishedMarkerMakesLaterMembersLate() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    pipeline.restoreMarker("g", 2, GroupMarkers.finished(T0 + 5_000));
    assertThat(pipeline.finishedMarkers()).isEqualTo(1);
    send(2, t("g", "a", "q", 1, 0, true));
    send(2, t("g", "b", "q", 2, 0, true));
    pipeline.punctuate(T0 + 4_999, sink);
    pipeline.beforeCommit(sink);
    assertThat(sink.events).isEmpty();
    assertThat(pipeline.pendingGroups()).isZero();
    assertThat(pipeline.oldestNeededOffset(2)).isEmpty();
    assertThat(table.get("q")).isEmpty();
    assertThat(metrics.calls).containsExactly("late", "late");
    // Its expiry deletes it from the changelog, in its partition.
    pipeline.punctuate(T0 + 5_000, sink);
    assertThat(sink.markers()).containsExactly(tombstone("g", 2));
    assertThat(pipeline.finishedMarkers()).isZero();
    sink.clear();
    now = T0 + 5_001;
    Trajectory c = t("g", "c", "q", 1, 2, true);
    send(2, c);
    check(sink.rewarded().get(0), false, c);
  }

  @Test
  void aRestoredOpenDeadlineIsUsedWhenTheFirstMemberIsReadAgain() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    long deadline = T0 + 5_000;
    pipeline.restoreMarker("g", 1, GroupMarkers.open(deadline));
    assertThat(pipeline.pendingGroups()).as("nothing pending until its member is read").isZero();
    Trajectory a = t("g", "a", "q", 3, 2, true);
    send(1, a);
    pipeline.beforeCommit(sink);
    assertThat(sink.events).as("the deadline is in the changelog already").isEmpty();
    pipeline.punctuate(deadline - 1, sink);
    assertThat(sink.events).isEmpty();
    pipeline.punctuate(deadline, sink);
    check(sink.rewarded().get(0), true, a);
    assertThat(sink.markers()).containsExactly(finished("g", 1, deadline + R));
  }

  @Test
  void aRestoredDeadlineInThePastTimesOutAtTheFirstPunctuate() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.DROP_AND_COUNT);
    pipeline.restoreMarker("g", 0, GroupMarkers.open(T0 - 1_000));
    send(t("g", "a", "q", 2, 2, true));
    pipeline.punctuate(now, sink);
    assertThat(sink.rewarded()).isEmpty();
    assertThat(sink.markers()).containsExactly(finished("g", 0, now + R));
    assertThat(metrics.calls).containsExactly("timed-out drop-and-count 1/2");
  }

  @Test
  void aTombstoneForgetsARestoredMarker() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    pipeline.restoreMarker("f", 0, GroupMarkers.finished(T0 + R));
    pipeline.restoreMarker("f", 0, null);
    assertThat(pipeline.finishedMarkers()).isZero();
    Trajectory f1 = t("f", "f1", "q", 1, 1, true);
    send(f1);
    check(sink.rewarded().get(0), false, f1);
    sink.clear();

    pipeline.restoreMarker("o", 0, GroupMarkers.open(T0 + 1_000));
    pipeline.restoreMarker("o", 0, null);
    now = T0 + 100;
    send(t("o", "o1", "q", 2, 1, true));
    pipeline.beforeCommit(sink);
    assertThat(sink.markers()).as("a fresh deadline, persisted anew").containsExactly(open("o", 0, T0 + 100 + T));
    sink.clear();
    pipeline.punctuate(T0 + 1_000, sink);
    assertThat(sink.events).isEmpty();
  }

  @Test
  void changelogRecordsOfOneGroupApplyInOrder() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    // OPEN then FINISHED (the group finished after its deadline was persisted): finished wins.
    pipeline.restoreMarker("g", 0, GroupMarkers.open(T0 + 1_000));
    pipeline.restoreMarker("g", 0, GroupMarkers.finished(T0 + R));
    send(t("g", "a", "q", 2, 1, true));
    assertThat(pipeline.pendingGroups()).isZero();
    // FINISHED, tombstone, OPEN (a new group under the same id after the expiry): the deadline applies.
    pipeline.restoreMarker("h", 0, GroupMarkers.finished(T0 + 10));
    pipeline.restoreMarker("h", 0, null);
    pipeline.restoreMarker("h", 0, GroupMarkers.open(T0 + 2_000));
    Trajectory h1 = t("h", "h1", "q", 2, 1, true);
    send(h1);
    assertThat(pipeline.pendingGroupIds()).containsExactly("h");
    pipeline.punctuate(T0 + 2_000, sink);
    check(sink.rewarded().get(0), true, h1);
  }

  @Test
  void expiredFinishedMarkersBecomeTombstonesAndALaterMemberStartsANewGroup() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.DROP_AND_COUNT);
    Trajectory a = t("g", "a", "q", 1, 3, true);
    send(1, a);
    check(sink.rewarded().get(0), false, a);
    send(1, t("dropped", "x", "q", 2, 3, true));
    pipeline.punctuate(T0 + T, sink); // dropped: FINISHED until T0 + T + R
    sink.clear();
    pipeline.punctuate(T0 + R - 1, sink);
    assertThat(sink.events).isEmpty();
    now = T0 + R - 1;
    send(1, t("g", "late", "q", 1, 0, true));
    assertThat(sink.events).as("still remembered").isEmpty();
    pipeline.punctuate(T0 + R, sink);
    assertThat(sink.markers()).containsExactly(tombstone("g", 1));
    assertThat(pipeline.finishedMarkers()).isEqualTo(1);
    sink.clear();
    now = T0 + R + 1;
    Trajectory b = t("g", "b", "q", 2, 0, true);
    send(1, b);
    assertThat(pipeline.pendingGroupIds()).as("a new group under the same id").containsExactly("g");
    Trajectory c = t("g", "c", "q", 2, 1, true);
    send(1, c);
    check(sink.rewarded().get(0), false, b, c);
    sink.clear();
    pipeline.punctuate(T0 + T + R, sink);
    assertThat(sink.markers()).containsExactly(tombstone("dropped", 1));
    sink.clear();
    pipeline.punctuate(T0 + 10 * R, sink);
    assertThat(sink.markers()).containsExactly(tombstone("g", 1));
    assertThat(pipeline.finishedMarkers()).isZero();
  }

  /**
   * A partition assigned later brings markers written earlier by another instance: they must expire
   * at their own time even though markers of this instance expire later.
   */
  @Test
  void restoredMarkersExpireAtTheirOwnTimeAfterAnAssignment() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    send(0, t("live", "x", "q", 1, 1, true)); // FINISHED until T0 + R
    now = T0 + 1_000;
    pipeline.restoreMarker("moved", 1, GroupMarkers.finished(T0 + R / 2));
    sink.clear();
    pipeline.punctuate(T0 + R / 2, sink);
    assertThat(sink.markers()).containsExactly(tombstone("moved", 1));
    now = T0 + R / 2 + 1;
    send(1, t("moved", "y", "q", 2, 1, true));
    assertThat(pipeline.pendingGroupIds()).containsExactly("moved");
  }

  @Test
  void dropPartitionsForgetsPendingGroupsAndMarkersOfThosePartitionsOnly() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    Trajectory p0 = t("p0", "x", "qp0", 2, 1, true);
    send(0, p0);
    send(1, t("p1", "x", "q", 2, 1, true));
    send(0, t("done0", "x", "q", 1, 1, true));
    send(1, t("done1", "x", "q", 1, 1, true));
    pipeline.beforeCommit(sink);
    pipeline.restoreMarker("restored1", 1, GroupMarkers.finished(T0 + R));
    pipeline.restoreMarker("restored0", 0, GroupMarkers.finished(T0 + R));
    pipeline.restoreMarker("open1", 1, GroupMarkers.open(T0 + 5));
    pipeline.restoreMarker("open0", 0, GroupMarkers.open(T0 + 5));
    assertThat(pipeline.finishedMarkers()).isEqualTo(4);
    pipeline.dropPartitions(List.of(1));
    assertThat(pipeline.pendingGroupIds()).containsExactly("p0");
    assertThat(pipeline.finishedMarkers()).isEqualTo(2);
    assertThat(pipeline.oldestNeededOffset(1)).isEmpty();
    assertThat(pipeline.oldestNeededOffset(0)).hasValue(0);
    sink.clear();
    metrics.calls.clear();
    // Partition 0's markers still apply, partition 1's are gone.
    send(0, t("done0", "y", "q", 1, 0, true));
    send(0, t("restored0", "y", "q", 1, 0, true));
    assertThat(sink.events).isEmpty();
    assertThat(metrics.calls).containsExactly("late", "late");
    send(0, t("open0", "y", "q", 2, 0, true));
    now = T0 + 10;
    send(0, t("open1", "y", "q", 2, 0, true)); // its restored deadline was dropped: a fresh one
    pipeline.beforeCommit(sink);
    assertThat(sink.markers()).containsExactly(open("open1", 0, now + T));
    sink.clear();
    pipeline.punctuate(T0 + 5, sink);
    assertThat(sink.rewardedGroupIds()).containsExactly("open0");
    sink.clear();
    pipeline.punctuate(T0 + T + 10, sink);
    assertThat(sink.rewardedGroupIds()).as("the dropped pending group does not time out here").containsExactly("p0", "open1");
    check(sink.rewarded().get(0), true, p0);
    sink.clear();
    pipeline.dropPartitions(List.of());
    pipeline.punctuate(T0 + 100 * R, sink);
    assertThat(sink.markers()).as("only partition 0's markers expire here")
        .containsExactlyInAnyOrder(tombstone("done0", 0), tombstone("restored0", 0), tombstone("open0", 0),
            tombstone("p0", 0), tombstone("open1", 0));
  }

  // ---------------------------------------------------------------------------------------------
  // The optimal-calls changelog

  @Test
  void optimalCallsIsReportedExactlyWhenNIsLowered() {
    start(RewardKind.OTC_GRPO, TimeoutPolicy.SCORE_PARTIAL);
    table.mergeMin("r", 2); // restored from the changelog: not reported again
    oracleState.put("r", 2);
    List<Trajectory[]> groups = List.of(
        new Trajectory[] {t("g1", "a", "q", 2, 1, false), t("g1", "b", "q", 2, 2, false)}, // all wrong: none
        new Trajectory[] {t("g2", "a", "q", 2, 3, true), t("g2", "b", "q", 2, 4, true)}, // q -> 3
        new Trajectory[] {t("g3", "a", "q", 2, 5, true), t("g3", "b", "q", 2, 3, true)}, // 3 again: none
        new Trajectory[] {t("g4", "a", "q", 2, 1, true), t("g4", "b", "q", 2, 2, false)}, // q -> 1
        new Trajectory[] {t("g5", "a", "r", 2, 4, true), t("g5", "b", "r", 2, 2, true)}, // r stays 2
        new Trajectory[] {t("g6", "a", "r", 2, 1, true), t("g6", "b", "r", 2, 0, false)}); // r -> 1
    List<Collecting.Lowered> expected = new ArrayList<>();
    for (Trajectory[] g : groups) {
      sink.clear();
      for (Trajectory x : g) {
        send(x);
      }
      String q = g[0].getQuestionId();
      Integer before = oracleState.get(q).isPresent() ? oracleState.get(q).getAsInt() : null;
      check(sink.rewarded().get(0), false, g);
      Integer after = oracleState.get(q).isPresent() ? oracleState.get(q).getAsInt() : null;
      List<Collecting.Lowered> want = after != null && !after.equals(before) ? List.of(new Collecting.Lowered(q, after)) : List.of();
      assertThat(sink.lowered()).as("group %s", g[0].getGroupId()).isEqualTo(want);
      expected.addAll(want);
    }
    assertThat(expected).containsExactly(new Collecting.Lowered("q", 3), new Collecting.Lowered("q", 1), new Collecting.Lowered("r", 1));
    // A partial group lowers n at the timeout, and that is reported at the punctuate.
    sink.clear();
    Trajectory p = t("g7", "a", "q", 3, 0, true);
    send(p);
    assertThat(sink.lowered()).isEmpty();
    pipeline.punctuate(now + T, sink);
    check(sink.rewarded().get(0), true, p);
    assertThat(sink.lowered()).containsExactly(new Collecting.Lowered("q", 0));
    assertThat(table.snapshot()).isEqualTo(Map.of("q", 0, "r", 1));
  }
}
