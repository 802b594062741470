package ai.otc.learner.messaging;

import ai.otc.contract.Headers;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.proto.v1.StepMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a version: its {@code PolicyManifest} on otc.policy.v1 and the step's {@code StepMetrics} on otc.metrics.v1,
 * both keyed by the run id, with the contract's headers, in <b>one Kafka transaction</b>. So a reader sees both or
 * neither, and the learner decides after a crash whether a step was published by reading the policy topic alone
 * ({@link PolicyTopic#latestVersion}). The transactional id {@code otc-learner-<run-id>} is stable, so a restarted learner
 * aborts what its predecessor left open, and a second learner of the same run fences the first.
 */
public final class Publisher implements AutoCloseable {

  private final String policyTopic;
  private final String metricsTopic;
  private final KafkaProducer<String, byte[]> producer;

  /**
   * @param kafka the broker and its security settings, under everything else
   * @param overrides {@code otc.learner.producer.*}, applied before the fixed settings
   */
  public Publisher(KafkaConnection kafka, String runId, String policyTopic, String metricsTopic, Map<String, String> overrides) {
    this.policyTopic = policyTopic;
    this.metricsTopic = metricsTopic;
    this.producer = new KafkaProducer<>(settings(kafka, runId, overrides));
    producer.initTransactions();
  }

  /** The producer's settings: connection, defaults, {@code overrides}, then the fixed ones. */
  static Properties settings(KafkaConnection kafka, String runId, Map<String, String> overrides) {
    Properties p = new Properties();
    p.putAll(kafka.clientSettings());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
    p.putAll(overrides);
    // Fixed: what correctness depends on.
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "otc-learner-" + runId + "-publisher");
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "otc-learner-" + runId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** Publishes the manifest (and the step's metrics; none for version 0) atomically; returns when committed. */
  public void publish(PolicyManifest manifest, Optional<StepMetrics> metrics) {
    producer.beginTransaction();
    try {
      ProducerRecord<String, byte[]> m = new ProducerRecord<>(policyTopic, manifest.getRunId(), manifest.toByteArray());
      ContractHeaders.stamp(m.headers(), Headers.TYPE_POLICY_MANIFEST);
      producer.send(m);
      if (metrics.isPresent()) {
        ProducerRecord<String, byte[]> s = new ProducerRecord<>(metricsTopic, metrics.get().getRunId(), metrics.get().toByteArray());
        ContractHeaders.stamp(s.headers(), Headers.TYPE_STEP_METRICS);
        producer.send(s);
      }
      producer.commitTransaction();
    } catch (RuntimeException e) {
      try {
        producer.abortTransaction();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
