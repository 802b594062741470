package ai.otc.cli.platform;

import ai.otc.contract.Topics;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.proto.v1.StepMetrics;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows one run on the broker: its {@code StepMetrics} on {@code otc.metrics.v1} and its {@code PolicyManifest}s on
 * {@code otc.policy.v1} (both keyed by run id), read_committed from the beginning, without a consumer group (it
 * commits nothing and leaves no trace). A step published twice (a learner that restarted between its publish and its
 * checkpoint) is reported once.
 */
final class RunFollower implements AutoCloseable {
  private final String runId;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<Long, StepMetrics> steps = new TreeMap<>();
  private final Map<Long, PolicyManifest> manifests = new HashMap<>();
  private long reported;

  RunFollower(String bootstrap, String runId) {
    this.runId = runId;
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "otc-train-" + runId);
    this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (String topic : List.of(Topics.METRICS, Topics.POLICY)) {
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(topic, p.partition()));
      }
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
  }

  /** Polls for up to {@code max}; returns the run's steps not reported before, in step order, without gaps. */
  List<StepMetrics> poll(Duration max) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(max)) {
      if (r.key() == null || !runId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
        continue;
      }
      try {
        if (r.topic().equals(Topics.METRICS)) {
          StepMetrics m = StepMetrics.parseFrom(r.value());
          if (m.getRunId().equals(runId)) {
            steps.putIfAbsent(m.getStep(), m);
          }
        } else {
          PolicyManifest m = PolicyManifest.parseFrom(r.value());
          if (m.getRunId().equals(runId)) {
            manifests.put(m.getVersion(), m);
          }
        }
      } catch (InvalidProtocolBufferException e) {
        // not this run's record after all (or a poison record): nothing to follow
      }
    }
    List<StepMetrics> fresh = new ArrayList<>();
    while (steps.containsKey(reported + 1)) {
      fresh.add(steps.get(++reported));
    }
    return fresh;
  }

  /** The manifest of {@code version}, once seen. */
  Optional<PolicyManifest> manifest(long version) {
    return Optional.ofNullable(manifests.get(version));
  }

  /** The newest version announced so far (-1: none). */
  long latestVersion() {
    return manifests.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
