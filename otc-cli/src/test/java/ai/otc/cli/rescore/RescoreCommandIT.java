package ai.otc.cli.rescore;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.Otc;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.proto.v1.RewardName;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.Trajectory;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.kafka.TopicRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code otc rescore} against a real single-node KRaft broker on 127.0.0.1: a seeded stream of
 * GRPO groups (three partitions, explicit record times, one poison record, one duplicate, one group
 * left incomplete) is re-scored with another reward version; re-running on the same range, also
 * after the source topic has grown, writes byte-identical records; a time range selects exactly the
 * records of its window; and nothing of the live service is touched (no consumer group, no write to
 * otc.rewarded.v1, the source unchanged).
 */
class RescoreCommandIT {

  static final String SOURCE = Topics.ROLLOUTS;
  static final long T0 = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
  static final int GROUPS = 120;
  static final int SIZE = 4;

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass().withTopic(SOURCE, 3);
  static String bootstrap;
  /** Per question, the n a first-to-last scoring must report for each group, in feed order. */
  static final Map<String, Integer> expectedN = new HashMap<>();
  static final Map<String, Boolean> expectedNDefined = new HashMap<>();

  @BeforeAll
  static void seed() throws Exception {
    bootstrap = broker.bootstrap();
    // Batch 1: GROUPS groups of SIZE over 15 questions, members shuffled, record times T0 + 10 ms * i.
    Random rnd = new Random(7L);
    List<ProducerRecord<String, byte[]>> recs = new ArrayList<>();
    Map<String, Integer> running = new HashMap<>();
    for (int g = 0; g < GROUPS; g++) {
      String q = "q" + rnd.nextInt(15);
      String gid = "g" + g;
      List<Trajectory> members = new ArrayList<>();
      for (int i = 0; i < SIZE; i++) {
        boolean correct = rnd.nextInt(3) == 0;
        int m = rnd.nextInt(5);
        members.add(traj(gid, gid + "-t" + i, q, SIZE, m, correct));
        if (correct) {
          running.merge(q, m, Math::min);
        }
      }
      java.util.Collections.shuffle(members, rnd);
      for (int i = 0; i < members.size(); i++) {
        recs.add(new ProducerRecord<>(SOURCE, null, T0 + 10L * recs.size(), gid, members.get(i).toByteArray()));
        if (g == 10 && i == 0) {
          // A duplicate of a member of the pending group, then a poison record.
          recs.add(new ProducerRecord<>(SOURCE, null, T0 + 10L * recs.size(), gid, members.get(0).toByteArray()));
          recs.add(new ProducerRecord<>(SOURCE, null, T0 + 10L * recs.size(), gid, "garbage \u0001".getBytes(StandardCharsets.UTF_8)));
        }
      }
      expectedNDefined.put(gid, running.containsKey(q));
      if (running.containsKey(q)) {
        expectedN.put(gid, running.get(q));
      }
    }
    // One group that never completes (2 of 3 members).
    recs.add(new ProducerRecord<>(SOURCE, null, T0 + 10L * recs.size(), "open", traj("open", "open-a", "qo", 3, 0, true).toByteArray()));
    recs.add(new ProducerRecord<>(SOURCE, null, T0 + 10L * recs.size(), "open", traj("open", "open-b", "qo", 3, 2, false).toByteArray()));
    send(recs);
  }

  static Trajectory traj(String group, String id, String question, int size, int m, boolean correct) {
    return Trajectory.newBuilder()
        .setTrajectoryId(id).setGroupId(group).setQuestionId(question).setGroupSize(size).setToolCallCount(m)
        .addGoldenAnswers("Paris").setHasAnswer(true).setExtractedAnswer(correct ? "paris" : "Rome")
        .setCorrect(correct).setPolicyVersion(3).setRunId("run-rescore").build();
  }

  @Test
  void rerunningTheSameRangeWritesIdenticalRecordsEvenAfterTheSourceGrew() throws Exception {
    Run first = rescore("--target", "rescored-a", "--reward", "otc-grpo", "--reward-version", "v2");
    assertThat(first.code).as(first.err).isZero();
    assertThat(first.out).contains("groups scored: " + (GROUPS + 1) + " (partial: 1)")
        .contains("records rejected: {UNDECODABLE=1}")
        .contains("duplicates ignored: 1");
    Matcher replay = Pattern.compile("replay with: (--from-offset \\S+) (--to-offset \\S+)").matcher(first.out);
    assertThat(replay.find()).as(first.out).isTrue();
    List<ConsumerRecord<String, byte[]>> a = readAll("rescored-a");
    assertThat(a).hasSize(GROUPS + 1);
    try (Admin admin = admin()) {
      var res = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "rescored-a");
      var cfg = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
      assertThat(cfg.get("retention.ms").value()).as("old record times must not be deleted by retention").isEqualTo("-1");
      assertThat(admin.describeTopics(List.of("rescored-a")).allTopicNames().get(30, TimeUnit.SECONDS).get("rescored-a").partitions())
          .as("the source's partition count").hasSize(3);
    }

    // The live topic keeps growing: later records must not leak into a replay of the same range.
    send(List.of(new ProducerRecord<>(SOURCE, null, T0 + 3_600_000L, "late", traj("late", "late-1", "q1", 1, 0, true).toByteArray())));
    String[] from = replay.group(1).split(" ");
    String[] to = replay.group(2).split(" ");
    Run second = rescore("--target", "rescored-b", "--reward", "otc-grpo", "--reward-version", "v2",
        from[0], from[1], to[0], to[1], "--quiet");
    assertThat(second.code).as(second.err).isZero();
    assertSameRecords(a, readAll("rescored-b"));

    // Content: the new version everywhere; n per group as a first-to-last running minimum (record-time order).
    for (ConsumerRecord<String, byte[]> r : a) {
      ScoredGroup g = ScoredGroup.parseFrom(r.value());
      // The output stands for otc.rewarded.v1: its type and version headers are the contract's, read back from the broker.
      assertThat(ContractHeaders.problems(Topics.REWARDED, r.headers())).as("headers of %s", r.key()).isEmpty();
      assertThat(r.key()).isEqualTo(g.getGroupId());
      assertThat(g.getId()).isEqualTo(g.getGroupId() + "@otc-grpo:v2");
      assertThat(g.getReward().getName()).isEqualTo(RewardName.REWARD_NAME_OTC_GRPO);
      assertThat(g.getReward().getVersion()).isEqualTo("v2");
      if (g.getGroupId().equals("open")) {
        assertThat(g.getPartial()).isTrue();
        assertThat(g.getMembersCount()).isEqualTo(2);
        continue;
      }
      assertThat(g.getMembersCount()).isEqualTo(SIZE);
      if (expectedNDefined.get(g.getGroupId())) {
        assertThat(g.getN()).as("n of %s", g.getGroupId()).isEqualTo(expectedN.get(g.getGroupId()));
      } else {
        assertThat(g.hasN()).as("n of %s", g.getGroupId()).isFalse();
      }
      assertThat(g.getMembersList()).extracting(m -> m.getTrajectory().getTrajectoryId()).isSorted();
    }
  }

  @Test
  void aTimeRangeSelectsItsWindowAndAnotherRewardScoresIt() throws Exception {
    // The first 40 groups' records (160 records + the duplicate and the poison after group 10).
    Instant from = Instant.ofEpochMilli(T0);
    Instant to = Instant.ofEpochMilli(T0 + 10L * (40 * SIZE + 2));
    Run run = rescore("--target", "rescored-em", "--reward", "em", "--reward-version", "baseline-2",
        "--from-time", from.toString(), "--to-time", Long.toString(to.toEpochMilli()), "--incomplete", "drop-and-count");
    assertThat(run.code).as(run.err).isZero();
    List<ConsumerRecord<String, byte[]>> out = readAll("rescored-em");
    assertThat(out).hasSize(40);
    for (ConsumerRecord<String, byte[]> r : out) {
      ScoredGroup g = ScoredGroup.parseFrom(r.value());
      assertThat(Integer.parseInt(g.getGroupId().substring(1))).isLessThan(40);
      assertThat(g.getId()).endsWith("@em:baseline-2");
      assertThat(g.hasN()).isFalse();
      for (ScoredTrajectory m : g.getMembersList()) {
        assertThat(m.getReward()).isEqualTo(m.getCorrect() ? 1.0 : 0.0);
      }
    }
    Run again = rescore("--target", "rescored-em-2", "--reward", "em", "--reward-version", "baseline-2",
        "--from-time", from.toString(), "--to-time", Long.toString(to.toEpochMilli()), "--incomplete", "drop-and-count");
    assertThat(again.code).as(again.err).isZero();
    assertSameRecords(out, readAll("rescored-em-2"));
  }

  @Test
  void theLiveServiceIsNeverTouched() throws Exception {
    Map<TopicPartition, Long> endBefore = endOffsets(SOURCE);
    Run refused = rescore("--target", Topics.REWARDED, "--reward", "otc-grpo");
    assertThat(refused.code).isEqualTo(2);
    assertThat(refused.err).contains("live topic");
    Run same = rescore("--target", SOURCE, "--reward", "otc-grpo");
    assertThat(same.code).isEqualTo(2);
    Run ok = rescore("--target", "rescored-live-check", "--reward", "otc-ppo", "--reward-version", "v9", "--quiet");
    assertThat(ok.code).as(ok.err).isZero();
    try (Admin admin = admin()) {
      assertThat(admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)).as("no consumer group, no committed offsets").isEmpty();
      Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(topics).doesNotContain(Topics.REWARDED, Topics.ROLLOUTS_DLQ);
    }
    assertThat(endOffsets(SOURCE)).as("the source is only read").isEqualTo(endBefore);
  }

  @Test
  void badArgumentsExitTwoWithAMessage() {
    Run both = rescore("--target", "x", "--reward", "otc-grpo", "--from-offset", "0", "--from-time", "0");
    assertThat(both.code).isEqualTo(2);
    assertThat(both.err).contains("mutually exclusive");
    Run badOffset = rescore("--target", "x", "--reward", "otc-grpo", "--to-offset", "0:5,0:6");
    assertThat(badOffset.code).isEqualTo(2);
    assertThat(badOffset.err).contains("partition 0 given twice");
    Run badTime = rescore("--target", "x", "--reward", "otc-grpo", "--from-time", "yesterday");
    assertThat(badTime.code).isEqualTo(2);
    assertThat(badTime.err).contains("--from-time");
    Run badReward = rescore("--target", "x", "--reward", "otc-xyz");
    assertThat(badReward.code).isEqualTo(2);
    assertThat(badReward.err).contains("otc-xyz");
  }

  @Test
  void aMissingSourceOrAnUnreachableBrokerFailsWithExitOne() throws Exception {
    Run missing = rescore("--source", "no.such.topic", "--target", "x", "--reward", "otc-grpo");
    assertThat(missing.code).isEqualTo(1);
    assertThat(missing.err).contains("source topic no.such.topic does not exist");
    long t0 = System.nanoTime();
    Run down = rescoreOn("127.0.0.1:" + Ports.free(), "--target", "x", "--reward", "otc-grpo");
    assertThat(down.code).isEqualTo(1);
    assertThat(down.err).contains("cannot reach the broker");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(90));
  }

  // --- helpers --------------------------------------------------------------------------------

  record Run(int code, String out, String err) {}

  static Run rescore(String... args) {
    return rescoreOn(bootstrap, args);
  }

  static Run rescoreOn(String bootstrapServers, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = Otc.commandLine();
    RescoreCommand cmd = (RescoreCommand) cl.getSubcommands().get("rescore").getCommand();
    cmd.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
    cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
    cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    List<String> all = new ArrayList<>(List.of("rescore", "--bootstrap-servers", bootstrapServers));
    all.addAll(Arrays.asList(args));
    int code = cl.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static void assertSameRecords(List<ConsumerRecord<String, byte[]>> a, List<ConsumerRecord<String, byte[]>> b) {
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      ConsumerRecord<String, byte[]> x = a.get(i);
      ConsumerRecord<String, byte[]> y = b.get(i);
      assertThat(y.partition()).as("partition of record %d", i).isEqualTo(x.partition());
      assertThat(y.offset()).as("offset of record %d", i).isEqualTo(x.offset());
      assertThat(y.key()).as("key of record %d", i).isEqualTo(x.key());
      assertThat(y.timestamp()).as("timestamp of record %d", i).isEqualTo(x.timestamp());
      assertThat(y.value()).as("value of record %d (%s)", i, x.key()).isEqualTo(x.value());
      assertThat(y.headers().toArray()).as("headers of record %d", i).isEqualTo(x.headers().toArray());
    }
  }

  /** Every record of a topic, in (partition, offset) order. */
  static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    try (TopicReader<byte[]> reader = TopicReader.openRaw(bootstrap, topic)) {
      return reader.readToEnd(Duration.ofSeconds(60)).stream().map(TopicRecord::raw).toList();
    }
  }

  static Map<TopicPartition, Long> endOffsets(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(pi -> new TopicPartition(topic, pi.partition())).toList();
      return new HashMap<>(c.endOffsets(parts));
    }
  }

  static void send(List<ProducerRecord<String, byte[]>> recs) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (ProducerRecord<String, byte[]> r : recs) {
        acks.add(producer.send(r));
      }
      producer.flush();
      for (Future<RecordMetadata> f : acks) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
  }

  static Admin admin() {
    return broker.admin();
  }
}
