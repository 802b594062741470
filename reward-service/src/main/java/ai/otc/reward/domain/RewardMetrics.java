package ai.otc.reward.domain;

import ai.otc.reward.core.RejectReason;
import ai.otc.reward.core.ScoredGroupWriter;
import ai.otc.reward.core.TimeoutPolicy;

/**
 * The events the reward pipeline reports (groups completed / timed out / dropped, duplicates,
 * dead letters, reward and n distributions). Kept as an interface so the pipeline runs in unit
 * tests without a meter registry; the service binds it to Micrometer.
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

  /** A trajectory of a run this service does not score ({@code otc.reward.run-ids}) was skipped. */
  void otherRunSkipped();

  /** A rollout record went to the dead-letter topic. */
  void deadLettered(RejectReason reason);

  /**
   * A group was scored and produced to otc.rewarded.v1.
   *
   * @param otcGrpo whether the reward is OTC-GRPO (where an absent n means "undefined")
   */
  void groupScored(ScoredGroupWriter.Result group, boolean partial, boolean otcGrpo);

  /** Does nothing: for pipeline tests. */
  RewardMetrics NOOP = new RewardMetrics() {
    @Override public void groupCompleted(int size) {}
    @Override public void groupTimedOut(TimeoutPolicy policy, int present, int expected) {}
    @Override public void duplicateIgnored() {}
    @Override public void lateMemberIgnored() {}
    @Override public void otherRunSkipped() {}
    @Override public void deadLettered(RejectReason reason) {}
    @Override public void groupScored(ScoredGroupWriter.Result group, boolean partial, boolean otcGrpo) {}
  };
}
