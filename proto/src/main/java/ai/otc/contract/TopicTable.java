package ai.otc.contract;

import ai.otc.contract.TopicSpec.Cleanup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The platform's topics, the one source of truth for local start-up (services create what is missing
 * from these rows) and for deployments: {@link #toJson()} renders the same rows into
 * {@code proto/src/main/resources/ai/otc/contract/topics.json} (committed, and inside the otc-proto
 * jar), which the Kubernetes manifests read; {@code TopicTableTest} fails when that file and this
 * class differ.
 *
 * <p>Partitions are sized for the loop on one machine and a small cluster; replicas and min in-sync
 * are for a production cluster (local start-up creates with replication factor 1).
 */
public final class TopicTable {

  private static final long DAY_MS = 24L * 60 * 60 * 1000;
  private static final long WEEK_MS = 7 * DAY_MS;
  private static final long MONTH_MS = 30 * DAY_MS;
  private static final int REPLICAS = 3;
  private static final int MIN_ISR = 2;

  private static final String ROLLOUT = "rollout-service";
  private static final String REWARD = "reward-service";
  private static final String LEARNER = "learner-service";
  private static final String GATEWAY = "tool-gateway";
  private static final String RESCORE = "otc-cli rescore";
  private static final String EVALUATOR = "otc-cli demo";
  private static final String REPORT = "otc-cli report";

  /** Compaction only cleans closed segments: 64 MiB (not Kafka's 1 GiB) keeps a changelog's restore close to its live keys. */
  private static final Map<String, String> CHANGELOG = Map.of("segment.bytes", Integer.toString(64 << 20));

  private static final List<TopicSpec> ALL = List.of(
      new TopicSpec(Topics.ROLLOUTS, "group id", Headers.TYPE_TRAJECTORY, 4, Cleanup.DELETE, WEEK_MS, REPLICAS, MIN_ISR,
          Map.of(), List.of(ROLLOUT), List.of(REWARD, RESCORE), false,
          "one trajectory per record; all members of a GRPO group share the key"),
      new TopicSpec(Topics.REWARDED, "group id", Headers.TYPE_SCORED_GROUP, 4, Cleanup.DELETE, WEEK_MS, REPLICAS, MIN_ISR,
          Map.of(), List.of(REWARD), List.of(LEARNER), false,
          "one scored GRPO group per record, id <group_id>@<reward>:<version>; the learner's input"),
      new TopicSpec(Topics.ROLLOUTS_DLQ, "as source", "as source (the poison record)", 1, Cleanup.DELETE, MONTH_MS, REPLICAS,
          MIN_ISR, Map.of(), List.of(REWARD), List.of(), false,
          "rollout records reward-service cannot decode or that break the group contract, with dlq-* headers"),
      new TopicSpec(Topics.REWARDED_DLQ, "as source", "as source (the poison record)", 1, Cleanup.DELETE, MONTH_MS, REPLICAS,
          MIN_ISR, Map.of(), List.of(LEARNER), List.of(), false,
          "scored-group records the learner cannot decode or use, with dlq-* headers"),
      new TopicSpec(Topics.TOOL_USAGE, "tenant", Headers.TYPE_TOOL_USAGE, 4, Cleanup.DELETE, MONTH_MS, REPLICAS, MIN_ISR,
          Map.of(), List.of(GATEWAY), List.of(), false,
          "one CloudEvents-shaped usage event per tool call, id <tenant>/<trajectory_id>:<call_index>; analytics and billing tap it"),
      new TopicSpec(Topics.POLICY, "run id", Headers.TYPE_POLICY_MANIFEST, 1, Cleanup.COMPACT, -1, REPLICAS, MIN_ISR,
          Map.of(), List.of(LEARNER), List.of(ROLLOUT), false,
          "policy versions of a run (the newest per run id survives compaction); rollouts pull the weights it points to"),
      new TopicSpec(Topics.METRICS, "run id", Headers.TYPE_STEP_METRICS, 1, Cleanup.DELETE, MONTH_MS, REPLICAS, MIN_ISR,
          Map.of(), List.of(LEARNER), List.of(), false,
          "per-step training metrics (EM, TC, TP, loss, KL) for dashboards and reports"),
      new TopicSpec(Topics.EVALUATIONS, "run id", Headers.TYPE_TRAJECTORY, 1, Cleanup.DELETE, MONTH_MS, REPLICAS, MIN_ISR,
          Map.of(), List.of(EVALUATOR), List.of(REPORT), false,
          "greedy test-split trajectories of a run's final policy, through the gateway; the report's final tables"),
      new TopicSpec(Topics.rewardGroups(Topics.REWARD_APPLICATION_ID), "group id",
          "9-byte group marker: type (1 open, 2 finished) + epoch ms, big-endian", 4, Cleanup.COMPACT, -1, REPLICAS, MIN_ISR,
          CHANGELOG, List.of(REWARD), List.of(REWARD), true,
          "reward-service's group markers, <otc.reward.application-id>-groups; as many partitions as otc.rollouts.v1"),
      new TopicSpec(Topics.rewardOptimalCalls(Topics.REWARD_APPLICATION_ID), "question id", "int32 n, big-endian", 1,
          Cleanup.COMPACT, -1, REPLICAS, MIN_ISR, CHANGELOG, List.of(REWARD), List.of(REWARD), true,
          "reward-service's per-question optimal tool-call count n, <otc.reward.application-id>-optimal-calls"));

  private static final Map<String, TopicSpec> BY_NAME = index();

  private TopicTable() {}

  private static Map<String, TopicSpec> index() {
    Map<String, TopicSpec> m = new LinkedHashMap<>();
    for (TopicSpec s : ALL) {
      if (m.put(s.name(), s) != null) {
        throw new IllegalStateException("topic " + s.name() + " twice in the table");
      }
    }
    return m;
  }

  /** Every row, in the order of the table. */
  public static List<TopicSpec> all() {
    return ALL;
  }

  /** The row of {@code name}, if it is a platform topic. */
  public static Optional<TopicSpec> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The row of {@code name}; throws naming it when it is not in the table. */
  public static TopicSpec get(String name) {
    TopicSpec s = BY_NAME.get(name);
    if (s == null) {
      throw new IllegalArgumentException("topic " + name + " is not in the topic table (ai.otc.contract.TopicTable)");
    }
    return s;
  }

  /** reward-service's group-marker changelog for {@code applicationId}, sized after the rollouts topic's actual partitions. */
  public static TopicSpec rewardGroups(String applicationId, int rolloutsPartitions) {
    return get(Topics.rewardGroups(Topics.REWARD_APPLICATION_ID)).withName(Topics.rewardGroups(applicationId))
        .withPartitions(rolloutsPartitions);
  }

  /** reward-service's optimal-call changelog for {@code applicationId}. */
  public static TopicSpec rewardOptimalCalls(String applicationId) {
    return get(Topics.rewardOptimalCalls(Topics.REWARD_APPLICATION_ID)).withName(Topics.rewardOptimalCalls(applicationId));
  }

  /** The table as JSON, exactly as committed in {@code ai/otc/contract/topics.json} (see the class comment). */
  public static String toJson() {
    StringBuilder b = new StringBuilder();
    b.append("{\n");
    b.append("  \"generated_by\": \"ai.otc.contract.TopicTable (proto module); do not edit, TopicTableTest checks this file\",\n");
    b.append("  \"header_version\": ").append(str(Headers.VERSION_VALUE)).append(",\n");
    b.append("  \"topics\": [\n");
    for (int i = 0; i < ALL.size(); i++) {
      TopicSpec s = ALL.get(i);
      b.append("    {\n");
      b.append("      \"name\": ").append(str(s.name())).append(",\n");
      b.append("      \"key\": ").append(str(s.key())).append(",\n");
      b.append("      \"value\": ").append(str(s.value())).append(",\n");
      b.append("      \"partitions\": ").append(s.partitions()).append(",\n");
      b.append("      \"replicas\": ").append(s.replicas()).append(",\n");
      b.append("      \"cleanup_policy\": ").append(str(s.cleanup().kafkaValue())).append(",\n");
      b.append("      \"retention_ms\": ").append(s.retentionMs()).append(",\n");
      b.append("      \"min_insync_replicas\": ").append(s.minInSyncReplicas()).append(",\n");
      b.append("      \"config\": {");
      Map<String, String> c = s.configs(s.replicas());
      int j = 0;
      for (Map.Entry<String, String> e : c.entrySet()) {
        b.append(j++ == 0 ? "" : ", ").append(str(e.getKey())).append(": ").append(str(e.getValue()));
      }
      b.append("},\n");
      b.append("      \"writers\": ").append(list(s.writers())).append(",\n");
      b.append("      \"readers\": ").append(list(s.readers())).append(",\n");
      b.append("      \"internal\": ").append(s.internal()).append(",\n");
      b.append("      \"description\": ").append(str(s.description())).append("\n");
      b.append(i == ALL.size() - 1 ? "    }\n" : "    },\n");
    }
    b.append("  ]\n}\n");
    return b.toString();
  }

  private static String list(List<String> l) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < l.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(str(l.get(i)));
    }
    return b.append(']').toString();
  }

  private static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
