package ai.otc.learner.messaging;

import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.learner.training.BatchAssembler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The learner's plain consumer of otc.rewarded.v1: {@code read_committed} (a scored group is visible only once the
 * reward service's transaction committed), no auto-commit, and <b>manual assignment of every partition</b> rather than
 * group membership. The learner is the run's only reader and its offsets live in its checkpoint, atomically with the
 * weights they produced: it seeks to the checkpoint's offsets at start, a rebalance could only take partitions away
 * mid-step, and nothing would be gained from the group protocol. The offsets are also committed to the informational
 * consumer group {@code otc-learner-<run-id>} after each checkpoint, so lag tools (burrow, {@code kafka-consumer-groups})
 * see the learner; the learner itself never reads them.
 */
public final class RewardedReader implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RewardedReader.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private List<TopicPartition> partitions = List.of();

  /**
   * @param kafka the broker and its security settings, under everything else
   * @param overrides {@code otc.learner.consumer.*}, applied before the fixed settings
   */
  public RewardedReader(KafkaConnection kafka, String topic, String runId, Map<String, String> overrides) {
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(settings(kafka, runId, overrides));
  }

  /** The consumer's settings: connection, defaults, {@code overrides}, then the fixed ones. */
  static Properties settings(KafkaConnection kafka, String runId, Map<String, String> overrides) {
    Properties p = new Properties();
    p.putAll(kafka.clientSettings());
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    p.putAll(overrides);
    // Fixed: what correctness depends on.
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "otc-learner-" + runId);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "otc-learner-" + runId + "-rewarded");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /** The topic's partitions, as the broker reports them now. */
  public List<Integer> partitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    return infos.stream().map(PartitionInfo::partition).sorted().toList();
  }

  /** The first (earliest) or next-to-be-written (latest) offset of every partition. */
  public Map<Integer, Long> edgeOffsets(boolean latest) {
    List<TopicPartition> tps = partitions().stream().map(p -> new TopicPartition(topic, p)).toList();
    Map<TopicPartition, Long> m = latest ? consumer.endOffsets(tps, METADATA_TIMEOUT) : consumer.beginningOffsets(tps, METADATA_TIMEOUT);
    Map<Integer, Long> out = new HashMap<>();
    m.forEach((tp, o) -> out.put(tp.partition(), o));
    return out;
  }

  /**
   * Assigns every partition and positions each at {@code offsets} (a partition the map lacks, e.g. one added since the
   * checkpoint, starts at its beginning).
   */
  public void assign(Map<Integer, Long> offsets) {
    partitions = partitions().stream().map(p -> new TopicPartition(topic, p)).toList();
    consumer.assign(partitions);
    for (TopicPartition tp : partitions) {
      Long o = offsets.get(tp.partition());
      if (o == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, o);
      }
    }
    LOG.infof("reading %s partitions %s from offsets %s", topic, partitions.stream().map(TopicPartition::partition).toList(), offsets);
  }

  /** Polls once; records in poll order (per partition in offset order). */
  public List<BatchAssembler.Polled> poll(Duration timeout) {
    List<BatchAssembler.Polled> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
      out.add(new BatchAssembler.Polled(r.partition(), r.offset(), r.key(), r.value(), r));
    }
    return out;
  }

  /** Commits {@code offsets} to the informational group (asynchronously; a failure is logged, never fatal). */
  public void commitInformational(Map<Integer, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
    offsets.forEach((p, o) -> m.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    consumer.commitAsync(m, (done, e) -> {
      if (e != null) {
        LOG.debugf("informational offset commit failed (harmless: the checkpoint holds the offsets): %s", e.toString());
      }
    });
  }

  /** Records behind the end of the topic, summed over the partitions; NaN before the first fetch. */
  public double lag() {
    double sum = 0;
    boolean any = false;
    for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
      MetricName name = e.getKey();
      if ("records-lag".equals(name.name()) && "consumer-fetch-manager-metrics".equals(name.group())
          && topic.equals(name.tags().get("topic"))) {
        Object v = e.getValue().metricValue();
        if (v instanceof Number num && !Double.isNaN(num.doubleValue())) {
          sum += num.doubleValue();
          any = true;
        }
      }
    }
    return any ? sum : Double.NaN;
  }

  /** The assigned partitions. */
  public List<Integer> assigned() {
    return partitions.stream().map(TopicPartition::partition).toList();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
