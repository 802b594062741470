package ai.otc.reward.pipeline;

import ai.otc.reward.core.ClientProps;
import ai.otc.reward.domain.RewardSettings;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka client settings of one {@link StreamWorker} life: the service's connection (bootstrap and the
 * {@code kafka.security.*}, {@code kafka.sasl.*}, {@code kafka.ssl.*} settings, on every client), the service's
 * defaults, the operator's overrides
 * ({@code otc.reward.consumer."…"}, {@code otc.reward.producer."…"}) over them, then the settings exactly-once depends
 * on (fixed) and the output size limits (the producer's {@code batch.size} capped at the smallest record limit of the
 * output topics).
 */
final class StreamClients {

  private StreamClients() {}

  /** The rollouts consumer: in the service's consumer group, read_committed, no auto-commit. */
  static Properties consumer(StreamWorker.Params params) {
    Properties p = connected(params, ClientProps.readCommittedConsumer(params.bootstrap(), 5000));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, params.applicationId() + "-" + params.instanceId() + "-rollouts");
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A step's transaction in one fetch per partition: at Kafka's 1 MiB a partition holding more of a step (2 MiB of
    // trajectories over 4 partitions, more with skewed group keys) took 2-3 fetches, and an idle probe that ran out
    // between two of them committed part of the step (TxnHopBench, one partition: hop 34-48 ms median, p90 57-114,
    // at 8 MiB 24-29, p90 35-40).
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
    p.putAll(params.consumerOverrides());
    // Fixed: the exactly-once contract depends on them.
    p.put(ConsumerConfig.GROUP_ID_CONFIG, params.applicationId());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }

  /** A changelog reader (assigned, no group): read_committed. */
  static Properties reader(StreamWorker.Params params) {
    return connected(params, ClientProps.readCommittedConsumer(params.bootstrap(), 10_000));
  }

  /** The transactional producer: idempotent, {@code acks=all}, requests and batches within the output limits. */
  static Properties producer(StreamWorker.Params params, RewardSettings settings) {
    Properties p = connected(params, new Properties());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, params.bootstrap());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, params.applicationId() + "-" + params.instanceId());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    // Requests as large as the largest record written (overrides below it are refused at start).
    int maxRecord = settings.limits().maxRecordBytes();
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 << 10));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(128L << 20, 4L * maxRecord)));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRecord));
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
    // The first send after a commit often meets CONCURRENT_TRANSACTIONS while the markers are written:
    // retry fast (Kafka's default backoff, 100 ms growing to 1 s, stalls the loop).
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "5");
    p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "20");
    p.putAll(params.producerOverrides());
    // A batch of small records must not exceed the smallest limit of the output topics either (the broker refuses
    // the batch, and a transactional producer retries it forever): batch.size is capped at it, override or not.
    int smallest = Math.min(params.rewardedRecordLimit(), params.dlqRecordLimit());
    int batch = Integer.parseInt(p.getProperty(ProducerConfig.BATCH_SIZE_CONFIG).trim());
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(Math.min(batch, smallest)));
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, params.applicationId() + "-" + params.instanceId());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** The connection's settings under {@code defaults} (security first, so a client's own settings can refine them). */
  private static Properties connected(StreamWorker.Params params, Properties defaults) {
    Properties p = new Properties();
    p.putAll(params.kafka().clientSettings());
    p.putAll(defaults);
    return p;
  }
}
