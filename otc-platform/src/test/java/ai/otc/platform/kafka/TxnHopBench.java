package ai.otc.platform.kafka;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A measurement program, not a test (CI does not run it): where the time of one transactional hop of the training loop
 * goes on an {@link EmbeddedBroker} with {@link BrokerSettings}, and what a setting changes.
 *
 * <p>Each round: producer A (the rollout service's settings) commits a transaction of {@code --records} records of
 * {@code --in-bytes} to {@code in}; a worker shaped like reward-service's {@code StreamWorker} (read_committed consumer in
 * a group with its settings, poll 100 ms, then 5 ms idle probes while a transaction is open) produces one record of
 * {@code --out-bytes} per input to {@code out} and one record to each of two compacted changelogs, then
 * {@code sendOffsetsToTransaction} + {@code commitTransaction} once a probe comes back empty; consumer C (the learner's
 * settings, read_committed, in a blocked poll) receives the output. Every phase is time-stamped; after the warm-up
 * rounds the program prints median and p90 per phase, and the broker's own request times over the measured rounds.
 *
 * <pre>
 * ./mvnw -o -q -pl otc-platform test-compile
 * java -cp "otc-platform/target/test-classes:otc-platform/target/classes:$(./mvnw -o -q -pl otc-platform \
 *     dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" ai.otc.platform.kafka.TxnHopBench \
 *     --partitions 4 --rounds 30 --warmup 5 \
 *     --variant base \
 *     --variant linger0:broker.group.coordinator.append.linger.ms=0 \
 *     --variant wfetch:wc.fetch.max.wait.ms=20
 * </pre>
 *
 * <p>A variant is {@code label[:scope.key=value,...]} with scope {@code broker}, {@code ap} (A's producer), {@code wc} /
 * {@code wp} (the worker's consumer / producer), {@code cc} (C's consumer), or {@code bench} ({@code bench.flushFirst=true}:
 * the worker flushes its sends before the offsets, splitting its commit into the flush and the EndTxn;
 * {@code bench.childJvm=-Xmx512m -XX:+UseSerialGC}: the broker JVM's options with {@code --mode child}). Each variant
 * gets a fresh broker ({@code --mode in-jvm}, the default, or {@code child}: a child JVM as under {@code ./otc up}, with
 * {@link ChildJvmRunner}'s options; the broker's request times are then not printed); every broker, client and thread
 * is closed before the next variant and at exit.
 */
public final class TxnHopBench {

  private static final String IN = "in";
  private static final String OUT = "out";
  private static final String GROUPS = "changelog-groups";
  private static final String CALLS = "changelog-calls";

  /** The phases of one round, in order, in nanoseconds. */
  private static final String[] PHASES = {
      "A.send+flush", "A.commit", "A.commit->W.first", "W.first->W.last", "W.last->W.commitStart", "W.flush", "W.sendOffsets",
      "W.commit", "W.commit->C.last", "A.commitStart->W.commitEnd", "A.commitEnd->C.last"};

  private final Options o;

  private TxnHopBench(Options o) {
    this.o = o;
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    List<String> reports = new ArrayList<>();
    for (Variant v : o.variants) {
      System.out.printf(Locale.ROOT, "%n=== variant %s (partitions %d, rounds %d, warm-up %d) %s%n", v.label, o.partitions, o.rounds,
          o.warmup, v.settings);
      String report = new TxnHopBench(o).run(v);
      if (!v.label.startsWith("warm")) {
        // A variant labelled warm* only warms this JVM's clients up (JIT): its numbers stay out of the summary.
        reports.add(report);
      }
    }
    System.out.printf(Locale.ROOT, "%n=== summary (ms, median / p90 over %d rounds; partitions %d)%n", o.rounds - o.warmup, o.partitions);
    System.out.println(header());
    reports.forEach(System.out::println);
    // Kafka's client and broker threads are closed by now; nothing else keeps this JVM alive.
    System.exit(0);
  }

  private String run(Variant v) throws Exception {
    Path dir = Files.createTempDirectory("txn-hop-bench");
    EmbeddedBroker.Builder b = EmbeddedBroker.builder(dir.resolve("kafka")).properties(v.scope("broker")).mode(o.mode);
    String childJvm = v.scope("bench").get("childJvm");
    if (childJvm != null) {
      b.childJvmOptions(List.of(childJvm.trim().split("\\s+")));
    }
    try (EmbeddedBroker broker = b.build()) {
      long s0 = System.nanoTime();
      broker.start();
      System.out.printf(Locale.ROOT, "broker (%s) on %s up in %.1f s%n", o.mode, broker.bootstrap(), (System.nanoTime() - s0) / 1e9);
      Map<String, String> compact = Map.of("cleanup.policy", "compact", "segment.bytes", Integer.toString(64 << 20));
      broker.createTopics(List.of(new NewTopic(IN, o.partitions, (short) 1), new NewTopic(OUT, o.partitions, (short) 1),
          new NewTopic(GROUPS, o.partitions, (short) 1).configs(compact), new NewTopic(CALLS, 1, (short) 1).configs(compact)));
      return measure(broker, v);
    } finally {
      deleteQuietly(dir);
    }
  }

  private String measure(EmbeddedBroker broker, Variant v) throws Exception {
    String bootstrap = broker.bootstrap();
    int rounds = o.rounds;
    long[][] t = new long[rounds][];
    Round[] r = new Round[rounds];
    for (int i = 0; i < rounds; i++) {
      r[i] = new Round();
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong workerSeen = new AtomicLong();
    AtomicLong learnerSeen = new AtomicLong();
    Worker worker = new Worker(bootstrap, v, r, workerSeen, failure);
    Learner learner = new Learner(bootstrap, v, r, learnerSeen, failure);
    Thread wt = new Thread(worker, "bench-worker");
    Thread lt = new Thread(learner, "bench-learner");
    Map<String, double[]> before = null;
    double aRetries = Double.NaN;
    try (KafkaProducer<String, byte[]> a = new KafkaProducer<>(rolloutProducer(bootstrap, v.scope("ap")))) {
      a.initTransactions();
      wt.start();
      lt.start();
      worker.awaitAssigned(Duration.ofSeconds(60));
      learner.awaitAssigned(Duration.ofSeconds(60));
      byte[][] payloads = payloads(o.records, o.inBytes, 1);
      Random gaps = new Random(7);
      for (int i = 0; i < rounds; i++) {
        if (i == o.warmup) {
          before = brokerRequestTimes();
        }
        Round x = r[i];
        a.beginTransaction();
        x.aSend = System.nanoTime();
        for (int k = 0; k < o.records; k++) {
          // Keys like group ids: the records spread over the partitions.
          a.send(new ProducerRecord<>(IN, "g" + i + "-" + (k / 8), payloads[k]));
        }
        a.flush();
        x.aCommitStart = System.nanoTime();
        a.commitTransaction();
        x.aCommitEnd = System.nanoTime();
        long want = (long) o.records * (i + 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (learnerSeen.get() < want) {
          if (failure.get() != null) {
            throw new IllegalStateException("a client failed", failure.get());
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("round " + i + ": the learner saw " + learnerSeen.get() + " of " + want + " records within 30 s");
          }
          Thread.sleep(1);
        }
        // An idle gap as between training steps (random, so that rounds do not lock onto the fetch cycles).
        Thread.sleep(o.gapMs + gaps.nextInt(o.gapMs + 1));
      }
      aRetries = producerRetries(a);
    } finally {
      worker.stop = true;
      learner.stop = true;
      wt.join(15_000);
      lt.join(15_000);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a client failed", failure.get());
    }
    Map<String, double[]> after = brokerRequestTimes();
    System.out.printf(Locale.ROOT, "producer record retries over all rounds: A %.0f, worker %.0f%n", aRetries, worker.retries);
    for (int i = 0; i < rounds; i++) {
      Round x = r[i];
      t[i] = new long[] {x.aCommitStart - x.aSend, x.aCommitEnd - x.aCommitStart, x.wFirst - x.aCommitEnd, x.wLast - x.wFirst,
          x.wCommitStart - x.wLast, x.wFlushEnd - x.wCommitStart, x.wOffsetsEnd - x.wFlushEnd, x.wCommitEnd - x.wOffsetsEnd,
          x.cLast - x.wCommitEnd, x.wCommitEnd - x.aCommitStart, x.cLast - x.aCommitEnd};
    }
    System.out.printf(Locale.ROOT, "%-28s %8s %8s %8s %8s%n", "phase (ms)", "median", "p90", "min", "max");
    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-22s", v.label));
    for (int p = 0; p < PHASES.length; p++) {
      double[] xs = new double[rounds - o.warmup];
      for (int i = o.warmup; i < rounds; i++) {
        xs[i - o.warmup] = t[i][p] / 1e6;
      }
      Arrays.sort(xs);
      double med = pct(xs, 50);
      double p90 = pct(xs, 90);
      System.out.printf(Locale.ROOT, "%-28s %8.1f %8.1f %8.1f %8.1f%n", PHASES[p], med, p90, xs[0], xs[xs.length - 1]);
      row.append(String.format(Locale.ROOT, " %5.1f/%5.1f", med, p90));
    }
    if (o.verbose) {
      // Wall-clock time of A's commit start per round, to line rounds up with a broker log.
      long wall0 = System.currentTimeMillis();
      long nano0 = System.nanoTime();
      java.time.format.DateTimeFormatter hms = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
          .withZone(java.time.ZoneId.systemDefault());
      for (int i = 0; i < rounds; i++) {
        long wall = wall0 + (r[i].aCommitStart - nano0) / 1_000_000;
        StringBuilder line = new StringBuilder("round " + i + " (A.commit at " + hms.format(java.time.Instant.ofEpochMilli(wall)) + "):");
        for (long ns : t[i]) {
          line.append(String.format(Locale.ROOT, " %6.1f", ns / 1e6));
        }
        System.out.println(line);
      }
    }
    printRequestTimes(before, after);
    return row.toString();
  }

  private static String header() {
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-22s", "variant"));
    for (String p : PHASES) {
      h.append(String.format(Locale.ROOT, " %11s", p.length() > 11 ? p.substring(0, 11) : p));
    }
    return h.toString();
  }

  private static double pct(double[] sorted, int p) {
    // Nearest rank.
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** One round's time stamps (System.nanoTime), written by the thread that owns the phase. */
  private static final class Round {
    volatile long aSend;
    volatile long aCommitStart;
    volatile long aCommitEnd;
    volatile long wFirst;
    volatile long wLast;
    volatile long wCommitStart;
    volatile long wFlushEnd;
    volatile long wOffsetsEnd;
    volatile long wCommitEnd;
    volatile long cLast;
  }

  // --- the clients ---------------------------------------------------------------------------

  /** The rollout service's trajectory producer (rollout-service KafkaClients.producer plus the fixed settings). */
  private static Properties rolloutProducer(String bootstrap, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-rollout");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
    p.putAll(overrides);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-rollout-0");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** reward-service StreamClients.consumer (with ClientProps.readCommittedConsumer's defaults). */
  private static Properties workerConsumer(String bootstrap, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-reward-0-rollouts");
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putAll(overrides);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reward");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }

  /** reward-service StreamClients.producer (output limits of 1 MiB). */
  private static Properties workerProducer(String bootstrap, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-reward-0");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 << 10));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(1 << 20));
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "5");
    p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "20");
    p.putAll(overrides);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-reward-0");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** learner-service RewardedReader.settings. */
  private static Properties learnerConsumer(String bootstrap, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    p.putAll(overrides);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-learner");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-learner-rewarded");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /** The reward worker: StreamWorker's loop (commit when a 5 ms probe comes back empty) without its pipeline. */
  private final class Worker implements Runnable {
    private final Properties consumerProps;
    private final Properties producerProps;
    private final Round[] rounds;
    private final AtomicLong seen;
    private final AtomicReference<Throwable> failure;
    private final boolean flushFirst;
    private final java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);
    volatile boolean stop;
    volatile double retries;

    Worker(String bootstrap, Variant v, Round[] rounds, AtomicLong seen, AtomicReference<Throwable> failure) {
      this.consumerProps = workerConsumer(bootstrap, v.scope("wc"));
      this.producerProps = workerProducer(bootstrap, v.scope("wp"));
      this.rounds = rounds;
      this.seen = seen;
      this.failure = failure;
      this.flushFirst = Boolean.parseBoolean(v.scope("bench").getOrDefault("flushFirst", "false"));
    }

    void awaitAssigned(Duration timeout) throws InterruptedException {
      if (!assigned.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the worker got no partitions within " + timeout);
      }
    }

    @Override
    public void run() {
      KafkaConsumer<String, byte[]> consumer = null;
      KafkaProducer<String, byte[]> producer = null;
      try {
        consumer = new KafkaConsumer<>(consumerProps);
        producer = new KafkaProducer<>(producerProps);
        loop(consumer, producer);
      } catch (Throwable e) {
        if (!stop) {
          failure.compareAndSet(null, e);
        }
      } finally {
        if (consumer != null) {
          consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
        if (producer != null) {
          retries = producerRetries(producer);
          producer.close(Duration.ofSeconds(5));
        }
      }
    }

    private void loop(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer) {
      producer.initTransactions();
      consumer.subscribe(List.of(IN));
      byte[][] out = payloads(o.records, o.outBytes, 2);
      Map<TopicPartition, Long> positions = new HashMap<>();
      boolean inTransaction = false;
      long n = 0;
      int outIndex = 0;
      while (!stop) {
        ConsumerRecords<String, byte[]> records = consumer.poll(inTransaction ? Duration.ofMillis(5) : Duration.ofMillis(100));
        long now = System.nanoTime();
        if (assigned.getCount() > 0 && !consumer.assignment().isEmpty()) {
          assigned.countDown();
        }
        if (!records.isEmpty()) {
          if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
          }
          int round = (int) (n / o.records);
          if (n % o.records == 0 && round < rounds.length) {
            rounds[round].wFirst = now;
          }
          for (ConsumerRecord<String, byte[]> rec : records) {
            producer.send(new ProducerRecord<>(OUT, rec.key(), out[outIndex++ % out.length]));
            positions.put(new TopicPartition(rec.topic(), rec.partition()), rec.offset() + 1);
            n++;
            if (n % o.records == 0) {
              int done = (int) (n / o.records) - 1;
              if (done < rounds.length) {
                rounds[done].wLast = now;
              }
              // The changelogs: a group marker and an optimal-calls entry per finished batch.
              producer.send(new ProducerRecord<>(GROUPS, rec.partition() % o.partitions, rec.key(), new byte[9]));
              producer.send(new ProducerRecord<>(CALLS, 0, "q" + (n / o.records), new byte[4]));
            }
          }
          seen.set(n);
        } else if (inTransaction) {
          int round = (int) ((n - 1) / o.records);
          Round x = round < rounds.length ? rounds[round] : new Round();
          x.wCommitStart = System.nanoTime();
          if (flushFirst) {
            producer.flush();
          }
          x.wFlushEnd = System.nanoTime();
          Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
          positions.forEach((tp, off) -> offsets.put(tp, new OffsetAndMetadata(off, "hw=" + off)));
          producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
          x.wOffsetsEnd = System.nanoTime();
          producer.commitTransaction();
          x.wCommitEnd = System.nanoTime();
          inTransaction = false;
        }
      }
    }
  }

  /** The learner's read_committed reader of {@code out}. */
  private final class Learner implements Runnable {
    private final Properties props;
    private final Round[] rounds;
    private final AtomicLong seen;
    private final AtomicReference<Throwable> failure;
    private final java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);
    volatile boolean stop;

    Learner(String bootstrap, Variant v, Round[] rounds, AtomicLong seen, AtomicReference<Throwable> failure) {
      this.props = learnerConsumer(bootstrap, v.scope("cc"));
      this.rounds = rounds;
      this.seen = seen;
      this.failure = failure;
    }

    void awaitAssigned(Duration timeout) throws InterruptedException {
      if (!assigned.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the learner got no partitions within " + timeout);
      }
    }

    @Override
    public void run() {
      KafkaConsumer<String, byte[]> consumer = null;
      try {
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(OUT));
        long n = 0;
        while (!stop) {
          ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
          long now = System.nanoTime();
          if (assigned.getCount() > 0 && !consumer.assignment().isEmpty()) {
            assigned.countDown();
          }
          for (ConsumerRecord<String, byte[]> ignored : records) {
            n++;
            if (n % o.records == 0 && n / o.records - 1 < rounds.length) {
              rounds[(int) (n / o.records - 1)].cLast = now;
            }
          }
          seen.set(n);
        }
      } catch (Throwable e) {
        if (!stop) {
          failure.compareAndSet(null, e);
        }
      } finally {
        if (consumer != null) {
          consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
      }
    }
  }

  /** The producer's {@code record-retry-total}: batches sent again after a retriable error (e.g. NETWORK_EXCEPTION). */
  private static double producerRetries(KafkaProducer<?, ?> producer) {
    return producer.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("record-retry-total") && e.getKey().group().equals("producer-metrics"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
  }

  private static byte[][] payloads(int count, int bytes, long seed) {
    // Incompressible, like serialized trajectories and scored groups after compression would be.
    Random rnd = new Random(seed);
    byte[][] out = new byte[count][bytes];
    for (byte[] b : out) {
      rnd.nextBytes(b);
    }
    return out;
  }

  // --- the broker's own view: request times over the measured rounds --------------------------------------------

  private static final String[] REQUESTS = {"Produce", "EndTxn", "TxnOffsetCommit", "AddOffsetsToTxn", "AddPartitionsToTxn",
      "WriteTxnMarkers", "FetchConsumer"};
  private static final String[] PARTS = {"TotalTimeMs", "RequestQueueTimeMs", "LocalTimeMs", "RemoteTimeMs", "ResponseQueueTimeMs",
      "ResponseSendTimeMs"};

  /** Per request and time part: {count, sum} of the broker's RequestMetrics histograms (Mean × Count). */
  private static Map<String, double[]> brokerRequestTimes() {
    MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
    Map<String, double[]> m = new LinkedHashMap<>();
    for (String req : REQUESTS) {
      for (String part : PARTS) {
        try {
          ObjectName name = new ObjectName("kafka.network:type=RequestMetrics,name=" + part + ",request=" + req);
          if (!mbs.isRegistered(name)) {
            continue;
          }
          double count = ((Number) mbs.getAttribute(name, "Count")).doubleValue();
          double mean = ((Number) mbs.getAttribute(name, "Mean")).doubleValue();
          m.put(req + "/" + part, new double[] {count, count * mean});
        } catch (Exception e) {
          // not registered in this broker: left out
        }
      }
    }
    return m;
  }

  private static void printRequestTimes(Map<String, double[]> before, Map<String, double[]> after) {
    if (before == null || after.isEmpty()) {
      return;
    }
    System.out.printf(Locale.ROOT, "broker request times over the measured rounds (mean ms): %-18s %6s", "request", "count");
    for (String part : PARTS) {
      System.out.printf(Locale.ROOT, " %8s", part.replace("TimeMs", "").replace("Request", "Req").replace("Response", "Resp"));
    }
    System.out.println();
    for (String req : REQUESTS) {
      double[] a = after.get(req + "/TotalTimeMs");
      if (a == null) {
        continue;
      }
      double[] b = before.getOrDefault(req + "/TotalTimeMs", new double[2]);
      double count = a[0] - b[0];
      if (count <= 0) {
        continue;
      }
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%59s %-18s %6.0f", "", req, count));
      for (String part : PARTS) {
        double[] pa = after.get(req + "/" + part);
        double[] pb = before.getOrDefault(req + "/" + part, new double[2]);
        line.append(pa == null ? String.format(Locale.ROOT, " %8s", "-")
            : String.format(Locale.ROOT, " %8.2f", (pa[1] - pb[1]) / Math.max(1, pa[0] - pb[0])));
      }
      System.out.println(line);
    }
  }

  // --- options -----------------------------------------------------------------------------------------------------

  private record Variant(String label, Map<String, String> settings) {
    /** The settings of one scope without the scope prefix. */
    Map<String, String> scope(String scope) {
      Map<String, String> m = new LinkedHashMap<>();
      settings.forEach((k, val) -> {
        if (k.startsWith(scope + ".")) {
          m.put(k.substring(scope.length() + 1), val);
        }
      });
      return m;
    }

    static Variant parse(String s) {
      int colon = s.indexOf(':');
      String label = colon < 0 ? s : s.substring(0, colon);
      Map<String, String> settings = new LinkedHashMap<>();
      if (colon >= 0) {
        for (String kv : s.substring(colon + 1).split(",")) {
          if (kv.isBlank()) {
            continue;
          }
          int eq = kv.indexOf('=');
          if (eq < 0 || !kv.substring(0, eq).matches("(broker|ap|wc|wp|cc|bench)\\..+")) {
            throw new IllegalArgumentException("not scope.key=value (scope broker, ap, wc, wp, cc, bench): " + kv);
          }
          settings.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
      }
      return new Variant(label, settings);
    }
  }

  private static final class Options {
    int partitions = 4;
    int rounds = 30;
    int warmup = 5;
    int records = 256;
    int inBytes = 8 * 1024;
    int outBytes = 2 * 1024;
    int gapMs = 200;
    boolean verbose;
    EmbeddedBroker.Mode mode = EmbeddedBroker.Mode.IN_JVM;
    final List<Variant> variants = new ArrayList<>();

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--partitions" -> o.partitions = Integer.parseInt(args[++i]);
          case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
          case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
          case "--records" -> o.records = Integer.parseInt(args[++i]);
          case "--in-bytes" -> o.inBytes = Integer.parseInt(args[++i]);
          case "--out-bytes" -> o.outBytes = Integer.parseInt(args[++i]);
          case "--gap-ms" -> o.gapMs = Integer.parseInt(args[++i]);
          case "--verbose" -> o.verbose = true;
          case "--mode" -> o.mode = "child".equals(args[++i]) ? EmbeddedBroker.Mode.CHILD_PROCESS : EmbeddedBroker.Mode.IN_JVM;
          case "--variant" -> o.variants.add(Variant.parse(args[++i]));
          default -> throw new IllegalArgumentException("unknown option " + a
              + " (--partitions N --rounds N --warmup N --records N --in-bytes N --out-bytes N --gap-ms N --verbose --mode in-jvm|child --variant label[:scope.k=v,...])");
        }
      }
      if (o.variants.isEmpty()) {
        o.variants.add(new Variant("base", Map.of()));
      }
      if (o.warmup >= o.rounds) {
        throw new IllegalArgumentException("--warmup must be below --rounds");
      }
      return o;
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a temp folder
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
