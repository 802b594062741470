package ai.otc.testkit.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic as a downstream consumer would: read_committed (only committed transactions), from the
 * beginning, every record kept (duplicates included), each value decoded, typically with a protobuf
 * {@link Parser}. It joins no consumer group and commits nothing (it assigns itself every partition),
 * never creates the topic, and waits for a topic that does not exist yet.
 *
 * <pre>{@code
 * try (TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), "otc.rewarded.v1", ScoredGroup.parser())) {
 *   reader.pollUntil(333, Duration.ofSeconds(60));
 *   reader.settle(Duration.ofSeconds(2)); // a duplicate would show up right behind
 *   assertThat(reader.values()).hasSize(333);
 * }
 * }</pre>
 */
public final class TopicReader<T> implements AutoCloseable {

  private final String topic;
  private final Function<ConsumerRecord<String, byte[]>, T> decoder;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<TopicRecord<T>> records = new ArrayList<>();
  private final List<T> values = new ArrayList<>();
  private List<TopicPartition> partitions;

  private TopicReader(String bootstrap, String topic, Function<ConsumerRecord<String, byte[]>, T> decoder) {
    this.topic = topic;
    this.decoder = decoder;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
  }

  /** A reader whose values are parsed with {@code parser}; a record that does not parse fails the read (an AssertionError). */
  public static <T> TopicReader<T> open(String bootstrap, String topic, Parser<T> parser) {
    return new TopicReader<>(bootstrap, topic, r -> {
      try {
        return parser.parseFrom(r.value());
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(r.topic() + " record at partition " + r.partition() + " offset " + r.offset() + " does not parse", e);
      }
    });
  }

  /** A reader that keeps the value bytes as they are (dead letters, records that may not parse). */
  public static TopicReader<byte[]> openRaw(String bootstrap, String topic) {
    return new TopicReader<>(bootstrap, topic, ConsumerRecord::value);
  }

  /** Reads {@code topic} from the beginning until {@code n} records were read or {@code max} passed; returns what was read. */
  public static <T> List<TopicRecord<T>> read(String bootstrap, String topic, Parser<T> parser, int n, Duration max) {
    try (TopicReader<T> reader = open(bootstrap, topic, parser)) {
      reader.pollUntil(n, max);
      return reader.records();
    }
  }

  /** Polls once (for at most {@code d}) and returns how many records were read in total. */
  public int poll(Duration d) {
    if (!assigned(d)) {
      return records.size();
    }
    for (ConsumerRecord<String, byte[]> r : consumer.poll(d)) {
      T v = decoder.apply(r);
      records.add(new TopicRecord<>(r, v));
      values.add(v);
    }
    return records.size();
  }

  /** Polls until at least {@code n} records were read or {@code max} passed; returns how many were read. */
  public int pollUntil(int n, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (records.size() < n && System.nanoTime() < deadline) {
      poll(Duration.ofMillis(200));
    }
    return records.size();
  }

  /** Polls until {@code done} holds for the values read so far or {@code max} passed; returns whether it held. */
  public boolean pollUntil(Predicate<List<T>> done, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!done.test(values())) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      poll(Duration.ofMillis(200));
    }
    return true;
  }

  /** Keeps polling for {@code d}, so that anything extra (a duplicate, a late record) shows up; returns the total. */
  public int settle(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < deadline) {
      poll(Duration.ofMillis(200));
    }
    return records.size();
  }

  /**
   * Reads up to the end of every partition as it is now (the last stable offset, read_committed) and
   * returns every record read so far in (partition, offset) order; fails if that takes longer than {@code max}.
   */
  public List<TopicRecord<T>> readToEnd(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!assigned(Duration.ofMillis(200))) {
      if (System.nanoTime() >= deadline) {
        throw new AssertionError("topic " + topic + " does not exist after " + max);
      }
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (!reached(end)) {
      if (System.nanoTime() >= deadline) {
        throw new AssertionError("reading " + topic + " to offsets " + end + " took longer than " + max);
      }
      poll(Duration.ofMillis(200));
    }
    List<TopicRecord<T>> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.<TopicRecord<T>>comparingInt(TopicRecord::partition).thenComparingLong(TopicRecord::offset));
    return sorted;
  }

  /** Every record read so far, in the order read (per partition, in offset order). */
  public List<TopicRecord<T>> records() {
    return Collections.unmodifiableList(new ArrayList<>(records));
  }

  /** The decoded values read so far, in the order read. */
  public List<T> values() {
    return Collections.unmodifiableList(new ArrayList<>(values));
  }

  public int count() {
    return records.size();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Assigns every partition of the topic once it exists; false (after waiting up to {@code d}) while it does not. */
  private boolean assigned(Duration d) {
    if (partitions != null) {
      return true;
    }
    long t0 = System.nanoTime();
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, d);
    } catch (TimeoutException notYet) {
      infos = List.of();
    }
    if (infos == null || infos.isEmpty()) {
      sleepRest(d, t0);
      return false;
    }
    partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
        .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return true;
  }

  private static void sleepRest(Duration d, long t0) {
    long left = d.toMillis() - (System.nanoTime() - t0) / 1_000_000;
    if (left > 0) {
      try {
        Thread.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
