package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.DeadLetterHeaders;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import ai.otc.reward.support.PackagedRewardService;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.reward.support.Trajectories;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.kafka.TopicRecord;
import ai.otc.testkit.process.ServiceProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Oversized records against the packaged service and a real broker whose rollouts topic accepts 4 MiB records (a
 * deployment that raised it): a 2 MiB trajectory (a group of one), a group of 16 × 96 KiB members (1.5 MiB scored),
 * a 2 MiB undecodable record and a record whose 1.5 MiB key is not its group id sit between 60 ordinary groups. Before
 * the limits, the group's scored record (or the dead letter repeating the key) was refused by the broker, the
 * transaction aborted and the restarted life met the same record again, forever, so nothing behind it was scored.
 * Now: every ordinary group is scored once, the two big groups go to the dead-letter topic member by member
 * ({@code group-too-large}), every dead letter is within the 1 MiB limit (reference copies for the 2 MiB ones), and
 * the stream never failed. A managed topic with a lower {@code max.message.bytes} lowers the service's limit.
 */
class OversizedRecordsIT {

  static final int KIB = 1024;
  static final int MIB = 1 << 20;

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass();

  static Trajectory padded(String group, String id, int size, int padBytes) {
    return Trajectories.of(group, id, "q-big", size, 1, true).toBuilder().setResponseText("x".repeat(padBytes)).build();
  }

  static String header(TopicRecord<byte[]> r, String name) {
    return r.header(name);
  }

  /** Key, value and headers: the bulk of what Kafka counts against the 1 MiB limit. */
  static long bytes(TopicRecord<byte[]> r) {
    long n = (r.key() == null ? 0 : r.key().getBytes(StandardCharsets.UTF_8).length) + (r.value() == null ? 0 : r.value().length);
    for (Header h : r.raw().headers()) {
      n += h.key().length() + (h.value() == null ? 0 : h.value().length);
    }
    return n;
  }

  @Test
  void oversizedRecordsGoToTheDlqBoundedAndTheStreamGoesOn() throws Exception {
    broker.createTopics(List.of(new NewTopic(Topics.ROLLOUTS, 4, (short) 1).configs(Map.of("max.message.bytes", Integer.toString(4 * MIB)))));
    RolloutFeed before = RolloutFeed.generate("ov-a", 30, 3, 10, 1L);
    RolloutFeed after = RolloutFeed.generate("ov-b", 30, 3, 10, 2L);
    try (ServiceProcess svc = PackagedRewardService.start("oversize", broker.bootstrap(), Ports.free(),
            Map.of("otc.reward.application-id", "reward-oversize-it"));
        KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap(), 4 * MIB);
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), Topics.REWARDED, ScoredGroup.parser());
        TopicReader<byte[]> dlq = TopicReader.openRaw(broker.bootstrap(), Topics.ROLLOUTS_DLQ)) {
      before.send(producer, Topics.ROLLOUTS, 0, before.trajectories.size());
      RecordMetadata hugeAt = producer.send(new ProducerRecord<>(Topics.ROLLOUTS, "huge",
          padded("huge", "huge-t0", 1, 2 * MIB).toByteArray())).get();
      List<RecordMetadata> wideAt = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        wideAt.add(producer.send(new ProducerRecord<>(Topics.ROLLOUTS, "wide", padded("wide", "wide-t" + i, 16, 96 * KIB).toByteArray())).get());
      }
      byte[] garbage = new byte[2 * MIB];
      new Random(7).nextBytes(garbage);
      RecordMetadata poisonAt = producer.send(new ProducerRecord<>(Topics.ROLLOUTS, "poison", garbage)).get();
      String hugeKey = "K".repeat(3 * MIB / 2);
      producer.send(new ProducerRecord<>(Topics.ROLLOUTS, hugeKey, Trajectories.of("gk", "gk-t0", "q", 1, 0, true).toByteArray())).get();
      after.send(producer, Topics.ROLLOUTS, 0, after.trajectories.size());

      assertThat(reader.pollUntil(60, Duration.ofSeconds(120))).as("log %s", svc.log()).isEqualTo(60);
      assertThat(dlq.pollUntil(19, Duration.ofSeconds(60))).as("log %s", svc.log()).isEqualTo(19);
      reader.settle(Duration.ofSeconds(1));
      dlq.settle(Duration.ofSeconds(1));

      Set<String> expected = new HashSet<>();
      before.groupIds.forEach(g -> expected.add(g + "@otc-grpo:v1"));
      after.groupIds.forEach(g -> expected.add(g + "@otc-grpo:v1"));
      List<String> ids = reader.values().stream().map(ScoredGroup::getId).toList();
      assertThat(ids).as("every ordinary group once, the big ones not at all").hasSize(60).doesNotHaveDuplicates();
      assertThat(new HashSet<>(ids)).isEqualTo(expected);

      assertThat(dlq.records()).hasSize(19).allSatisfy(r -> {
        assertThat(bytes(r)).as("dead letter at %d within the limit", r.offset()).isLessThan(MIB - 200);
        assertThat(ContractHeaders.problems(Topics.ROLLOUTS_DLQ, r.raw().headers())).isEmpty();
      });
      List<TopicRecord<byte[]>> wide = dlq.records().stream().filter(r -> "wide".equals(r.key())).toList();
      assertThat(wide).hasSize(16).allSatisfy(r -> {
        assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("group-too-large");
        assertThat(header(r, DeadLetterHeaders.DETAIL)).contains("group wide of 16 members").contains("1048576-byte limit");
        assertThat(Trajectory.parseFrom(r.value()).getResponseText()).hasSize(96 * KIB);
      });
      assertThat(wide.stream().map(r -> header(r, DeadLetterHeaders.SOURCE_OFFSET)).toList()).as("every member, by its own offset")
          .containsExactlyInAnyOrderElementsOf(wideAt.stream().map(m -> Long.toString(m.offset())).toList());

      TopicRecord<byte[]> huge = dlq.records().stream().filter(r -> "huge".equals(r.key())).findFirst().orElseThrow();
      assertThat(huge.value()).as("a reference copy").isNull();
      assertThat(header(huge, DeadLetterHeaders.REASON)).isEqualTo("group-too-large");
      assertThat(header(huge, DeadLetterHeaders.DETAIL)).contains("reference copy")
          .endsWith("the original is otc.rollouts.v1 partition " + hugeAt.partition() + " offset " + hugeAt.offset());

      TopicRecord<byte[]> poison = dlq.records().stream().filter(r -> "poison".equals(r.key())).findFirst().orElseThrow();
      assertThat(poison.value()).isNull();
      assertThat(header(poison, DeadLetterHeaders.REASON)).isEqualTo("undecodable");
      assertThat(header(poison, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(poisonAt.offset()));
      assertThat(header(poison, DeadLetterHeaders.DETAIL)).contains("leaves out the value (2097152 bytes)");

      TopicRecord<byte[]> keyed = dlq.records().stream().filter(r -> r.key() != null && r.key().startsWith("KKK")).findFirst().orElseThrow();
      assertThat(header(keyed, DeadLetterHeaders.REASON)).isEqualTo("key-mismatch");
      assertThat(keyed.key().length()).isLessThanOrEqualTo(256);
      assertThat(header(keyed, DeadLetterHeaders.DETAIL)).hasSizeLessThan(2000).contains("cuts the key (1572864 chars)");

      // Never a failed life: no abort, no restart, no re-read.
      assertThat(svc.logText()).doesNotContain("reward stream failed");
      String live = svc.get("/q/health/live").body();
      assertThat(live).containsPattern("\"consecutive-failures\"\\s*:\\s*0").contains("RUNNING");
      String metrics = svc.get("/q/metrics").body();
      assertThat(metrics).containsPattern("otc_reward_dead_letters_total\\{[^}]*reason=\"group-too-large\"[^}]*} 17\\.0");
      assertThat(metrics).containsPattern("otc_reward_groups_scored_total\\{[^}]*partial=\"false\"[^}]*} 60\\.0");
      // The output topics were created with the service's limit.
      assertThat(maxMessageBytes(Topics.REWARDED)).isEqualTo("1048576");
      assertThat(maxMessageBytes(Topics.ROLLOUTS_DLQ)).isEqualTo("1048576");
    }
  }

  @Test
  void aManagedTopicWithALowerLimitLowersTheServicesLimit() throws Exception {
    broker.createTopics(List.of(new NewTopic("small.rollouts", 1, (short) 1),
        new NewTopic("small.rewarded", 1, (short) 1).configs(Map.of("max.message.bytes", Integer.toString(256 * KIB))),
        new NewTopic("small.dlq", 1, (short) 1).configs(Map.of("max.message.bytes", Integer.toString(256 * KIB)))));
    Map<String, String> props = Map.of("otc.reward.application-id", "reward-small-it", "otc.reward.topics.rollouts", "small.rollouts",
        "otc.reward.topics.rewarded", "small.rewarded", "otc.reward.topics.dlq", "small.dlq");
    // A rule across the limits' keys stops the packaged app's start, naming the keys.
    assertThatThrownBy(() -> PackagedRewardService.start("bad-limits", broker.bootstrap(), Ports.free(),
            Map.of("otc.reward.limits.max-record-bytes", "4194304", "otc.reward.limits.max-pending-bytes", "2097152")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exited with")
        .hasMessageContaining("otc.reward.limits.max-pending-bytes (2097152) must be at least otc.reward.limits.max-record-bytes");
    try (ServiceProcess svc = PackagedRewardService.start("small-topic", broker.bootstrap(), Ports.free(), props);
        KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), "small.rewarded", ScoredGroup.parser());
        TopicReader<byte[]> dlq = TopicReader.openRaw(broker.bootstrap(), "small.dlq")) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>("small.rollouts", "three", padded("three", "three-t" + i, 3, 100 * KIB).toByteArray())).get();
      }
      for (int i = 0; i < 2; i++) {
        producer.send(new ProducerRecord<>("small.rollouts", "two", padded("two", "two-t" + i, 2, 100 * KIB).toByteArray())).get();
      }
      assertThat(reader.pollUntil(1, Duration.ofSeconds(60))).as("log %s", svc.log()).isEqualTo(1);
      assertThat(dlq.pollUntil(3, Duration.ofSeconds(30))).isEqualTo(3);
      dlq.settle(Duration.ofSeconds(1));
      assertThat(reader.values()).singleElement().satisfies(g -> assertThat(g.getGroupId()).isEqualTo("two"));
      assertThat(dlq.records()).hasSize(3).allSatisfy(r -> {
        assertThat(r.key()).isEqualTo("three");
        assertThat(r.value()).as("100 KiB members fit the 256 KiB dead-letter topic whole").isNotNull();
        assertThat(header(r, DeadLetterHeaders.DETAIL)).contains("262144-byte limit of small.rewarded");
      });
      assertThat(svc.logText()).contains("topic small.rewarded has max.message.bytes=262144, below otc.reward.limits.max-record-bytes=1048576")
          .doesNotContain("reward stream failed");
    }
  }

  static String maxMessageBytes(String topic) throws Exception {
    try (Admin admin = broker.admin()) {
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config cfg = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
      return cfg.get("max.message.bytes").value();
    }
  }
}
