package ai.otc.contract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the {@link TopicTable}: what a topic holds and how a deployment creates it.
 *
 * @param name the topic name (a service may be configured to use another name for the same row)
 * @param key what the record key is, in words (e.g. "group id")
 * @param value the record value: a protobuf message's full name (then also the {@link Headers#TYPE}
 *     header value), or a description of a service-internal encoding
 * @param partitions partitions to create it with
 * @param cleanup delete (time-based retention) or compact (the latest record per key is kept)
 * @param retentionMs {@code retention.ms}; -1 = no time limit (compacted topics)
 * @param replicas replication factor for a production cluster (local start-up uses its own, usually 1)
 * @param minInSyncReplicas {@code min.insync.replicas} for a production cluster (capped at the
 *     replication factor actually used)
 * @param extraConfigs further topic configs (e.g. {@code segment.bytes}), exact Kafka keys and values
 * @param writers the services that produce to it
 * @param readers the services that consume it (besides operators and analytics)
 * @param internal a service's own state topic (only its owner reads and writes it)
 * @param description one sentence: what the topic is for
 */
public record TopicSpec(String name, String key, String value, int partitions, Cleanup cleanup, long retentionMs,
    int replicas, int minInSyncReplicas, Map<String, String> extraConfigs, List<String> writers, List<String> readers,
    boolean internal, String description) {

  /** {@code cleanup.policy}. */
  public enum Cleanup {
    DELETE("delete"), COMPACT("compact");

    private final String kafkaValue;

    Cleanup(String kafkaValue) {
      this.kafkaValue = kafkaValue;
    }

    /** The {@code cleanup.policy} value. */
    public String kafkaValue() {
      return kafkaValue;
    }
  }

  /** Validates the row. */
  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(cleanup, "cleanup");
    if (name.isBlank() || partitions < 1 || replicas < 1 || minInSyncReplicas < 1 || minInSyncReplicas > replicas
        || retentionMs < -1 || retentionMs == 0) {
      throw new IllegalArgumentException("bad topic spec " + name + ": partitions " + partitions + ", replicas " + replicas
          + ", min in-sync " + minInSyncReplicas + ", retention.ms " + retentionMs);
    }
    for (String k : extraConfigs.keySet()) {
      if (k.equals("cleanup.policy") || k.equals("retention.ms") || k.equals("min.insync.replicas")) {
        throw new IllegalArgumentException("topic " + name + ": " + k + " is a column of its own, not an extra config");
      }
    }
    extraConfigs = Map.copyOf(extraConfigs);
    writers = List.copyOf(writers);
    readers = List.copyOf(readers);
  }

  /** The same row under another name (a service configured to use another topic name, or another application id). */
  public TopicSpec withName(String newName) {
    return new TopicSpec(newName, key, value, partitions, cleanup, retentionMs, replicas, minInSyncReplicas, extraConfigs,
        writers, readers, internal, description);
  }

  /** The same row with another partition count (a local override, or a changelog sized after its source). */
  public TopicSpec withPartitions(int newPartitions) {
    return new TopicSpec(name, key, value, newPartitions, cleanup, retentionMs, replicas, minInSyncReplicas, extraConfigs,
        writers, readers, internal, description);
  }

  /** Whether the value is a contract message (then its records carry the {@link Headers} type and version). */
  public boolean hasMessageValue() {
    return Headers.TYPES.contains(value);
  }

  /**
   * The topic configs to create it with (Kafka keys and values, also Strimzi {@code KafkaTopic.spec.config}):
   * {@code cleanup.policy}, {@code retention.ms}, {@code min.insync.replicas} (at most
   * {@code replicationFactor}) and the extra configs, in a stable order.
   */
  public Map<String, String> configs(int replicationFactor) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("cleanup.policy", cleanup.kafkaValue());
    c.put("retention.ms", Long.toString(retentionMs));
    c.put("min.insync.replicas", Integer.toString(Math.min(minInSyncReplicas, replicationFactor)));
    extraConfigs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> c.put(e.getKey(), e.getValue()));
    return c;
  }
}
