package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.Topics;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.reward.support.PackagedRewardService;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.TlsBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.process.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged reward service against a broker it may reach only over mutual TLS (the test kit's {@link TlsBroker}:
 * what the prod overlay's Strimzi listener is), configured as the prod ConfigMap does it, with the service-wide
 * {@code kafka.security.protocol} and {@code kafka.ssl.*} keys and nothing per client. Readiness UP needs every client
 * of the service on that listener: the topic initializer's Admin (creating the topics and changelogs), the readiness
 * check's Admin, the group consumer, the changelog readers and the transactional producer; then 20 groups fed through
 * the plain listener come back scored. (Before, the Admins and the changelog readers took the bootstrap address alone
 * and never got an answer from a TLS listener.)
 */
class TlsStreamIT {

  @TempDir Path dir;

  @Test
  void theWholeServiceWorksThroughTheTlsListener() throws Exception {
    RolloutFeed feed = RolloutFeed.generate("tls", 20, 3, 10, 11L);
    try (TlsBroker broker = TlsBroker.start(dir, "reward-service")) {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("otc.reward.application-id", "reward-tls-it");
      broker.clientSecurity().forEach((k, v) -> props.put("kafka." + k, v));
      try (ServiceProcess svc = PackagedRewardService.start("tls", broker.tlsBootstrap(), Ports.free(), props);
          KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.plainBootstrap());
          TopicReader<ScoredGroup> reader = TopicReader.open(broker.plainBootstrap(), Topics.REWARDED, ScoredGroup.parser())) {
        feed.send(producer, Topics.ROLLOUTS, 0, feed.trajectories.size());
        assertThat(reader.pollUntil(20, Duration.ofSeconds(120))).as("log %s", svc.log()).isEqualTo(20);
        assertThat(svc.logText()).as("the service logs no key or trust store password")
            .doesNotContain(broker.clientSecurity().get("ssl.keystore.password"));
      }
    }
  }
}
