package ai.otc.reward.pipeline;

import ai.otc.contract.Topics;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.reward.core.GroupAssembler;
import ai.otc.reward.core.Rejection;
import ai.otc.reward.domain.RewardSettings;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * One life of the reward stream on plain Kafka clients: restores the optimal-call table, subscribes
 * to otc.rollouts.v1 in the service's consumer group and runs the {@link RewardPipeline} in
 * exactly-once consume-produce transactions (KIP-447: the producer commits the source offsets with
 * the consumer's group metadata, so a zombie from an older generation is fenced).
 *
 * <p>Each transaction holds, for one commit interval: the scored groups (otc.rewarded.v1), dead
 * letters, group markers and lowered n values (the two changelogs), and the source offsets, each
 * the lower of the consumer's position and the first offset a pending group still needs, with the
 * position itself as the processed high-water mark in the offset metadata. After a restart or a
 * rebalance the new owner restores the partition's markers, re-reads from the committed offset and
 * treats records below the high-water mark as replay (rebuilding pending groups, emitting nothing
 * again). Any failure — a lost partition, a fenced producer, an aborted transaction — ends this
 * life with an exception; {@link RewardStream} then starts a new one from the committed state.
 */
final class StreamWorker implements ConsumerRebalanceListener, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StreamWorker.class);
  private static final String HW = "hw=";
  private static final Duration POLL = Duration.ofMillis(100);
  /**
   * The poll while a transaction is open and {@code commitWhenIdle} is on: an empty answer this short means the input
   * is drained for now, and the transaction commits at once instead of at the end of the commit interval.
   */
  private static final Duration IDLE_PROBE_POLL = Duration.ofMillis(5);
  private static final Duration RESTORE_POLL = Duration.ofMillis(200);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** Everything one life needs besides the pipeline. */
  record Params(KafkaConnection kafka, String applicationId, String instanceId, Duration commitInterval, boolean commitWhenIdle,
      Duration progressInterval, Map<String, String> consumerOverrides, Map<String, String> producerOverrides, int rewardedRecordLimit,
      int dlqRecordLimit) {

    /** The same with the record limits of this life's output topics. */
    Params withRecordLimits(int rewarded, int dlq) {
      return new Params(kafka, applicationId, instanceId, commitInterval, commitWhenIdle, progressInterval, consumerOverrides,
          producerOverrides, rewarded, dlq);
    }

    String bootstrap() {
      return kafka.bootstrap();
    }

    String groupsTopic() {
      return Topics.rewardGroups(applicationId);
    }

    String optimalCallsTopic() {
      return Topics.rewardOptimalCalls(applicationId);
    }
  }

  private final Params params;
  private final RewardSettings settings;
  private final RewardPipeline pipeline;
  private final RewardStream.StatusBoard status;
  private final LongSupplier clock;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaConsumer<String, byte[]> restorer;
  private final KafkaConsumer<String, byte[]> tableTail;
  private final KafkaProducer<String, byte[]> producer;
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  private final Callback onSent = (md, e) -> {
    if (e != null) {
      sendFailure.compareAndSet(null, e);
    }
  };
  private final Sink sink = new Sink();
  /** Next offset to read per assigned partition, as far as processed records show. */
  private final Map<Integer, Long> positions = new HashMap<>();
  /** Records below this offset were processed by a committed transaction: replay. */
  private final Map<Integer, Long> replayUntil = new HashMap<>();
  private boolean inTransaction;
  private boolean closing;
  /** Set by {@link #run}: restores give up when the application stops rather than wait for a broker. */
  private BooleanSupplier stop = () -> false;
  private long transactionStartMs;
  private ConsumerRecord<String, byte[]> current;
  /** Where the loop's time went since the last progress line (nanoseconds), for the operator and for tuning. */
  private long pollNanos;
  private long processNanos;
  private long commitNanos;
  private long commits;
  private long recordsSinceReport;
  private long reportStartNanos = System.nanoTime();
  /** Whether the rollouts partitions are paused because the pending groups reached a cap. */
  private boolean paused;

  StreamWorker(Params params, RewardSettings settings, RewardPipeline pipeline, RewardStream.StatusBoard status, LongSupplier clock) {
    this.params = params;
    this.settings = settings;
    this.pipeline = pipeline;
    this.status = status;
    this.clock = clock;
    this.consumer = new KafkaConsumer<>(StreamClients.consumer(params));
    this.restorer = new KafkaConsumer<>(StreamClients.reader(params));
    this.tableTail = new KafkaConsumer<>(StreamClients.reader(params));
    this.producer = new KafkaProducer<>(StreamClients.producer(params, settings));
  }

  /** Runs until {@code stop} says so (then commits what is open) or a failure ends this life. */
  void run(BooleanSupplier stop) {
    this.stop = stop;
    status.state(RewardStream.State.RESTORING);
    restoreTable();
    producer.initTransactions();
    consumer.subscribe(List.of(settings.rolloutsTopic()), this);
    status.state(RewardStream.State.RUNNING);
    long nextPunctuate = clock.getAsLong() + settings.punctuateInterval().toMillis();
    while (!stop.getAsBoolean()) {
      long t0 = System.nanoTime();
      boolean probing = inTransaction && params.commitWhenIdle();
      ConsumerRecords<String, byte[]> records = consumer.poll(probing ? IDLE_PROBE_POLL : POLL);
      long t1 = System.nanoTime();
      pollNanos += t1 - t0;
      recordsSinceReport += records.count();
      long now = clock.getAsLong();
      if (!records.isEmpty()) {
        begin(now);
      }
      // Per partition: its replay mark is looked up, and its position recorded, once per poll, not per record.
      Map<TopicPartition, Long> rewind = null;
      for (TopicPartition tp : records.partitions()) {
        List<ConsumerRecord<String, byte[]>> recs = records.records(tp);
        if (rewind != null) {
          rewind.put(tp, recs.get(0).offset());
          continue;
        }
        int p = tp.partition();
        long replayUntilOffset = replayUntil.getOrDefault(p, -1L);
        long last = -1;
        for (int i = 0; i < recs.size(); i++) {
          ConsumerRecord<String, byte[]> rec = recs.get(i);
          current = rec;
          last = rec.offset();
          pipeline.process(p, last, rec.timestamp(), rec.key(), rec.value(), now, last < replayUntilOffset, sink);
          if (pipeline.atPendingCap()) {
            rewind = new HashMap<>();
            if (i + 1 < recs.size()) {
              rewind.put(tp, last + 1);
            }
            break;
          }
        }
        positions.put(p, last + 1);
      }
      current = null;
      if (rewind != null) {
        pause(rewind);
      } else if (paused && pipeline.belowResumeMark()) {
        consumer.resume(consumer.paused());
        paused = false;
        status.backPressure(false);
        LOG.infof("resuming the rollouts partitions: %d pending groups, %d bytes", pipeline.pendingGroups(), pipeline.pendingBytes());
      }
      processNanos += System.nanoTime() - t1;
      if (now >= nextPunctuate) {
        pipeline.punctuate(now, sink);
        tailTable();
        status.lag(lag());
        nextPunctuate = now + settings.punctuateInterval().toMillis();
      }
      // A drained input commits at once: a synchronous trainer waits for exactly this transaction (its last group).
      // Drained: this poll read up to the end of what is readable on every partition (caughtUp, from the last fetch),
      // or, when that is not known, a 5 ms poll came back empty.
      boolean idle = params.commitWhenIdle() && (probing && records.isEmpty() || !records.isEmpty() && caughtUp());
      if (inTransaction && (idle || now - transactionStartMs >= params.commitInterval().toMillis())) {
        long c0 = System.nanoTime();
        commit();
        commitNanos += System.nanoTime() - c0;
        commits++;
      }
      maybeReport();
      status.progress(pipeline.pendingGroups(), pipeline.finishedMarkers(), pipeline.pendingBytes());
    }
    if (inTransaction) {
      commit();
    }
  }

  /**
   * Back-pressure: the pending groups reached a cap, so the records fetched but not processed are given back (the
   * consumer seeks to them) and every assigned partition is paused until timeouts or completions bring the pending
   * groups under the resume mark. The heap holds at most the caps plus one record.
   */
  private void pause(Map<TopicPartition, Long> rewind) {
    for (Map.Entry<TopicPartition, Long> e : rewind.entrySet()) {
      consumer.seek(e.getKey(), e.getValue());
    }
    consumer.pause(consumer.assignment());
    if (!paused) {
      paused = true;
      status.backPressure(true);
      LOG.warnf("pausing the rollouts partitions: %d pending groups, %d bytes (caps otc.reward.limits.max-pending-groups %d,"
              + " max-pending-bytes %d); they resume when groups complete or time out", pipeline.pendingGroups(), pipeline.pendingBytes(),
          settings.limits().maxPendingGroups(), settings.limits().maxPendingBytes());
    }
  }

  /** Logs a progress line every {@code progressInterval}: rate, where the loop's time went, pending groups, lag. */
  private void maybeReport() {
    long elapsed = System.nanoTime() - reportStartNanos;
    if (elapsed < params.progressInterval().toNanos()) {
      return;
    }
    if (recordsSinceReport > 0 || pipeline.pendingGroups() > 0) {
      LOG.infof("rollouts %.0f/s (%d records in %.1f s); time in poll %.0f%%, processing %.0f%%, commits %.0f%% (%d, %.1f ms each);"
              + " pending groups %d, finished markers %d, questions with n %d, lag %.0f",
          recordsSinceReport / (elapsed / 1e9), recordsSinceReport, elapsed / 1e9, 100.0 * pollNanos / elapsed, 100.0 * processNanos / elapsed,
          100.0 * commitNanos / elapsed, commits, commits == 0 ? 0 : commitNanos / 1e6 / commits, pipeline.pendingGroups(),
          pipeline.finishedMarkers(), pipeline.table().size(), lag());
    }
    reportStartNanos = System.nanoTime();
    pollNanos = processNanos = commitNanos = commits = recordsSinceReport = 0;
  }

  private void begin(long now) {
    if (!inTransaction) {
      producer.beginTransaction();
      inTransaction = true;
      transactionStartMs = now;
    }
  }

  private void commit() {
    pipeline.beforeCommit(sink);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Map.Entry<Integer, Long> e : positions.entrySet()) {
      long position = e.getValue();
      long safe = Math.min(position, pipeline.oldestNeededOffset(e.getKey()).orElse(position));
      offsets.put(new TopicPartition(settings.rolloutsTopic(), e.getKey()), new OffsetAndMetadata(safe, HW + position));
    }
    if (!offsets.isEmpty()) {
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
    }
    producer.commitTransaction();
    inTransaction = false;
    Exception failed = sendFailure.get();
    if (failed != null) {
      // commitTransaction throws when a send failed; this is the belt to its braces.
      throw new IllegalStateException("a send of the committed transaction failed: " + failed, failed);
    }
    status.committed(clock.getAsLong());
  }

  /**
   * Whether this consumer's position is at the end of what it may read (the last stable offset: read_committed) on
   * every assigned partition, as the last fetch saw it: nothing more is readable now, so waiting for an empty poll
   * would only add its 5 ms. False while any partition's lag is unknown or positive (records fetched but not yet
   * returned by poll count as lag), or while the input is paused.
   */
  private boolean caughtUp() {
    if (paused) {
      return false;
    }
    Set<TopicPartition> parts = consumer.assignment();
    if (parts.isEmpty()) {
      return false;
    }
    for (TopicPartition tp : parts) {
      OptionalLong lag = consumer.currentLag(tp);
      if (lag.isEmpty() || lag.getAsLong() > 0) {
        return false;
      }
    }
    return true;
  }

  /** Sums the consumer's per-partition {@code records-lag} of the rollouts topic; NaN before the first fetch. */
  private double lag() {
    double sum = 0;
    boolean any = false;
    for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
      MetricName name = e.getKey();
      if ("records-lag".equals(name.name()) && "consumer-fetch-manager-metrics".equals(name.group())
          && settings.rolloutsTopic().equals(name.tags().get("topic"))) {
        Object v = e.getValue().metricValue();
        if (v instanceof Number num && !Double.isNaN(num.doubleValue())) {
          sum += num.doubleValue();
          any = true;
        }
      }
    }
    return any ? sum : Double.NaN;
  }

  /** Reads the whole optimal-calls changelog into the table before any group is scored. */
  private void restoreTable() {
    List<TopicPartition> parts = partitions(restorer, params.optimalCallsTopic());
    restorer.assign(parts);
    restorer.seekToBeginning(parts);
    long applied = readToEnd(restorer, parts, rec -> applyOptimalCalls(rec));
    tableTail.assign(parts);
    for (TopicPartition tp : parts) {
      tableTail.seek(tp, restorer.position(tp));
    }
    restorer.assign(List.of());
    status.markTableRestored();
    LOG.infof("restored %d optimal-call records (%d questions) from %s", applied, pipeline.table().size(), params.optimalCallsTopic());
  }

  /** Applies what other instances (and this one) committed to the optimal-calls changelog since the last look. */
  private void tailTable() {
    for (ConsumerRecord<String, byte[]> rec : tableTail.poll(Duration.ZERO)) {
      applyOptimalCalls(rec);
    }
  }

  private void applyOptimalCalls(ConsumerRecord<String, byte[]> rec) {
    if (rec.key() == null || rec.value() == null || rec.value().length != 4) {
      throw new IllegalStateException("optimal-calls changelog record at " + rec.topic() + "-" + rec.partition() + "@" + rec.offset()
          + " is not (question id, int32 n)");
    }
    pipeline.table().mergeMin(rec.key(), ByteBuffer.wrap(rec.value()).getInt());
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    List<TopicPartition> markerParts = new ArrayList<>();
    int markerPartitions = partitions(restorer, params.groupsTopic()).size();
    for (TopicPartition tp : partitions) {
      if (tp.partition() >= markerPartitions) {
        throw new IllegalStateException(params.groupsTopic() + " has " + markerPartitions + " partitions but "
            + settings.rolloutsTopic() + " has partition " + tp.partition() + ": the group changelog needs one partition per rollouts partition");
      }
      markerParts.add(new TopicPartition(params.groupsTopic(), tp.partition()));
    }
    restorer.assign(markerParts);
    restorer.seekToBeginning(markerParts);
    long n = readToEnd(restorer, markerParts, rec -> pipeline.restoreMarker(rec.key(), rec.partition(), rec.value()));
    restorer.assign(List.of());
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata om = committed.get(tp);
      if (om != null && om.metadata() != null && om.metadata().startsWith(HW)) {
        replayUntil.put(tp.partition(), Long.parseLong(om.metadata().substring(HW.length())));
      }
    }
    LOG.infof("assigned %s: %d marker records restored, replay up to %s", partitions, n, replayUntil);
    status.assignment(consumer.assignment());
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (inTransaction) {
      // Hand over a clean cut: everything processed so far is committed before the partitions move.
      commit();
    }
    drop(partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    if (closing) {
      // This life is already over (close() after a failure): let the consumer leave the group cleanly,
      // so that the partitions move at once instead of after the session timeout.
      return;
    }
    // The generation is gone, so the open transaction's offsets can no longer commit, and this
    // instance's in-memory state has moved past what is committed: start a new life from the committed state.
    throw new IllegalStateException("partitions " + partitions + " were lost (session timeout or fencing); restarting from the committed state");
  }

  private void drop(Collection<TopicPartition> partitions) {
    List<Integer> ps = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      ps.add(tp.partition());
      positions.remove(tp.partition());
      replayUntil.remove(tp.partition());
    }
    pipeline.dropPartitions(ps);
    status.assignment(consumer.assignment());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
    List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    List<TopicPartition> out = new ArrayList<>(infos.size());
    for (PartitionInfo pi : infos) {
      out.add(new TopicPartition(topic, pi.partition()));
    }
    return out;
  }

  /** Reads the assigned partitions up to their end (the last stable offset: read_committed) as of now. */
  private long readToEnd(KafkaConsumer<String, byte[]> c, List<TopicPartition> parts,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> apply) {
    Map<TopicPartition, Long> end = c.endOffsets(parts);
    long n = 0;
    while (true) {
      boolean done = true;
      for (TopicPartition tp : parts) {
        if (c.position(tp) < end.get(tp)) {
          done = false;
          break;
        }
      }
      if (done) {
        return n;
      }
      if (stop.getAsBoolean()) {
        throw new IllegalStateException("stopping while restoring " + parts);
      }
      for (ConsumerRecord<String, byte[]> rec : c.poll(RESTORE_POLL)) {
        apply.accept(rec);
        n++;
      }
    }
  }

  /** Turns the pipeline's outputs into sends of the open transaction. */
  private final class Sink implements RewardPipeline.Sink {
    @Override
    public void rewarded(String groupId, byte[] scoredGroup, long timestampMs) {
      begin(clock.getAsLong());
      RecordHeaders h = new RecordHeaders();
      ContractHeaders.stamp(h, ai.otc.contract.Headers.TYPE_SCORED_GROUP);
      producer.send(new ProducerRecord<>(settings.rewardedTopic(), null, timestampMs, groupId, scoredGroup, h), onSent);
    }

    @Override
    public void deadLetter(Rejection rejection) {
      begin(clock.getAsLong());
      ConsumerRecord<String, byte[]> rec = current;
      producer.send(DeadLetters.record(settings.dlqTopic(), params.dlqRecordLimit(), rec.key(), rec.value(), rec.headers().toArray(),
          rejection, rec.topic(), rec.partition(), rec.offset(), rec.timestamp()), onSent);
    }

    @Override
    public void deadLetterMember(Rejection rejection, String groupId, byte[] value, GroupAssembler.MemberSource source) {
      begin(clock.getAsLong());
      // The member's own headers are not kept in memory while its group is pending: its contract headers are stamped again.
      RecordHeaders own = new RecordHeaders();
      ContractHeaders.stamp(own, ai.otc.contract.Headers.TYPE_TRAJECTORY);
      producer.send(DeadLetters.record(settings.dlqTopic(), params.dlqRecordLimit(), groupId, value, own.toArray(), rejection,
          settings.rolloutsTopic(), source.partition(), source.offset(), source.timestampMs()), onSent);
    }

    @Override
    public void groupMarker(String groupId, int partition, byte[] value) {
      begin(clock.getAsLong());
      producer.send(new ProducerRecord<>(params.groupsTopic(), partition, clock.getAsLong(), groupId, value), onSent);
    }

    @Override
    public void optimalCalls(String questionId, int n) {
      begin(clock.getAsLong());
      producer.send(new ProducerRecord<>(params.optimalCallsTopic(), null, clock.getAsLong(), questionId,
          ByteBuffer.allocate(4).putInt(n).array()), onSent);
    }
  }

  @Override
  public void close() {
    closing = true;
    // Bounded: after a failure the broker may be gone, and a stop must not hang on it.
    closeQuietly(() -> consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT)), "consumer");
    closeQuietly(() -> restorer.close(CloseOptions.timeout(CLOSE_TIMEOUT)), "restore consumer");
    closeQuietly(() -> tableTail.close(CloseOptions.timeout(CLOSE_TIMEOUT)), "table consumer");
    closeQuietly(() -> producer.close(CLOSE_TIMEOUT), "producer");
  }

  private static void closeQuietly(AutoCloseable c, String what) {
    try {
      c.close();
    } catch (Exception e) {
      // Closing after a failure may fail again; the first failure is what matters, but say so.
      LOG.warnf("closing the %s failed: %s", what, e.toString());
    }
  }
}
