package ai.otc.learner.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.learner.config.LearnerServiceConfig;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.testkit.kafka.TlsBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner's hand-built Kafka clients against a broker they may reach only over mutual TLS (the test kit's
 * {@link TlsBroker}: what the prod overlay's Strimzi listener is), each with the service's connection only
 * ({@link KafkaConnection}, as the service reads it from {@code kafka.*}): the topic initializer's Admin creates the four
 * topics, the publisher commits a manifest in a transaction, the policy-topic check reads it back, the rewarded reader
 * sees its topic's partitions. (The dead-letter channel is SmallRye's, which Quarkus gives the same {@code kafka.*}
 * keys; it is not started here.)
 */
class LearnerTlsIT {

  @TempDir Path tmp;

  @Test
  void everyHandBuiltClientWorksThroughTheTlsListener() {
    try (TlsBroker b = TlsBroker.start(tmp, "learner-service")) {
      KafkaConnection kafka = new KafkaConnection(b.tlsBootstrap(), b.clientSecurity());
      TopicInitializer.ensureTopics(kafka, new Topics1());
      try (Publisher publisher = new Publisher(kafka, "run-1", Topics.POLICY, Topics.METRICS, Map.of())) {
        publisher.publish(PolicyManifest.newBuilder().setRunId("run-1").setVersion(0).build(), Optional.empty());
      }
      assertThat(PolicyTopic.latestVersion(kafka, Topics.POLICY, "run-1", Duration.ofSeconds(60))).contains(0L);
      try (RewardedReader reader = new RewardedReader(kafka, Topics.REWARDED, "run-1", Map.of())) {
        assertThat(reader.partitions()).hasSize(TopicTable.get(Topics.REWARDED).partitions());
      }
    }
  }

  /** The learner's topics, created (a single broker: replication 1). */
  private static final class Topics1 implements LearnerServiceConfig.TopicsConfig {
    @Override
    public String rewarded() {
      return Topics.REWARDED;
    }

    @Override
    public String dlq() {
      return Topics.REWARDED_DLQ;
    }

    @Override
    public String policy() {
      return Topics.POLICY;
    }

    @Override
    public String metrics() {
      return Topics.METRICS;
    }

    @Override
    public boolean create() {
      return true;
    }

    @Override
    public short replicationFactor() {
      return 1;
    }
  }
}
