package ai.otc.rollout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.rollout.messaging.KafkaClients;
import ai.otc.rollout.messaging.TopicInitializer;
import ai.otc.testkit.kafka.TlsBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout service's Kafka clients against a real TLS listener with client certificates (what the prod overlay's
 * Strimzi listener is: {@code tls: true}, {@code authentication: tls}), on 127.0.0.1: the test kit's {@link TlsBroker}
 * (a second listener {@code SSL} that requires a client certificate; {@code keytool} certificates in PKCS12 stores,
 * as the Strimzi User Operator writes them). The service's settings are the deployed ConfigMap's {@code kafka.security.protocol}
 * and {@code kafka.ssl.*} keys, read the way the service reads them ({@link KafkaConnection#fromConfig}).
 *
 * <p>The topic check's Admin ({@link TopicInitializer} with {@link KafkaClients#admin}) creates the topics through the
 * TLS listener; the policy consumer reaches it too. Without the security settings (what the Admin had before) the same
 * check fails: the broker never answers a client that does not speak TLS.
 */
class TlsAdminIT {

  @TempDir static Path dir;
  private static TlsBroker broker;
  private static Map<String, String> deployed;

  @BeforeAll
  static void startBrokerWithTlsListener() {
    broker = TlsBroker.start(dir, "rollout-service");
    // The prod ConfigMap's lines (k8s/base/*/config.yaml), with this broker's address and this test's stores.
    deployed = new LinkedHashMap<>();
    deployed.put("kafka.bootstrap.servers", broker.tlsBootstrap());
    broker.clientSecurity().forEach((k, v) -> deployed.put("kafka." + k, v));
    deployed.put("kafka.auto.offset.reset", "earliest");
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private static KafkaConnection connection(Map<String, String> props) {
    return KafkaConnection.fromConfig(props.keySet(), n -> Optional.ofNullable(props.get(n)));
  }

  @Test
  void theTopicCheckAndThePolicyConsumerWorkThroughTheTlsListener() throws Exception {
    KafkaConnection kafka = connection(deployed);
    assertThat(kafka.security()).containsEntry("security.protocol", "SSL").doesNotContainKey("auto.offset.reset");
    TopicInitializer.ensure(KafkaClients.admin(kafka, "run-1", 0), Topics.ROLLOUTS, Topics.POLICY, true, (short) 1);

    try (Admin plain = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.plainBootstrap()))) {
      Map<String, TopicDescription> made = plain.describeTopics(List.of(Topics.ROLLOUTS, Topics.POLICY)).allTopicNames()
          .get(30, TimeUnit.SECONDS);
      assertThat(made.get(Topics.ROLLOUTS).partitions()).hasSize(TopicTable.get(Topics.ROLLOUTS).partitions());
      assertThat(made.get(Topics.POLICY).partitions()).hasSize(TopicTable.get(Topics.POLICY).partitions());
    }
    // Checking again (creation off, the deployed setting) finds them, through TLS as well.
    TopicInitializer.ensure(KafkaClients.admin(kafka, "run-1", 0), Topics.ROLLOUTS, Topics.POLICY, false, (short) 1);

    Map<String, Object> consumer = new LinkedHashMap<>(KafkaClients.consumer(kafka, "run-1", 0, Map.of()));
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      assertThat(c.partitionsFor(Topics.POLICY, Duration.ofSeconds(30))).hasSize(TopicTable.get(Topics.POLICY).partitions());
    }
  }

  @Test
  void withoutTheSecuritySettingsTheTopicCheckFails() {
    // The Admin as it was before: the bootstrap address alone, against the TLS listener.
    KafkaConnection bare = KafkaConnection.plain(broker.tlsBootstrap());
    assertThatThrownBy(() -> TopicInitializer.ensure(KafkaClients.admin(bare, "run-1", 0), "otc.rollouts.v1.bare",
        Topics.POLICY, true, (short) 1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("could not check or create the rollout topics");
  }
}
