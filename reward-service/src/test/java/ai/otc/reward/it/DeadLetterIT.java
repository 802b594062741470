package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.DeadLetterHeaders;
import ai.otc.contract.Headers;
import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.reward.support.PackagedRewardService;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.kafka.TopicRecord;
import ai.otc.testkit.process.ServiceProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged service against a real KRaft broker: one poison record among 1,000 goes to the
 * dead-letter topic exactly once, with reason, source topic, partition and offset headers, the 999
 * valid trajectories (333 groups of 3) are all scored, and liveness and readiness stay UP. The
 * dead letter and every scored group carry the contract's type and version headers (header drift), and the service
 * created its topics as the contract's table says (the kit's broker does not auto-create). Also: a configuration error
 * stops the start with a message naming the key.
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
      // The poison claims to be a Trajectory, as a buggy rollout would: its dead letter keeps these headers.
      ProducerRecord<String, byte[]> poisonRecord = new ProducerRecord<>(Topics.ROLLOUTS, "dl-g100", poison);
      ContractHeaders.stamp(poisonRecord.headers(), Headers.TYPE_TRAJECTORY);
      RecordMetadata poisonAt = producer.send(poisonRecord).get();
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
      assertThat(d.header(DeadLetterHeaders.REASON)).isEqualTo("undecodable");
      assertThat(d.header(DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.ROLLOUTS);
      assertThat(d.header(DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo(Integer.toString(poisonAt.partition()));
      assertThat(d.header(DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(poisonAt.offset()));
      assertThat(d.header(DeadLetterHeaders.DETAIL)).startsWith("not a otc.v1.Trajectory");
      assertThat(d.header(Headers.TYPE)).as("the poison's own headers are kept").isEqualTo(Headers.TYPE_TRAJECTORY);
      // Header drift: the dead letter and the scored groups, read back from the broker, carry the contract's headers.
      assertThat(ContractHeaders.problems(Topics.ROLLOUTS_DLQ, d.raw().headers())).isEmpty();
      for (TopicRecord<ScoredGroup> r : reader.records()) {
        assertThat(ContractHeaders.problems(Topics.REWARDED, r.raw().headers()))
            .as("headers of rewarded %d/%d", r.partition(), r.offset()).isEmpty();
      }
      // The service created its topics (the broker does not auto-create) as the contract's table says.
      assertCreatedFromTheTable(Topics.ROLLOUTS, TopicTable.get(Topics.ROLLOUTS));
      assertCreatedFromTheTable(Topics.ROLLOUTS_DLQ, TopicTable.get(Topics.ROLLOUTS_DLQ));
      assertCreatedFromTheTable("reward-dlq-it-groups", TopicTable.rewardGroups("reward-dlq-it", TopicTable.get(Topics.ROLLOUTS).partitions()));

      Set<String> ids = new HashSet<>();
      int trajectories = 0;
      for (ScoredGroup g : reader.values()) {
        assertThat(ids.add(g.getId())).as("%s scored once", g.getId()).isTrue();
        trajectories += g.getMembersCount();
      }
      assertThat(reader.values()).hasSize(333);
      assertThat(trajectories).isEqualTo(999);

      var live = svc.get("/q/health/live");
      var ready = svc.get("/q/health/ready");
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
    // A security setting whose ${…} does not resolve (a Secret the pod lacks) is not dropped: the start stops naming it.
    assertThatThrownBy(() -> PackagedRewardService.start("bad-kafka-secret", broker.bootstrap(), Ports.free(),
            Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.jaas.config", "${OTC_IT_UNSET_SECRET}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with")
        .hasMessageContaining("kafka.sasl.jaas.config is set but has no value");
  }

  static void assertCreatedFromTheTable(String topic, TopicSpec spec) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions())
          .as("partitions of %s", topic).hasSize(spec.partitions());
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config cfg = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
      spec.configs(1).forEach((k, v) -> assertThat(cfg.get(k).value()).as("%s of %s", k, topic).isEqualTo(v));
    }
  }
}
