package ai.otc.reward.core;

import ai.otc.contract.Headers;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.InMemoryOptimalCallState;
import ai.otc.core.reward.RewardConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Re-scores a range of otc.rollouts.v1 with another reward or version into a topic of the user's
 * choice ({@code ./otc rescore}), on plain kafka-clients. It never touches the live service: it
 * reads with {@code assign} and no consumer group (no committed offsets), keeps n in its own
 * in-memory state that starts empty, and writes only to the target topic.
 *
 * <p>Determinism: the range is resolved to fixed offsets up front; records of all partitions are
 * processed in (record timestamp, partition, offset) order, so the per-question n evolves the same
 * way on every run; groups still incomplete at the end are handled in group-id order; every
 * output's id, member order, {@code scored_at} and record timestamp derive from the input. The same
 * range therefore gives the same records, in the same order. The range is held in memory while it
 * is sorted: size ranges to the heap.
 */
public final class Rescorer {

  /** Everything a re-scoring needs. */
  public record Request(
      String bootstrapServers,
      String sourceTopic,
      String targetTopic,
      RescoreRange range,
      RewardConfig reward,
      CorrectnessSource correctness,
      TimeoutPolicy incompletePolicy,
      Map<String, String> clientOverrides) {}

  private record Entry(int partition, long offset, long timestamp, String key, byte[] value) {}

  private static final Comparator<Entry> ORDER =
      Comparator.comparingLong(Entry::timestamp).thenComparingInt(Entry::partition).thenComparingLong(Entry::offset);

  private final Consumer<String> log;

  /** @param log where refused records (with partition/offset) are reported, one line each */
  public Rescorer(Consumer<String> log) {
    this.log = log;
  }

  /** Runs the re-scoring to completion; the target topic must exist or be auto-creatable. */
  public RescoreReport run(Request req) {
    if (req.sourceTopic().equals(req.targetTopic())) {
      throw new IllegalArgumentException("target topic must differ from the source topic " + req.sourceTopic());
    }
    TreeMap<Integer, long[]> ranges = new TreeMap<>();
    List<Entry> entries = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps(req))) {
      List<TopicPartition> parts = new ArrayList<>();
      List<PartitionInfo> infos = consumer.partitionsFor(req.sourceTopic(), Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + req.sourceTopic() + " does not exist or has no partitions");
      }
      for (PartitionInfo pi : infos) {
        parts.add(new TopicPartition(pi.topic(), pi.partition()));
      }
      resolve(consumer, parts, req.range(), ranges);
      Map<TopicPartition, Long> remaining = new HashMap<>();
      for (TopicPartition tp : parts) {
        long[] r = ranges.get(tp.partition());
        if (r[0] < r[1]) {
          remaining.put(tp, r[1]);
        }
      }
      consumer.assign(remaining.keySet());
      for (TopicPartition tp : remaining.keySet()) {
        consumer.seek(tp, ranges.get(tp.partition())[0]);
      }
      while (!remaining.isEmpty()) {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
          Long end = remaining.get(tp);
          if (end != null && rec.offset() < end) {
            entries.add(new Entry(rec.partition(), rec.offset(), rec.timestamp(), rec.key(), rec.value()));
          }
        }
        // Transaction markers and aborted records take offsets too: compare the position, not the last record.
        for (TopicPartition tp : new ArrayList<>(remaining.keySet())) {
          if (consumer.position(tp) >= remaining.get(tp)) {
            remaining.remove(tp);
          }
        }
        consumer.assign(remaining.keySet());
      }
    }
    entries.sort(ORDER);
    return scoreAndWrite(req, ranges, entries);
  }

  private RescoreReport scoreAndWrite(Request req, TreeMap<Integer, long[]> ranges, List<Entry> entries) {
    ScoredGroupWriter writer = new ScoredGroupWriter(new GroupScorer(req.reward()), new OutcomeMapper(req.correctness()));
    InMemoryOptimalCallState state = new InMemoryOptimalCallState();
    GroupAssembler assembler = new GroupAssembler();
    Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
    long duplicates = 0;
    long late = 0;
    long partial = 0;
    long dropped = 0;
    List<Output> out = new ArrayList<>();
    for (Entry e : entries) {
      GroupRules.Decoded d = GroupRules.decode(e.key(), e.value());
      if (d instanceof GroupRules.Refused r) {
        reject(rejected, r.rejection(), e);
        continue;
      }
      // No wall clock: a re-scoring never times groups out (the rest is drained at the end of the range).
      GroupAssembler.AddResult res = assembler.add(((GroupRules.Accepted) d).trajectory(), e.partition(), e.offset(), e.timestamp(), 0);
      switch (res) {
        case GroupAssembler.Completed c -> out.add(score(writer, c.group(), state));
        case GroupAssembler.Duplicate x -> duplicates++;
        case GroupAssembler.LateMember x -> late++;
        case GroupAssembler.Refused r -> reject(rejected, r.rejection(), e);
        case GroupAssembler.Pending x -> { }
      }
    }
    for (GroupAssembler.AssembledGroup g : assembler.drainIncomplete(0)) {
      if (req.incompletePolicy() == TimeoutPolicy.SCORE_PARTIAL) {
        out.add(score(writer, g, state));
        partial++;
      } else {
        dropped++;
      }
    }
    write(req, out);
    return new RescoreReport(ranges, entries.size(), out.size(), partial, dropped, duplicates, late, rejected);
  }

  /** One output record: key = group id, record timestamp = the latest member's. */
  private record Output(String groupId, byte[] value, long timestampMs) {}

  private static Output score(ScoredGroupWriter writer, GroupAssembler.AssembledGroup g, InMemoryOptimalCallState state) {
    ScoredGroupWriter.Result r = writer.write(g.groupId(), g.questionId(), g.expectedSize(), g.members(), g.partial(),
        g.latestRecordTimestampMs(), state);
    return new Output(g.groupId(), r.bytes(), g.latestRecordTimestampMs());
  }

  private void reject(Map<RejectReason, Long> rejected, Rejection r, Entry e) {
    rejected.merge(r.reason(), 1L, Long::sum);
    log.accept("rejected partition " + e.partition() + " offset " + e.offset() + ": " + r.reason().wireName() + ": " + r.detail());
  }

  private static void write(Request req, List<Output> out) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, req.bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putAll(req.clientOverrides());
    List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>(out.size());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      for (Output g : out) {
        ProducerRecord<String, byte[]> rec = new ProducerRecord<>(req.targetTopic(), null, g.timestampMs(), g.groupId(), g.value());
        ContractHeaders.stamp(rec.headers(), Headers.TYPE_SCORED_GROUP);
        sent.add(producer.send(rec));
      }
      producer.flush();
      // Every send is checked: a failed write must fail the command, not vanish in a callback.
      for (var f : sent) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("writing to " + req.targetTopic() + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while writing to " + req.targetTopic(), e);
        }
      }
    }
  }

  private static Properties consumerProps(Request req) {
    Properties p = ClientProps.readCommittedConsumer(req.bootstrapServers(), 2000);
    p.putAll(req.clientOverrides());
    return p;
  }

  private static void resolve(KafkaConsumer<String, byte[]> c, List<TopicPartition> parts, RescoreRange range, Map<Integer, long[]> out) {
    Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
    Map<TopicPartition, Long> end = c.endOffsets(parts);
    Map<TopicPartition, OffsetAndTimestamp> fromT = range.fromTime() == null ? Map.of()
        : c.offsetsForTimes(timesFor(parts, range.fromTime().toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> toT = range.toTime() == null ? Map.of()
        : c.offsetsForTimes(timesFor(parts, range.toTime().toEpochMilli()));
    for (TopicPartition tp : parts) {
      long b = begin.get(tp);
      long e = end.get(tp);
      long from = b;
      long to = e;
      Long fromOffset = range.fromOffset(tp.partition());
      Long toOffset = range.toOffset(tp.partition());
      if (fromOffset != null) {
        from = Math.max(b, fromOffset);
      }
      if (toOffset != null) {
        to = Math.min(e, toOffset);
      }
      if (range.fromTime() != null) {
        OffsetAndTimestamp o = fromT.get(tp);
        from = o == null ? e : o.offset();
      }
      if (range.toTime() != null) {
        OffsetAndTimestamp o = toT.get(tp);
        to = o == null ? e : o.offset();
      }
      out.put(tp.partition(), new long[] {from, Math.max(from, to)});
    }
  }

  private static Map<TopicPartition, Long> timesFor(List<TopicPartition> parts, long ms) {
    Map<TopicPartition, Long> m = new HashMap<>();
    for (TopicPartition tp : parts) {
      m.put(tp, ms);
    }
    return m;
  }
}
