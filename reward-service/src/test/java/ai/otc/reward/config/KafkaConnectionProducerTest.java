package ai.otc.reward.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.kafka.KafkaConnection;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service's broker connection as SmallRye Config reads it at start (without booting Quarkus): the
 * {@code kafka.security.*}, {@code kafka.sasl.*}, {@code kafka.ssl.*} lines of a deployment (profiles, expressions and
 * environment variables resolved), nothing else of {@code kafka.*}, and an error naming the key when one cannot be
 * resolved.
 */
class KafkaConnectionProducerTest {

  private static KafkaConnection load(Map<String, String> file, Map<String, String> env, String... profiles) {
    SmallRyeConfig c = new SmallRyeConfigBuilder()
        .addDefaultInterceptors()   // profiles and ${…} expressions, as Quarkus reads them
        .withProfiles(java.util.List.of(profiles))
        .withSources(new PropertiesConfigSource(file, "application.properties", 250))
        .withSources(new EnvConfigSource(env, 300))
        .build();
    return new KafkaConnectionProducer().kafkaConnection(c);
  }

  /** The SASL lines of a deployment (the stores of a TLS one must exist, which KafkaConnectionTest covers). */
  private static Map<String, String> deployed() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", "otc-kafka-bootstrap:9093");
    p.put("%plain.kafka.bootstrap.servers", "otc-kafka-bootstrap:9092");
    p.put("kafka.security.protocol", "SASL_PLAINTEXT");
    p.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
    p.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"reward-service\""
        + " password=\"${KAFKA_USER_PASSWORD}\";");
    p.put("%plain.kafka.security.protocol", "PLAINTEXT");
    p.put("%dev.kafka.ssl.truststore.type", "JKS");   // an inactive profile's line: not a setting, not an error
    p.put("kafka.auto.offset.reset", "earliest");
    p.put("otc.reward.consumer.\"max.poll.records\"", "100");
    return p;
  }

  @Test
  void theDeployedLinesReachEveryClient() {
    KafkaConnection k = load(deployed(), Map.of("KAFKA_USER_PASSWORD", "pw"), "prod");
    assertThat(k.bootstrap()).isEqualTo("otc-kafka-bootstrap:9093");
    assertThat(k.security()).containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config")
        .containsEntry("security.protocol", "SASL_PLAINTEXT");
    assertThat(k.security().get("sasl.jaas.config")).contains("password=\"pw\"");
  }

  @Test
  void theActiveProfileWins() {
    KafkaConnection k = load(deployed(), Map.of("KAFKA_USER_PASSWORD", "pw"), "prod", "plain");
    assertThat(k.bootstrap()).isEqualTo("otc-kafka-bootstrap:9092");
    assertThat(k.security()).containsEntry("security.protocol", "PLAINTEXT");
  }

  @Test
  void environmentVariablesInQuarkusFormCount() {
    KafkaConnection k = load(Map.of("kafka.bootstrap.servers", "b:9092"),
        Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_FETCH_MAX_BYTES", "1"));
    assertThat(k.security()).containsOnly(Map.entry("security.protocol", "SASL_PLAINTEXT"), Map.entry("sasl.mechanism", "PLAIN"));
  }

  @Test
  void aPlainDeploymentHasNoSecuritySettings() {
    assertThat(load(Map.of("kafka.bootstrap.servers", "127.0.0.1:9092"), Map.of()).security()).isEmpty();
  }

  @Test
  void anUnresolvableValueStopsTheStartNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of(), Map.of())).hasMessageContaining("kafka.bootstrap.servers is not set");
    // SmallRye answers an unresolvable ${KAFKA_USER_PASSWORD} as "no value": the start must stop instead of
    // connecting without the setting.
    assertThatThrownBy(() -> load(deployed(), Map.of(), "prod"))
        .hasMessageStartingWith("kafka.sasl.jaas.config is set but has no value");
  }
}
