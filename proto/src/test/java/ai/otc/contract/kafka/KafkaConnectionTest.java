package ai.otc.contract.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection settings a service reads from its {@code kafka.*} keys: exactly the address and the security keys
 * (nothing else of {@code kafka.*}, nothing when none are set), in the dotted, profile and environment forms, with
 * errors naming the key.
 */
class KafkaConnectionTest {

  /** A configuration as MicroProfile Config shows it: names, and values looked up by dotted name. */
  static KafkaConnection read(Map<String, String> props) {
    return KafkaConnection.fromConfig(props.keySet(), name -> Optional.ofNullable(props.get(name)));
  }

  @Test
  void plainConfigurationGivesTheAddressAndNothingElse() {
    KafkaConnection c = read(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.auto.offset.reset", "earliest",
        "otc.reward.consumer.\"security.protocol\"", "SSL", "quarkus.http.port", "8085"));
    assertThat(c.security()).isEmpty();
    assertThat(c.clientSettings()).containsExactly(Map.entry("bootstrap.servers", "b:9092"));
    assertThat(c.admin(Map.of("client.id", "x"))).containsOnlyKeys("bootstrap.servers", "client.id");
  }

  @Test
  void everySecurityKeyIsCarriedToEveryClient(@TempDir Path dir) throws Exception {
    Path ks = Files.writeString(dir.resolve("user.p12"), "k");
    Path ts = Files.writeString(dir.resolve("ca.p12"), "t");
    Map<String, String> props = new LinkedHashMap<>();
    props.put("kafka.bootstrap.servers", "otc-kafka-bootstrap:9093");
    props.put("kafka.security.protocol", "SSL");
    props.put("kafka.ssl.keystore.type", "PKCS12");
    props.put("kafka.ssl.keystore.location", ks.toString());
    props.put("kafka.ssl.keystore.password", "secret");
    props.put("kafka.ssl.truststore.location", ts.toString());
    props.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
    props.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    props.put("kafka.max.poll.records", "10");
    KafkaConnection c = read(props);
    assertThat(c.security()).containsOnlyKeys("security.protocol", "ssl.keystore.type", "ssl.keystore.location",
        "ssl.keystore.password", "ssl.truststore.location", "sasl.mechanism", "sasl.jaas.config");
    assertThat(c.admin(Map.of("request.timeout.ms", 1000))).containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.password", "secret").containsEntry("bootstrap.servers", "otc-kafka-bootstrap:9093")
        .containsEntry("request.timeout.ms", 1000).doesNotContainKey("max.poll.records");
    assertThat(c.toString()).as("no secret in logs").doesNotContain("secret").contains("ssl.keystore.password");
  }

  @Test
  void profileAndEnvironmentFormsAreLookedUpUnderTheDottedName() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("kafka.bootstrap.servers", "b:9092");
    names.put("%prod.kafka.security.protocol", "ignored: the lookup resolves the profile");
    names.put("KAFKA_SASL_MECHANISM", "ignored too");
    names.put("%dev.kafka.ssl.truststore.type", "only an inactive profile: the lookup has nothing");
    Map<String, String> resolved = Map.of("kafka.bootstrap.servers", "b:9092", "kafka.security.protocol", "SASL_PLAINTEXT",
        "kafka.sasl.mechanism", "PLAIN");
    KafkaConnection c = KafkaConnection.fromConfig(names.keySet(), n -> Optional.ofNullable(resolved.get(n)));
    assertThat(c.security()).containsExactly(Map.entry("sasl.mechanism", "PLAIN"), Map.entry("security.protocol", "SASL_PLAINTEXT"));
    assertThat(KafkaConnection.clientKey("KAFKA_SSL_KEYSTORE_LOCATION")).contains("ssl.keystore.location");
    assertThat(KafkaConnection.clientKey("kafka_ssl_x")).isEmpty();
    assertThat(KafkaConnection.clientKey("kafka-streams.x")).isEmpty();
  }

  @Test
  void errorsNameTheKey(@TempDir Path dir) {
    assertThatThrownBy(() -> read(Map.of("kafka.security.protocol", "SSL")))
        .hasMessageContaining("kafka.bootstrap.servers is not set");
    assertThatThrownBy(() -> read(Map.of("kafka.bootstrap.servers", "b:1", "kafka.security.protocol", "TLS")))
        .hasMessageContaining("kafka.security.protocol is TLS");
    String missing = dir.resolve("nope.p12").toString();
    assertThatThrownBy(() -> read(Map.of("kafka.bootstrap.servers", "b:1", "kafka.security.protocol", "SSL",
        "kafka.ssl.truststore.location", missing)))
        .hasMessageContaining("kafka.ssl.truststore.location (" + missing + ") is not a readable file");
    // A plain listener does not open the stores (the dev profile keeps the paths but switches the protocol off).
    assertThat(read(Map.of("kafka.bootstrap.servers", "b:1", "kafka.security.protocol", "PLAINTEXT",
        "kafka.ssl.truststore.location", missing)).security()).containsKey("ssl.truststore.location");
    // A key that is there but whose value the configuration cannot give (an unresolved ${ENV}) is never dropped.
    assertThatThrownBy(() -> KafkaConnection.fromConfig(java.util.List.of("kafka.bootstrap.servers", "kafka.sasl.jaas.config"),
        n -> n.equals("kafka.bootstrap.servers") ? Optional.of("b:1") : Optional.empty()))
        .hasMessageStartingWith("kafka.sasl.jaas.config is set but has no value");
    assertThatThrownBy(() -> new KafkaConnection("b:1", Map.of("max.poll.records", "1")))
        .hasMessageContaining("kafka.max.poll.records is not a Kafka connection security setting");
  }
}
