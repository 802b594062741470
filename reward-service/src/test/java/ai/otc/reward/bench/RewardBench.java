package ai.otc.reward.bench;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import ai.otc.reward.core.ClientProps;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.reward.support.Trajectories;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.process.ServiceProcess;
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
 * and the rate at which the packaged reward-service (its own JVM, default settings) turns the same
 * topic's trajectories into scored groups.
 *
 * <p>Also the <b>copy ceiling</b>: the same exactly-once consume-produce loop as the service's,
 * run in this JVM, writing each group's members back as one record without decoding or scoring
 * anything. No exactly-once service that writes its input back can beat it on this broker and
 * machine, so it frames the service's rate.
 *
 * <p>Rates are read from the output topics, created with {@code message.timestamp.type=LogAppendTime}
 * so the broker stamps when each group was written: trajectories / (last − first append time). The
 * rate reported is the steady state, from the group at the 20th percentile of append times on
 * (a fresh JVM spends its first seconds compiling); the whole-run rate is printed too. The input
 * topic is pre-loaded before the service starts, so the service never waits for input; the output
 * reader counts members on the wire and decodes every 100th group in full.
 *
 * <p>Arguments: {@code [trajectories per size, default 1000000] [sizes, default 5,16]}.
 */
public final class RewardBench {

  private RewardBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String[] sizes = (args.length > 1 ? args[1] : "5,16").split(",");
    List<String> lines = new ArrayList<>();
    for (String s : sizes) {
      int size = Integer.parseInt(s.trim());
      // A fresh broker per group size: one run's topics, changelogs and transactions do not load the next one's.
      try (KafkaBroker broker = KafkaBroker.create().start()) {
        lines.add(runOne(broker, n - n % size, size));
      }
    }
    // The last line is the result row; bench/reward-bench.sh collects one per size into the table.
    lines.forEach(System.out::println);
  }

  static String runOne(KafkaBroker broker, int n, int size) throws Exception {
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

    // The ceiling of any exactly-once service on this broker and machine: the same transactional
    // consume-produce loop writing each group's members back as one record, with no decoding or scoring.
    String copyOut = "bench.copy.g" + size;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(copyOut, 4, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime"))))
          .all().get(60, TimeUnit.SECONDS);
    }
    Thread copier = new Thread(() -> copyThrough(broker.bootstrap(), in, copyOut, n), "copy-ceiling");
    copier.start();
    double copy = outputRate(broker.bootstrap(), copyOut, n / size, size, false);
    copier.join();
    System.out.printf(Locale.ROOT, "  copy ceiling (transactional consume -> produce of the same bytes, one record per group): %.0f trajectories/s%n", copy);

    Map<String, String> props = new java.util.LinkedHashMap<>(Map.of(
        "otc.reward.application-id", "reward-bench-g" + size,
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
    try (ServiceProcess svc = ServiceProcess.builder().name("bench-g" + size).jvmOptions(serviceJvm())
        .property("kafka.bootstrap.servers", broker.bootstrap()).properties(props).startAndAwaitReady()) {
      Duration svcCpu0 = svc.cpu().orElse(Duration.ZERO);
      Duration ownCpu0 = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
      service = outputRate(broker.bootstrap(), out, n / size, size, true);
      Duration svcCpu = svc.cpu().orElse(Duration.ZERO).minus(svcCpu0);
      Duration ownCpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).minus(ownCpu0);
      // Where the CPU went while the service scored (from ready to the last group read): the service's JVM, and this
      // JVM, which holds the broker and the output reader.
      System.out.printf(Locale.ROOT, "  CPU while scoring: service %.1f s (%.0f us per trajectory), broker + reader %.1f s%n",
          svcCpu.toMillis() / 1000.0, svcCpu.toNanos() / 1000.0 / n, ownCpu.toMillis() / 1000.0);
    }
    double ratio = service / raw;
    System.out.printf(Locale.ROOT, "  service: %.0f trajectories/s scored (%.1f %% of raw consume, %.1f %% of the copy ceiling)%n",
        service, 100 * ratio, 100 * service / copy);
    return String.format(Locale.ROOT, "%-6d %12d %8d %16.0f %14.0f %18.0f %6.1f%% %9.1f%%", size, n, bytes / n, raw, copy, service,
        100 * ratio, 100 * service / copy);
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
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ClientProps.readCommittedConsumer(bootstrap, 500));
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

  /**
   * The exactly-once copy loop of the ceiling measurement: read_committed consumer in its own group,
   * transactional producer, 500 ms transactions with the offsets; consecutive records with the same
   * key (a group's members, as preloaded) are concatenated into one output record.
   */
  static void copyThrough(String bootstrap, String in, String out, int n) {
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, "copy-ceiling-" + in);
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    cp.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "copy-ceiling-" + in);
    pp.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    pp.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 << 10));
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp); KafkaProducer<String, byte[]> p = new KafkaProducer<>(pp)) {
      p.initTransactions();
      c.subscribe(List.of(in));
      long read = 0;
      long txStart = 0;
      boolean open = false;
      Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new java.util.HashMap<>();
      Map<Integer, java.io.ByteArrayOutputStream> groupBytes = new java.util.HashMap<>();
      Map<Integer, String> groupKey = new java.util.HashMap<>();
      while (read < n || open) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
          if (!open) {
            p.beginTransaction();
            open = true;
            txStart = System.nanoTime();
          }
          java.io.ByteArrayOutputStream buf = groupBytes.computeIfAbsent(r.partition(), k -> new java.io.ByteArrayOutputStream());
          String key = groupKey.get(r.partition());
          if (key != null && !key.equals(r.key())) {
            p.send(new ProducerRecord<>(out, key, buf.toByteArray()));
            buf.reset();
          }
          groupKey.put(r.partition(), r.key());
          buf.writeBytes(r.value());
          offsets.put(new TopicPartition(r.topic(), r.partition()), new org.apache.kafka.clients.consumer.OffsetAndMetadata(r.offset() + 1));
          read++;
        }
        boolean last = read >= n;
        if (last) {
          // Flush the last group of each partition.
          if (!open) {
            p.beginTransaction();
            open = true;
          }
          for (Map.Entry<Integer, java.io.ByteArrayOutputStream> e : groupBytes.entrySet()) {
            if (e.getValue().size() > 0) {
              p.send(new ProducerRecord<>(out, groupKey.get(e.getKey()), e.getValue().toByteArray()));
              e.getValue().reset();
            }
          }
        }
        if (open && (last || System.nanoTime() - txStart > 500_000_000L)) {
          p.sendOffsetsToTransaction(offsets, c.groupMetadata());
          p.commitTransaction();
          open = false;
        }
      }
    }
  }

  /**
   * Waits for every output group and returns trajectories per second between the first and the last
   * output append time. The reader counts members with a wire scan and decodes every 100th record in
   * full ({@code scored}: as a ScoredGroup), so that measuring does not take the CPU the measured needs.
   *
   * @param scored the records are ScoredGroups (the service); otherwise copies of {@code size} concatenated trajectories
   */
  static double outputRate(String bootstrap, String topic, int groups, int size, boolean scored) {
    try (KafkaConsumer<String, byte[]> c = fromBeginning(bootstrap, topic)) {
      long[] appended = new long[groups];
      int seen = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
      while (seen < groups) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.timestampType() != TimestampType.LOG_APPEND_TIME) {
            throw new IllegalStateException("output topic is not LogAppendTime");
          }
          int members;
          try {
            members = scored ? membersOf(r.value(), seen % 100 == 0) : size;
          } catch (java.io.IOException e) {
            throw new IllegalStateException("output does not decode", e);
          }
          if (members != size) {
            throw new IllegalStateException("a group of " + members + " instead of " + size);
          }
          if (seen == groups) {
            throw new IllegalStateException("more than " + groups + " groups on " + topic);
          }
          appended[seen++] = r.timestamp();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("only " + seen + " of " + groups + " groups written in 15 minutes");
        }
      }
      java.util.Arrays.sort(appended);
      long first = appended[0];
      long last = appended[groups - 1];
      // Whole run: groups stamped in the first append millisecond were processed before the clock started.
      int atFirst = 0;
      while (atFirst < groups && appended[atFirst] == first) {
        atFirst++;
      }
      double whole = (double) (groups - atFirst) * size / (Math.max(1, last - first) / 1000.0);
      // Steady state: from the append time of the group at the 20th percentile on, once the JIT has
      // compiled the hot paths of a freshly started JVM (a one-off at each service start).
      long from = appended[groups / 5];
      int after = 0;
      for (long t : appended) {
        if (t > from) {
          after++;
        }
      }
      double steady = (double) after * size / (Math.max(1, last - from) / 1000.0);
      System.out.printf(Locale.ROOT, "  %s: %d groups in %.2f s: %.0f trajectories/s over the whole run, %.0f/s steady (last 80 %%)%n",
          topic, groups, (last - first) / 1000.0, whole, steady);
      return steady;
    }
  }

  /** Members of a ScoredGroup: field 5 occurrences counted on the wire, or a full decode when {@code decode}. */
  static int membersOf(byte[] value, boolean decode) throws java.io.IOException {
    if (decode) {
      return ScoredGroup.parseFrom(value).getMembersCount();
    }
    com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(value);
    int members = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag >>> 3 == ScoredGroup.MEMBERS_FIELD_NUMBER) {
        members++;
      }
      in.skipField(tag);
    }
    return members;
  }
}
