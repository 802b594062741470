package ai.otc.reward.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.InMemoryOptimalCallState;
import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.core.reward.WrongAnswerPolicy;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.Trajectory;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ScoredGroupWriter} must produce exactly the bytes of the protobuf object path,
 * {@code ObjectPathReference.score(ObjectPathReference.assembled(...)).toByteArray()}, and leave the
 * optimal-call state exactly as it does.
 */
class ScoredGroupWriterTest {

  private static final List<RewardConfig> CONFIGS = List.of(
      RewardConfig.paper(RewardKind.EM),
      RewardConfig.paper(RewardKind.OTC_PPO),
      RewardConfig.paper(RewardKind.OTC_GRPO),
      RewardConfig.paper(RewardKind.OTC_GRPO).withWrongAnswerPolicy(WrongAnswerPolicy.ZERO_WHEN_WRONG).withVersion("v2"),
      RewardConfig.paper(RewardKind.OTC_GRPO).withWrongAnswerPolicy(WrongAnswerPolicy.TOOL_ONLY_WHEN_CORRECT).withC(3),
      RewardConfig.paper(RewardKind.OTC_PPO).withAdditive(true).withAlpha(0.5).withVersion("ablation-ü"),
      RewardConfig.paper(RewardKind.EM).withVersion(""));

  /** One comparison's inputs. */
  private record Case(String groupId, String questionId, int expectedSize, List<Trajectory> members, boolean partial,
      long latestTs, RewardConfig config, CorrectnessSource source, Integer historyN) {}

  /** Runs both paths on separate states with the same history and asserts identical bytes, state and metrics. */
  private static ScoredGroup assertSameAsObjectPath(Case c) throws InvalidProtocolBufferException {
    GroupScorer scorer = new GroupScorer(c.config());
    OutcomeMapper mapper = new OutcomeMapper(c.source());
    InMemoryOptimalCallState objectState = new InMemoryOptimalCallState();
    InMemoryOptimalCallState writerState = new InMemoryOptimalCallState();
    if (c.historyN() != null) {
      objectState.put(c.questionId(), c.historyN());
      writerState.put(c.questionId(), c.historyN());
    }
    ScoredGroup expected = ObjectPathReference.score(
        ObjectPathReference.assembled(c.groupId(), c.questionId(), c.expectedSize(), c.members(), c.partial(), c.latestTs()),
        scorer, objectState, c.source());
    byte[] expectedBytes = expected.toByteArray();

    List<TrajectoryView> views = new ArrayList<>();
    for (Trajectory t : c.members()) {
      views.add(TrajectoryView.parse(t.toByteArray()));
    }
    List<TrajectoryView> callerCopy = List.copyOf(views);
    ScoredGroupWriter.Result r = new ScoredGroupWriter(scorer, mapper)
        .write(c.groupId(), c.questionId(), c.expectedSize(), views, c.partial(), c.latestTs(), writerState);

    assertThat(views).as("caller's list untouched").containsExactlyElementsOf(callerCopy);
    if (!java.util.Arrays.equals(r.bytes(), expectedBytes)) {
      throw new AssertionError("bytes differ for " + c + "\n expected " + HexFormat.of().formatHex(expectedBytes)
          + "\n actual   " + HexFormat.of().formatHex(r.bytes()));
    }
    ScoredGroup parsed = ScoredGroup.parseFrom(r.bytes());
    assertThat(parsed).isEqualTo(expected);
    assertThat(parsed.toByteArray()).isEqualTo(r.bytes());
    assertThat(writerState.get(c.questionId())).as("n in state").isEqualTo(objectState.get(c.questionId()));
    assertThat(writerState.asMap()).isEqualTo(objectState.asMap());

    assertThat(r.n()).isEqualTo(expected.hasN() ? OptionalInt.of(expected.getN()) : OptionalInt.empty());
    assertThat(r.members()).isEqualTo(expected.getMembersCount());
    assertThat(r.rewards()).hasSize(r.members());
    assertThat(r.toolCalls()).hasSize(r.members());
    assertThat(r.correct()).hasSize(r.members());
    for (int i = 0; i < r.members(); i++) {
      ScoredTrajectory m = expected.getMembers(i);
      assertThat(Double.doubleToRawLongBits(r.rewards()[i])).isEqualTo(Double.doubleToRawLongBits(m.getReward()));
      assertThat(r.toolCalls()[i]).isEqualTo(m.getToolCalls());
      assertThat(r.correct()[i]).isEqualTo(m.getCorrect());
    }
    return expected;
  }

  private static Trajectory member(String id, int toolCalls, boolean correct) {
    return Trajectory.newBuilder().setTrajectoryId(id).setGroupId("g").setQuestionId("q").setGroupSize(5).setRunId("run-1")
        .setPolicyVersion(3).setToolCallCount(toolCalls).setCorrect(correct)
        .addPromptTokenIds(1).addResponseTokenIds(2).addLossMask(1).addOldLogProbs(-0.5f).build();
  }

  private static Trajectory randomMember(Random rnd, String id) {
    Trajectory.Builder b = TrajectoryViewTest.realistic(rnd, rnd.nextInt(8), rnd.nextInt(16), rnd.nextInt(3)).toBuilder()
        .setTrajectoryId(id)
        .setToolCallCount(rnd.nextInt(7))
        .setPolicyVersion(switch (rnd.nextInt(5)) {
          case 0 -> 0;
          case 1 -> -1 - rnd.nextInt(3);
          case 2 -> Long.MAX_VALUE - rnd.nextInt(3);
          default -> rnd.nextInt(50);
        })
        .setRunId(rnd.nextInt(3) == 0 ? "" : "run-" + rnd.nextInt(3));
    // Correctness inputs: gold present or not, answer matching or not, rollout verdict independent.
    b.clearGoldenAnswers();
    if (rnd.nextInt(4) != 0) {
      b.addGoldenAnswers("Paris");
      if (rnd.nextBoolean()) {
        b.addGoldenAnswers("the city of Paris");
      }
    }
    b.setExtractedAnswer(switch (rnd.nextInt(4)) {
      case 0 -> "";
      case 1 -> "paris";
      case 2 -> "The  Paris!";
      default -> "London";
    });
    b.setHasAnswer(rnd.nextInt(4) != 0).setCorrect(rnd.nextBoolean());
    return b.build();
  }

  private static List<Trajectory> shuffled(Random rnd, List<Trajectory> members) {
    List<Trajectory> l = new ArrayList<>(members);
    Collections.shuffle(l, rnd);
    return l;
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void everyRewardKindAndCorrectnessSourceMatchesTheObjectPath() throws Exception {
    Random rnd = new Random(11);
    for (RewardConfig config : CONFIGS) {
      for (CorrectnessSource source : CorrectnessSource.values()) {
        for (boolean partial : new boolean[] {false, true}) {
          for (int size = 1; size <= 16; size++) {
            List<Trajectory> members = new ArrayList<>();
            for (int i = 0; i < size; i++) {
              members.add(randomMember(rnd, "t-" + i));
            }
            for (Integer history : new Integer[] {null, 0, 2, 9}) {
              assertSameAsObjectPath(new Case("g-" + size, "q-" + size, partial ? size + 2 : size, shuffled(rnd, members),
                  partial, 1_700_000_000_123L + size, config, source, history));
            }
          }
        }
      }
    }
  }

  @Test
  void otcGrpoWithNUndefinedWritesNanToolRewards() throws Exception {
    // No correct member and no history: n is undefined, r_tool NaN (written: its bits are not 0), n absent.
    List<Trajectory> members = List.of(member("b", 2, false), member("a", 1, false), member("c", 0, false));
    ScoredGroup g = assertSameAsObjectPath(new Case("g", "q", 3, members, false, 5_000, RewardConfig.paper(RewardKind.OTC_GRPO),
        CorrectnessSource.ROLLOUT, null));
    assertThat(g.hasN()).isFalse();
    assertThat(g.getMembersList()).allSatisfy(m -> assertThat(m.getRTool()).isNaN());
    assertThat(g.getMembersList()).extracting(m -> m.getTrajectory().getTrajectoryId()).containsExactly("a", "b", "c");
  }

  @Test
  void nPresentAndZeroIsWritten() throws Exception {
    // A correct member with no tool calls: n = 0, which the optional field carries.
    List<Trajectory> members = List.of(member("x", 0, true), member("y", 3, false));
    ScoredGroup g = assertSameAsObjectPath(new Case("g", "q", 2, members, false, 1, RewardConfig.paper(RewardKind.OTC_GRPO),
        CorrectnessSource.ROLLOUT, null));
    assertThat(g.hasN()).isTrue();
    assertThat(g.getN()).isZero();
    // And from history only.
    ScoredGroup h = assertSameAsObjectPath(new Case("g", "q", 2, List.of(member("y", 3, false)), true, 1,
        RewardConfig.paper(RewardKind.OTC_GRPO), CorrectnessSource.ROLLOUT, 0));
    assertThat(h.getN()).isZero();
    assertThat(h.hasN()).isTrue();
  }

  @Test
  void nIsAbsentForRewardsThatDoNotUseIt() throws Exception {
    for (RewardKind kind : new RewardKind[] {RewardKind.EM, RewardKind.OTC_PPO}) {
      ScoredGroup g = assertSameAsObjectPath(new Case("g", "q", 2, List.of(member("a", 0, true), member("b", 1, true)), false, 7,
          RewardConfig.paper(kind), CorrectnessSource.ROLLOUT, 4));
      assertThat(g.hasN()).isFalse();
    }
  }

  @Test
  void zeroAndNegativeAdvantagesAndEqualRewards() throws Exception {
    // All equal rewards: advantages are exactly 0 (not written); mixed: negative and positive.
    assertSameAsObjectPath(new Case("g", "q", 3, List.of(member("a", 1, true), member("b", 1, true), member("c", 1, true)), false,
        9, RewardConfig.paper(RewardKind.EM), CorrectnessSource.ROLLOUT, null));
    assertSameAsObjectPath(new Case("g", "q", 3, List.of(member("a", 0, false), member("b", 0, false)), false, 9,
        RewardConfig.paper(RewardKind.EM), CorrectnessSource.ROLLOUT, null));
    ScoredGroup g = assertSameAsObjectPath(new Case("g", "q", 3, List.of(member("a", 1, true), member("b", 4, false),
        member("c", 2, true)), false, 9, RewardConfig.paper(RewardKind.OTC_GRPO), CorrectnessSource.ROLLOUT, null));
    assertThat(g.getMembersList()).anySatisfy(m -> assertThat(m.getAdvantage()).isNegative());
    // A group of one: advantage from mean 0 and std 1.
    assertSameAsObjectPath(new Case("g", "q", 1, List.of(member("a", 1, true)), false, 9, RewardConfig.paper(RewardKind.OTC_PPO),
        CorrectnessSource.ROLLOUT, null));
  }

  @Test
  void defaultsAreNotWrittenAndEdgeValuesAre() throws Exception {
    Trajectory bare = Trajectory.newBuilder().setTrajectoryId("only").build(); // empty run id, policy version 0
    // Empty group and question ids, expected size 0, scored_at at the epoch (an empty Timestamp is still written).
    assertSameAsObjectPath(new Case("", "", 0, List.of(bare), false, 0, RewardConfig.paper(RewardKind.EM),
        CorrectnessSource.RECOMPUTE, null));
    // Negative timestamps (nanos normalised), huge expected size, negative policy versions, non-ASCII ids.
    for (long ts : new long[] {-1, -1500, 1, 999, 1000, 253_402_300_799_999L}) {
      assertSameAsObjectPath(new Case("grüppe-🚀", "qüestion", Integer.MAX_VALUE, List.of(bare.toBuilder().setPolicyVersion(-5)
          .setRunId("rün").build(), member("ä", 2, true)), true, ts, RewardConfig.paper(RewardKind.OTC_GRPO),
          CorrectnessSource.RECOMPUTE, null));
    }
    // An empty trajectory (zero-length member bytes) still sorts and is spliced with length 0.
    assertSameAsObjectPath(new Case("g", "q", 2, List.of(Trajectory.getDefaultInstance(), member("a", 1, true)), true, 3,
        RewardConfig.paper(RewardKind.OTC_GRPO), CorrectnessSource.ROLLOUT, null));
  }

  @Test
  void runIdAndPolicyVersionFollowTheSortedMembers() throws Exception {
    List<Trajectory> members = List.of(
        member("c", 1, true).toBuilder().setRunId("run-c").setPolicyVersion(2).build(),
        member("a", 1, true).toBuilder().setRunId("").setPolicyVersion(9).build(),
        member("b", 1, true).toBuilder().setRunId("run-b").setPolicyVersion(-4).build());
    ScoredGroup g = assertSameAsObjectPath(new Case("g", "q", 3, members, false, 1, RewardConfig.paper(RewardKind.EM),
        CorrectnessSource.ROLLOUT, null));
    assertThat(g.getRunId()).isEmpty();
    assertThat(g.getPolicyVersion()).isEqualTo(-4);
  }

  @Test
  void duplicateTrajectoryIdsKeepTheirArrivalOrderLikeTheObjectPath() throws Exception {
    List<Trajectory> members = List.of(member("b", 1, true), member("a", 5, false), member("b", 3, false), member("a", 0, true));
    assertSameAsObjectPath(new Case("g", "q", 4, members, false, 1, RewardConfig.paper(RewardKind.OTC_GRPO),
        CorrectnessSource.ROLLOUT, null));
  }

  @Test
  void recomputedCorrectnessMatchesOutcomeMapper() throws Exception {
    Random rnd = new Random(5);
    // Long-lived mappers, as in the service: their cache of normalised golds must never leak between trajectories.
    Map<CorrectnessSource, OutcomeMapper> mappers = new java.util.EnumMap<>(CorrectnessSource.class);
    for (CorrectnessSource s : CorrectnessSource.values()) {
      mappers.put(s, new OutcomeMapper(s));
    }
    for (int i = 0; i < 2_000; i++) {
      Trajectory t = randomMember(rnd, "t");
      // Runs of members with the same golds (a group), then a change.
      for (int copy = 0; copy < 1 + rnd.nextInt(3); copy++) {
        // "City of Paris" matches only the two-gold list: a stale cache of the one-gold list would say no.
        String answer = switch (rnd.nextInt(3)) {
          case 0 -> t.getExtractedAnswer();
          case 1 -> "City of Paris";
          default -> "other " + copy;
        };
        Trajectory member = t.toBuilder().setExtractedAnswer(answer).setHasAnswer(true).build();
        TrajectoryView v = TrajectoryView.parse(member.toByteArray());
        for (CorrectnessSource s : CorrectnessSource.values()) {
          assertThat(mappers.get(s).correct(v)).as("%s %s", s, member).isEqualTo(ObjectPathReference.correct(s, member));
          assertThat(new OutcomeMapper(s).correct(v)).as("fresh %s %s", s, member).isEqualTo(ObjectPathReference.correct(s, member));
        }
      }
    }
  }

  @Test
  void anEmptyGroupIsRefusedLikeTheObjectPath() {
    ScoredGroupWriter w = new ScoredGroupWriter(new GroupScorer(RewardConfig.paper(RewardKind.EM)),
        new OutcomeMapper(CorrectnessSource.ROLLOUT));
    assertThatThrownBy(() -> w.write("g", "q", 2, List.of(), false, 1, new InMemoryOptimalCallState()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no members");
  }

  @Test
  void stateEvolvesIdenticallyOverASequenceOfGroups() throws Exception {
    // The same history of groups through both paths, each on its own state.
    Random rnd = new Random(8);
    GroupScorer scorer = new GroupScorer(RewardConfig.paper(RewardKind.OTC_GRPO));
    OutcomeMapper mapper = new OutcomeMapper(CorrectnessSource.RECOMPUTE);
    ScoredGroupWriter writer = new ScoredGroupWriter(scorer, mapper);
    InMemoryOptimalCallState objectState = new InMemoryOptimalCallState();
    InMemoryOptimalCallState writerState = new InMemoryOptimalCallState();
    for (int g = 0; g < 300; g++) {
      String q = "q-" + rnd.nextInt(5);
      List<Trajectory> members = new ArrayList<>();
      List<TrajectoryView> views = new ArrayList<>();
      int size = 1 + rnd.nextInt(6);
      for (int i = 0; i < size; i++) {
        Trajectory t = randomMember(rnd, "t-" + rnd.nextInt(100)).toBuilder().setQuestionId(q).build();
        members.add(t);
        views.add(TrajectoryView.parse(t.toByteArray()));
      }
      byte[] expected = ObjectPathReference.score(ObjectPathReference.assembled("g-" + g, q, size, members, false, g), scorer, objectState, CorrectnessSource.RECOMPUTE)
          .toByteArray();
      byte[] actual = writer.write("g-" + g, q, size, views, false, g, writerState).bytes();
      assertThat(actual).isEqualTo(expected);
      assertThat(writerState.asMap()).isEqualTo(objectState.asMap());
    }
  }

  @Test
  void seededRandomSweepOfGroups() throws Exception {
    Random rnd = new Random(2_025);
    int groups = 2_500;
    int withN = 0;
    for (int g = 0; g < groups; g++) {
      int size = 1 + rnd.nextInt(16);
      List<Trajectory> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        members.add(randomMember(rnd, rnd.nextInt(8) == 0 ? "dup" : "t-" + rnd.nextInt(1000)));
      }
      RewardConfig config = CONFIGS.get(rnd.nextInt(CONFIGS.size()));
      CorrectnessSource source = rnd.nextBoolean() ? CorrectnessSource.RECOMPUTE : CorrectnessSource.ROLLOUT;
      boolean partial = rnd.nextInt(3) == 0;
      Integer history = rnd.nextInt(3) == 0 ? null : rnd.nextInt(5);
      long ts = switch (rnd.nextInt(4)) {
        case 0 -> 0;
        case 1 -> -rnd.nextInt(1_000_000);
        default -> 1_600_000_000_000L + rnd.nextInt(1_000_000_000);
      };
      int expectedSize = switch (rnd.nextInt(4)) {
        case 0 -> 0;
        case 1 -> -rnd.nextInt(3);
        default -> partial ? size + 1 + rnd.nextInt(3) : size;
      };
      ScoredGroup out = assertSameAsObjectPath(new Case("g-" + g, "q-" + rnd.nextInt(50), expectedSize, members, partial, ts,
          config, source, history));
      if (out.hasN()) {
        withN++;
      }
    }
    assertThat(withN).as("groups with n").isBetween(groups / 10, groups - groups / 10);
  }

  @Test
  void theSpecRecordsEveryRewardSettingIncludingTheAdvantageScale() {
    ai.otc.proto.v1.RewardSpec paper = ScoredGroups.spec(RewardConfig.paper(RewardKind.OTC_GRPO));
    assertThat(paper.getAdvantageScale()).isEqualTo("std");
    assertThat(paper.getWrongAnswerPolicy()).isEqualTo("literal");
    ai.otc.proto.v1.RewardSpec dr = ScoredGroups.spec(RewardConfig.paper(RewardKind.OTC_GRPO)
        .withAdvantageScale(ai.otc.core.reward.AdvantageScale.NONE).withC(3));
    assertThat(dr.getAdvantageScale()).isEqualTo("none");
    assertThat(dr.getC()).isEqualTo(3.0);
  }
}
