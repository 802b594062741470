package ai.otc.reward.bench;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import ai.otc.reward.support.Broker;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.reward.support.ServiceProcess;
import ai.otc.reward.support.Trajectories;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code bench/reward-bench.sh}: in one run on this machine, for groups of 5 and of 16, the raw
 * consume rate of a rollouts topic (a plain read_committed consumer reading every record as bytes)
 * and the rate at which the packaged reward-service (its own JVM, default settings: exactly-once,
 * RocksDB stores, 100 ms commits) turns the same topic's trajectories into scored groups.
 *
 * <p>Service rate = trajectories / (last − first LogAppendTime on the output topic): the output
 * topic is created with {@code message.timestamp.type=LogAppendTime}, so the broker stamps when
 * each scored group was written and the JVM start-up is not counted. The topic is pre-loaded
 * before the service starts, so the service is never waiting for input.
 *
 * <p>Arguments: {@code [trajectories per size, default 100000] [sizes, default 5,16]}.
 */
public final class RewardBench {

  private RewardBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String[] sizes = (args.length > 1 ? args[1] : "5,16").split(",");
    List<String> lines = new ArrayList<>();
    for (String s : sizes) {
      int size = Integer.parseInt(s.trim());
      // A fresh broker per group size: one run's topics, changelogs and transactions do not load the next one's.
      try (Broker broker = Broker.start()) {
        lines.add(runOne(broker, n - n % size, size));
      }
    }
    // The last line is the result row; bench/reward-bench.sh collects one per size into the table.
    lines.forEach(System.out::println);
  }

  static String runOne(Broker broker, int n, int size) throws Exception {
    String in = "bench.rollouts.g" + size;
    String out = "bench.rewarded.g" + size;
    String dlq = "bench.rollouts.g" + size + ".dlq";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      admin.createTopics(List.of(
          new NewTopic(in, 4, (short) 1),
          new NewTopic(out, 4, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")),
          new NewTopic(dlq, 4, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
    long bytes = preload(broker.bootstrap(), in, n, size);
    System.out.printf(Locale.ROOT, "groups of %d: %d trajectories (%d bytes each on average) loaded into %s%n", size, n, bytes / n, in);

    double raw = 0;
    for (int i = 0; i < 3; i++) {
      double r = rawConsume(broker.bootstrap(), in, n);
      System.out.printf(Locale.ROOT, "  raw consume, pass %d: %.0f records/s%n", i + 1, r);
      raw = Math.max(raw, r);
    }

    Map<String, String> props = new java.util.LinkedHashMap<>(Map.of(
        "quarkus.kafka-streams.application-id", "reward-bench-g" + size,
        "otc.reward.topics.rollouts", in,
        "otc.reward.topics.rewarded", out,
        "otc.reward.topics.dlq", dlq));
    // -Dbench.service.props=k=v,k=v: extra service settings, for experiments (the README numbers use none).
    String extra = System.getProperty("bench.service.props", "");
    for (String kv : extra.split(",")) {
      if (!kv.isBlank()) {
        props.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
      }
    }
    if (!extra.isBlank()) {
      System.out.println("  service settings: " + props);
    }
    double service;
    try (ServiceProcess svc = ServiceProcess.start("bench-g" + size, broker.bootstrap(), Broker.freePort(),
        Files.createTempDirectory("reward-bench-state"), props, serviceJvm())) {
      Duration svcCpu0 = svc.cpu().orElse(Duration.ZERO);
      Duration ownCpu0 = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
      service = serviceRate(broker.bootstrap(), out, n / size, size);
      Duration svcCpu = svc.cpu().orElse(Duration.ZERO).minus(svcCpu0);
      Duration ownCpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).minus(ownCpu0);
      // Where the CPU went while the service scored (from ready to the last group read): the service's JVM, and this
      // JVM, which holds the broker and the output reader.
      System.out.printf(Locale.ROOT, "  CPU while scoring: service %.1f s (%.0f us per trajectory), broker + reader %.1f s%n",
          svcCpu.toMillis() / 1000.0, svcCpu.toNanos() / 1000.0 / n, ownCpu.toMillis() / 1000.0);
    }
    double ratio = service / raw;
    System.out.printf(Locale.ROOT, "  service: %.0f trajectories/s scored (%.1f %% of raw consume)%n", service, 100 * ratio);
    return String.format(Locale.ROOT, "%-6d %12d %8d %16.0f %18.0f %6.1f%%", size, n, bytes / n, raw, service, 100 * ratio);
  }

  /** The service's JVM options: -Xmx1g, plus -Dbench.service.jvm="..." (space-separated, e.g. a flight recording). */
  static List<String> serviceJvm() {
    List<String> opts = new ArrayList<>(List.of("-Xmx1g"));
    for (String o : System.getProperty("bench.service.jvm", "").split(" ")) {
      if (!o.isBlank()) {
        opts.add(o);
      }
    }
    return opts;
  }

  /** Writes n trajectories in groups of {@code size} (seeded), members of a group consecutive; returns the value bytes. */
  static long preload(String bootstrap, String topic, int n, int size) throws Exception {
    Random rnd = new Random(size * 1000L + 17);
    int questions = Math.max(1, n / size / 4);
    long bytes = 0;
    try (KafkaProducer<String, byte[]> p = RolloutFeed.producer(bootstrap)) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int g = 0; g < n / size; g++) {
        String gid = "b" + size + "-g" + g;
        String q = "b" + size + "-q" + rnd.nextInt(questions);
        for (int i = 0; i < size; i++) {
          Trajectory t = realistic(Trajectories.of(gid, gid + "-t" + i, q, size, rnd.nextInt(6), rnd.nextInt(2) == 0), rnd);
          byte[] v = t.toByteArray();
          bytes += v.length;
          acks.add(p.send(new ProducerRecord<>(topic, gid, v)));
        }
        if (acks.size() >= 20_000) {
          for (Future<RecordMetadata> a : acks) {
            a.get();
          }
          acks.clear();
        }
      }
      p.flush();
      for (Future<RecordMetadata> a : acks) {
        a.get();
      }
    }
    return bytes;
  }

  /** A trajectory with the token-level fields a learner needs: 32 prompt and 64 response tokens, mask and log-probs. */
  static Trajectory realistic(Trajectory t, Random rnd) {
    Trajectory.Builder b = t.toBuilder().setQuestion("Which city is the capital of the country whose flag has a tricolour?");
    for (int i = 0; i < 32; i++) {
      b.addPromptTokenIds(rnd.nextInt(256));
    }
    for (int i = 0; i < 64; i++) {
      b.addResponseTokenIds(rnd.nextInt(256));
      b.addLossMask(i % 8 < 6 ? 1 : 0);
      b.addOldLogProbs((float) -rnd.nextDouble());
    }
    return b.build();
  }

  /** A read_committed byte consumer assigned to every partition of {@code topic}, positioned at the beginning. */
  static KafkaConsumer<String, byte[]> fromBeginning(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p);
    List<TopicPartition> parts = c.partitionsFor(topic).stream().map(pi -> new TopicPartition(topic, pi.partition())).toList();
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /** Reads the whole topic as bytes with one read_committed consumer; records per second. */
  static double rawConsume(String bootstrap, String topic, int n) {
    try (KafkaConsumer<String, byte[]> c = fromBeginning(bootstrap, topic)) {
      List<TopicPartition> parts = List.copyOf(c.assignment());
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long t0 = System.nanoTime();
      long count = 0;
      long checksum = 0;
      while (count < n) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          count++;
          checksum += r.value().length;
        }
        if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(5)) {
          throw new IllegalStateException("raw consume read only " + count + " of " + n + " records (ends " + end + ")");
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      if (checksum == 0) {
        throw new IllegalStateException("empty records");
      }
      return count / secs;
    }
  }

  /** Waits for every scored group and returns trajectories per second between the first and the last output append time. */
  static double serviceRate(String bootstrap, String topic, int groups, int size) {
    try (KafkaConsumer<String, byte[]> c = fromBeginning(bootstrap, topic)) {
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      long firstGroupTrajectories = 0;
      int seen = 0;
      long trajectories = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
      while (seen < groups) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.timestampType() != TimestampType.LOG_APPEND_TIME) {
            throw new IllegalStateException("output topic is not LogAppendTime");
          }
          int members;
          try {
            members = ScoredGroup.parseFrom(r.value()).getMembersCount();
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("output does not decode", e);
          }
          if (members != size) {
            throw new IllegalStateException("a group of " + members + " instead of " + size);
          }
          seen++;
          trajectories += members;
          if (r.timestamp() < first) {
            first = r.timestamp();
            firstGroupTrajectories = members;
          } else if (r.timestamp() == first) {
            firstGroupTrajectories += members;
          }
          last = Math.max(last, r.timestamp());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("only " + seen + " of " + groups + " groups scored in 15 minutes");
        }
      }
      // Groups stamped in the first append millisecond were processed before the clock started: not counted.
      double secs = Math.max(1, last - first) / 1000.0;
      System.out.printf(Locale.ROOT, "  service: %d groups, first output at %d, last at %d (%.2f s)%n", seen, first, last, secs);
      return (trajectories - firstGroupTrajectories) / secs;
    }
  }
}
