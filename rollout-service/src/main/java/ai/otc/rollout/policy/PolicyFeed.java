package ai.otc.rollout.policy;

import ai.otc.proto.v1.PolicyManifest;
import ai.otc.rollout.domain.IgnoredManifest;
import ai.otc.rollout.domain.RolloutMetrics;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The policy topic's consumer, on its own thread: assigns itself every partition of the (compacted, key = run id)
 * topic, reads from the beginning (read_committed, no consumer group, nothing committed: every start re-reads the
 * topic, which compaction keeps at about one record per run), hands each manifest to the {@link PolicyFollower},
 * tells it when the initial read has reached the end offsets seen at start, and lets it load between polls. A broker
 * outage only makes polls return nothing (the client reconnects by itself); an unexpected error is logged and the
 * consumer is recreated after a pause.
 */
public final class PolicyFeed implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PolicyFeed.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Properties props;
  private final String topic;
  private final PolicyFollower follower;
  private final RolloutMetrics metrics;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;

  /**
   * @param clientProps consumer properties (bootstrap, client id, overrides); deserializers, isolation and auto-commit
   *     are set here
   * @param topic       the policy topic
   */
  public PolicyFeed(Map<String, Object> clientProps, String topic, PolicyFollower follower, RolloutMetrics metrics) {
    this.props = new Properties();
    props.putAll(clientProps);
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    props.put("allow.auto.create.topics", "false");
    props.remove("group.id");
    this.topic = topic;
    this.follower = follower;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "rollout-policy-feed");
    thread.setDaemon(true);
  }

  /** Starts the thread. */
  public PolicyFeed start() {
    thread.start();
    return this;
  }

  /** Whether the thread is running. */
  public boolean alive() {
    return thread.isAlive();
  }

  private void run() {
    while (running) {
      try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
        consumer = c;
        follow(c);
      } catch (WakeupException e) {
        // close() asked us to stop
      } catch (RuntimeException e) {
        if (running) {
          LOG.errorf(e, "policy feed of %s failed; recreating the consumer in 1 s", topic);
          sleep(1000);
        }
      } finally {
        consumer = null;
      }
    }
  }

  private void follow(KafkaConsumer<String, byte[]> c) {
    List<TopicPartition> parts = partitions(c);
    if (parts == null) {
      return;
    }
    c.assign(parts);
    c.seekToBeginning(parts);
    Map<TopicPartition, Long> end = c.endOffsets(parts);
    LOG.infof("following %s (%d partitions, %d records to read first)", topic, parts.size(),
        end.values().stream().mapToLong(Long::longValue).sum());
    while (running) {
      for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
        handle(r);
      }
      if (!follower.isCaughtUp() && parts.stream().allMatch(p -> c.position(p) >= end.get(p))) {
        follower.caughtUp();
        LOG.infof("read %s up to its end at start; newest announced version %d", topic, follower.pendingVersion());
      }
      follower.tryLoad();
    }
  }

  /** The topic's partitions once it exists (waits for it: the learner or the start-up creates it); null when stopping. */
  private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
    long warned = 0;
    while (running) {
      List<PartitionInfo> info = c.partitionsFor(topic, Duration.ofSeconds(10));
      if (info != null && !info.isEmpty()) {
        return info.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      }
      if (System.nanoTime() - warned > 30_000_000_000L) {
        LOG.warnf("policy topic %s does not exist yet; waiting", topic);
        warned = System.nanoTime();
      }
      sleep(500);
    }
    return null;
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return; // a tombstone: a run's manifests were deleted; nothing to load
    }
    PolicyManifest m;
    try {
      m = PolicyManifest.parseFrom(r.value());
    } catch (InvalidProtocolBufferException e) {
      metrics.manifestIgnored(IgnoredManifest.INVALID);
      LOG.warnf("%s-%d@%d is not a PolicyManifest (%s); ignored", r.topic(), r.partition(), r.offset(), e.getMessage());
      return;
    }
    follower.offer(m);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the thread (waits up to 10 s for it). */
  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
