package ai.otc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.kafka.KafkaConnection;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metering producer (and through it the usage topic gate's Admin) carries the service-wide connection settings
 * ({@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*}) as every other service's clients do, under
 * {@code otc.gateway.metering.producer."…"}; nothing is added on a plain listener.
 */
class MeteringClientSettingsTest {

  static final Map<String, String> SASL = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
      "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"tool-gateway\" password=\"p\";");

  @Test
  void theServiceWideSecuritySettingsReachTheMeter() {
    var config = new SmallRyeConfigBuilder().addDefaultInterceptors().withSources(new PropertiesConfigSource(Map.of(
        "kafka.bootstrap.servers", "b:9093", "kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "SCRAM-SHA-512",
        "kafka.sasl.jaas.config", SASL.get("sasl.jaas.config"), "kafka.linger.ms", "7"), "test", 250)).build();
    KafkaConnection kafka = new GatewayBeans().kafkaConnection(config);
    Map<String, Object> p = GatewayBeans.meteringClientSettings(kafka, Map.of("linger.ms", "1"));
    assertThat(p).containsAllEntriesOf(SASL).containsEntry("bootstrap.servers", "b:9093").containsEntry("linger.ms", "1")
        .containsEntry("client.id", "tool-gateway-metering");
  }

  @Test
  void aPerProducerSettingStillWinsAndTheAddressIsFixed() {
    Map<String, Object> p = GatewayBeans.meteringClientSettings(new KafkaConnection("b:9093", SASL),
        Map.of("sasl.mechanism", "PLAIN", "bootstrap.servers", "elsewhere:1"));
    assertThat(p).containsEntry("sasl.mechanism", "PLAIN").containsEntry("bootstrap.servers", "b:9093");
  }

  @Test
  void aPlainConnectionAddsNothing() {
    Map<String, Object> p = GatewayBeans.meteringClientSettings(KafkaConnection.plain("b:9092"), Map.of());
    assertThat(p).containsOnlyKeys("bootstrap.servers", "client.id");
  }
}
