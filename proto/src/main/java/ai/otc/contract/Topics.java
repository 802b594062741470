package ai.otc.contract;

/**
 * Names of the platform's topics (ARCHITECTURE.md "Events"); their keys, value types, partitions,
 * retention and compaction are in {@link TopicTable}. Services may rename a topic by configuration,
 * but these are the names a deployment creates.
 */
public final class Topics {

  /** Trajectories, one {@code otc.v1.Trajectory} per record, key = group id (rollout-service → reward-service). */
  public static final String ROLLOUTS = "otc.rollouts.v1";
  /** Scored GRPO groups, one {@code otc.v1.ScoredGroup} per record, key = group id (reward-service → learner-service). */
  public static final String REWARDED = "otc.rewarded.v1";
  /** One {@code otc.v1.ToolUsage} per tool call, key = tenant (tool-gateway → analytics, billing). */
  public static final String TOOL_USAGE = "otc.tool-usage.v1";
  /** Policy versions, one {@code otc.v1.PolicyManifest} per version, key = run id, compacted (learner → rollouts). */
  public static final String POLICY = "otc.policy.v1";
  /** Per-step training metrics, one {@code otc.v1.StepMetrics} per record, key = run id (learner → dashboards). */
  public static final String METRICS = "otc.metrics.v1";
  /**
   * Final evaluations: one greedy {@code otc.v1.Trajectory} per test question of an evaluated policy, key = run id
   * ({@code ./otc demo} and {@code ./otc eval --gateway} → {@code ./otc report}). Kept apart from {@link #ROLLOUTS} so
   * that no reward service or learner ever trains on an evaluation.
   */
  public static final String EVALUATIONS = "otc.evaluations.v1";

  /** Suffix of a dead-letter topic: {@code <source>.dlq} holds the source's poison records with reason headers. */
  public static final String DLQ_SUFFIX = ".dlq";
  /** Dead letters of reward-service: rollout records it cannot decode or that break the group contract. */
  public static final String ROLLOUTS_DLQ = ROLLOUTS + DLQ_SUFFIX;
  /** Dead letters of the learner: scored-group records it cannot decode or use. */
  public static final String REWARDED_DLQ = REWARDED + DLQ_SUFFIX;

  /** Default {@code otc.reward.application-id}: the prefix of reward-service's consumer group, transactional ids and changelogs. */
  public static final String REWARD_APPLICATION_ID = "otc-reward-service";

  private Topics() {}

  /** The dead-letter topic of {@code source}. */
  public static String dlq(String source) {
    return source + DLQ_SUFFIX;
  }

  /** Whether {@code topic} is a dead-letter topic. */
  public static boolean isDlq(String topic) {
    return topic.endsWith(DLQ_SUFFIX);
  }

  /** The source topic of dead-letter topic {@code dlq}. */
  public static String dlqSource(String dlq) {
    if (!isDlq(dlq)) {
      throw new IllegalArgumentException(dlq + " is not a dead-letter topic (no " + DLQ_SUFFIX + " suffix)");
    }
    return dlq.substring(0, dlq.length() - DLQ_SUFFIX.length());
  }

  /**
   * reward-service's compacted group-marker changelog, key = group id, one partition per rollouts
   * partition (a group's marker lives in the partition its first member came from).
   */
  public static String rewardGroups(String applicationId) {
    return applicationId + "-groups";
  }

  /** reward-service's compacted optimal-call table, key = question id, value = int32 n (big-endian), one partition. */
  public static String rewardOptimalCalls(String applicationId) {
    return applicationId + "-optimal-calls";
  }
}
