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
import ai.otc.reward.core.ClientProps;
import ai.otc.reward.support.Broker;
import ai.otc.reward.support.RewardedReader;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.reward.support.ServiceProcess;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged service against a real KRaft broker: one poison record among 1,000 goes to the
 * dead-letter topic exactly once, with reason, source topic, partition and offset headers, the 999
 * valid trajectories (333 groups of 3) are all scored, and liveness and readiness stay UP. The
 * dead letter and every scored group carry the contract's type and version headers (header drift). Also: a
 * configuration error stops the start with a message naming the key.
 */
class DeadLetterIT {

  @RegisterExtension
  static final Broker broker = Broker.perClass();

  @Test
  void onePoisonRecordAmongAThousandGoesToTheDlqAndTheStreamGoesOn() throws Exception {
    RolloutFeed feed = RolloutFeed.generate("dl", 333, 3, 50, 5L);
    assertThat(feed.trajectories).hasSize(999);
    byte[] poison = "{\"not\": \"a protobuf\"}".getBytes(StandardCharsets.UTF_8);
    try (ServiceProcess svc = ServiceProcess.start("dlq", broker.bootstrap(), Broker.freePort(),
            Map.of("otc.reward.application-id", "reward-dlq-it"));
        KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        RewardedReader reader = new RewardedReader(broker.bootstrap(), Topics.REWARDED)) {
      feed.send(producer, Topics.ROLLOUTS, 0, 500);
      // The poison claims to be a Trajectory, as a buggy rollout would: its dead letter keeps these headers.
      ProducerRecord<String, byte[]> poisonRecord = new ProducerRecord<>(Topics.ROLLOUTS, "dl-g100", poison);
      ContractHeaders.stamp(poisonRecord.headers(), Headers.TYPE_TRAJECTORY);
      RecordMetadata poisonAt = producer.send(poisonRecord).get();
      feed.send(producer, Topics.ROLLOUTS, 500, 999);

      assertThat(reader.pollUntil(333, Duration.ofSeconds(120))).as("log %s", svc.log()).isEqualTo(333);
      List<ConsumerRecord<String, byte[]>> dead = readDlq(1, Duration.ofSeconds(60));
      // Anything extra would arrive right behind: give it the chance to show up.
      reader.pollUntil(334, Duration.ofSeconds(2));
      dead.addAll(readDlqMore(Duration.ofSeconds(1)));

      assertThat(dead).as("exactly one dead letter").hasSize(1);
      ConsumerRecord<String, byte[]> d = dead.get(0);
      assertThat(d.value()).isEqualTo(poison);
      assertThat(d.key()).isEqualTo("dl-g100");
      assertThat(header(d, DeadLetterHeaders.REASON)).isEqualTo("undecodable");
      assertThat(header(d, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.ROLLOUTS);
      assertThat(header(d, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo(Integer.toString(poisonAt.partition()));
      assertThat(header(d, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(poisonAt.offset()));
      assertThat(header(d, DeadLetterHeaders.DETAIL)).startsWith("not a otc.v1.Trajectory");
      assertThat(header(d, Headers.TYPE)).as("the poison's own headers are kept").isEqualTo(Headers.TYPE_TRAJECTORY);
      // Header drift: the dead letter and the scored groups, read back from the broker, carry the contract's headers.
      assertThat(ContractHeaders.problems(Topics.ROLLOUTS_DLQ, d.headers())).isEmpty();
      assertThat(rewardedHeaderProblems(333)).isEmpty();
      // The service created its topics (the broker does not auto-create) as the contract's table says.
      assertCreatedFromTheTable(Topics.ROLLOUTS, TopicTable.get(Topics.ROLLOUTS));
      assertCreatedFromTheTable(Topics.ROLLOUTS_DLQ, TopicTable.get(Topics.ROLLOUTS_DLQ));
      assertCreatedFromTheTable("reward-dlq-it-groups", TopicTable.rewardGroups("reward-dlq-it", TopicTable.get(Topics.ROLLOUTS).partitions()));

      Set<String> ids = new HashSet<>();
      int trajectories = 0;
      for (ScoredGroup g : reader.all) {
        assertThat(ids.add(g.getId())).as("%s scored once", g.getId()).isTrue();
        trajectories += g.getMembersCount();
      }
      assertThat(reader.all).hasSize(333);
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
    assertThatThrownBy(() -> ServiceProcess.start("bad-config", broker.bootstrap(), Broker.freePort(),
            Map.of("otc.reward.groups.timeout-policy", "score-everything")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("service exited")
        .hasMessageContaining("otc.reward.groups.timeout-policy");
    assertThatThrownBy(() -> ServiceProcess.start("bad-alpha", broker.bootstrap(), Broker.freePort(),
            Map.of("otc.reward.alpha", "-1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("service exited")
        .hasMessageContaining("otc.reward.alpha");
    // A cross-key rule: markers must outlive the replay window, which is one group timeout long.
    assertThatThrownBy(() -> ServiceProcess.start("bad-retention", broker.bootstrap(), Broker.freePort(),
            Map.of("otc.reward.groups.timeout", "PT10M", "otc.reward.groups.completed-retention", "PT5M")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("service exited")
        .hasMessageContaining("otc.reward.groups.completed-retention");
  }

  private static KafkaConsumer<String, byte[]> dlqConsumer;

  static List<ConsumerRecord<String, byte[]>> readDlq(int atLeast, Duration max) {
    Properties p = ClientProps.readCommittedConsumer(broker.bootstrap(), 500);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    dlqConsumer = new KafkaConsumer<>(p);
    dlqConsumer.subscribe(List.of(Topics.ROLLOUTS_DLQ));
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + max.toNanos();
    while (out.size() < atLeast && System.nanoTime() < deadline) {
      dlqConsumer.poll(Duration.ofMillis(200)).forEach(out::add);
    }
    return out;
  }

  static List<ConsumerRecord<String, byte[]>> readDlqMore(Duration d) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < deadline) {
      dlqConsumer.poll(Duration.ofMillis(200)).forEach(out::add);
    }
    dlqConsumer.close();
    return out;
  }

  /** The contract check of the headers of the first {@code n} records of otc.rewarded.v1 ("record p/o: problem" lines). */
  static List<String> rewardedHeaderProblems(int n) {
    Properties p = ClientProps.readCommittedConsumer(broker.bootstrap(), 500);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "rewarded-headers-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> problems = new ArrayList<>();
    int read = 0;
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(Topics.REWARDED));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (read < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          read++;
          ContractHeaders.problems(Topics.REWARDED, r.headers()).forEach(x -> problems.add("record " + r.partition() + "/" + r.offset() + ": " + x));
        }
      }
    }
    assertThat(read).as("scored groups read back").isEqualTo(n);
    return problems;
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

  static String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
