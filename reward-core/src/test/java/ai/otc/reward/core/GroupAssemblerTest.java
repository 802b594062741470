package ai.otc.reward.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory group assembly of {@code ./otc rescore} and the shared group contract ({@link GroupRules}). */
class GroupAssemblerTest {

  static Trajectory t(String group, String id, String question, int size) {
    return Trajectory.newBuilder().setTrajectoryId(id).setGroupId(group).setQuestionId(question).setGroupSize(size)
        .setToolCallCount(1).setPolicyVersion(id.hashCode() & 7).build();
  }

  @Test
  void completesOnceWithMembersSortedAndIgnoresDuplicatesAndLateMembers() {
    GroupAssembler a = new GroupAssembler();
    assertThat(a.add(t("g", "b", "q", 3), 10)).isInstanceOf(GroupAssembler.Pending.class);
    assertThat(a.add(t("g", "b", "q", 3), 11)).isInstanceOf(GroupAssembler.Duplicate.class);
    assertThat(a.add(t("g", "c", "q", 3), 30)).isInstanceOf(GroupAssembler.Pending.class);
    GroupAssembler.AddResult done = a.add(t("g", "a", "q", 3), 20);
    assertThat(done).isInstanceOf(GroupAssembler.Completed.class);
    ScoredGroup g = ((GroupAssembler.Completed) done).assembled();
    assertThat(g.getMembersList()).extracting(m -> m.getTrajectory().getTrajectoryId()).containsExactly("a", "b", "c");
    assertThat(g.getScoredAt().getSeconds() * 1000 + g.getScoredAt().getNanos() / 1_000_000).as("latest record time").isEqualTo(30);
    assertThat(g.getPartial()).isFalse();
    assertThat(a.add(t("g", "d", "q", 3), 40)).isInstanceOf(GroupAssembler.LateMember.class);
    assertThat(a.pendingCount()).isZero();
  }

  @Test
  void refusesAMemberThatContradictsItsGroup() {
    GroupAssembler a = new GroupAssembler();
    a.add(t("g", "a", "q", 2), 1);
    GroupAssembler.AddResult r = a.add(t("g", "b", "other", 2), 2);
    assertThat(r).isInstanceOf(GroupAssembler.Refused.class);
    assertThat(((GroupAssembler.Refused) r).rejection().reason()).isEqualTo(RejectReason.INCONSISTENT_GROUP);
    GroupAssembler.AddResult size = a.add(t("g", "c", "q", 5), 3);
    assertThat(((GroupAssembler.Refused) size).rejection().detail()).contains("expects 2 members");
  }

  @Test
  void drainsIncompleteGroupsAsPartialInGroupIdOrder() {
    GroupAssembler a = new GroupAssembler();
    a.add(t("z", "z1", "q", 3), 1);
    a.add(t("m", "m1", "q", 2), 2);
    List<ScoredGroup> left = a.drainIncomplete();
    assertThat(left).extracting(ScoredGroup::getGroupId).containsExactly("m", "z");
    assertThat(left).allMatch(ScoredGroup::getPartial);
    assertThat(left.get(1).getGroupSize()).isEqualTo(3);
    assertThat(a.pendingCount()).isZero();
  }

  @Test
  void decodeRefusesPoisonWithAReason() {
    assertThat(reason(GroupRules.decode("g", "nope \u0001".getBytes(StandardCharsets.UTF_8)))).isEqualTo(RejectReason.UNDECODABLE);
    assertThat(reason(GroupRules.decode("g", null))).isEqualTo(RejectReason.UNDECODABLE);
    assertThat(reason(GroupRules.decode("other", t("g", "a", "q", 1).toByteArray()))).isEqualTo(RejectReason.KEY_MISMATCH);
    assertThat(reason(GroupRules.decode("g", t("g", "a", "q", 0).toByteArray()))).isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(reason(GroupRules.decode("g", t("g", "", "q", 1).toByteArray()))).isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(reason(GroupRules.decode("g", t("g", "a", "", 1).toByteArray()))).isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(reason(GroupRules.decode("g", t("g", "a", "q", 1).toBuilder().setToolCallCount(-1).build().toByteArray())))
        .isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(GroupRules.decode(null, t("g", "a", "q", 1).toByteArray())).isInstanceOf(GroupRules.Accepted.class);
  }

  static RejectReason reason(GroupRules.Decoded d) {
    assertThat(d).isInstanceOf(GroupRules.Refused.class);
    return ((GroupRules.Refused) d).rejection().reason();
  }
}
