package ai.otc.reward.messaging;

import ai.otc.reward.core.RewardTopics;

/**
 * Topic and header names of the reward service, shared with its tests. The values come from
 * {@link RewardTopics} in reward-core so that {@code ./otc rescore} uses the same names; the
 * service's actual topics can be renamed with {@code otc.reward.topics.*}.
 */
public final class Topics {

  /** Input: one {@code Trajectory} per record, key = group id. */
  public static final String ROLLOUTS = RewardTopics.ROLLOUTS;
  /** Output: one {@code ScoredGroup} per group, key = group id. */
  public static final String REWARDED = RewardTopics.REWARDED;
  /** Dead letters: undecodable or contract-violating rollout records, with reason headers. */
  public static final String ROLLOUTS_DLQ = RewardTopics.ROLLOUTS_DLQ;

  public static final String HEADER_TYPE = RewardTopics.HEADER_TYPE;
  public static final String HEADER_VERSION = RewardTopics.HEADER_VERSION;
  public static final String DLQ_REASON = RewardTopics.DLQ_REASON;
  public static final String DLQ_DETAIL = RewardTopics.DLQ_DETAIL;
  public static final String DLQ_SOURCE_TOPIC = RewardTopics.DLQ_SOURCE_TOPIC;
  public static final String DLQ_SOURCE_PARTITION = RewardTopics.DLQ_SOURCE_PARTITION;
  public static final String DLQ_SOURCE_OFFSET = RewardTopics.DLQ_SOURCE_OFFSET;

  private Topics() {}
}
