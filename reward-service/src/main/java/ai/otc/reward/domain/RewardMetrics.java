package ai.otc.reward.domain;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.reward.core.RejectReason;
import ai.otc.reward.core.TimeoutPolicy;

/**
 * The events the stream processors report (groups completed / timed out / dropped, duplicates,
 * dead letters, reward and n distributions). Kept as an interface so the topology runs in
 * TopologyTestDriver tests without a meter registry; the service binds it to Micrometer.
 */
public interface RewardMetrics {

  /** A group got all its expected members. */
  void groupCompleted(int size);

  /** A group was still incomplete at its timeout and was handled by {@code policy}. */
  void groupTimedOut(TimeoutPolicy policy, int present, int expected);

  /** A trajectory id already present in its pending group arrived again. */
  void duplicateIgnored();

  /** A member of an already completed (or dropped) group arrived. */
  void lateMemberIgnored();

  /** A rollout record went to the dead-letter topic. */
  void deadLettered(RejectReason reason);

  /** A group was scored and produced to otc.rewarded.v1. */
  void groupScored(ScoredGroup group);

  /** Does nothing: for topology tests. */
  RewardMetrics NOOP = new RewardMetrics() {
    @Override public void groupCompleted(int size) {}
    @Override public void groupTimedOut(TimeoutPolicy policy, int present, int expected) {}
    @Override public void duplicateIgnored() {}
    @Override public void lateMemberIgnored() {}
    @Override public void deadLettered(RejectReason reason) {}
    @Override public void groupScored(ScoredGroup group) {}
  };
}
