package ai.otc.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.learner.batch.StalenessGate;
import ai.otc.learner.domain.GroupDecision;
import ai.otc.learner.support.Groups;
import ai.otc.proto.v1.ScoredGroup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Batch assembly without Kafka: run-id filter, dedupe by {@code ScoredGroup.id} (within a batch, across steps, and
 * forgotten beyond the window), the staleness decisions (fresh, dropped, corrected) counted per step and reported per
 * record, dead letters for undecodable and untrainable records, and offsets that cover exactly the decided records.
 */
class BatchAssemblerTest {

  private static final int V = 20;
  private static final BatchAssembler.Limits LIMITS = new BatchAssembler.Limits(V, 32);

  /** Collects what the assembler reports. */
  static final class Collect implements BatchAssembler.Sink {
    final Map<GroupDecision, Integer> decided = new EnumMap<>(GroupDecision.class);
    final List<String> deadLetters = new ArrayList<>();

    @Override
    public void decided(GroupDecision d) {
      decided.merge(d, 1, Integer::sum);
    }

    @Override
    public void deadLetter(BatchAssembler.Polled record, String reason, String detail) {
      deadLetters.add(record.partition() + "@" + record.offset() + ":" + reason);
    }
  }

  private static BatchAssembler.Polled rec(int partition, long offset, ScoredGroup g) {
    return new BatchAssembler.Polled(partition, offset, g.getGroupId(), g.toByteArray(), null);
  }

  private static BatchAssembler assembler(int b, int k, StalenessGate.Policy p, GroupLedger ledger) {
    return new BatchAssembler("r", b, new StalenessGate(k, p), LIMITS, ledger, Map.of(0, 0L, 1, 0L));
  }

  /** {@code g} as another reward service scores it: the same group id under reward {@code name}. */
  private static ScoredGroup scoredWith(ScoredGroup g, ai.otc.proto.v1.RewardName name) {
    String label = ai.otc.learner.domain.RewardSelector.label(name);
    return g.toBuilder().setId(g.getGroupId() + "@" + label + ":v1")
        .setReward(g.getReward().toBuilder().setName(name)).build();
  }

  @Test
  void trainsOnlyTheConfiguredRewardWhenSeveralRewardServicesScoreTheSameGroups() {
    BatchAssembler a = new BatchAssembler("r", ai.otc.learner.domain.RewardSelector.of("em"), 2,
        new StalenessGate(1, StalenessGate.Policy.DROP), LIMITS, new GroupLedger(10, List.of()), Map.of(0, 0L, 1, 0L));
    Collect sink = new Collect();
    ScoredGroup q1 = Groups.group("r", 0, 1, 4, 0, V, 1);
    ScoredGroup q2 = Groups.group("r", 0, 2, 4, 0, V, 1);
    // the OTC-GRPO service's record of q1 arrives first, then the EM service's, then both of q2 the other way round
    a.add(rec(0, 0, q1));
    a.add(rec(1, 0, scoredWith(q1, ai.otc.proto.v1.RewardName.REWARD_NAME_EM)));
    a.add(rec(1, 1, scoredWith(q2, ai.otc.proto.v1.RewardName.REWARD_NAME_EM)));
    a.add(rec(0, 1, scoredWith(q2, ai.otc.proto.v1.RewardName.REWARD_NAME_OTC_PPO)));
    a.add(rec(0, 2, q2));
    assertThat(a.fill(0, sink)).isTrue();
    BatchAssembler.Batch b = a.take();
    assertThat(b.groups()).extracting(x -> x.group().getReward().getName())
        .containsOnly(ai.otc.proto.v1.RewardName.REWARD_NAME_EM);
    assertThat(b.groups()).extracting(x -> x.group().getGroupId()).containsExactly(q1.getGroupId(), q2.getGroupId());
    assertThat(b.decisions()).containsEntry(GroupDecision.FRESH, 2L).containsEntry(GroupDecision.OTHER_REWARD, 1L);
    assertThat(a.queued()).as("decided up to the batch's last group").isEqualTo(2);
    a.fill(1, sink);
    assertThat(sink.decided).isEqualTo(Map.of(GroupDecision.FRESH, 2, GroupDecision.OTHER_REWARD, 3));
  }

  @Test
  void withoutAConfiguredRewardTheFirstGroupFixesIt() {
    BatchAssembler a = assembler(2, 1, StalenessGate.Policy.DROP, new GroupLedger(10, List.of()));
    Collect sink = new Collect();
    ScoredGroup q1 = Groups.group("r", 0, 1, 4, 0, V, 1);
    a.add(rec(0, 0, Groups.group("other", 0, 9, 4, 0, V, 1)));   // another run's reward does not count
    a.add(rec(0, 1, scoredWith(q1, ai.otc.proto.v1.RewardName.REWARD_NAME_EM)));
    a.add(rec(0, 2, q1));
    a.add(rec(0, 3, scoredWith(Groups.group("r", 0, 2, 4, 0, V, 1), ai.otc.proto.v1.RewardName.REWARD_NAME_EM)));
    assertThat(a.fill(0, sink)).isTrue();
    assertThat(a.take().groups()).extracting(x -> x.group().getReward().getName())
        .containsExactly(ai.otc.proto.v1.RewardName.REWARD_NAME_EM, ai.otc.proto.v1.RewardName.REWARD_NAME_EM);
    assertThat(sink.decided).isEqualTo(Map.of(GroupDecision.FRESH, 2, GroupDecision.OTHER_RUN, 1, GroupDecision.OTHER_REWARD, 1));
  }

  @Test
  void aRewardThatIsNotInTheContractIsRefusedNamingTheKey() {
    assertThat(ai.otc.learner.domain.RewardSelector.parse("otc-grpo")).isEqualTo(ai.otc.proto.v1.RewardName.REWARD_NAME_OTC_GRPO);
    assertThat(ai.otc.learner.domain.RewardSelector.parse("OTC-PPO")).isEqualTo(ai.otc.proto.v1.RewardName.REWARD_NAME_OTC_PPO);
    assertThat(ai.otc.learner.domain.RewardSelector.parse("em:v1")).isEqualTo(ai.otc.proto.v1.RewardName.REWARD_NAME_EM);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ai.otc.learner.domain.RewardSelector.parse("f1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("otc.learner.reward").hasMessageContaining("f1");
  }

  @Test
  void filtersOtherRunsDedupesAndFillsExactlyBGroups() {
    GroupLedger ledger = new GroupLedger(10, List.of());
    BatchAssembler a = assembler(3, 1, StalenessGate.Policy.DROP, ledger);
    Collect sink = new Collect();
    a.add(rec(0, 0, Groups.group("r", 0, 1, 4, 0, V, 1)));
    a.add(rec(1, 0, Groups.group("other", 0, 1, 4, 0, V, 1)));
    a.add(rec(1, 1, Groups.group("r", 0, 1, 4, 0, V, 1)));   // the same ScoredGroup.id again
    a.add(rec(0, 1, Groups.group("r", 0, 2, 4, 0, V, 1)));
    assertThat(a.fill(0, sink)).isFalse();
    a.add(rec(1, 2, Groups.group("r", 0, 3, 4, 0, V, 1)));
    a.add(rec(0, 2, Groups.group("r", 0, 4, 4, 0, V, 1)));   // beyond B: stays queued
    assertThat(a.fill(0, sink)).isTrue();

    BatchAssembler.Batch b = a.take();
    assertThat(b.groups()).extracting(x -> x.group().getId())
        .containsExactly(Groups.id("r", 0, 1), Groups.id("r", 0, 2), Groups.id("r", 0, 3));
    assertThat(b.samples()).hasSize(12);
    assertThat(b.decisions()).containsEntry(GroupDecision.FRESH, 3L).containsEntry(GroupDecision.OTHER_RUN, 1L)
        .containsEntry(GroupDecision.DUPLICATE, 1L).doesNotContainKey(GroupDecision.STALE_DROPPED);
    assertThat(sink.decided).isEqualTo(Map.of(GroupDecision.FRESH, 3, GroupDecision.OTHER_RUN, 1, GroupDecision.DUPLICATE, 1));
    // Partition 0's offset 2 (q4) is still queued: the checkpoint must make it read again.
    assertThat(b.offsets()).isEqualTo(Map.of(0, 2L, 1, 3L));
    assertThat(a.queued()).isEqualTo(1);

    ledger.close(1, b.groups().stream().map(x -> x.group().getId()).toList(), b.droppedIds());
    // A re-delivered group of the trained step is a duplicate in the next one.
    a.add(rec(1, 3, Groups.group("r", 0, 2, 4, 0, V, 1)));
    a.fill(1, sink);
    assertThat(a.size()).isEqualTo(1);
    assertThat(sink.decided.get(GroupDecision.DUPLICATE)).isEqualTo(2);
  }

  @Test
  void staleGroupsAreDroppedOrCorrectedAndCounted() {
    // Learner at version 3 with K = 1: versions >= 2 are fresh.
    for (StalenessGate.Policy p : StalenessGate.Policy.values()) {
      BatchAssembler a = assembler(2, 1, p, new GroupLedger(10, List.of()));
      Collect sink = new Collect();
      a.add(rec(0, 0, Groups.group("r", 1, 1, 2, 1, V, 1)));   // 2 versions behind
      a.add(rec(0, 1, Groups.group("r", 2, 2, 2, 2, V, 1)));   // within the bound
      a.add(rec(0, 2, Groups.group("r", 3, 3, 2, 3, V, 1)));
      assertThat(a.fill(3, sink)).isTrue();
      BatchAssembler.Batch b = a.take();
      if (p == StalenessGate.Policy.DROP) {
        assertThat(b.droppedIds()).containsExactly(Groups.id("r", 1, 1));
        assertThat(b.groups()).extracting(x -> x.group().getQuestionId()).containsExactly("q2", "q3");
        assertThat(b.decisions()).containsEntry(GroupDecision.STALE_DROPPED, 1L).containsEntry(GroupDecision.FRESH, 2L);
        assertThat(b.offsets()).containsEntry(0, 3L);
      } else {
        assertThat(b.droppedIds()).isEmpty();
        assertThat(b.groups()).extracting(BatchAssembler.Accepted::corrected).containsExactly(true, false);
        assertThat(b.groups().getFirst().samples()).allMatch(s -> s.importanceCorrected());
        assertThat(b.groups().get(1).samples()).noneMatch(s -> s.importanceCorrected());
        assertThat(b.groups()).extracting(BatchAssembler.Accepted::staleness).containsExactly(2L, 1L);
        assertThat(b.decisions()).containsEntry(GroupDecision.STALE_CORRECTED, 1L).containsEntry(GroupDecision.FRESH, 1L);
        assertThat(b.offsets()).containsEntry(0, 2L);
      }
    }
  }

  @Test
  void undecodableAndUntrainableRecordsAreDeadLettered() {
    BatchAssembler a = assembler(1, 1, StalenessGate.Policy.DROP, new GroupLedger(10, List.of()));
    Collect sink = new Collect();
    a.add(new BatchAssembler.Polled(0, 0, "x", "not a protobuf".getBytes(StandardCharsets.UTF_8), null));
    a.add(new BatchAssembler.Polled(0, 1, "x", null, null));
    ScoredGroup g = Groups.group("r", 0, 1, 2, 0, V, 1);
    ScoredGroup badToken = g.toBuilder().setId("bad-token").setMembers(0, g.getMembers(0).toBuilder()
        .setTrajectory(g.getMembers(0).getTrajectory().toBuilder().setResponseTokenIds(0, V))).build();
    ScoredGroup badMask = g.toBuilder().setId("bad-mask").setMembers(1, g.getMembers(1).toBuilder()
        .setTrajectory(g.getMembers(1).getTrajectory().toBuilder().addLossMask(1))).build();
    ScoredGroup empty = g.toBuilder().setId("empty").clearMembers().build();
    a.add(rec(0, 2, badToken));
    a.add(rec(0, 3, badMask));
    a.add(rec(0, 4, empty));
    a.add(rec(0, 5, g));
    assertThat(a.fill(0, sink)).isTrue();
    assertThat(sink.deadLetters).containsExactly("0@0:undecodable", "0@1:undecodable", "0@2:invalid-group", "0@3:invalid-group",
        "0@4:invalid-group");
    BatchAssembler.Batch b = a.take();
    assertThat(b.decisions()).containsEntry(GroupDecision.DEAD_LETTER, 5L).containsEntry(GroupDecision.FRESH, 1L);
    assertThat(b.offsets()).containsEntry(0, 6L);
  }

  @Test
  void aTooLongTrajectoryIsRefusedNamingTheContext() {
    BatchAssembler a = new BatchAssembler("r", 1, new StalenessGate(1, StalenessGate.Policy.DROP),
        new BatchAssembler.Limits(V, 6), new GroupLedger(10, List.of()), Map.of());
    List<String> details = new ArrayList<>();
    a.add(rec(0, 0, Groups.group("r", 0, 1, 2, 0, V, 1)));
    a.fill(0, new BatchAssembler.Sink() {
      @Override
      public void decided(GroupDecision d) {}

      @Override
      public void deadLetter(BatchAssembler.Polled record, String reason, String detail) {
        details.add(detail);
      }
    });
    assertThat(details).singleElement().asString().contains("the model's context is 6");
    assertThatThrownBy(a::take).hasMessageContaining("holds 0 of 1 groups");
  }

  @Test
  void theLedgerForgetsStepsBeyondItsWindowAndRestoresFromEntries() {
    GroupLedger l = new GroupLedger(2, List.of());
    l.close(1, List.of("a"), List.of("x"));
    l.close(2, List.of("b"), List.of());
    assertThat(l.seen("a")).isTrue();
    assertThat(l.seen("x")).isTrue();
    l.close(3, List.of("c"), List.of());
    assertThat(l.seen("a")).isFalse();
    assertThat(l.seen("x")).isFalse();
    assertThat(l.seen("b")).isTrue();
    GroupLedger restored = new GroupLedger(2, l.entries());
    assertThat(restored.entries()).isEqualTo(l.entries());
    assertThat(restored.seen("c")).isTrue();
    assertThat(restored.size()).isEqualTo(2);
  }
}
