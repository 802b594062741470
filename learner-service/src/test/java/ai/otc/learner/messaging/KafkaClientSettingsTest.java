package ai.otc.learner.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.kafka.KafkaConnection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Every Kafka client the learner builds by hand carries the service's connection security settings
 * ({@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*}): the topic initializer's Admin and the
 * policy-topic check took the bootstrap address alone before, so against the TLS listener the learner could not start.
 * On a plain listener nothing is added.
 */
class KafkaClientSettingsTest {

  static final Map<String, String> SASL = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
      "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"learner\" password=\"p\";");

  private static List<Map<Object, Object>> clients(KafkaConnection kafka, Map<String, String> overrides) {
    return List.of(new java.util.HashMap<>(TopicInitializer.adminSettings(kafka)), PolicyTopic.consumerSettings(kafka, "run-1"),
        Publisher.settings(kafka, "run-1", overrides), RewardedReader.settings(kafka, "run-1", overrides));
  }

  @Test
  void everyClientCarriesTheSecuritySettings() {
    for (Map<Object, Object> client : clients(new KafkaConnection("b:9093", SASL), Map.of())) {
      assertThat(client).containsAllEntriesOf(SASL).containsEntry("bootstrap.servers", "b:9093");
    }
  }

  @Test
  void aPlainConnectionAddsNothing() {
    for (Map<Object, Object> client : clients(KafkaConnection.plain("b:9092"), Map.of())) {
      assertThat(client.keySet()).noneMatch(k -> KafkaConnection.isSecuritySetting((String) k));
      assertThat(client).containsEntry("bootstrap.servers", "b:9092");
    }
  }

  @Test
  void aClientsOverrideWinsButNotOverTheFixedSettings() {
    Properties reader = RewardedReader.settings(new KafkaConnection("b:9093", SASL),
        "run-1", Map.of("sasl.mechanism", "PLAIN", "bootstrap.servers", "elsewhere:1", "group.id", "other"));
    assertThat(reader).containsEntry("sasl.mechanism", "PLAIN").containsEntry("bootstrap.servers", "b:9093")
        .containsEntry("group.id", "otc-learner-run-1");
  }
}
