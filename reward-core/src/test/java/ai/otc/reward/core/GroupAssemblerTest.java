package ai.otc.reward.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.proto.v1.Trajectory;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The group assembly shared by the reward service and {@code ./otc rescore} ({@link GroupAssembler})
 * and the group contract it applies ({@link GroupRules}): completion, duplicates, late members,
 * refusals, timeouts by deadline, finished markers and their expiry, restored markers and deadlines,
 * the offsets pending groups still need, partition drops and draining at the end of a range.
 */
class GroupAssemblerTest {

  static final long TIMEOUT = 100;
  static final long RETENTION = 1_000;

  static Trajectory proto(String group, String id, String question, int size) {
    return Trajectory.newBuilder().setTrajectoryId(id).setGroupId(group).setQuestionId(question).setGroupSize(size)
        .setToolCallCount(1).setPolicyVersion(id.hashCode() & 7).build();
  }

  static TrajectoryView t(String group, String id, String question, int size) {
    return view(proto(group, id, question, size));
  }

  static TrajectoryView view(Trajectory t) {
    try {
      return TrajectoryView.parse(t.toByteArray());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  static GroupAssembler.AssembledGroup completed(GroupAssembler.AddResult r) {
    assertThat(r).isInstanceOf(GroupAssembler.Completed.class);
    return ((GroupAssembler.Completed) r).group();
  }

  static List<String> ids(GroupAssembler.AssembledGroup g) {
    return g.members().stream().map(TrajectoryView::trajectoryId).toList();
  }

  @Test
  void completesOnceIgnoringDuplicatesAndLateMembers() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    assertThat(a.add(t("g", "b", "q", 3), 0, 0, 10, 0)).isInstanceOf(GroupAssembler.Pending.class);
    // A duplicate is not a member: its later record timestamp does not count either.
    assertThat(a.add(t("g", "b", "q", 3), 0, 1, 99, 1)).isInstanceOf(GroupAssembler.Duplicate.class);
    assertThat(a.add(t("g", "c", "q", 3), 0, 2, 30, 2)).isInstanceOf(GroupAssembler.Pending.class);
    assertThat(a.pendingCount()).isEqualTo(1);
    GroupAssembler.AssembledGroup g = completed(a.add(t("g", "a", "q", 3), 0, 3, 20, 3));
    assertThat(g.groupId()).isEqualTo("g");
    assertThat(g.questionId()).isEqualTo("q");
    assertThat(g.expectedSize()).isEqualTo(3);
    assertThat(ids(g)).as("arrival order: the writer sorts").containsExactly("b", "c", "a");
    assertThat(g.latestRecordTimestampMs()).as("latest record time of the members").isEqualTo(30);
    assertThat(g.partial()).isFalse();
    assertThat(g.homePartition()).isZero();
    assertThat(a.pendingCount()).isZero();
    assertThat(a.finishedCount()).isEqualTo(1);
    assertThat(a.finishedUntil("g")).hasValue(3 + RETENTION);
    // Late members, new or already seen, are ignored while the marker lives.
    assertThat(a.add(t("g", "d", "q", 3), 0, 4, 40, 4)).isInstanceOf(GroupAssembler.LateMember.class);
    assertThat(a.add(t("g", "a", "q", 3), 0, 5, 40, 5)).isInstanceOf(GroupAssembler.LateMember.class);
    assertThat(a.pendingCount()).isZero();
  }

  @Test
  void aGroupOfOneCompletesAtOnce() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    GroupAssembler.AssembledGroup g = completed(a.add(t("solo", "s1", "q", 1), 2, 7, 5, 0));
    assertThat(ids(g)).containsExactly("s1");
    assertThat(g.homePartition()).isEqualTo(2);
    assertThat(a.pendingCount()).isZero();
    assertThat(a.oldestNeededOffset(2)).isEmpty();
    assertThat(a.takeUnpersistedDeadlines()).isEmpty();
  }

  @Test
  void duplicatesAreFoundInLargeGroupsToo() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    int size = 40;
    for (int i = 0; i < size - 1; i++) {
      assertThat(a.add(t("big", "m" + i, "q", size), 0, i, i, 0)).isInstanceOf(GroupAssembler.Pending.class);
    }
    for (int i = 0; i < size - 1; i++) {
      assertThat(a.add(t("big", "m" + i, "q", size), 0, 100 + i, 0, 0)).as("copy of m%d", i)
          .isInstanceOf(GroupAssembler.Duplicate.class);
    }
    GroupAssembler.AssembledGroup g = completed(a.add(t("big", "last", "q", size), 0, 200, 0, 0));
    assertThat(g.members()).hasSize(size);
    assertThat(g.latestRecordTimestampMs()).isEqualTo(size - 2);
  }

  @Test
  void refusesAMemberThatContradictsItsGroupAndKeepsTheGroup() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    a.add(t("g", "a", "q", 2), 0, 0, 1, 0);
    GroupAssembler.AddResult r = a.add(t("g", "b", "other", 2), 0, 1, 2, 0);
    assertThat(r).isInstanceOf(GroupAssembler.Refused.class);
    assertThat(((GroupAssembler.Refused) r).rejection().reason()).isEqualTo(RejectReason.INCONSISTENT_GROUP);
    assertThat(((GroupAssembler.Refused) r).rejection().detail()).contains("question 'q'").contains("'other'");
    GroupAssembler.AddResult size = a.add(t("g", "c", "q", 5), 0, 2, 3, 0);
    assertThat(size).isInstanceOf(GroupAssembler.Refused.class);
    assertThat(((GroupAssembler.Refused) size).rejection().reason()).isEqualTo(RejectReason.INCONSISTENT_GROUP);
    assertThat(((GroupAssembler.Refused) size).rejection().detail()).contains("expects 2 members");
    // A copy of a member that contradicts the group is refused, not a duplicate (consistency first).
    assertThat(a.add(t("g", "a", "other", 2), 0, 3, 4, 0)).isInstanceOf(GroupAssembler.Refused.class);
    // Refused records are no members: the group still needs one and completes with the right one.
    assertThat(a.pendingCount()).isEqualTo(1);
    GroupAssembler.AssembledGroup g = completed(a.add(t("g", "b", "q", 2), 0, 4, 5, 0));
    assertThat(ids(g)).containsExactly("a", "b");
    assertThat(g.latestRecordTimestampMs()).isEqualTo(5);
  }

  @Test
  void drainsIncompleteGroupsAsPartialInGroupIdOrder() {
    GroupAssembler a = new GroupAssembler();
    a.add(t("z", "z1", "q", 3), 0, 0, 1, 0);
    a.add(t("m", "m1", "q", 2), 0, 1, 2, 0);
    a.add(t("z", "z2", "q", 3), 0, 2, 9, 0);
    a.add(t("b", "b1", "q", 4), 0, 3, 3, 0);
    GroupAssembler.AssembledGroup done = completed(a.add(t("m", "m0", "q", 2), 0, 4, 4, 0));
    assertThat(done.partial()).isFalse();
    List<GroupAssembler.AssembledGroup> left = a.drainIncomplete(50);
    assertThat(left).extracting(GroupAssembler.AssembledGroup::groupId).containsExactly("b", "z");
    assertThat(left).allMatch(GroupAssembler.AssembledGroup::partial);
    assertThat(left.get(1).expectedSize()).isEqualTo(3);
    assertThat(ids(left.get(1))).containsExactly("z1", "z2");
    assertThat(left.get(1).latestRecordTimestampMs()).isEqualTo(9);
    assertThat(a.pendingCount()).isZero();
    assertThat(a.pendingGroupIds()).isEmpty();
    // Drained groups are finished: their stragglers are late.
    assertThat(a.add(t("z", "z3", "q", 3), 0, 5, 10, 60)).isInstanceOf(GroupAssembler.LateMember.class);
    assertThat(a.drainIncomplete(70)).isEmpty();
  }

  @Test
  void withoutTimeoutAndRetentionNothingTimesOutOrExpires() {
    GroupAssembler a = new GroupAssembler();
    a.add(t("g", "a", "q", 2), 0, 0, 0, 0);
    assertThat(a.timedOut(Long.MAX_VALUE - 1)).isEmpty();
    assertThat(a.takeUnpersistedDeadlines()).as("no deadline to persist").isEmpty();
    completed(a.add(t("h", "a", "q", 1), 0, 1, 0, 0));
    assertThat(a.finishedUntil("h")).hasValue(Long.MAX_VALUE);
    assertThat(a.expireFinished(Long.MAX_VALUE - 1)).isEmpty();
    assertThat(a.add(t("h", "b", "q", 1), 0, 2, 0, 0)).isInstanceOf(GroupAssembler.LateMember.class);
  }

  @Test
  void pendingGroupIdsAreInArrivalOrderAndACopy() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    a.add(t("z", "z1", "q", 2), 0, 0, 0, 0);
    a.add(t("a", "a1", "q", 2), 0, 1, 0, 0);
    a.add(t("m", "m1", "q", 2), 0, 2, 0, 0);
    a.add(t("a", "a2", "q", 2), 0, 3, 0, 0);
    List<String> ids = a.pendingGroupIds();
    assertThat(ids).containsExactly("z", "m");
    a.add(t("k", "k1", "q", 2), 0, 4, 0, 0);
    assertThat(ids).as("a copy, not a view").containsExactly("z", "m");
    assertThat(a.pendingGroupIds()).containsExactly("z", "m", "k");
    assertThat(a.pendingCount()).isEqualTo(3);
  }

  @Test
  void timedOutHandsOutPartialGroupsOrderedByDeadline() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    a.add(t("z", "z1", "q", 2), 0, 0, 7, 0); // deadline 100
    a.add(t("a", "a1", "q", 3), 0, 1, 8, 50); // deadline 150
    a.add(t("a", "a2", "q", 3), 0, 2, 9, 90); // does not move the deadline
    a.restoreDeadline("m", 0, 120);
    a.add(t("m", "m1", "q", 2), 0, 3, 6, 60); // restored deadline 120, not 160
    a.add(t("c", "c1", "q", 2), 0, 4, 6, 10); // deadline 110, but completes first
    completed(a.add(t("c", "c2", "q", 2), 0, 5, 6, 20));
    assertThat(a.timedOut(99)).isEmpty();
    List<GroupAssembler.AssembledGroup> first = a.timedOut(100);
    assertThat(first).extracting(GroupAssembler.AssembledGroup::groupId).containsExactly("z");
    List<GroupAssembler.AssembledGroup> due = a.timedOut(1_000);
    assertThat(due).extracting(GroupAssembler.AssembledGroup::groupId).containsExactly("m", "a");
    assertThat(due).allMatch(GroupAssembler.AssembledGroup::partial);
    assertThat(ids(due.get(1))).containsExactly("a1", "a2");
    assertThat(due.get(1).expectedSize()).isEqualTo(3);
    assertThat(due.get(1).latestRecordTimestampMs()).isEqualTo(9);
    assertThat(a.pendingCount()).isZero();
    assertThat(a.timedOut(10_000)).isEmpty();
    // Timed-out groups are finished (their marker expires retention after the timeout was applied).
    assertThat(a.finishedUntil("a")).hasValue(1_000 + RETENTION);
    assertThat(a.add(t("a", "a3", "q", 3), 0, 6, 10, 1_001)).isInstanceOf(GroupAssembler.LateMember.class);
  }

  @Test
  void finishedMarkersExpireAfterTheRetentionAndThenTheGroupStartsAgain() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    completed(a.add(t("g", "a", "q", 1), 3, 0, 0, 100));
    completed(a.add(t("h", "a", "q", 1), 3, 1, 0, 200));
    assertThat(a.finishedUntil("g")).hasValue(100 + RETENTION);
    assertThat(a.finishedUntil("nope")).isEmpty();
    assertThat(a.expireFinished(100 + RETENTION - 1)).isEmpty();
    assertThat(a.add(t("g", "b", "q", 1), 3, 2, 0, 100 + RETENTION - 1)).isInstanceOf(GroupAssembler.LateMember.class);
    assertThat(a.expireFinished(100 + RETENTION)).containsExactly(new GroupAssembler.ExpiredMarker("g", 3));
    assertThat(a.finishedCount()).isEqualTo(1);
    assertThat(a.finishedUntil("g")).isEmpty();
    assertThat(a.add(t("g", "b", "q", 2), 3, 3, 0, 100 + RETENTION)).as("a new group").isInstanceOf(GroupAssembler.Pending.class);
    assertThat(a.pendingGroupIds()).containsExactly("g");
    assertThat(a.expireFinished(10_000)).containsExactly(new GroupAssembler.ExpiredMarker("h", 3));
    assertThat(a.expireFinished(100_000)).isEmpty();
  }

  @Test
  void aFinishedMarkerReplacedByALaterOneExpiresOnlyOnce() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    completed(a.add(t("g", "a", "q", 1), 0, 0, 0, 0));
    a.restoreFinished("g", 0, 5_000);
    assertThat(a.expireFinished(RETENTION)).as("the old expiry no longer applies").isEmpty();
    assertThat(a.finishedUntil("g")).hasValue(5_000);
    assertThat(a.expireFinished(5_000)).containsExactly(new GroupAssembler.ExpiredMarker("g", 0));
  }

  @Test
  void restoredMarkersAndDeadlinesAndTheirTombstones() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    a.restoreFinished("done", 1, 500);
    assertThat(a.finishedCount()).isEqualTo(1);
    assertThat(a.finishedUntil("done")).hasValue(500);
    assertThat(a.add(t("done", "x", "q", 2), 1, 0, 0, 10)).isInstanceOf(GroupAssembler.LateMember.class);
    assertThat(a.expireFinished(500)).containsExactly(new GroupAssembler.ExpiredMarker("done", 1));

    // A deadline restored for a group already finished is ignored; a finished marker replaces a deadline.
    a.restoreFinished("f", 0, 900);
    a.restoreDeadline("f", 0, 50);
    assertThat(a.add(t("f", "x", "q", 2), 0, 1, 0, 10)).isInstanceOf(GroupAssembler.LateMember.class);
    a.restoreDeadline("f2", 0, 50);
    a.restoreFinished("f2", 0, 900);
    assertThat(a.add(t("f2", "x", "q", 2), 0, 2, 0, 10)).isInstanceOf(GroupAssembler.LateMember.class);

    // A restored deadline applies once, when the first member is read again; it is already persisted.
    a.restoreDeadline("open", 0, 42);
    assertThat(a.add(t("open", "x", "q", 2), 0, 3, 0, 10)).isInstanceOf(GroupAssembler.Pending.class);
    assertThat(a.takeUnpersistedDeadlines()).isEmpty();
    assertThat(a.timedOut(41)).isEmpty();
    assertThat(a.timedOut(42)).extracting(GroupAssembler.AssembledGroup::groupId).containsExactly("open");

    // Tombstones forget both kinds.
    a.restoreFinished("gone", 0, 900);
    a.forget("gone");
    assertThat(a.finishedCount()).isEqualTo(3); // f, f2, open
    assertThat(a.add(t("gone", "x", "q", 2), 0, 4, 0, 20)).isInstanceOf(GroupAssembler.Pending.class);
    a.restoreDeadline("later", 0, 30);
    a.forget("later");
    assertThat(a.add(t("later", "x", "q", 2), 0, 5, 0, 20)).isInstanceOf(GroupAssembler.Pending.class);
    assertThat(a.takeUnpersistedDeadlines()).containsExactly(
        new GroupAssembler.OpenGroup("gone", 0, 20 + TIMEOUT), new GroupAssembler.OpenGroup("later", 0, 20 + TIMEOUT));
  }

  @Test
  void unpersistedDeadlinesAreHandedOutOnceAndNeverForGroupsThatFinishedInBetween() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    a.add(t("g1", "a", "q", 2), 0, 0, 0, 5);
    a.add(t("g2", "a", "q", 2), 1, 0, 0, 6);
    a.add(t("quick", "a", "q", 2), 0, 1, 0, 7);
    completed(a.add(t("quick", "b", "q", 2), 0, 2, 0, 8));
    assertThat(a.takeUnpersistedDeadlines()).containsExactly(
        new GroupAssembler.OpenGroup("g1", 0, 5 + TIMEOUT), new GroupAssembler.OpenGroup("g2", 1, 6 + TIMEOUT));
    assertThat(a.takeUnpersistedDeadlines()).isEmpty();
    a.add(t("g1", "b2", "q", 3), 0, 3, 0, 9); // refused: still nothing new
    a.add(t("g3", "a", "q", 2), 0, 4, 0, 10);
    assertThat(a.takeUnpersistedDeadlines()).containsExactly(new GroupAssembler.OpenGroup("g3", 0, 10 + TIMEOUT));
  }

  @Test
  void oldestNeededOffsetIsTheFirstOffsetOfTheOldestPendingGroupPerPartition() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    assertThat(a.oldestNeededOffset(0)).isEmpty();
    a.add(t("a", "a1", "q", 2), 0, 5, 0, 0);
    a.add(t("b", "b1", "q", 2), 0, 7, 0, 0);
    a.add(t("c", "c1", "q", 2), 1, 3, 0, 0);
    assertThat(a.oldestNeededOffset(0)).hasValue(5);
    assertThat(a.oldestNeededOffset(1)).hasValue(3);
    assertThat(a.oldestNeededOffset(2)).isEmpty();
    completed(a.add(t("a", "a2", "q", 2), 0, 8, 0, 0));
    assertThat(a.oldestNeededOffset(0)).as("advances when the oldest group completes").hasValue(7);
    // A group whose members span two partitions holds both back, each at its own first offset there.
    a.add(t("s", "s1", "q", 3), 0, 9, 0, 0);
    a.add(t("s", "s2", "q", 3), 1, 12, 0, 0);
    completed(a.add(t("c", "c2", "q", 2), 1, 13, 0, 0));
    assertThat(a.oldestNeededOffset(1)).as("s's member in partition 1").hasValue(12);
    a.add(t("w", "w1", "q", 4), 0, 20, 0, 0);
    a.add(t("w", "w2", "q", 4), 2, 4, 0, 0);
    a.add(t("w", "w3", "q", 4), 2, 2, 0, 0);
    assertThat(a.oldestNeededOffset(2)).as("min over the group's members there").hasValue(2);
    completed(a.add(t("b", "b2", "q", 2), 0, 31, 0, 0));
    assertThat(a.oldestNeededOffset(0)).hasValue(9);
    completed(a.add(t("s", "s3", "q", 3), 1, 14, 0, 0));
    assertThat(a.oldestNeededOffset(1)).isEmpty();
    assertThat(a.oldestNeededOffset(0)).hasValue(20);
    // Timing out releases them too.
    assertThat(a.timedOut(TIMEOUT)).extracting(GroupAssembler.AssembledGroup::groupId).containsExactly("w");
    assertThat(a.oldestNeededOffset(0)).isEmpty();
    assertThat(a.oldestNeededOffset(2)).isEmpty();
  }

  @Test
  void dropPartitionsForgetsOnlyWhatIsHomedThere() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    a.add(t("p0", "x", "q", 2), 0, 0, 0, 0);
    a.add(t("p1", "x", "q", 2), 1, 0, 0, 0);
    a.add(t("span", "x", "q", 2), 0, 1, 0, 0);
    completed(a.add(t("done0", "x", "q", 1), 0, 2, 0, 0));
    completed(a.add(t("done1", "x", "q", 1), 1, 1, 0, 0));
    a.restoreFinished("restored1", 1, 5_000);
    a.restoreDeadline("open1", 1, 7);
    a.restoreDeadline("open0", 0, 8);
    a.dropPartitions(List.of());
    assertThat(a.pendingCount()).isEqualTo(3);
    a.dropPartitions(List.of(1));
    assertThat(a.pendingGroupIds()).containsExactly("p0", "span");
    assertThat(a.finishedCount()).isEqualTo(1);
    assertThat(a.oldestNeededOffset(1)).isEmpty();
    assertThat(a.oldestNeededOffset(0)).hasValue(0);
    assertThat(a.add(t("done0", "y", "q", 1), 0, 3, 0, 1)).isInstanceOf(GroupAssembler.LateMember.class);
    assertThat(a.add(t("done1", "y", "q", 2), 1, 2, 0, 1)).isInstanceOf(GroupAssembler.Pending.class);
    assertThat(a.add(t("restored1", "y", "q", 2), 1, 3, 0, 1)).isInstanceOf(GroupAssembler.Pending.class);
    a.takeUnpersistedDeadlines();
    assertThat(a.add(t("open1", "y", "q", 2), 1, 4, 0, 1)).isInstanceOf(GroupAssembler.Pending.class);
    assertThat(a.add(t("open0", "y", "q", 2), 0, 4, 0, 1)).isInstanceOf(GroupAssembler.Pending.class);
    assertThat(a.takeUnpersistedDeadlines()).as("open1's restored deadline was dropped, open0's was kept")
        .containsExactly(new GroupAssembler.OpenGroup("open1", 1, 1 + TIMEOUT));
    // The dropped pending group does not time out either.
    assertThat(a.timedOut(TIMEOUT)).extracting(GroupAssembler.AssembledGroup::groupId).doesNotContain("p1");
  }

  /**
   * Finished markers restored from the changelog (for instance of a partition assigned later) can
   * expire before markers already held; each must expire at its own time.
   */
  @Test
  void restoredMarkersExpireAtTheirOwnTimeWhateverTheRestoreOrder() {
    GroupAssembler a = new GroupAssembler(TIMEOUT, RETENTION);
    completed(a.add(t("live", "x", "q", 1), 0, 0, 0, 1_000)); // expires at 2_000
    a.restoreFinished("moved", 1, 1_500); // a partition assigned later, marker written earlier by another instance
    assertThat(a.expireFinished(1_500)).containsExactly(new GroupAssembler.ExpiredMarker("moved", 1));
    assertThat(a.add(t("moved", "y", "q", 2), 1, 0, 0, 1_600)).isInstanceOf(GroupAssembler.Pending.class);
  }

  @Test
  void decodeRefusesPoisonWithAReason() {
    assertThat(reason(GroupRules.decode("g", "nope \u0001".getBytes(StandardCharsets.UTF_8)))).isEqualTo(RejectReason.UNDECODABLE);
    assertThat(reason(GroupRules.decode("g", null))).isEqualTo(RejectReason.UNDECODABLE);
    assertThat(reason(GroupRules.decode("other", proto("g", "a", "q", 1).toByteArray()))).isEqualTo(RejectReason.KEY_MISMATCH);
    assertThat(reason(GroupRules.decode("g", proto("g", "a", "q", 0).toByteArray()))).isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(reason(GroupRules.decode("g", proto("g", "", "q", 1).toByteArray()))).isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(reason(GroupRules.decode("", proto("", "a", "q", 1).toByteArray()))).isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(reason(GroupRules.decode("g", proto("g", "a", "", 1).toByteArray()))).isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(reason(GroupRules.decode("g", proto("g", "a", "q", 1).toBuilder().setToolCallCount(-1).build().toByteArray())))
        .isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(reason(GroupRules.decode(null, proto("g", "a", "q", 1).toByteArray()))).as("no key").isEqualTo(RejectReason.KEY_MISMATCH);
    GroupRules.Decoded ok = GroupRules.decode("g", proto("g", "a", "q", 1).toByteArray());
    assertThat(ok).isInstanceOf(GroupRules.Accepted.class);
    assertThat(((GroupRules.Accepted) ok).trajectory().trajectoryId()).isEqualTo("a");
  }

  static RejectReason reason(GroupRules.Decoded d) {
    assertThat(d).isInstanceOf(GroupRules.Refused.class);
    return ((GroupRules.Refused) d).rejection().reason();
  }
}
