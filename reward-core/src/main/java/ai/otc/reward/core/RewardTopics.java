package ai.otc.reward.core;

/**
 * Names of the topics and record headers the reward stage reads and writes (ARCHITECTURE.md
 * "Events"). Shared by reward-service (which re-exports them in {@code ai.otc.reward.messaging}),
 * {@code ./otc rescore} and the tests, so a rename happens in one place.
 */
public final class RewardTopics {

  /** Trajectories, one record per trajectory, key = group id (input). */
  public static final String ROLLOUTS = "otc.rollouts.v1";
  /** Scored GRPO groups, key = group id (output, the learner's input). */
  public static final String REWARDED = "otc.rewarded.v1";
  /** Rollout records that could not be decoded or violate the group contract, with reason headers. */
  public static final String ROLLOUTS_DLQ = "otc.rollouts.v1.dlq";

  /** Header carrying the protobuf message type of a record's value ("records are plain protobuf bytes with the type in headers"). */
  public static final String HEADER_TYPE = "otc-type";
  /** Header carrying the contract version of a record's value. */
  public static final String HEADER_VERSION = "otc-version";
  /** Value of {@link #HEADER_TYPE} on otc.rewarded.v1. */
  public static final String TYPE_SCORED_GROUP = "otc.v1.ScoredGroup";

  /** Dead-letter header: why the record was rejected (a {@link RejectReason} wire name). */
  public static final String DLQ_REASON = "dlq-reason";
  /** Dead-letter header: human-readable detail (the decoder's message, the offending field). */
  public static final String DLQ_DETAIL = "dlq-detail";
  /** Dead-letter header: the topic the record was read from. */
  public static final String DLQ_SOURCE_TOPIC = "dlq-source-topic";
  /** Dead-letter header: the partition it was read from (decimal). */
  public static final String DLQ_SOURCE_PARTITION = "dlq-source-partition";
  /** Dead-letter header: its offset in that partition (decimal). */
  public static final String DLQ_SOURCE_OFFSET = "dlq-source-offset";

  private RewardTopics() {}
}
