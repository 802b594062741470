package ai.otc.learner.messaging;

import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.proto.v1.PolicyManifest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads otc.policy.v1 (compacted, keyed by run id) to its end, read_committed, without a consumer group: the newest
 * version a run has announced. A start compares it with its checkpoint to know whether the last step was published.
 */
public final class PolicyTopic {

  private PolicyTopic() {}

  /**
   * The highest {@code version} among the committed manifests of {@code runId}, if any.
   *
   * @param kafka the broker and its security settings (this consumer carries them like every client of the service)
   */
  public static Optional<Long> latestVersion(KafkaConnection kafka, String topic, String runId, Duration timeout) {
    Properties p = consumerSettings(kafka, runId);
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<Long> best = Optional.empty();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
      List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(tps, timeout));
      while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey(), timeout) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (!runId.equals(r.key()) || r.value() == null) {
            continue;
          }
          try {
            PolicyManifest m = PolicyManifest.parseFrom(r.value());
            if (runId.equals(m.getRunId()) && best.map(b -> m.getVersion() > b).orElse(true)) {
              best = Optional.of(m.getVersion());
            }
          } catch (InvalidProtocolBufferException e) {
            // Not ours to judge: a manifest that does not parse announces nothing.
          }
        }
      }
    }
    return best;
  }

  /** The consumer's settings: the service's connection (address and security), then read_committed without a group. */
  static Properties consumerSettings(KafkaConnection kafka, String runId) {
    Properties p = new Properties();
    p.putAll(kafka.clientSettings());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "otc-learner-" + runId + "-policy-check");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }
}
