package ai.otc.report.data;

import ai.otc.contract.Topics;
import ai.otc.proto.v1.StepMetrics;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.proto.v1.Trajectory;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a demo's four topics ({@code otc.metrics.v1}, {@code otc.rollouts.v1}, {@code otc.evaluations.v1},
 * {@code otc.tool-usage.v1}) as they are at the time of reading: read_committed, every partition from the beginning
 * up to its end offset (the last stable offset) taken when the topic is opened. It joins no consumer group, commits
 * nothing and creates nothing; a topic that does not exist is noted in the records, not waited for.
 */
public final class TopicSnapshot {

  /** The topics a report reads. */
  public static final List<String> TOPICS = List.of(Topics.METRICS, Topics.ROLLOUTS, Topics.EVALUATIONS, Topics.TOOL_USAGE);

  private final String bootstrap;
  private final Duration timeout;

  /** A reader of the broker at {@code bootstrap}; each topic must be read within {@code timeout}. */
  public TopicSnapshot(String bootstrap, Duration timeout) {
    this.bootstrap = bootstrap;
    this.timeout = timeout;
  }

  /** Reads the four topics and returns the records of the demo {@code demoId}. */
  public DemoRecords read(String demoId) {
    DemoRecords records = new DemoRecords(demoId);
    Set<String> existing = topicNames();
    for (String topic : TOPICS) {
      if (!existing.contains(topic)) {
        records.topicMissing(topic);
        records.recordsRead(topic, 0);
        continue;
      }
      long n = readTopic(topic, r -> add(records, topic, r));
      records.recordsRead(topic, n);
    }
    return records;
  }

  private static void add(DemoRecords records, String topic, ConsumerRecord<String, byte[]> r) {
    try {
      switch (topic) {
        case Topics.METRICS -> records.addMetrics(StepMetrics.parseFrom(r.value()));
        case Topics.ROLLOUTS -> records.addRollout(Trajectory.parseFrom(r.value()));
        case Topics.EVALUATIONS -> records.addEvaluation(Trajectory.parseFrom(r.value()));
        case Topics.TOOL_USAGE -> records.addUsage(ToolUsage.parseFrom(r.value()));
        default -> throw new IllegalArgumentException("not a report topic: " + topic);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(topic + " record at partition " + r.partition() + " offset " + r.offset()
          + " is not a valid protobuf message: " + e.getMessage(), e);
    }
  }

  private Set<String> topicNames() {
    Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
    try (Admin admin = Admin.create(conf)) {
      return admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list the topics of the broker at " + bootstrap + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing the topics of " + bootstrap, e);
    }
  }

  /** Feeds every committed record of {@code topic} up to its current end to {@code sink}; returns how many. */
  private long readTopic(String topic, java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "otc-report-" + topic);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    long deadline = System.nanoTime() + timeout.toNanos();
    long n = 0;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
          .map(i -> new TopicPartition(topic, i.partition()))
          .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + topic + " from " + bootstrap + " up to " + end + " took longer than " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            sink.accept(r);
            n++;
          }
        }
      }
    }
    return n;
  }

  private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
