package ai.otc.reward.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.Topics;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.reward.core.CorrectnessSource;
import ai.otc.reward.core.TimeoutPolicy;
import ai.otc.reward.domain.RewardLimits;
import ai.otc.reward.domain.RewardSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The producer's size settings follow the output limits: {@code max.request.size} is {@code max-record-bytes}, and
 * {@code batch.size} never exceeds the smallest effective limit of the two output topics, override or not (a batch
 * over a topic's {@code max.message.bytes} is refused by the broker and retried forever); the exactly-once settings
 * stay fixed; every client carries the service's connection security settings.
 */
class StreamClientsTest {

  static final RewardSettings SETTINGS = new RewardSettings(Topics.ROLLOUTS, Topics.REWARDED, Topics.ROLLOUTS_DLQ,
      RewardConfig.paper(RewardKind.EM), CorrectnessSource.RECOMPUTE, Duration.ofMinutes(5), TimeoutPolicy.SCORE_PARTIAL, Duration.ofSeconds(1),
      Duration.ofHours(1), RewardLimits.DEFAULTS);

  static StreamWorker.Params params(Map<String, String> producerOverrides, int rewarded, int dlq) {
    return params(KafkaConnection.plain("127.0.0.1:1"), Map.of(), producerOverrides, rewarded, dlq);
  }

  static StreamWorker.Params params(KafkaConnection kafka, Map<String, String> consumerOverrides, Map<String, String> producerOverrides,
      int rewarded, int dlq) {
    return new StreamWorker.Params(kafka, "app", "i1", Duration.ofMillis(100), true, Duration.ofSeconds(30), consumerOverrides,
        producerOverrides, rewarded, dlq);
  }

  static final Map<String, String> SASL = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
      "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"reward\" password=\"p\";");

  /**
   * Every client of a stream life (the group consumer, both changelog readers, the transactional producer) carries the
   * service's security settings: before this, the changelog readers took the bootstrap address alone and could not
   * connect to the TLS listener.
   */
  @Test
  void everyClientCarriesTheConnectionSecurity() {
    StreamWorker.Params p = params(new KafkaConnection("b:9093", SASL), Map.of(), Map.of(), 1 << 20, 1 << 20);
    for (Properties client : new Properties[] {StreamClients.consumer(p), StreamClients.reader(p), StreamClients.producer(p, SETTINGS)}) {
      assertThat(client).containsAllEntriesOf(SASL).containsEntry("bootstrap.servers", "b:9093");
    }
    // A client's own override still wins over the service-wide setting.
    StreamWorker.Params overridden = params(new KafkaConnection("b:9093", SASL), Map.of("sasl.mechanism", "PLAIN"), Map.of(),
        1 << 20, 1 << 20);
    assertThat(StreamClients.consumer(overridden)).containsEntry("sasl.mechanism", "PLAIN");
    assertThat(StreamClients.reader(overridden)).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
  }

  /** Without security settings nothing is added: the clients are what they were on a plain listener. */
  @Test
  void aPlainConnectionAddsNothing() {
    StreamWorker.Params p = params(Map.of(), 1 << 20, 1 << 20);
    for (Properties client : new Properties[] {StreamClients.consumer(p), StreamClients.reader(p), StreamClients.producer(p, SETTINGS)}) {
      assertThat(client.stringPropertyNames()).noneMatch(KafkaConnection::isSecuritySetting);
    }
  }

  @Test
  void producerSizesFollowTheLimits() {
    Properties p = StreamClients.producer(params(Map.of(), 1 << 20, 1 << 20), SETTINGS);
    assertThat(p.get("max.request.size")).isEqualTo(Integer.toString(1 << 20));
    assertThat(p.get("batch.size")).isEqualTo(Integer.toString(512 << 10));

    Properties small = StreamClients.producer(params(Map.of(), 1 << 20, 256 << 10), SETTINGS);
    assertThat(small.get("batch.size")).as("capped at the DLQ's 256 KiB").isEqualTo(Integer.toString(256 << 10));

    Properties overridden = StreamClients.producer(params(Map.of("batch.size", "900000", "enable.idempotence", "false",
        "acks", "1"), 300_000, 1 << 20), SETTINGS);
    assertThat(overridden.get("batch.size")).as("an override is capped too").isEqualTo("300000");
    assertThat(overridden.get("enable.idempotence")).isEqualTo("true");
    assertThat(overridden.get("acks")).isEqualTo("all");
    assertThat(overridden.get("transactional.id")).isEqualTo("app-i1");
  }
}
