package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.reward.messaging.Topics;
import ai.otc.reward.support.PackagedRewardService;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.kafka.TopicRecord;
import ai.otc.testkit.process.ServiceProcess;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged service against a real KRaft broker: one poison record among 1,000 goes to the
 * dead-letter topic exactly once, with reason, source topic, partition and offset headers, the 999
 * valid trajectories (333 groups of 3) are all scored, and liveness and readiness stay UP. Also: a
 * configuration error stops the start with a message naming the key.
 */
class DeadLetterIT {

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass();

  @Test
  void onePoisonRecordAmongAThousandGoesToTheDlqAndTheStreamGoesOn() throws Exception {
    RolloutFeed feed = RolloutFeed.generate("dl", 333, 3, 50, 5L);
    assertThat(feed.trajectories).hasSize(999);
    byte[] poison = "{\"not\": \"a protobuf\"}".getBytes(StandardCharsets.UTF_8);
    try (ServiceProcess svc = PackagedRewardService.start("dlq", broker.bootstrap(), Ports.free(),
            Map.of("otc.reward.application-id", "reward-dlq-it"));
        KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), Topics.REWARDED, ScoredGroup.parser());
        TopicReader<byte[]> dlq = TopicReader.openRaw(broker.bootstrap(), Topics.ROLLOUTS_DLQ)) {
      feed.send(producer, Topics.ROLLOUTS, 0, 500);
      RecordMetadata poisonAt = producer.send(new ProducerRecord<>(Topics.ROLLOUTS, "dl-g100", poison)).get();
      feed.send(producer, Topics.ROLLOUTS, 500, 999);

      assertThat(reader.pollUntil(333, Duration.ofSeconds(120))).as("log %s", svc.log()).isEqualTo(333);
      dlq.pollUntil(1, Duration.ofSeconds(60));
      // Anything extra would arrive right behind: give it the chance to show up.
      reader.pollUntil(334, Duration.ofSeconds(2));
      dlq.settle(Duration.ofSeconds(1));

      assertThat(dlq.records()).as("exactly one dead letter").hasSize(1);
      TopicRecord<byte[]> d = dlq.records().get(0);
      assertThat(d.value()).isEqualTo(poison);
      assertThat(d.key()).isEqualTo("dl-g100");
      assertThat(d.header(Topics.DLQ_REASON)).isEqualTo("undecodable");
      assertThat(d.header(Topics.DLQ_SOURCE_TOPIC)).isEqualTo(Topics.ROLLOUTS);
      assertThat(d.header(Topics.DLQ_SOURCE_PARTITION)).isEqualTo(Integer.toString(poisonAt.partition()));
      assertThat(d.header(Topics.DLQ_SOURCE_OFFSET)).isEqualTo(Long.toString(poisonAt.offset()));
      assertThat(d.header(Topics.DLQ_DETAIL)).startsWith("not a otc.v1.Trajectory");

      Set<String> ids = new HashSet<>();
      int trajectories = 0;
      for (ScoredGroup g : reader.values()) {
        assertThat(ids.add(g.getId())).as("%s scored once", g.getId()).isTrue();
        trajectories += g.getMembersCount();
      }
      assertThat(reader.values()).hasSize(333);
      assertThat(trajectories).isEqualTo(999);

      HttpResponse<String> live = svc.get("/q/health/live");
      HttpResponse<String> ready = svc.get("/q/health/ready");
      assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(live.body()).contains("\"UP\"").contains("RUNNING");
      String metrics = svc.get("/q/metrics").body();
      assertThat(metrics).containsPattern("otc_reward_dead_letters_total\\{[^}]*reason=\"undecodable\"[^}]*} 1\\.0");
      assertThat(metrics).containsPattern("otc_reward_groups_completed_total(\\{[^}]*})? 333\\.0");
      assertThat(metrics).contains("otc_reward_rollouts_lag");
    }
  }

  @Test
  void aConfigurationErrorStopsTheStartNamingTheKey() throws Exception {
    assertThatThrownBy(() -> PackagedRewardService.start("bad-config", broker.bootstrap(), Ports.free(),
            Map.of("otc.reward.groups.timeout-policy", "score-everything")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with")
        .hasMessageContaining("otc.reward.groups.timeout-policy");
    assertThatThrownBy(() -> PackagedRewardService.start("bad-alpha", broker.bootstrap(), Ports.free(),
            Map.of("otc.reward.alpha", "-1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with")
        .hasMessageContaining("otc.reward.alpha");
    // A cross-key rule: markers must outlive the replay window, which is one group timeout long.
    assertThatThrownBy(() -> PackagedRewardService.start("bad-retention", broker.bootstrap(), Ports.free(),
            Map.of("otc.reward.groups.timeout", "PT10M", "otc.reward.groups.completed-retention", "PT5M")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with")
        .hasMessageContaining("otc.reward.groups.completed-retention");
  }
}
