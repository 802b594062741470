package ai.otc.rollout.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.kafka.KafkaConnection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The three Kafka clients of a rollout instance (policy consumer, trajectory producer, the topic check's Admin) carry
 * the service's connection security settings; the Admin took the bootstrap address alone before, so against the TLS
 * listener the topic check never got an answer. On a plain listener nothing is added. ({@code TlsAdminIT} runs the
 * Admin against a real TLS listener.)
 */
class KafkaClientsTest {

  static final Map<String, String> SASL = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
      "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"rollout\" password=\"p\";");

  private static List<Map<String, Object>> clients(KafkaConnection kafka, Map<String, String> overrides) {
    return List.of(KafkaClients.admin(kafka, "run-1", 0), KafkaClients.consumer(kafka, "run-1", 0, overrides),
        KafkaClients.producer(kafka, "run-1", 0, overrides));
  }

  @Test
  void everyClientCarriesTheSecuritySettings() {
    for (Map<String, Object> client : clients(new KafkaConnection("b:9093", SASL), Map.of())) {
      assertThat(client).containsAllEntriesOf(SASL).containsEntry("bootstrap.servers", "b:9093");
    }
  }

  @Test
  void aPlainConnectionAddsNothing() {
    for (Map<String, Object> client : clients(KafkaConnection.plain("b:9092"), Map.of())) {
      assertThat(client.keySet()).noneMatch(KafkaConnection::isSecuritySetting);
      assertThat(client).containsEntry("bootstrap.servers", "b:9092").containsKey("client.id");
    }
  }

  @Test
  void aClientsOverrideWins() {
    Map<String, Object> consumer = KafkaClients.consumer(new KafkaConnection("b:9093", SASL), "run-1", 0,
        Map.of("sasl.mechanism", "PLAIN"));
    assertThat(consumer).containsEntry("sasl.mechanism", "PLAIN");
    assertThat(KafkaClients.admin(new KafkaConnection("b:9093", SASL), "run-1", 0)).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
  }
}
